"""The CSV files the site writes: /programs/export.csv and the admin's import and export."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from core.csvsafe import csv_safe, csv_unescape
from programs.models import School
from programs.resources import SchoolResource

from .factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/","Click")'
EXPORT_COLUMNS = [
    "program_url", "school", "city", "state", "ipeds_unitid", "career", "credential", "cip_code",
    "total_cost_usd", "tuition_and_fees_usd", "books_and_supplies_usd", "cost_note", "cost_basis",
    "school_tuition_in_state_per_year_usd", "school_tuition_out_of_state_per_year_usd",
    "months_to_complete", "length", "length_unit", "graduates_2019_20", "graduates_2020_21",
    "graduates_2021_22", "graduates_2022_23", "graduates_2023_24", "graduates_flag", "school_type",
    "federal_student_aid", "school_offers_distance_education", "school_offers_evening_weekend",
    "open_admission", "distance_miles", "data_source", "data_year", "last_verified",
]  # fmt: skip


def export(client, query="", **extra):
    response = client.get(f"/programs/export.csv{query}", **extra)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.body = content.decode()  # a stream can be read only once
    return response


def rows(response):
    assert response.status_code == 200, response.body
    return list(csv.DictReader(io.StringIO(response.body)))


# Formula cells


@pytest.mark.parametrize(
    "value, written",
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already quoted by hand: one more, so import gives it back
        ("Saint Mary's College", "Saint Mary's College"),
        ("'Tis College", "'Tis College"),
        ("", ""),
        (None, None),
        (12000, 12000),
        (-87.6181, -87.6181),
        (Decimal("-12.5"), Decimal("-12.5")),
        (True, True),
    ],
)
def test_csv_safe_quotes_formulas_leaves_numbers_and_round_trips(value, written):
    assert csv_safe(value) == written
    assert type(csv_safe(value)) is type(written)
    assert csv_unescape(csv_safe(value)) == value


def test_import_takes_back_only_the_quote_we_add():
    assert csv_unescape("'" + FORMULA) == FORMULA
    assert csv_unescape("''=1") == "'=1"
    assert csv_unescape("'Tis College") == "'Tis College"
    assert csv_unescape("'") == "'"


def test_formula_cells_are_quoted_in_the_public_export_and_numbers_are_not(client):
    ProgramFactory(
        school=SchoolFactory(name=FORMULA, city="@Chicago", state="IL"),
        tuition_and_fees=12000,
        books_and_supplies=None,
    )
    [row] = rows(export(client))
    assert list(row) == EXPORT_COLUMNS
    assert row["school"] == "'" + FORMULA
    assert row["city"] == "'@Chicago"
    assert row["tuition_and_fees_usd"] == "12000" and row["total_cost_usd"] == "12000"
    assert row["program_url"].startswith("http://testserver/programs/")
    assert row["data_source"] == "IPEDS" and row["data_year"] == "2023-24"


def admin_export(client, model, file_format):
    url = reverse(f"admin:programs_{model}_export")
    page = client.get(url).content.decode()
    [choice] = re.findall(rf'<option value="(\d+)">{file_format}</option>', page)
    fields = re.findall(r'<input type="checkbox" name="(\w+resource_\w+)"', page)
    response = client.post(url, {"format": choice, "resource": "0", **dict.fromkeys(fields, "on")})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


@pytest.mark.parametrize("file_format, delimiter", [("csv", ","), ("tsv", "\t")])
def test_the_admin_export_quotes_formulas_and_keeps_numbers(client, editor, file_format, delimiter):
    school = SchoolFactory(name=FORMULA, address="-1 Main Street", longitude=-87.6181)
    ProgramFactory(school=school, cip_title="+Formula title", tuition_and_fees=12000)
    client.force_login(editor)

    [school_row] = csv.DictReader(
        io.StringIO(admin_export(client, "school", file_format)), delimiter=delimiter
    )
    assert school_row["name"] == "'" + FORMULA
    assert school_row["address"] == "'-1 Main Street"
    assert school_row["longitude"] == "-87.6181"  # a real number stays a number
    assert school_row["unitid"] == str(school.unitid)

    [program_row] = csv.DictReader(
        io.StringIO(admin_export(client, "program", file_format)), delimiter=delimiter
    )
    assert program_row["cip_title"] == "'+Formula title"
    assert program_row["tuition_and_fees"] == "12000"


def test_the_admin_export_quotes_formulas_in_other_formats_too(client, editor):
    SchoolFactory(name=FORMULA)
    client.force_login(editor)
    [school] = json.loads(admin_export(client, "school", "json"))
    assert school["name"] == "'" + FORMULA


def test_import_stores_values_without_the_quote_the_export_added():
    school = SchoolFactory(name=FORMULA, city="'Tis Town", address="''=1 Main Street")
    exported = SchoolResource().export()
    assert exported.dict[0]["name"] == "'" + FORMULA
    School.objects.filter(pk=school.pk).update(name="Changed", city="Changed", address="Changed")

    result = SchoolResource().import_data(exported, raise_errors=True)

    assert result.totals["update"] == 1
    imported = School.objects.get(unitid=school.unitid)
    assert imported.name == FORMULA
    assert imported.city == "'Tis Town"  # a quote we didn't add stays
    assert imported.address == "''=1 Main Street"


def test_an_edited_spreadsheet_imports_without_our_quote():
    school = SchoolFactory(name="Old Name")
    dataset = tablib.Dataset(headers=["unitid", "name", "city", "state", "sector"])
    dataset.append([school.unitid, "'=Corrected Name", "'Tis Town", "IL", school.sector])
    SchoolResource().import_data(dataset, raise_errors=True)
    school.refresh_from_db()
    assert school.name == "=Corrected Name"
    assert school.city == "'Tis Town"


# Invalid filters


@pytest.mark.parametrize(
    "query, names",
    [
        ("?state=zz", ["state: Select a valid choice. zz is not one of the available choices."]),
        ("?cost_max=abc", ["cost_max: Enter a number."]),
        ("?zip=00000", ["zip: We have no location for ZIP code 00000."]),
        ("?zip=abc", ["zip: Enter a five-digit ZIP code"]),
        ("?sort=cheapest", ["sort: Select a valid choice."]),
        ("?sort=distance", ["sort: Sorting by distance needs a ZIP code."]),
        ("?radius=7&career=nope", ["radius: Select a valid choice.", "career: Select"]),
        ("?state=zz&cost_max=abc&length_max=-1", ["state:", "cost_max:", "length_max:"]),
    ],
)
def test_invalid_filters_are_refused_with_a_400_naming_each(client, query, names):
    ProgramFactory()
    response = export(client, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "program_url" not in response.body
    lines = response.body.splitlines()
    for name in names:
        assert any(line.startswith(name) for line in lines), (name, response.body)


def test_only_values_are_refused_not_blank_filters_or_the_page_number(client):
    ProgramFactory()
    assert len(rows(export(client, "?state=&cost_max=&page=3"))) == 1
    assert export(client, "?state=&cost_max=abc&page=3").status_code == 400


# Rate limit


def test_too_many_downloads_from_one_address_get_a_429_with_retry_after(client, settings):
    settings.EXPORT_RATE_LIMIT = "2/m"
    ProgramFactory()
    for _ in range(2):
        assert export(client).status_code == 200
    response = export(client)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many downloads" in response.body
    assert "program_url" not in response.body
    # Another address is counted on its own.
    assert export(client, REMOTE_ADDR="203.0.113.9").status_code == 200


# Cost and freshness


def test_a_repeat_export_is_read_from_the_cache_and_an_edit_shows_at_once(
    client, django_assert_max_num_queries
):
    program = ProgramFactory(tuition_and_fees=1000, books_and_supplies=None)
    for _ in range(30):
        ProgramFactory()
    # Filter choices (careers, certifications), then the rows in one query.
    with django_assert_max_num_queries(3):
        assert len(rows(export(client))) == 31
    with django_assert_max_num_queries(2):  # the filter choices only: the rows come cached
        first = rows(export(client))
    assert {
        r["tuition_and_fees_usd"] for r in first if r["program_url"].endswith(f"/{program.pk}/")
    } == {"1000"}

    program.tuition_and_fees = 2000
    program.save()
    program.school.name = "Renamed College"
    program.school.save()

    [row] = [r for r in rows(export(client)) if r["program_url"].endswith(f"/{program.pk}/")]
    assert row["tuition_and_fees_usd"] == "2000" and row["total_cost_usd"] == "2000"
    assert row["school"] == "Renamed College"


def test_a_zip_search_export_has_distances_and_is_cached_per_filter_set(
    client, django_assert_max_num_queries
):
    ZipCodeFactory()
    near = ProgramFactory(school=SchoolFactory(name="Near College"))
    ProgramFactory(school=SchoolFactory(name="Far College", latitude=42.5, longitude=-88.5))
    ProgramFactory(school=SchoolFactory(name="Texas College", latitude=29.76, longitude=-95.37))
    with django_assert_max_num_queries(4):  # filter choices, the ZIP code, the rows
        found = rows(export(client, "?zip=60601&radius=100"))
    assert [r["school"] for r in found] == ["Near College", "Far College"]
    assert float(found[0]["distance_miles"]) < 1 < float(found[1]["distance_miles"]) < 100
    assert found[0]["program_url"] == f"http://testserver{near.get_absolute_url()}"
    # The same filters, spelled otherwise, come from the cache; other filters don't.
    with django_assert_max_num_queries(3):
        assert rows(export(client, "?radius=100&zip=60601&page=2")) == found
    assert len(rows(export(client, "?zip=60601&radius=10"))) == 1


def test_an_export_too_big_to_keep_is_made_afresh(
    client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("finder.export.EXPORT_CACHE_MAX_BYTES", 100)
    for _ in range(3):
        ProgramFactory()
    assert len(rows(export(client))) == 3
    with django_assert_max_num_queries(1) as queries:
        assert len(rows(export(client))) == 3
    assert len(queries.captured_queries) == 1  # the rows were read again
