"""Cost with its basis everywhere a program shows, and filters and sorts that never hide programs
with no figure silently (issue 14, items 1 and 2)."""

import csv
import io

import pytest
from django.core.cache import cache

from programs.costs import CostBasis

from .factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_bases():
    """One program per cost basis, all near ZIP 60601."""
    ZipCodeFactory()
    whole = ProgramFactory(
        school=SchoolFactory(name="Alpha Career Institute"),
        tuition_and_fees=9000,
        books_and_supplies=1000,
    )
    yearly = ProgramFactory(
        school=SchoolFactory(
            name="Beta Community College",
            tuition_in_state_per_year=3164,
            tuition_out_of_state_per_year=5564,
        ),
        tuition_and_fees=None,
        books_and_supplies=None,
        months_to_complete=None,
        cost_gap="not-reported",
    )
    neither = ProgramFactory(
        school=SchoolFactory(name="Gamma Technical College"),
        tuition_and_fees=None,
        books_and_supplies=None,
        graduates_per_year=None,
        cost_gap="several-credentials",
    )
    return whole, yearly, neither


def cards(response):
    return [program.school.name for program in response.context["object_list"]]


def test_each_program_has_one_cost_and_its_basis(three_bases):
    whole, yearly, neither = three_bases
    assert (whole.cost.basis, whole.cost.whole_program) == (CostBasis.WHOLE_PROGRAM, 10000)
    assert (yearly.cost.basis, yearly.cost.in_state_per_year) == (CostBasis.SCHOOL_YEAR, 3164)
    assert yearly.cost.out_of_state_per_year == 5564
    assert neither.cost.basis == CostBasis.NOT_REPORTED
    assert "more than one credential" in neither.cost.why_not_reported


def test_every_card_shows_a_figure_with_its_basis_or_a_reason(client, three_bases):
    page = client.get("/programs/?zip=60601").content.decode()
    assert '<strong>$10,000</strong> <span class="basis">whole program</span>' in page
    assert "<strong>$3,164</strong> a year in-state, $5,564 out-of-state" in page
    assert "per year, school-wide" in page
    assert "no price for this program or yearly tuition in IPEDS" in page


def test_program_compare_and_school_pages_say_the_basis(client, three_bases):
    _whole, yearly, neither = three_bases
    program_page = client.get(yearly.get_absolute_url()).content.decode()
    assert (
        "per year, school-wide: the school's tuition and fees for a full-time year, not this "
        "program's price" in program_page
    )
    assert "more than one credential" in client.get(neither.get_absolute_url()).content.decode()
    school_page = client.get(yearly.school.get_absolute_url()).content.decode()
    assert "a year in-state" in school_page
    ids = ",".join(str(p.pk) for p in three_bases)
    compare = client.get(f"/compare/?programs={ids}").content.decode()
    assert "$10,000 (whole program)" in compare
    assert "$3,164 a year in-state, $5,564 out-of-state (per year, school-wide" in compare
    assert "Not reported: The school reported one price" in compare


def test_the_csv_has_the_basis_and_the_yearly_tuition(client, three_bases):
    response = client.get("/programs/export.csv?sort=name")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_school = {row["school"]: row for row in rows}
    assert by_school["Alpha Career Institute"]["cost_basis"] == "Whole program"
    beta = by_school["Beta Community College"]
    assert beta["cost_basis"] == "Per year, school-wide"
    assert beta["school_tuition_in_state_per_year_usd"] == "3164"
    assert by_school["Gamma Technical College"]["cost_basis"] == "Not reported"


def test_a_cost_filter_says_how_many_it_left_out_and_links_to_them(client, three_bases):
    response = client.get("/programs/?zip=60601&cost_max=15000")
    assert cards(response) == ["Alpha Career Institute"]
    page = response.content.decode()
    assert "2 programs with no reported whole-program cost were left out." in page
    assert '<a href="?zip=60601&amp;cost_max=15000&amp;cost_unknown=1">Include them</a>' in page
    included = client.get("/programs/?zip=60601&cost_max=15000&cost_unknown=1")
    assert len(cards(included)) == 3
    page = included.content.decode()
    assert "Including 2 programs with no reported whole-program cost." in page
    assert '<a href="?zip=60601&amp;cost_max=15000">Leave them out</a>' in page


def test_a_program_over_the_limit_is_not_let_in_with_the_unknowns(client, three_bases):
    response = client.get("/programs/?cost_max=5000&cost_unknown=1&sort=name")
    assert cards(response) == ["Beta Community College", "Gamma Technical College"]


def test_the_yearly_tuition_filter_compares_yearly_figures_only(client, three_bases):
    response = client.get("/programs/?tuition_max=4000&sort=name")
    # Alpha's $10,000 is a whole-program price: never compared with a yearly limit.
    assert cards(response) == ["Beta Community College"]
    assert "2 programs with no yearly tuition reported by their school were left out." in (
        response.content.decode()
    )


def test_the_length_filter_says_how_many_it_left_out(client, three_bases):
    response = client.get("/programs/?length_max=12")
    assert len(cards(response)) == 2
    assert "1 program with no reported length in months was left out." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("sort", "heading"),
    [
        ("cost", "2 programs with no reported whole-program cost, listed last"),
        ("length", "1 program with no reported length in months, listed last"),
        ("graduates", "1 program with no graduates reported for 2023-24, listed last"),
    ],
)
def test_a_sort_puts_programs_with_no_figure_last_under_a_heading(
    client, three_bases, sort, heading
):
    response = client.get(f"/programs/?sort={sort}")
    page = response.content.decode()
    assert heading in page
    known, last = page.split(heading)
    assert len(response.context["programs_listed_last"]) == int(heading.split()[0])
    for program in response.context["programs_listed_last"]:
        assert f'id="program-{program.pk}"' in last
        assert f'id="program-{program.pk}"' not in known


def test_no_heading_when_every_program_has_the_figure(client, three_bases):
    page = client.get("/programs/?sort=cost&cost_max=50000").content.decode()
    assert "listed last" not in page


def test_the_include_checkbox_counts_the_unknowns(client, three_bases):
    cache.clear()
    page = client.get("/programs/?cost_max=15000").content.decode()
    assert "Also show programs with no reported cost (2)" in page
