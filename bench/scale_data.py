"""Synthetic schools and programs for scale tests (10k to 1M programs), never real data.

They go into a database of their own (bench/load.py makes one per size), which holds the real
reference data the pages need (careers, guides, ZIP codes) and no real schools or programs:
`generate` refuses a database with real ones. Every synthetic row says so where people look:
school names start with "Synthetic school", and `data_source` is SYNTHETIC_SOURCE, which the
pages print as the source of each figure.

The rows are made by PostgreSQL itself (generate_series and a seeded random()), about a minute for
a million programs, instead of a million ORM objects. Shapes follow the real data roughly: about
three programs per school, schools at real ZIP code centroids (so dense where ZIP codes are),
public schools most common, most programs without a reported cost or length.

Usage, from the repository root, against the database DATABASE_URL names:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \
        .venv/bin/python bench/scale_data.py --programs 1000000 [--seed 0.42]

Benchmark code only: no site app imports it.
"""

import argparse
import os
import sys
from pathlib import Path

if __name__ == "__main__":  # a script: set Django up before the models are imported
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings.local")
    import django

    django.setup()

from django.db import connection, transaction

from careers.models import Career, PublishStatus, ZipCode
from core.datafiles import after_bulk_load
from programs.models import CredentialLevel, Program, School, Sector

SYNTHETIC_SOURCE = "SYNTHETIC"
SYNTHETIC_YEAR = "synthetic"
FIRST_UNITID = 900_000_000  # far above real IPEDS unit IDs (6 digits)
PROGRAMS_PER_SCHOOL = 3

# (value, weight): roughly the real data's mix.
SECTORS = [(Sector.PUBLIC, 60), (Sector.PRIVATE_FOR_PROFIT, 31), (Sector.PRIVATE_NONPROFIT, 9)]
CREDENTIALS = [
    (CredentialLevel.CERTIFICATE_1_TO_2_YEARS, 49),
    (CredentialLevel.ASSOCIATE, 23),
    (CredentialLevel.CERTIFICATE_UNDER_1_YEAR, 21),
    (CredentialLevel.CERTIFICATE_UNDER_12_WEEKS, 5),
    (CredentialLevel.CERTIFICATE_2_TO_4_YEARS, 2),
]


class RealDataPresent(Exception):
    pass


def weighted(choices) -> list[str]:
    """A list to pick from uniformly that gives each value its weight."""
    return [str(value) for value, weight in choices for _ in range(weight)]


def check_database():
    """Scale data lives apart from real data: refuse a database that holds real rows, or lacks the
    reference data the rows point at."""
    if connection.vendor != "postgresql":
        raise RealDataPresent("Scale data is generated in PostgreSQL only (set DATABASE_URL).")
    if (
        School.objects.exclude(data_source=SYNTHETIC_SOURCE).exists()
        or Program.objects.exclude(data_source=SYNTHETIC_SOURCE).exists()
    ):
        raise RealDataPresent(
            "This database holds real schools or programs. Synthetic data goes in a database of "
            "its own, never mixed with the real data: see docs/performance.md."
        )
    if not Career.objects.published().exists() or not ZipCode.objects.exists():
        raise RealDataPresent("Load the careers and ZIP codes first: seed_content, import_zips.")


def generate(programs: int, seed: float = 0.42) -> tuple[int, int]:
    """Replace the synthetic rows with `programs` programs at about a third as many schools.
    Returns (schools, programs)."""
    check_database()
    insert(programs, seed)
    after_bulk_load()
    return (
        School.objects.filter(data_source=SYNTHETIC_SOURCE).count(),
        Program.objects.filter(data_source=SYNTHETIC_SOURCE).count(),
    )


@transaction.atomic
def insert(programs: int, seed: float) -> None:
    schools = -(-programs // PROGRAMS_PER_SCHOOL)
    careers = list(Career.objects.published().order_by("order", "pk"))
    with connection.cursor() as cursor:
        # Synthetic rows have no history, corrections or links to keep: delete them in SQL.
        for table in ("programs_program", "programs_school"):
            cursor.execute(f"DELETE FROM {table} WHERE data_source = %s", [SYNTHETIC_SOURCE])
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute("DROP TABLE IF EXISTS synthetic_zip")  # left by an enclosing transaction
        cursor.execute(
            """
            CREATE TEMP TABLE synthetic_zip ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY code) AS n, code, city, state, latitude, longitude
            FROM careers_zipcode WHERE latitude IS NOT NULL AND longitude IS NOT NULL
            """
        )
        cursor.execute(
            """
            INSERT INTO programs_school (
                unitid, name, slug, address, city, state, zip_code, latitude, longitude,
                website, net_price_calculator_url, sector, sector_detail, locale,
                distance_education, all_programs_distance, open_admission, evening_weekend,
                federal_aid_eligible, data_source, data_year, imported_values, field_sources,
                web_domain)
            SELECT %(first)s + s.i, 'Synthetic school ' || s.i || ' of ' || z.city,
                'synthetic-school-' || s.i, '', z.city, z.state, z.code,
                z.latitude + (s.r1 - 0.5) / 10, z.longitude + (s.r2 - 0.5) / 10, '', '',
                (%(sectors)s::text[])[1 + floor(s.r3 * cardinality(%(sectors)s::text[]))::int],
                '', '', s.r4 < 0.53, false, s.r5 < 0.87, s.r6 < 0.67, s.r7 < 0.99,
                %(source)s, %(year)s, '{}', '{}', ''
            FROM (
                SELECT i, 1 + floor(random() * (SELECT count(*) FROM synthetic_zip))::int AS zn,
                    random() r1, random() r2, random() r3, random() r4, random() r5,
                    random() r6, random() r7
                FROM generate_series(1, %(schools)s) AS i
            ) s JOIN synthetic_zip z ON z.n = s.zn
            """,
            {
                "first": FIRST_UNITID,
                "schools": schools,
                "sectors": weighted(SECTORS),
                "source": SYNTHETIC_SOURCE,
                "year": SYNTHETIC_YEAR,
            },
        )
        # Program i is slot i % 3 of school i // 3; a school's slots take different careers,
        # so (school, CIP code, credential) stays unique.
        cursor.execute(
            """
            INSERT INTO programs_program (
                school_id, career_id, cip_code, cip_title, credential_level, length, length_unit,
                months_to_complete, tuition_and_fees, books_and_supplies, cost_gap,
                graduates_per_year, status, data_source, data_year, imported_values,
                missing_from_source, admission_requirements, cost_includes, delivery_format,
                field_sources, is_offered, program_url, graduates_by_year, outcome_flag,
                accreditor, accreditation_evidence, held_back, shown_despite_rules)
            SELECT school.id, c.career, c.cip_code, c.cip_title,
                (%(credentials)s::text[])[
                    1 + floor(p.r1 * cardinality(%(credentials)s::text[]))::int],
                NULL, '',
                CASE WHEN p.r2 < 0.15 THEN 2 + floor(p.r3 * 23)::int END,
                CASE WHEN p.r4 < 0.15 THEN 1000 + 10 * floor(p.r5 * 2900)::int END,
                CASE WHEN p.r4 < 0.15 AND p.r6 < 0.8 THEN 100 + 10 * floor(p.r6 * 240)::int END,
                CASE WHEN p.r4 < 0.15 THEN '' ELSE 'not-reported' END,
                CASE WHEN p.r7 < 0.95 THEN floor(p.r3 * p.r5 * 200)::int END,
                %(published)s, %(source)s, %(year)s, '{}', false, '', '', '', '{}', true, '',
                '{}', '', '', '', false, false
            FROM (
                SELECT i, (i - 1) / 3 + 1 AS school_n, (i - 1) %% 3 AS slot,
                    random() r1, random() r2, random() r3, random() r4, random() r5,
                    random() r6, random() r7
                FROM generate_series(1, %(programs)s) AS i
            ) p
            JOIN programs_school school ON school.unitid = %(first)s + p.school_n
            JOIN unnest(%(careers)s::bigint[], %(cips)s::text[], %(titles)s::text[])
                WITH ORDINALITY AS c(career, cip_code, cip_title, n)
                ON c.n = 1 + (p.school_n * 5 + p.slot) %% cardinality(%(careers)s::bigint[])
            """,
            {
                "programs": programs,
                "first": FIRST_UNITID,
                "credentials": weighted(CREDENTIALS),
                "careers": [career.pk for career in careers],
                "cips": [career.cip_codes[0] for career in careers],
                "titles": [f"{career.title} (synthetic)" for career in careers],
                "published": PublishStatus.PUBLISHED,
                "source": SYNTHETIC_SOURCE,
                "year": SYNTHETIC_YEAR,
            },
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, required=True, help="e.g. 10000, 1000000")
    parser.add_argument("--seed", type=float, default=0.42, help="-1 to 1; same seed, same data")
    arguments = parser.parse_args()
    if not 1 <= arguments.programs <= 5_000_000:
        sys.exit("--programs must be between 1 and 5,000,000.")
    if not -1 <= arguments.seed <= 1:
        sys.exit("--seed must be between -1 and 1.")
    try:
        schools, made = generate(arguments.programs, arguments.seed)
    except RealDataPresent as error:
        sys.exit(str(error))
    print(f"Synthetic data: {made:,} programs at {schools:,} schools.")


if __name__ == "__main__":
    main()
