"""Graduates over five years (IPEDS completions 2019-20 to 2023-24), the flags they raise, and
the award-levels page: the import, the program page, cards, compare, the sort, the CSV."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.charts import yearly_columns
from careers.models import PublishStatus
from corrections.models import Correction
from corrections.services import correction_apply
from programs.importing import (
    COMPLETIONS_COLUMNS,
    PROGRAM_COLUMNS,
    SCHOOL_COLUMNS,
    ipeds_import,
    ipeds_plan,
)
from programs.models import CredentialLevel, Program
from programs.outcomes import OutcomeFlag
from programs.resources import ProgramResource

from .factories import CareerFactory, ProgramFactory, SchoolFactory
from .test_html_validation import JAVA, VNU, vnu_errors
from .test_import import PROGRAM, SCHOOL, write_csv

pytestmark = pytest.mark.django_db

FIVE_YEARS = {"2019-20": 12, "2020-21": 15, "2021-22": 9, "2022-23": 0, "2023-24": 0}
NO_2021_22 = {"2019-20": 30, "2020-21": 28, "2022-23": 25, "2023-24": 24}


def flagged_program(**fields):
    """12, 15, 9, 0, 0: no graduates in 2023-24 after graduates before."""
    return ProgramFactory(
        graduates_per_year=0,
        graduates_by_year=FIVE_YEARS,
        outcome_flag=OutcomeFlag.NONE_LATEST,
        **fields,
    )


def steady_program(**fields):
    """Graduates every year but 2021-22, when the school reported nothing for the program."""
    return ProgramFactory(graduates_per_year=24, graduates_by_year=NO_2021_22, **fields)


# The import


def completions(program, year, awards):
    return {
        "academic_year": year,
        "unitid": program["unitid"],
        "cipcode": program["cipcode"],
        "awlevel": program["awlevel"],
        "ctotalt": str(awards),
    }


@pytest.fixture
def small_files(tmp_path):
    """One school, four programs in one field of study:
    certificate under a year: 12 (two rows of 10 and 2), 15, 9, 0, 0;
    certificate 1 to 2 years: nothing reported in any year;
    associate: 0 in 2021-22 and 0 in 2023-24;
    certificate under 12 weeks: 2022-23 missing, and the programs file says 7 for 2023-24
    where the completions file says 5."""
    CareerFactory()
    under_year = {**PROGRAM, "completions": "0"}
    one_to_two = {**PROGRAM, "awlevel": "2", "completions": ""}
    associate = {**PROGRAM, "awlevel": "3", "completions": "0"}
    short = {**PROGRAM, "awlevel": "20", "completions": "7"}
    rows = [
        completions(under_year, "2019-20", 10),
        completions(under_year, "2019-20", 2),
        completions(under_year, "2020-21", 15),
        completions(under_year, "2021-22", 9),
        completions(under_year, "2022-23", 0),
        completions(under_year, "2023-24", 0),
        completions(associate, "2021-22", 0),
        completions(associate, "2023-24", 0),
        completions(short, "2019-20", 3),
        completions(short, "2020-21", 4),
        completions(short, "2021-22", 6),
        completions(short, "2023-24", 5),
    ]
    return {
        "schools_path": write_csv(tmp_path / "schools.csv", SCHOOL_COLUMNS, [SCHOOL]),
        "programs_path": write_csv(
            tmp_path / "programs.csv",
            PROGRAM_COLUMNS,
            [under_year, one_to_two, associate, short],
        ),
        "completions_path": write_csv(tmp_path / "completions.csv", COMPLETIONS_COLUMNS, rows),
    }


def imported(level):
    return Program.objects.get(credential_level=level)


def test_the_import_fills_five_years_and_raises_the_flags(small_files):
    ipeds_import(**small_files)

    under_year = imported(CredentialLevel.CERTIFICATE_UNDER_1_YEAR)
    assert under_year.graduates_by_year == FIVE_YEARS  # the two 2019-20 rows summed
    assert under_year.outcome_flag == OutcomeFlag.NONE_LATEST

    one_to_two = imported(CredentialLevel.CERTIFICATE_1_TO_2_YEARS)
    assert one_to_two.graduates_by_year == {}
    assert one_to_two.outcome_flag == ""

    associate = imported(CredentialLevel.ASSOCIATE)
    assert associate.graduates_by_year == {"2021-22": 0, "2023-24": 0}
    assert associate.outcome_flag == OutcomeFlag.NONE_EVER

    # The year nothing was reported stays absent; 2023-24 is the programs file's count, the
    # one the listing sorts by, so the record and the sort never disagree.
    short = imported(CredentialLevel.CERTIFICATE_UNDER_12_WEEKS)
    assert short.graduates_by_year == {"2019-20": 3, "2020-21": 4, "2021-22": 6, "2023-24": 7}
    assert short.graduates_per_year == 7
    assert short.outcome_flag == ""


def test_importing_the_same_files_again_changes_nothing(small_files):
    ipeds_import(**small_files)
    first = list(Program.objects.order_by("pk").values())
    history = Program.history.count()

    plan = ipeds_plan(**small_files)
    assert plan.programs.changed == [] and plan.programs.new == []
    ipeds_import(**small_files)
    assert list(Program.objects.order_by("pk").values()) == first
    assert Program.history.count() == history


def test_a_corrected_2023_24_count_moves_the_record_and_its_flag(client, editor):
    """Applying a visitor's correction runs Program.clean(), as the admin form does."""
    program = flagged_program()
    note = Correction.objects.create(
        page_url=program.get_absolute_url(),
        program=program,
        target_field="graduates_per_year",
        field="Graduates per year",
        proposed_value="11",
    )
    correction_apply(correction=note, reviewer=editor)
    program.refresh_from_db()
    assert program.graduates_by_year == {**FIVE_YEARS, "2023-24": 11}
    assert program.outcome_flag == ""
    page = client.get(program.get_absolute_url()).content.decode()
    assert '<tr><th scope="row">2023-24</th><td>11<span class="provenance-label">Corrected' in page
    assert "flag-badge" not in page and "flag-notice" not in page


# The program page


def test_program_page_shows_five_years_a_table_and_the_flag(client):
    program = flagged_program()
    page = client.get(program.get_absolute_url()).content.decode()

    assert '<h2 id="graduates-h">Graduates over five years</h2>' in page
    chart = re.search(
        r"<svg[^>]*aria-labelledby=\"graduates-chart-title[^>]*>.*?</svg>", page, re.S
    )
    assert chart and 'role="img"' in chart[0]
    assert "2019-20: 12; 2020-21: 15; 2021-22: 9; 2022-23: 0; 2023-24: 0." in chart[0]
    assert chart[0].count('class="chart-bar"') == 5
    rows = re.findall(r'<tr><th scope="row">(\d{4}-\d\d)</th><td>([^<]*)', page)
    assert rows == [(year, str(n)) for year, n in FIVE_YEARS.items()]
    notice = f'<div class="flag-notice" role="note"><p><strong>{OutcomeFlag.ADVICE["none-latest"]}'
    assert notice in page
    assert "ask the school whether it still enrolls students in this program" in page
    assert "Source: IPEDS Completions, C2020_A to C2024_A (2023-24 provisional)" in page


def test_program_page_without_a_flag_says_not_reported_for_a_missing_year(client):
    program = steady_program()
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Graduates over five years" in page
    assert 'class="flag-notice"' not in page
    assert "flag-badge" not in page
    assert '<tr><th scope="row">2021-22</th><td>Not reported</td></tr>' in page
    assert "2021-22: not reported" in page  # the chart's text alternative
    assert page.count('class="chart-bar"') == 4  # no column for the year not reported


def test_chart_columns_share_one_scale_and_tell_zero_from_not_reported():
    chart = yearly_columns([("a", 10), ("b", 5), ("c", 0), ("d", None)])
    ten, five, zero, missing = chart["columns"]
    assert five.height == ten.height / 2
    assert ten.y + ten.height == chart["baseline_y"] == zero.y + zero.height
    assert (zero.text, zero.height > 0) == ("0", True)
    assert (missing.text, missing.height) == ("–", 0)
    assert all(c.x + c.width <= chart["width"] for c in chart["columns"])


# Cards, the sort and compare


def card(page, program):
    return re.search(
        rf'<li class="card program-card" id="program-{program.pk}">.*?</li>', page, re.S
    )[0]


def test_cards_show_the_trend_the_latest_year_and_the_flag(client):
    flagged, steady = flagged_program(), steady_program()
    page = client.get("/programs/").content.decode()

    flagged_card = card(page, flagged)
    assert '<dt>Graduates in 2023-24</dt><dd><span class="latest">0</span>' in flagged_card
    assert "2019-20 to 2023-24: 12 → 15 → 9 → 0 → 0" in flagged_card
    assert "By year, 2019-20: 12; 2020-21: 15; 2021-22: 9; 2022-23: 0; 2023-24: 0" in flagged_card
    assert '<span class="flag-badge">No graduates in 2023-24</span>' in flagged_card

    steady_card = card(page, steady)
    assert '<span class="latest">24</span>' in steady_card
    assert "30 → 28 → – → 25 → 24" in steady_card
    assert "2021-22: not reported" in steady_card
    assert "flag-badge" not in steady_card
    assert "Graduates (2023-24)" not in page


def test_sort_by_graduates_uses_2023_24_most_first_and_unknowns_last(client):
    steady_program(school=SchoolFactory(name="Steady"))  # 24
    flagged_program(school=SchoolFactory(name="Flagged"))  # 0
    ProgramFactory(school=SchoolFactory(name="Unknown"), graduates_per_year=None)
    ProgramFactory(school=SchoolFactory(name="Big"), graduates_per_year=1200)
    response = client.get("/programs/?sort=graduates")
    listed = list(response.context["object_list"])
    assert [p.school.name for p in listed] == ["Big", "Steady", "Flagged", "Unknown"]
    assert [p.outcomes.latest for p in listed] == [1200, 24, 0, None]
    assert '<option value="graduates" selected>Graduates in 2023-24, most first</option>' in (
        response.content.decode()
    )


def test_compare_has_a_trend_row_and_the_flag(client):
    flagged, steady = flagged_program(), steady_program()
    unknown = ProgramFactory(graduates_per_year=None)
    page = client.get(f"/compare/?programs={flagged.pk},{steady.pk},{unknown.pk}").content.decode()
    row = re.search(
        r'<tr><th scope="row">Graduates each year, 2019-20 to 2023-24 \(a dash: not reported\)</th>'
        r"(.*?)</tr>",
        page,
        re.S,
    )[1]
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert "12 → 15 → 9 → 0 → 0" in cells[0]
    assert '<span class="flag-badge">No graduates in 2023-24</span>' in cells[0]
    assert "30 → 28 → – → 25 → 24" in cells[1] and "flag-badge" not in cells[1]
    assert cells[2] == "Not reported"
    latest = re.search(r'<tr><th scope="row">Graduates in 2023-24</th>(.*?)</tr>', page, re.S)[1]
    assert re.findall(r"<td>(.*?)</td>", latest) == ["0", "24", "Not reported"]


# The listing's queries


def listing_queries(client):
    cache.clear()  # facet counts are cached: count them every time
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/programs/").content.decode()
    return len(queries), page


def test_the_trend_and_flags_add_no_query_to_the_listing(client):
    ProgramFactory(graduates_per_year=None)
    listing_queries(client)  # reads the career list once
    ProgramFactory(graduates_per_year=None)  # an edit: counted again, as below
    plain, _ = listing_queries(client)
    for n in range(12):
        flagged_program(school=SchoolFactory(name=f"Flagged {n:02}"))
        steady_program(school=SchoolFactory(name=f"Steady {n:02}"))
    with_trends, page = listing_queries(client)
    assert page.count('class="flag-badge"') >= 10
    assert with_trends == plain


# The CSV


def test_the_csv_has_five_years_and_the_flag(client):
    flagged_program(school=SchoolFactory(name="Flagged"))
    steady_program(school=SchoolFactory(name="Steady"))
    response = client.get("/programs/export.csv?sort=name")
    body = b"".join(response.streaming_content).decode()
    flagged, steady = csv.DictReader(io.StringIO(body))
    years = ["graduates_2019_20", "graduates_2020_21", "graduates_2021_22", "graduates_2022_23"]
    assert [flagged[c] for c in [*years, "graduates_2023_24"]] == ["12", "15", "9", "0", "0"]
    assert flagged["graduates_flag"] == dict(OutcomeFlag.CHOICES)[OutcomeFlag.NONE_LATEST]
    assert [steady[c] for c in [*years, "graduates_2023_24"]] == ["30", "28", "", "25", "24"]
    assert steady["graduates_flag"] == ""


def test_the_admin_program_file_has_five_years_and_the_flag():
    flagged_program()
    dataset = ProgramResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    years = ["graduates_2019_20", "graduates_2020_21", "graduates_2021_22", "graduates_2022_23"]
    assert [str(row[c]) for c in [*years, "graduates_per_year"]] == ["12", "15", "9", "0", "0"]
    assert row["outcome_flag"] == dict(OutcomeFlag.CHOICES)[OutcomeFlag.NONE_LATEST]


# Award levels in plain words


def test_award_levels_page_explains_every_level_with_its_count(client, django_assert_num_queries):
    ProgramFactory.create_batch(3, credential_level=CredentialLevel.CERTIFICATE_1_TO_2_YEARS)
    ProgramFactory(credential_level=CredentialLevel.ASSOCIATE)
    ProgramFactory(credential_level=CredentialLevel.ASSOCIATE, status=PublishStatus.DRAFT)

    with django_assert_num_queries(1):  # one GROUP BY for every level's count
        response = client.get("/programs/award-levels/")
    page = response.content.decode()
    assert response.status_code == 200
    counts = dict(
        re.findall(r'<th scope="row"><a href="#[\w-]+">([^<]+)</a></th><td>([\d,]+)', page)
    )
    expected = {level.label.replace("'", "&#x27;"): "0" for level in CredentialLevel}
    expected |= {"Certificate (1 to 2 years)": "3", "Associate degree": "1"}
    assert counts == expected
    for level in CredentialLevel:  # each in a section of its own, explained, then counted
        section = re.search(
            rf'<section class="award-level" id="{level.value}".*?</section>', page, re.S
        )
        assert section and section[0].count("<p>") == 2, level
    assert "See the 3 programs at this level" in page
    assert 'href="/programs/?credential=certificate-1-to-2-years"' in page
    assert "9 months" in page  # why a band in years can sit beside a length in months
    assert '<a href="/programs/">Programs</a>' in page  # breadcrumbs


def test_credential_labels_link_to_what_they_mean(client):
    program = ProgramFactory(credential_level=CredentialLevel.CERTIFICATE_1_TO_2_YEARS)
    link = '<a class="label-help" href="/programs/award-levels/#certificate-1-to-2-years">'
    hidden = 'What this label means<span class="visually-hidden">: the award level'
    for url in ["/programs/", program.get_absolute_url(), f"/compare/?programs={program.pk}"]:
        page = client.get(url).content.decode()
        assert link in page, url
        assert hidden in page, url


def test_the_sitemap_lists_the_award_levels_page(client):
    listing = client.get("/sitemap-listing.xml").content.decode()
    assert "<loc>http://testserver/programs/award-levels/</loc>" in listing


@pytest.mark.skipif(JAVA is None or not VNU.exists(), reason="needs java and vnu.jar")
def test_the_new_parts_are_valid_html(client, tmp_path):
    flagged = flagged_program()
    steady = steady_program()
    pages = {
        "program with a flag": flagged.get_absolute_url(),
        "program without a flag": steady.get_absolute_url(),
        "listing": "/programs/?sort=graduates",
        "compare": f"/compare/?programs={flagged.pk},{steady.pk}",
        "award levels": "/programs/award-levels/",
    }
    files = {}
    for name, url in pages.items():
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_bytes(client.get(url).content)
        files[path] = name
    assert vnu_errors(files) == []
