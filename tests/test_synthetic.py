"""Synthetic scale data (bench/scale_data.py, run as the benchmarks run it): made in PostgreSQL,
marked as such, never mixed with real programs."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from programs.models import Program, School

from .factories import CareerFactory, ProgramFactory, ZipCodeFactory

SYNTHETIC_SOURCE = "SYNTHETIC"  # what bench/scale_data.py writes as every row's source

# The script commits in a process of its own, so these tests commit too.
pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="scale data is generated in PostgreSQL only"
)


def scale_data(*args):
    """Run bench/scale_data.py against the test database; (exit status, what it printed)."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        if connection.vendor == "postgresql"
        else "sqlite:///never-opened.sqlite3"  # refused before any query
    )
    result = subprocess.run(
        [sys.executable, "bench/scale_data.py", *args],
        env={**os.environ, "DATABASE_URL": url},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def reference_data():
    ZipCodeFactory()
    ZipCodeFactory(code="73301", city="Austin", state="TX", latitude=30.3, longitude=-97.7)
    for n, slug in enumerate(["medical-assistant", "phlebotomy-technician", "ekg-technician"]):
        CareerFactory(slug=slug, title=slug.replace("-", " ").title(), cip_codes=[f"51.090{n}"])


@on_postgresql
def test_generates_marked_programs_at_about_three_per_school(reference_data):
    assert scale_data("--programs", "30")[0] == 0
    programs = Program.objects.all()
    assert programs.count() == 30 and School.objects.count() == 10
    assert set(programs.values_list("data_source", flat=True)) == {SYNTHETIC_SOURCE}
    assert all(
        name.startswith("Synthetic school")
        for name in School.objects.values_list("name", flat=True)
    )
    assert all(p.school.city in ("Chicago", "Austin") for p in programs.select_related("school"))
    # They are published listings like any other, so the listing pages can be measured.
    assert Program.objects.for_listing().count() == 30


@on_postgresql
def test_running_again_replaces_the_synthetic_data(reference_data):
    scale_data("--programs", "30")
    scale_data("--programs", "12")
    assert Program.objects.count() == 12 and School.objects.count() == 4


@on_postgresql
def test_refuses_a_database_with_real_programs(reference_data):
    ProgramFactory()
    status, output = scale_data("--programs", "30")
    assert status != 0 and "holds real schools or programs" in output
    assert Program.objects.count() == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_refuses_sqlite(reference_data):
    status, output = scale_data("--programs", "30")
    assert status != 0 and "PostgreSQL only" in output
