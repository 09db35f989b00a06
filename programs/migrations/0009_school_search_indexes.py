"""Indexes that let the site search find candidate schools without scoring every school
(PostgreSQL only: SQLite's search is a plain match that needs none)."""

from django.db import migrations

# The same expression programs/search.py prefilters on: a school's name and city.
PLACE_TEXT = "(name || ' ' || city)"
INDEXES = {
    "school_place_trigrams": f"USING gin ({PLACE_TEXT} gin_trgm_ops)",
    "school_place_document": f"USING gin (to_tsvector('english', {PLACE_TEXT}))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON programs_school {definition}"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_listing_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
