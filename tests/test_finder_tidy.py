"""The finder's tidy edges (issue 15): one "Any …" per list, one distance sort, a ZIP code that
can't be used, page numbers out of range, the empty listing, the 404 page, the filters' fold,
compare from a link, and the program page's buttons."""

import re

import pytest
from django.test import Client

from .factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db


def options(page, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_each_list_offers_any_once(client):
    ProgramFactory()
    page = client.get("/programs/").content.decode()
    for name in ("career", "state", "credential", "sector", "certification"):
        labels = options(page, name)
        assert len([label for label in labels if label.startswith("Any")]) == 1, name
        assert labels[0].startswith("Any"), name


def test_the_sort_list_offers_each_order_once_the_one_in_use_first(client):
    ZipCodeFactory()
    ProgramFactory()
    page = client.get("/programs/").content.decode()
    assert options(page, "sort") == [
        "School name",  # no ZIP code: by school name
        "Distance, nearest first (needs a ZIP code)",
        "Total cost, lowest first",
        "Length, shortest first",
        "Graduates in 2023-24, most first",
    ]
    near = client.get("/programs/?zip=60601").content.decode()
    assert options(near, "sort")[0] == "Distance, nearest first"  # with one: nearest first
    assert len([label for label in options(near, "sort") if "Distance" in label]) == 1
    # Links that name the order in use still work.
    assert client.get("/programs/?zip=60601&sort=distance").status_code == 200
    assert client.get("/programs/?sort=name").status_code == 200


@pytest.mark.parametrize(
    ("zip_code", "message"),
    [("6060", "Enter a five-digit ZIP code"), ("99999", "We have no location for ZIP code")],
)
def test_a_zip_code_that_cant_be_used_shows_no_programs_and_says_why(client, zip_code, message):
    ProgramFactory(school=SchoolFactory(name="Texas College", state="TX"))
    response = client.get(f"/programs/?zip={zip_code}&state=tx")
    page = response.content.decode()
    assert list(response.context["object_list"]) == []
    assert "No programs shown, because the ZIP code" in page and message in page
    assert '<a href="/programs/?state=tx">Show programs without a ZIP code</a>' in page
    assert "No programs match these filters" not in page
    assert '<details class="filters-fold" open>' in page  # the field with its error is shown


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("page=abc", "/programs/"),
        ("page=0", "/programs/"),
        ("page=-3", "/programs/"),
        ("page=999", "/programs/?page=2"),
        ("state=ca&page=99", "/programs/?state=ca&page=2"),
        ("state=tx&page=2", "/programs/?state=tx"),  # no programs: one empty page
    ],
)
def test_a_page_out_of_range_redirects_to_the_nearest_page(client, query, location):
    for n in range(21):
        ProgramFactory(school=SchoolFactory(name=f"College {n:02}", state="CA"))
    response = client.get(f"/programs/?{query}")
    assert response.status_code == 302
    assert response["Location"] == location


def test_an_empty_listing_offers_no_download(client):
    ProgramFactory(school=SchoolFactory(state="CA"))
    assert "as a spreadsheet (CSV)" not in client.get("/programs/?state=tx").content.decode()
    page = client.get("/programs/?state=ca").content.decode()
    assert "Download this program as a spreadsheet (CSV)" in page


def test_the_filters_fold_behind_a_summary_counting_those_applied(client):
    ProgramFactory(school=SchoolFactory(state="CA"))
    page = client.get("/programs/").content.decode()
    assert '<details class="filters-fold">' in page
    assert "<summary>Filters</summary>" in page
    page = client.get("/programs/?state=ca&federal_aid=1").content.decode()
    assert "<summary>Filters (2 applied)</summary>" in page
    assert page.index("<summary>") < page.index('id="results-heading"')


def test_the_404_page_has_a_search_box_and_a_way_to_the_finder(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'action="/search/"' in page and 'name="q"' in page
    assert 'href="/programs/"' in page


def test_the_compare_zip_box_speaks_of_distance(client):
    program = ProgramFactory()
    page = client.get(f"/compare/?programs={program.pk}").content.decode()
    assert "metro" not in page
    assert "Straight-line miles from the center of your ZIP code" in page


def test_the_finder_carries_the_zip_code_into_compare(client):
    ZipCodeFactory()
    program = ProgramFactory()
    page = client.get("/programs/?zip=60601").content.decode()
    assert 'href="/compare/?zip=60601"' in page
    client.post("/compare/update/", {"program": program.pk, "action": "add"})
    response = client.get("/compare/?zip=60601")
    assert response["Location"] == f"/compare/?programs={program.pk}&zip=60601"


def test_a_shared_comparison_counts_its_programs_and_offers_to_save_them(client):
    first, second = ProgramFactory(), ProgramFactory()
    link = f"/compare/?programs={first.pk},{second.pk}"
    page = Client().get(link).content.decode()  # a visitor with no list of their own
    assert 'Compare<span class="count"> (2)' in page
    assert "Add to compare" not in page
    assert "Save this comparison" in page

    client.post("/compare/update/", {"program": first.pk, "action": "add"})
    page = client.get(link).content.decode()
    assert "yours has 1 program: saving this one replaces it" in page
    response = client.post(
        "/compare/save/", {"programs": f"{first.pk},{second.pk}", "zip": "60601"}
    )
    assert response["Location"] == f"/compare/?programs={first.pk}%2C{second.pk}&zip=60601"
    assert client.session["compare"] == [first.pk, second.pk]
    page = client.get(link).content.decode()  # now their own list: the usual buttons
    assert "Save this comparison" not in page
    assert 'Compare<span class="count"> (2)' in page
    assert f'name="next" value="/compare/#program-{first.pk}"' in page
    response = client.post(
        "/compare/update/",
        {"program": first.pk, "action": "remove", "next": f"/compare/#program-{first.pk}"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/compare/?programs={second.pk}"
    assert "Save this comparison" not in response.content.decode()


def test_the_program_page_offers_compare_and_shortlist_even_when_cached(client):
    program = ProgramFactory()
    url = program.get_absolute_url()
    for visitor in (Client(), Client()):  # the second is served from the page cache
        page = visitor.get(url).content.decode()
        assert "Add to compare" in page and "Save to shortlist" in page
        assert page.count('action="/compare/update/"') >= 1
    response = client.post(
        "/compare/update/",
        {"program": program.pk, "action": "add", "next": f"{url}#program-{program.pk}"},
    )
    assert response["Location"] == f"{url}#program-{program.pk}"
    assert "Remove from compare" in client.get(url).content.decode()
