"""pg_trgm for the site search's trigram similarity, on PostgreSQL only (SQLite needs nothing)."""

from django.db import migrations


def create_pg_trgm(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_correction_text_limits"),
    ]

    operations = [
        # Going back leaves the extension in place: other code in the database may use it.
        migrations.RunPython(create_pg_trgm, migrations.RunPython.noop, elidable=False),
    ]
