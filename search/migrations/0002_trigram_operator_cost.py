"""Tell PostgreSQL's planner what pg_trgm's `%>` costs (search's candidate schools), on
PostgreSQL only.

pg_trgm declares the function behind `%>` (word_similarity_commutator_op) with cost 1, as cheap
as comparing two integers. On a small table (the real data's 1,912 schools) the planner then
prefers computing it for every school to the trigram index on `search_place`: 47.6 ms for
"phlebotomy" against 31.5 ms with the cost at 100 (docs/search.md). Only the extension's owner
may change it: where the site's database user is not, the migration says so and goes on.
"""

from django.db import migrations

OPERATOR = "word_similarity_commutator_op(text, text)"


def set_cost(cost):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"""DO $$ BEGIN
                ALTER FUNCTION {OPERATOR} COST {cost};
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'pg_trgm belongs to another role: % keeps its cost', '{OPERATOR}';
            END $$""",
            None,  # no parameters: the % above is RAISE's, not a placeholder
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_synonyms"),
        ("programs", "0012_school_search_place"),
    ]

    operations = [
        migrations.RunPython(set_cost(100), set_cost(1), elidable=False),
    ]
