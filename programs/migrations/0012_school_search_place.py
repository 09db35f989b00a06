"""A school's name and city in one stored column, `search_place`, that site search finds schools
by (search/postgres.py), with its trigram and full-text indexes (PostgreSQL only: SQLite's search
is a plain match that needs none).

The new indexes replace migration 0009's, which indexed the expression `(name || ' ' || city)`
that the search used to write in SQL. These are built from the very expressions the ORM compiles
for the search's conditions (`search_place %> word`, `to_tsvector('english', search_place) @@ q`),
so the planner uses them for the ORM's queries.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models.functions import Concat

INDEXES = [
    GinIndex(fields=["search_place"], opclasses=["gin_trgm_ops"], name="school_search_place_trgm"),
    GinIndex(SearchVector("search_place", config="english"), name="school_search_place_text"),
]
# Migration 0009's indexes, put back if this migration is reversed.
OLD_PLACE_TEXT = "(name || ' ' || city)"
OLD_INDEXES = {
    "school_place_trigrams": f"USING gin ({OLD_PLACE_TEXT} gin_trgm_ops)",
    "school_place_document": f"USING gin (to_tsvector('english', {OLD_PLACE_TEXT}))",
}


def drop_old_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_old_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in OLD_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON programs_school {definition}"
            )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        school = apps.get_model("programs", "School")
        for index in INDEXES:
            schema_editor.add_index(school, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        school = apps.get_model("programs", "School")
        for index in INDEXES:
            schema_editor.remove_index(school, index)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_models_moved_to_their_apps"),
    ]

    operations = [
        migrations.RunPython(drop_old_indexes, create_old_indexes, elidable=False),
        migrations.AddField(
            model_name="school",
            name="search_place",
            field=models.GeneratedField(
                db_persist=True,
                expression=Concat("name", models.Value(" "), "city"),
                output_field=models.CharField(max_length=301),
            ),
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
