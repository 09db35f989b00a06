import pytest

from careers.models import PublishStatus
from programs.models import CredentialLevel, Sector

from .factories import CareerFactory, ProgramFactory, SchoolFactory, ZipCodeFactory

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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=ca", ["California College"]),
        ("credential=associate", ["Texas College"]),
        ("sector=public", ["Texas College"]),
        ("cost_max=12000", ["California College"]),
        ("career=phlebotomy-technician", ["Texas College"]),
        ("state=tx&sector=public&credential=associate", ["Texas College"]),
        ("state=ca&sector=public", []),
    ],
)
def test_each_filter_narrows_the_listing(client, query, expected):
    phlebotomy = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    ProgramFactory(
        school=SchoolFactory(
            name="California College", state="CA", sector=Sector.PRIVATE_NONPROFIT
        ),
        tuition_and_fees=10000,
        books_and_supplies=2000,
    )
    ProgramFactory(
        school=SchoolFactory(name="Texas College", state="TX", sector=Sector.PUBLIC),
        credential_level=CredentialLevel.ASSOCIATE,
        career=phlebotomy,
        tuition_and_fees=None,
    )
    assert names(client.get(f"/programs/?{query}")) == expected


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


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("zip=6060", "Enter a five-digit ZIP code"),
        ("zip=99999", "We have no location for ZIP code 99999"),
        ("state=zz", "Select a valid choice"),
        ("cost_max=lots", "Enter a number"),
        ("cost_max=-5", "greater than or equal to 0"),
        ("credential=phd", "Select a valid choice"),
        ("career=astronaut", "Select a valid choice"),
        ("radius=7", "Select a valid choice"),
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
    if param != "state":
        assert names(response) == ["Texas College"]


def test_bad_page_number_is_a_404_not_a_500(client):
    ProgramFactory()
    assert client.get("/programs/?page=999").status_code == 404
    assert client.get("/programs/?page=abc").status_code == 404


def test_listing_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    ZipCodeFactory()
    for _ in range(20):
        ProgramFactory()
    with django_assert_max_num_queries(5):
        client.get("/programs/?zip=60601&state=il&sector=private-for-profit&cost_max=50000")
    with django_assert_max_num_queries(4):
        client.get("/programs/")
