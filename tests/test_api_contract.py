"""The API against its OpenAPI document (/api/v1/schema/), and the program search against the
finder: the same programs in the same order as /programs/ for the same query."""

import json
import re

import pytest
from django.http import QueryDict
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from careers.models import PublishStatus
from finder.filters import ProgramFilter
from programs.models import CredentialLevel, Program, Sector

from .factories import (
    CareerFactory,
    CertificationFactory,
    CertificationRouteFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db
DOCUMENT = "urn:api-document"


@pytest.fixture(autouse=True)
def generous_rate(settings):
    settings.API_RATE_LIMIT = "100000/m"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_describes_every_endpoint_parameter_and_error(document):
    paths = document["paths"]
    assert set(paths) == {
        "/api/v1/careers/",
        "/api/v1/careers/{slug}/",
        "/api/v1/certifications/",
        "/api/v1/certifications/{slug}/",
        "/api/v1/schools/",
        "/api/v1/schools/{unitid}/",
        "/api/v1/programs/",
        "/api/v1/programs/{id}/",
    }
    search = paths["/api/v1/programs/"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert names == {*ProgramFilter.base_filters, "cursor", "page_size"}
    for path, item in paths.items():
        responses = item["get"]["responses"]
        assert {"200", "429"} <= set(responses), path
        assert ("404" if "{" in path else "400") in responses, path


def validator_for(document, path, status):
    """A JSON Schema validator for the response `status` of GET `path`, its $refs resolved in
    the document."""
    registry = Registry().with_resource(
        DOCUMENT, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    content = document["paths"][path]["get"]["responses"][str(status)]["content"]
    schema = content["application/json"]["schema"]
    pointer = schema["$ref"].removeprefix("#")
    return Draft202012Validator({"$ref": f"{DOCUMENT}#{pointer}"}, registry=registry)


def check(client, document, path, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    validator_for(document, path, status).validate(response.json())
    return response.json()


@pytest.fixture
def directory():
    """One of everything, with every figure present on one program and absent on another."""
    ZipCodeFactory()
    career = CareerFactory()
    WageEstimateFactory(annual_p10=None, annual_p90=None)
    ProjectionFactory()
    route = CertificationRouteFactory(accreditors=["caahep"])
    route.certification.careers.add(career)
    full = ProgramFactory(
        school=SchoolFactory(unitid=111111, tuition_in_state_per_year=5000),
        accreditor="caahep",
        accreditation_evidence="https://www.caahep.org/",
        accreditation_verified_on="2026-05-01",
        delivery_format="hybrid",
        offers_evening=True,
        externship_hours=160,
        field_sources={"tuition_and_fees": {"source": "editor", "date": "2026-02-01"}},
    )
    full.certifications.add(route.certification)
    bare = ProgramFactory(
        school=SchoolFactory(unitid=222222, latitude=None, longitude=None),
        tuition_and_fees=None,
        books_and_supplies=None,
        length=None,
        length_unit="",
        months_to_complete=None,
        graduates_per_year=None,
        cost_gap=Program.CostGap.NOT_REPORTED,
    )
    CareerFactory(slug="without-figures", soc_code="29-9999", title="Without Figures")
    return {"full": full, "bare": bare}


def test_every_endpoint_answers_as_the_document_says(client, document, directory):
    full, bare = directory["full"], directory["bare"]
    for path, url in [
        ("/api/v1/careers/", "/api/v1/careers/"),
        ("/api/v1/careers/{slug}/", "/api/v1/careers/medical-assistant/"),
        ("/api/v1/careers/{slug}/", "/api/v1/careers/without-figures/"),
        ("/api/v1/certifications/", "/api/v1/certifications/"),
        ("/api/v1/certifications/{slug}/", "/api/v1/certifications/cma-aama/"),
        ("/api/v1/schools/", "/api/v1/schools/?page_size=1"),
        ("/api/v1/schools/{unitid}/", "/api/v1/schools/111111/"),
        ("/api/v1/schools/{unitid}/", "/api/v1/schools/222222/"),
        ("/api/v1/programs/", "/api/v1/programs/"),
        ("/api/v1/programs/", "/api/v1/programs/?zip=60601&page_size=1"),
        ("/api/v1/programs/{id}/", f"/api/v1/programs/{full.pk}/"),
        ("/api/v1/programs/{id}/", f"/api/v1/programs/{bare.pk}/"),
    ]:
        check(client, document, path, url, 200)
    body = check(client, document, "/api/v1/programs/{id}/", f"/api/v1/programs/{full.pk}/", 200)
    assert body["accreditation"]["accreditor"]["value"] == "caahep"
    assert body["sources"]["fields"]["tuition_and_fees"]["source"] == "editor"


@pytest.mark.parametrize(
    "path, url",
    [
        ("/api/v1/careers/", "/api/v1/careers/?page_size=0"),
        ("/api/v1/certifications/", "/api/v1/certifications/?cursor=x"),
        ("/api/v1/schools/", "/api/v1/schools/?page_size=1000"),
        ("/api/v1/programs/", "/api/v1/programs/?zip=00000&state=zz"),
        ("/api/v1/programs/", "/api/v1/programs/?sort=distance"),
    ],
)
def test_bad_parameters_answer_as_the_document_says(client, document, path, url):
    check(client, document, path, url, 400)


@pytest.mark.parametrize(
    "path, url",
    [
        ("/api/v1/careers/{slug}/", "/api/v1/careers/nope/"),
        ("/api/v1/certifications/{slug}/", "/api/v1/certifications/nope/"),
        ("/api/v1/schools/{unitid}/", "/api/v1/schools/404/"),
        ("/api/v1/programs/{id}/", "/api/v1/programs/404/"),
    ],
)
def test_unknown_records_answer_as_the_document_says(client, document, path, url):
    check(client, document, path, url, 404)


def test_the_rate_limit_answers_as_the_document_says(client, document, settings):
    settings.API_RATE_LIMIT = "1/m"
    client.get("/api/v1/careers/")
    check(client, document, "/api/v1/careers/", "/api/v1/careers/", 429)


# The program search and the finder


@pytest.fixture
def listing():
    """60 programs over three careers, four states, every credential and sector, with costs,
    lengths and graduates tied and missing, school flags on and off, some preparing for a
    certification; plus drafts and held-back programs that must never show."""
    ZipCodeFactory()
    ZipCodeFactory(
        code="94103", city="San Francisco", state="CA", latitude=37.77, longitude=-122.41
    )
    careers = [
        CareerFactory(),
        CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician"),
        CareerFactory(slug="pharmacy-technician", title="Pharmacy Technician"),
    ]
    draft_career = CareerFactory(slug="draft-career", status=PublishStatus.DRAFT)
    certification = CertificationFactory()
    places = [("IL", 41.88, -87.62, "Chicago"), ("CA", 37.77, -122.41, "San Francisco")]
    places += [("TX", 30.27, -97.74, "Austin"), ("IL", 42.05, -87.69, "Evanston")]
    levels, sectors = list(CredentialLevel), list(Sector)
    for n in range(60):
        state, lat, lon, city = places[n % 4]
        school = SchoolFactory(
            name=f"{['Alpha', 'Beta', 'Gamma'][n % 3]} College {n % 5}",
            state=state,
            city=city,
            latitude=lat + (n % 7) * 0.02,
            longitude=lon,
            sector=sectors[n % 3],
            distance_education=[True, False, None][n % 3],
            evening_weekend=n % 2 == 0,
            open_admission=[True, None][n % 2],
            federal_aid_eligible=n % 4 != 1,
            tuition_in_state_per_year=None if n % 5 == 0 else 3000 + (n % 4) * 2000,
        )
        program = ProgramFactory(
            school=school,
            career=careers[n % 3],
            credential_level=levels[n % len(levels)] if n % 3 else levels[1],
            cip_title=["Medical/Clinical Assistant.", "Phlebotomy Technician.", "Pharmacy."][n % 3],
            tuition_and_fees=None if n % 6 == 0 else 4000 + (n % 4) * 3000,
            books_and_supplies=None if n % 4 == 0 else 500,
            months_to_complete=None if n % 5 == 0 else 4 + (n % 4) * 4,
            graduates_per_year=None if n % 7 == 0 else n % 5,
            status=PublishStatus.DRAFT if n % 17 == 0 else PublishStatus.PUBLISHED,
        )
        if n % 2:
            program.certifications.add(certification)
        if n % 13 == 0:
            Program.objects.filter(pk=program.pk).update(held_back=True)
    ProgramFactory(career=draft_career, school=SchoolFactory(name="Draft Career College"))


COMBINATIONS = [
    "",
    "career=medical-assistant",
    "career=phlebotomy-technician&state=ca",
    "state=il",
    "state=tx&sort=cost",
    "zip=60601",
    "zip=60601&radius=10",
    "zip=60601&radius=100&sort=name",
    "zip=60601&radius=50&sort=cost",
    "zip=60601&radius=100&sort=graduates",
    "zip=94103&radius=50&sort=length",
    "credential=certificate-under-1-year",
    "credential=associate&sort=graduates",
    "sector=public",
    "sector=private-nonprofit&state=il",
    "cost_max=10000",
    "cost_max=10000&cost_unknown=1",
    "cost_max=10000&cost_unknown=1&sort=cost",
    "tuition_max=6000",
    "tuition_max=6000&tuition_unknown=1&sort=length",
    "length_max=8",
    "length_max=8&length_unknown=1",
    "length_max=12&length_unknown=1&sort=length",
    "distance_ed=1",
    "evening_weekend=1&sort=cost",
    "open_admission=1",
    "federal_aid=1&state=ca",
    "distance_ed=1&evening_weekend=1&open_admission=1&federal_aid=1",
    "certification=cma-aama",
    "certification=cma-aama&sort=graduates",
    "q=alpha",
    "q=chicago+medical",
    "q=pharmacy&sort=length",
    "sort=name",
    "sort=cost",
    "sort=length",
    "sort=graduates",
    "cost_max=20000&length_max=24&state=il&sort=cost",
    "zip=60601&radius=100&career=medical-assistant&cost_max=15000&cost_unknown=1",
    "zip=60601&sort=distance&federal_aid=1",
    "radius=50",
    "state=&career=&q=&sort=",
    "page=2&utm_source=newsletter",
]


def search_ids(client, query) -> list[int]:
    """Every program of the API search, following `next` pages of 7."""
    found, url = [], f"/api/v1/programs/?{query}&page_size=7"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (query, response.content[:300])
        found += [row["id"] for row in response.json()["results"]]
        url = response.json()["next"]
    return found


def listing_ids(client, query) -> list[int]:
    """Every program /programs/ lists, page by page, read from the program cards' HTML."""
    query = re.sub(r"(^|&)page=\d+", "", query)
    query = "&".join(p for p in query.split("&") if p and not p.endswith("="))
    found, page = [], 1
    while True:
        response = client.get(f"/programs/?{query}&page={page}".replace("?&", "?"))
        assert response.status_code == 200, (query, response.status_code)
        cards = re.findall(r'id="program-(\d+)"', response.content.decode())
        found += [int(pk) for pk in dict.fromkeys(cards)]
        if not response.context["page_obj"].has_next():
            return found
        page += 1


@pytest.mark.parametrize("query", COMBINATIONS)
def test_the_search_lists_what_the_finder_lists_in_its_order(client, listing, query):
    api = search_ids(client, query)
    finder = ProgramFilter(QueryDict(query) or None, queryset=Program.objects.for_listing())
    assert api == [program.pk for program in finder.qs]
    assert api == listing_ids(client, query)
    public = set(Program.objects.published().values_list("pk", flat=True))
    assert set(api) <= public


def test_the_combinations_are_many_and_not_trivial(client, listing):
    assert len(COMBINATIONS) >= 30
    sizes = {query: len(search_ids(client, query)) for query in COMBINATIONS}
    assert sum(1 for size in sizes.values() if 0 < size < sizes[""]) >= 25, sizes
