"""Synthetic scale data: made in PostgreSQL, marked as such, never mixed with real programs."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from programs.models import Program, School
from programs.synthetic import SYNTHETIC_SOURCE

from .factories import CareerFactory, ProgramFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="scale data is generated in PostgreSQL only"
)


@pytest.fixture
def reference_data():
    ZipCodeFactory()
    ZipCodeFactory(code="73301", city="Austin", state="TX", latitude=30.3, longitude=-97.7)
    for n, slug in enumerate(["medical-assistant", "phlebotomy-technician", "ekg-technician"]):
        CareerFactory(slug=slug, title=slug.replace("-", " ").title(), cip_codes=[f"51.090{n}"])


@on_postgresql
def test_generates_marked_programs_at_about_three_per_school(reference_data):
    call_command("generate_scale_data", programs=30)
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
    call_command("generate_scale_data", programs=30)
    call_command("generate_scale_data", programs=12)
    assert Program.objects.count() == 12 and School.objects.count() == 4


@on_postgresql
def test_refuses_a_database_with_real_programs(reference_data):
    ProgramFactory()
    with pytest.raises(CommandError, match="holds real schools or programs"):
        call_command("generate_scale_data", programs=30)
    assert Program.objects.count() == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer")
def test_refuses_sqlite(reference_data):
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("generate_scale_data", programs=30)
