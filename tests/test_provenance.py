"""Every write path records where a value now comes from and when, and the public page says it:
the admin form, a revert, a CSV import, a correction, a school's update and a data refresh."""

from datetime import date

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone

from core.provenance import Source, source_label, values_record_source
from corrections import services as corrections
from corrections.models import Correction
from programs.importing import ipeds_import
from programs.models import Program, School
from programs.resources import ProgramResource

from .adminforms import admin_form_data
from .factories import CareerFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().strftime("%b %-d, %Y")
EDITED = f"Updated by our editors on {TODAY}"


@pytest.fixture
def program():
    program = ProgramFactory(tuition_and_fees=15000, school=SchoolFactory(name="Lakeview"))
    program.imported_values = {"tuition_and_fees": 15000, "months_to_complete": 9}
    program.save()
    return program


def tuition_label(client, program):
    page = client.get(program.get_absolute_url()).content.decode()
    dd = page[page.index("Tuition and fees, whole program") :]
    return dd[: dd.index("</dd>")]


def test_a_value_edited_in_the_admin_form_says_our_editors_updated_it(client, editor, program):
    assert "IPEDS 2023-24" in tuition_label(client, program)
    client.force_login(editor)
    url = reverse("admin:programs_program_change", args=[program.pk])
    response = client.post(url, admin_form_data(client, url, tuition_and_fees="14000"))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    label = tuition_label(client, program)
    assert "$14,000" in label and EDITED in label and "IPEDS" not in label
    # Only the field that changed: the others still name the federal source.
    program.refresh_from_db()
    assert set(program.field_sources) == {"tuition_and_fees"}
    assert program.history.latest().history_user == editor


def test_a_revert_says_our_editors_changed_it_or_back_to_the_federal_source(
    client, editor, program
):
    client.force_login(editor)
    url = reverse("admin:programs_program_change", args=[program.pk])
    client.post(url, admin_form_data(client, url, tuition_and_fees="14000"))
    client.post(url, admin_form_data(client, url, tuition_and_fees="13000"))
    program.refresh_from_db()
    assert program.tuition_and_fees == 13000
    # Revert to the version with 14,000: the editors' value again.
    version = program.history.filter(tuition_and_fees=14000).first()
    revert = reverse("admin:programs_program_simple_history", args=[program.pk, version.pk])
    response = client.post(revert, admin_form_data(client, revert))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.tuition_and_fees == 14000
    assert program.field_sources["tuition_and_fees"]["source"] == "editor"
    # Revert to the first version: the value IPEDS published, so IPEDS is its source again.
    first = program.history.earliest()
    revert = reverse("admin:programs_program_simple_history", args=[program.pk, first.pk])
    client.post(revert, admin_form_data(client, revert))
    program.refresh_from_db()
    assert program.tuition_and_fees == 15000
    assert "tuition_and_fees" not in program.field_sources
    client.logout()
    assert "IPEDS 2023-24" in tuition_label(client, program)


def test_a_correction_to_a_school_says_so_on_the_school_page(client, editor):
    school = SchoolFactory(name="Hill College", website="https://hill.edu/")
    note = Correction.objects.create(
        page_url=school.get_absolute_url(),
        school=school,
        target_field="website",
        field="Website",
        proposed_value="https://www.hill-college.edu/",
    )
    corrections.correction_apply(correction=note, reviewer=editor)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "https://www.hill-college.edu/" in page
    assert f"Corrected by our editors on {TODAY}, after a visitor&#x27;s note" in page


def test_the_school_page_names_the_editors_for_an_edited_yearly_tuition(client, editor):
    school = SchoolFactory(tuition_in_state_per_year=3164)
    ProgramFactory(school=school)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "Source: IPEDS IC 2023-24." in page
    client.force_login(editor)
    url = reverse("admin:programs_school_change", args=[school.pk])
    data = admin_form_data(client, url, tuition_in_state_per_year="3300")
    assert client.post(url, data).status_code == 302
    client.logout()
    page = client.get(school.get_absolute_url()).content.decode()
    assert "$3,300 in-state" in page and f"Source: {EDITED}." in page


def test_a_data_refresh_puts_the_federal_label_back_on_what_it_overwrites(tmp_path, editor):
    CareerFactory()
    schools = tmp_path / "schools.csv"
    programs_csv = tmp_path / "programs.csv"
    schools.write_text(
        "unitid,name,address,city,state,zip,latitude,longitude,website,net_price_calculator_url,"
        "control,sector_label,level_label,locale_label,pset4flg,distance_programs,"
        "all_programs_distance,open_admission,weekend_evening,tuition_fees_instate_per_year,"
        "tuition_fees_outstate_per_year\n"
        "100654,Alabama A & M University,4900 Meridian St,Normal,AL,35762,34.78,-86.57,"
        'www.aamu.edu/,,1,"Public, 4-year",Four,City,1,1,2,2,0,10024,18634\n'
    )
    header = (
        "unitid,cipcode,cip_title,awlevel,completions,award_levels_for_this_cip,"
        "tuition_fees_whole_program,books_supplies_whole_program,program_length,"
        "program_length_unit,months_to_complete\n"
    )
    programs_csv.write_text(header + "100654,51.0801,Medical Assistant.,2,12,1,9000,800,30,"
                            "credit hours,12\n")  # fmt: skip
    ipeds_import(schools_path=schools, programs_path=programs_csv)
    program = Program.objects.get()
    assert School.objects.get().web_domain == "aamu.edu"
    program.tuition_and_fees = 9500
    values_record_source(program, fields=["tuition_and_fees"], source=Source.EDITOR)
    program.save()
    assert source_label(program, "tuition_and_fees") == EDITED
    # A refresh keeps the editors' value and its label...
    ipeds_import(schools_path=schools, programs_path=programs_csv)
    program.refresh_from_db()
    assert program.tuition_and_fees == 9500 and source_label(program, "tuition_and_fees") == EDITED
    # ...unless told to overwrite: then the value and its label are the source's again.
    ipeds_import(schools_path=schools, programs_path=programs_csv, overwrite_edited=True)
    program.refresh_from_db()
    assert program.tuition_and_fees == 9000
    assert source_label(program, "tuition_and_fees") == "IPEDS 2023-24"


def test_the_label_names_each_kind_of_source():
    program = Program(data_source="IPEDS", data_year="2023-24")
    on = date(2026, 3, 4)
    for source, label in [
        (Source.EDITOR, "Updated by our editors on Mar 4, 2026"),
        (Source.CORRECTION, "Corrected by our editors on Mar 4, 2026, after a visitor's note"),
        (Source.SCHOOL, "Reported by the school on Mar 4, 2026, reviewed by our editors"),
        (Source.IMPORT, "IPEDS 2023-24"),
    ]:
        program.tuition_and_fees = 100
        values_record_source(program, fields=["tuition_and_fees"], source=source, on=on)
        assert source_label(program, "tuition_and_fees") == label


def test_a_value_changed_by_a_spreadsheet_import_says_our_editors_updated_it(client, program):
    rows = ProgramResource().export().dict
    assert rows[0]["tuition_and_fees"] in (15000, "15000")
    rows[0]["tuition_and_fees"] = 14250  # the editor's change in the spreadsheet
    edited = tablib.Dataset()
    edited.dict = rows
    result = ProgramResource().import_data(edited, raise_errors=True)
    assert result.totals["update"] == 1
    program.refresh_from_db()
    assert program.tuition_and_fees == 14250
    assert set(program.field_sources) == {"tuition_and_fees"}
    assert EDITED in tuition_label(client, program)
