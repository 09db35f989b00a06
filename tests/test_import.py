import csv
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from careers.models import Career, Projection, WageEstimate, ZipCode
from programs.importing import PROGRAM_COLUMNS, SCHOOL_COLUMNS
from programs.models import CredentialLevel, Program, School, Sector

from .factories import CareerFactory

pytestmark = pytest.mark.django_db

SCHOOL = {
    "unitid": "100654",
    "name": "Alabama A & M University",
    "address": "4900 Meridian Street",
    "city": "Normal",
    "state": "AL",
    "zip": "35762-7500",
    "latitude": "34.783368",
    "longitude": "-86.568502",
    "website": "www.aamu.edu/",
    "net_price_calculator_url": "",
    "control": "1",
    "sector_label": "Public, 4-year or above",
    "level_label": "Four or more years",
    "locale_label": "City: Midsize",
    "pset4flg": "1",
    "distance_programs": "1",
    "all_programs_distance": "2",
    "open_admission": "2",
    "weekend_evening": "0",
    "tuition_fees_instate_per_year": "10024",
    "tuition_fees_outstate_per_year": "19024",
}
PROGRAM = {
    "unitid": "100654",
    "cipcode": "51.0801",
    "cip_title": "Medical/Clinical Assistant.",
    "awlevel": "21",
    "completions": "12",
    "award_levels_for_this_cip": "1",
    "tuition_fees_whole_program": "16545",
    "books_supplies_whole_program": "1500",
    "program_length": "46",
    "program_length_unit": "credit hours",
    "months_to_complete": "10",
}


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    CareerFactory()

    def make(schools=(SCHOOL,), programs=(PROGRAM,)):
        return (
            write_csv(tmp_path / "schools.csv", SCHOOL_COLUMNS, schools),
            write_csv(tmp_path / "programs.csv", PROGRAM_COLUMNS, programs),
        )

    return make


def run_import(schools, programs):
    call_command("import_ipeds", schools=schools, programs=programs, stdout=StringIO())


def test_import_creates_school_and_program_with_ipeds_values(files):
    run_import(*files())

    school = School.objects.get(unitid=100654)
    assert school.name == "Alabama A & M University"
    assert school.zip_code == "35762"
    assert school.website == "https://www.aamu.edu/"
    assert school.sector == Sector.PUBLIC
    assert school.federal_aid_eligible is True
    assert school.open_admission is False
    assert school.evening_weekend is False
    assert school.tuition_in_state_per_year == 10024
    program = Program.objects.get()
    assert program.career.slug == "medical-assistant"
    assert program.credential_level == CredentialLevel.CERTIFICATE_UNDER_1_YEAR
    assert (program.tuition_and_fees, program.books_and_supplies) == (16545, 1500)
    assert program.total_cost == 16545 + 1500
    assert program.length_unit == Program.LengthUnit.CREDIT_HOURS
    assert program.months_to_complete == 10
    assert program.graduates_per_year == 12
    assert program.cost_gap == ""


def test_running_the_import_twice_changes_nothing(files):
    paths = files()
    run_import(*paths)
    first = list(Program.objects.values())
    run_import(*paths)
    assert list(Program.objects.values()) == first
    assert School.objects.count() == 1


def test_reimport_updates_a_changed_value_in_place(files):
    run_import(*files())
    program_id = Program.objects.get().pk
    run_import(*files(programs=[{**PROGRAM, "completions": "15"}]))
    program = Program.objects.get()
    assert (program.pk, program.graduates_per_year) == (program_id, 15)


def test_price_shared_by_several_credentials_is_not_attached_to_any(files):
    programs = [
        {**PROGRAM, "award_levels_for_this_cip": "2"},
        {**PROGRAM, "awlevel": "3", "award_levels_for_this_cip": "2"},
    ]
    run_import(*files(programs=programs))
    for program in Program.objects.all():
        assert program.tuition_and_fees is None
        assert program.total_cost is None
        assert program.length is None
        assert program.cost_gap == Program.CostGap.SEVERAL_CREDENTIALS


def test_missing_price_is_recorded_as_not_reported(files):
    run_import(*files(programs=[{**PROGRAM, "tuition_fees_whole_program": ""}]))
    program = Program.objects.get()
    assert program.total_cost is None
    assert program.cost_gap == Program.CostGap.NOT_REPORTED


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"awlevel": "99"}, "unknown award level: '99'"),
        ({"completions": "twelve"}, "completions is not a number: 'twelve'"),
        ({"cipcode": "51.9999"}, "no career trains for CIP '51.9999'"),
        ({"unitid": "999999"}, "unitid 999999 is not in the schools file"),
        ({"program_length_unit": "weeks"}, "unknown program length unit: 'weeks'"),
    ],
)
def test_a_malformed_row_stops_the_import_and_changes_nothing(files, row, reason):
    good = dict(PROGRAM, cipcode="51.0801", awlevel="2")
    schools, programs = files(programs=[good, {**PROGRAM, **row}])

    with pytest.raises(CommandError) as error:
        run_import(schools, programs)

    message = str(error.value)
    assert "nothing was changed" in message
    assert f"{programs}, line 3: {reason}" in message
    assert School.objects.count() == 0
    assert Program.objects.count() == 0


def test_a_bad_school_row_names_its_line(files):
    schools, programs = files(schools=[SCHOOL, {**SCHOOL, "unitid": "2", "latitude": "123"}])
    with pytest.raises(CommandError, match=r"schools.csv, line 3: latitude 123 is outside"):
        run_import(schools, programs)
    assert School.objects.count() == 0


def test_a_missing_column_is_reported(tmp_path, files):
    schools, _ = files()
    programs = tmp_path / "bad.csv"
    programs.write_text("unitid,cipcode\n100654,51.0801\n")
    with pytest.raises(CommandError, match="line 1: missing column"):
        run_import(schools, programs)


def test_the_shipped_data_loads_at_least_1000_medical_assistant_programs():
    call_command("seed_content", stdout=StringIO())
    call_command("import_ipeds", stdout=StringIO())

    assistant = Career.objects.get(slug="medical-assistant")
    programs = Program.objects.published().for_career(assistant)
    assert programs.count() >= 1000
    assert programs.values("school").distinct().count() >= 1000
    assert Program.objects.count() == 6196  # every row of the ten CIP codes, 2023-24


def test_the_shipped_bls_and_zip_data_load():
    out = StringIO()
    call_command("import_bls", stdout=out)
    call_command("import_zips", stdout=out)

    national = WageEstimate.objects.national().get(soc_code="31-9092")
    assert national.annual_median == 45690  # BLS OEWS May 2025, medical assistants
    assert Projection.objects.get(soc_code="31-9092").change_percent == pytest.approx(12.5)
    assert ZipCode.objects.get(code="60601").state == "IL"
    assert (settings.DATA_DIR / "bls" / "oews_may2025.csv").exists()


# Refreshing the data: dry run, edits kept, programs gone from the source flagged


def test_dry_run_reports_and_writes_nothing(files):
    paths = files()
    out = StringIO()
    call_command("import_ipeds", schools=paths[0], programs=paths[1], dry_run=True, stdout=out)
    assert "Schools: 1 new, 0 changed, 0 unchanged, 0 no longer in the source" in out.getvalue()
    assert "Programs: 1 new" in out.getvalue()
    assert "nothing was changed" in out.getvalue()
    assert Program.objects.count() == 0


def test_a_field_edited_after_the_import_is_kept_unless_asked(files):
    run_import(*files())
    program = Program.objects.get()
    program.tuition_and_fees = 15000  # an editor's correction
    program.save()
    changed_source = files(
        programs=[{**PROGRAM, "tuition_fees_whole_program": "17000", "completions": "20"}]
    )
    out = StringIO()
    call_command(
        "import_ipeds",
        schools=changed_source[0],
        programs=changed_source[1],
        dry_run=True,
        stdout=out,
    )
    assert "Programs: 0 new, 1 changed, 0 unchanged, 0 no longer in the source; 1 field(s)" in (
        out.getvalue()
    )
    run_import(*changed_source)
    program.refresh_from_db()
    assert program.tuition_and_fees == 15000  # the editor's value stands
    assert program.graduates_per_year == 20  # untouched fields follow the source

    call_command(
        "import_ipeds",
        schools=changed_source[0],
        programs=changed_source[1],
        overwrite_edited=True,
        stdout=StringIO(),
    )
    program.refresh_from_db()
    assert program.tuition_and_fees == 17000


def test_programs_gone_from_the_source_are_flagged_not_deleted(files):
    second = {**PROGRAM, "cipcode": "51.0801", "awlevel": "3"}
    run_import(*files(programs=[PROGRAM, second]))
    run_import(*files(programs=[PROGRAM]))
    assert Program.objects.count() == 2
    gone = Program.objects.get(credential_level=CredentialLevel.ASSOCIATE)
    assert gone.missing_from_source is True
    run_import(*files(programs=[PROGRAM, second]))
    gone.refresh_from_db()
    assert gone.missing_from_source is False


def test_the_import_records_history(files):
    run_import(*files())
    assert Program.objects.get().history.count() == 1
    run_import(*files(programs=[{**PROGRAM, "completions": "99"}]))
    assert Program.objects.get().history.count() == 2
    run_import(*files(programs=[{**PROGRAM, "completions": "99"}]))
    assert Program.objects.get().history.count() == 2  # nothing changed, nothing written
