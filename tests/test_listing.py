import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.models import PublishStatus
from programs.models import CredentialLevel, Sector

from .factories import (
    CareerFactory,
    CertificationFactory,
    ProgramFactory,
    SchoolFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db


def names(response):
    return [program.school.name for program in response.context["object_list"]]


def test_listing_shows_published_programs_with_a_count(client):
    ProgramFactory(school=SchoolFactory(name="Alpha College"))
    ProgramFactory(school=SchoolFactory(name="Hidden College"), status=PublishStatus.DRAFT)
    response = client.get("/programs/")
    assert response.status_code == 200
    assert names(response) == ["Alpha College"]
    assert "1 program" in response.content.decode()


@pytest.fixture
def two_programs():
    """California College: cheap, short, private nonprofit, every school option, CMA prep.
    Texas College: cost unknown, public associate degree for phlebotomy, no school options."""
    phlebotomy = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    california = ProgramFactory(
        school=SchoolFactory(
            name="California College",
            city="Fresno",
            state="CA",
            sector=Sector.PRIVATE_NONPROFIT,
            distance_education=True,
            evening_weekend=True,
            open_admission=True,
            federal_aid_eligible=True,
        ),
        tuition_and_fees=10000,
        books_and_supplies=2000,
        months_to_complete=8,
    )
    california.certifications.add(CertificationFactory())
    ProgramFactory(
        school=SchoolFactory(
            name="Texas College",
            city="Austin",
            state="TX",
            sector=Sector.PUBLIC,
            distance_education=False,
            evening_weekend=None,
            open_admission=False,
            federal_aid_eligible=False,
        ),
        credential_level=CredentialLevel.ASSOCIATE,
        career=phlebotomy,
        tuition_and_fees=None,
        months_to_complete=None,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=ca", ["California College"]),
        ("credential=associate", ["Texas College"]),
        ("sector=public", ["Texas College"]),
        ("cost_max=12000", ["California College"]),
        ("cost_max=11999", []),
        ("length_max=8", ["California College"]),
        ("length_max=7", []),
        ("career=phlebotomy-technician", ["Texas College"]),
        ("distance_ed=1", ["California College"]),
        ("evening_weekend=1", ["California College"]),
        ("open_admission=1", ["California College"]),
        ("federal_aid=1", ["California College"]),
        ("certification=cma-aama", ["California College"]),
        ("q=austin", ["Texas College"]),
        ("q=phlebotomy", ["Texas College"]),
        ("q=fresno+medical", ["California College"]),
        ("state=tx&sector=public&credential=associate", ["Texas College"]),
        ("state=ca&sector=public", []),
    ],
)
def test_each_filter_narrows_the_listing(client, two_programs, query, expected):
    assert names(client.get(f"/programs/?{query}")) == expected


def test_facet_counts_use_the_other_active_filters(client, two_programs):
    ProgramFactory(school=SchoolFactory(name="Sacramento College", state="CA", sector="public"))
    page = client.get("/programs/?sector=public").content.decode()
    # With "public" active, the state counts are of public programs only...
    assert ">California (1)</option>" in page and ">Texas (1)</option>" in page
    # ...while the school-type counts ignore the school-type filter itself.
    assert ">Public (2)</option>" in page and ">Private nonprofit (1)</option>" in page
    assert "Takes federal student aid (1)" in page  # Sacramento yes, Texas no
    assert ">Up to $15,000 (0)</option>" in page  # the public ones report no cost
    cert = client.get("/programs/").content.decode()
    assert ">CMA (AAMA) (1)</option>" in cert


def test_active_filters_are_chips_that_remove_one_filter_each(client, two_programs):
    page = client.get("/programs/?state=ca&sector=private-nonprofit&page=1").content.decode()
    assert 'href="?sector=private-nonprofit">California' in page
    assert 'href="?state=ca">Private nonprofit' in page
    assert "Clear all filters" in page


def test_removing_the_zip_chip_also_drops_the_radius(client):
    ZipCodeFactory()
    ProgramFactory()
    page = client.get("/programs/?zip=60601&radius=50&state=il").content.decode()
    assert 'href="?state=il">Within 50 miles of 60601' in page


def test_filtered_listing_keeps_filters_in_the_page_links(client):
    for n in range(25):
        ProgramFactory(school=SchoolFactory(name=f"College {n:02}", state="CA"))
    page = client.get("/programs/?state=ca").content.decode()
    assert "25 programs" in page
    assert 'href="?state=ca&amp;page=2"' in page
    second = client.get("/programs/?state=ca&page=2")
    assert names(second) == [f"College {n:02}" for n in range(20, 25)]


def test_zip_search_shows_distance_and_orders_by_it(client):
    ZipCodeFactory()  # 60601, Chicago Loop
    ProgramFactory(
        school=SchoolFactory(name="Evanston School", latitude=42.0451, longitude=-87.6877)
    )
    ProgramFactory(school=SchoolFactory(name="Loop School", latitude=41.8860, longitude=-87.6200))
    ProgramFactory(school=SchoolFactory(name="Milwaukee School", latitude=43.04, longitude=-87.91))
    response = client.get("/programs/?zip=60601")
    assert names(response) == ["Loop School", "Evanston School"]
    page = response.content.decode()
    assert "within 25 miles of 60601 (Chicago, IL)" in page
    assert "miles away" in page
    assert "GeoNames" in page  # CC BY attribution for the ZIP locations
    assert names(client.get("/programs/?zip=60601&radius=100"))[-1] == "Milwaukee School"
    by_name = names(client.get("/programs/?zip=60601&radius=100&sort=name"))
    assert by_name == ["Evanston School", "Loop School", "Milwaukee School"]


@pytest.fixture
def many_programs():
    """45 programs with deliberate ties in cost, length and graduates, and unknowns."""
    ZipCodeFactory()
    for n in range(45):
        ProgramFactory(
            school=SchoolFactory(
                name=f"School {n % 7}",  # repeated names force the tie-break
                latitude=41.88 + (n % 5) * 0.01,
                longitude=-87.62,
            ),
            tuition_and_fees=None if n % 6 == 0 else 8000 + (n % 4) * 1000,
            books_and_supplies=0,
            months_to_complete=None if n % 5 == 0 else 6 + n % 3,
            graduates_per_year=None if n % 8 == 0 else n % 4,
        )


def all_pages(client, query):
    seen, page = [], 1
    while True:
        response = client.get(f"/programs/?{query}&page={page}")
        seen.extend(response.context["object_list"])
        if not response.context["page_obj"].has_next():
            return seen
        page += 1


@pytest.mark.parametrize("sort", ["distance", "cost", "length", "graduates", "name"])
def test_every_sort_pages_through_without_repeats_or_gaps(client, many_programs, sort):
    programs = all_pages(client, f"zip=60601&sort={sort}")
    assert len(programs) == 45
    assert len({p.pk for p in programs}) == 45


def test_sort_by_cost_puts_unknown_costs_last_and_says_so(client, many_programs):
    programs = all_pages(client, "sort=cost")
    costs = [p.total_cost for p in programs]
    known = [c for c in costs if c is not None]
    assert costs == known + [None] * (45 - len(known))
    assert known == sorted(known)
    page = client.get("/programs/?sort=cost&page=3").content.decode()  # where they start
    unknown = len(costs) - len(known)
    assert f"{unknown} programs with no reported whole-program cost, listed last" in page


def test_sort_by_graduates_puts_most_first_and_unknowns_last(client, many_programs):
    counts = [p.graduates_per_year for p in all_pages(client, "sort=graduates")]
    known = [c for c in counts if c is not None]
    assert known == sorted(known, reverse=True)
    assert counts[len(known) :] == [None] * (45 - len(known))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("zip=6060", "Enter a five-digit ZIP code"),
        ("zip=99999", "We have no location for ZIP code 99999"),
        ("radius=7", "Select a valid choice"),
        ("state=zz", "Select a valid choice"),
        ("cost_max=lots", "Enter a number"),
        ("cost_max=-5", "greater than or equal to 0"),
        ("length_max=0", "greater than or equal to 1"),
        ("length_max=many", "Enter a number"),
        ("credential=phd", "Select a valid choice"),
        ("career=astronaut", "Select a valid choice"),
        ("sector=royal", "Select a valid choice"),
        ("distance_ed=yes", "Select a valid choice"),
        ("evening_weekend=2", "Select a valid choice"),
        ("open_admission=true", "Select a valid choice"),
        ("federal_aid=0", "Select a valid choice"),
        ("certification=nope", "Select a valid choice"),
        ("sort=price", "Select a valid choice"),
        ("sort=distance", "Sorting by distance needs a ZIP code"),
        ("q=" + "x" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_an_invalid_value_is_reported_and_the_other_filters_still_apply(client, query, message):
    ProgramFactory(school=SchoolFactory(name="California College", state="CA"))
    ProgramFactory(school=SchoolFactory(name="Texas College", state="TX"))
    param = query.split("=")[0]
    response = client.get(f"/programs/?{query}{'' if param == 'state' else '&state=tx'}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters could not be used" in page
    assert message in page
    if param == "zip":
        assert names(response) == []  # never silently every program nationwide
    elif param != "state":
        assert names(response) == ["Texas College"]


def test_a_bad_page_number_redirects_to_the_nearest_page(client):
    ProgramFactory()
    assert client.get("/programs/?page=999")["Location"] == "/programs/"
    assert client.get("/programs/?page=abc")["Location"] == "/programs/"


EVERY_FILTER = (
    "/programs/?zip=60601&radius=50&state=il&sector=private-for-profit&cost_max=50000"
    "&length_max=24&credential=certificate-under-1-year&career=medical-assistant&q=college"
    "&evening_weekend=1&open_admission=1&federal_aid=1&sort=cost&tuition_max=20000"
    "&cost_unknown=1&tuition_unknown=1&length_unknown=1"
)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_listing_runs_the_same_number_of_queries_whatever_the_size(
    client, django_assert_max_num_queries
):
    ZipCodeFactory()
    ProgramFactory()
    small = count_queries(client, EVERY_FILTER)
    small_plain = count_queries(client, "/programs/")
    for _ in range(30):
        ProgramFactory().certifications.add(CertificationFactory())
    cache.clear()  # facet counts are cached per filter combination: count them again
    assert count_queries(client, EVERY_FILTER) == small
    assert count_queries(client, "/programs/") == small_plain
    # The budget: 2 choice lists, the ZIP code, 12 facet queries (5 GROUP BYs, one of them
    # giving the total too; one for the inactive yes/no and "up to" filters; one for each of
    # the 6 active ones) and the page.
    cache.clear()
    with django_assert_max_num_queries(16):
        client.get(EVERY_FILTER)


def test_facet_counts_are_computed_once_per_filter_combination(client, django_assert_num_queries):
    ZipCodeFactory()
    ProgramFactory()
    first = count_queries(client, EVERY_FILTER)
    # Another page or sort of the same filters: the counts and the ZIP code come from the cache,
    # the career and certification lists from this process's memory; what is left is the page.
    with django_assert_num_queries(1):
        client.get(EVERY_FILTER.replace("sort=cost", "sort=name"))
    # The same page again: with a ZIP code its rows are kept from this second request
    # (finder/views.py ListingRows), then read from the cache.
    with django_assert_num_queries(1):
        client.get(EVERY_FILTER.replace("sort=cost", "sort=name"))
    with django_assert_num_queries(0):
        client.get(EVERY_FILTER.replace("sort=cost", "sort=name"))
    assert first > 2


def test_cached_facet_counts_are_fresh_after_an_edit(client, two_programs):
    assert ">Texas (1)</option>" in client.get("/programs/").content.decode()
    ProgramFactory(school=SchoolFactory(name="Austin College", state="TX"))
    page = client.get("/programs/").content.decode()
    assert ">Texas (2)</option>" in page
    assert "3 programs" in page


def test_the_total_matches_the_programs_listed(client, two_programs):
    ProgramFactory().certifications.add(CertificationFactory())  # a join must not double it
    for query in ("", "state=ca", "career=medical-assistant", "sector=public&state=tx"):
        response = client.get(f"/programs/?{query}")
        assert response.context["paginator"].count == len(response.context["object_list"])


def test_the_filter_form_lands_on_a_short_shareable_url(client):
    response = client.get("/programs/?q=&career=&zip=&radius=25&state=ca&sort=&page=")
    assert response.status_code == 302
    assert response["Location"] == "/programs/?state=ca"
    response = client.get("/programs/?zip=60601&radius=25&state=")
    assert response["Location"] == "/programs/?zip=60601&radius=25"
    assert client.get("/programs/?radius=25").status_code == 302


def test_the_link_back_to_the_first_page_is_the_short_url(client):
    for n in range(25):
        ProgramFactory(school=SchoolFactory(name=f"Paged College {n:02}", state="CA"))
    page = client.get("/programs/?state=ca&page=2").content.decode()
    assert 'href="?state=ca" rel="prev"' in page
