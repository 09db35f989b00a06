"""The JSON API, /api/v1/ (api/, docs/api.md): what each endpoint shows, public data only,
keyset pages, caching headers, CORS, rate limits, errors and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.models import PublishStatus
from corrections.models import Correction
from programs.models import CredentialLevel, Program
from programs.quality import held_back_refresh

from .factories import (
    CareerFactory,
    CertificationFactory,
    CertificationRouteFactory,
    CorrectionFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    return client.get(url, **headers)


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def all_rows(client, url):
    """Every row of a list, following `next` links."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows


@pytest.fixture(autouse=True)
def generous_rate(settings):
    settings.API_RATE_LIMIT = "100000/m"


# What each endpoint shows


def test_a_career_shows_national_pay_and_outlook_with_their_sources(client):
    career = CareerFactory()
    WageEstimateFactory()
    ProjectionFactory()
    CertificationFactory().careers.add(career)
    body = client.get("/api/v1/careers/medical-assistant/").json()
    assert body["title"] == "Medical Assistant"
    assert body["url"] == "http://testserver/careers/medical-assistant/"
    assert body["certifications"] == ["cma-aama"]
    pay = body["pay"]
    assert pay["annual_median"] == 44070 and pay["annual_p10"] == 36000
    assert pay["annual_p90"] == 58000 and pay["hourly_median"] == 21.19
    assert pay["source"].startswith("BLS Occupational Employment") and pay["period"] == "May 2025"
    outlook = body["outlook"]
    assert outlook["change_percent"] == 12.5 and outlook["employment_2024_thousands"] == 811.0
    assert outlook["source"] == "BLS Employment Projections" and outlook["period"] == "2024–34"


def test_a_career_without_figures_has_null_pay_and_outlook(client):
    CareerFactory()
    body = client.get("/api/v1/careers/").json()
    assert [c["slug"] for c in body["results"]] == ["medical-assistant"]
    assert body["results"][0]["pay"] is None and body["results"][0]["outlook"] is None


def test_a_certification_shows_its_organization_and_routes(client):
    route = CertificationRouteFactory(accreditors=["caahep", "abhes"])
    route.certification.careers.add(CareerFactory())
    route.certification.careers.add(CareerFactory(slug="draft", status=PublishStatus.DRAFT))
    body = client.get("/api/v1/certifications/cma-aama/").json()
    assert body["organization"]["abbreviation"] == "AAMA"
    assert body["organization"]["kind"]["value"] == "both"
    assert body["careers"] == ["medical-assistant"]  # never the draft
    (shown,) = body["routes"]
    assert shown["basis"] == {"value": "training", "label": "Completing a training program"}
    assert [a["code"] for a in shown["accreditors"]] == ["caahep", "abhes"]
    assert shown["last_checked"] == "2026-11-30"
    assert client.get("/api/v1/certifications/").json()["results"][0]["slug"] == "cma-aama"


def test_a_program_shows_cost_basis_length_graduates_sources_and_dates(client):
    program = ProgramFactory(
        graduates_per_year=0,
        graduates_by_year={"2021-22": 4, "2023-24": 0},
        outcome_flag="none-latest",
        last_verified=datetime.date(2026, 3, 4),
        field_sources={"months_to_complete": {"source": "school", "date": "2026-03-04"}},
    )
    program.certifications.add(CertificationFactory())
    body = client.get(f"/api/v1/programs/{program.pk}/").json()
    assert body["url"] == f"http://testserver/programs/{program.pk}/"
    assert body["credential"]["label"] == "Certificate (12 weeks to 1 year)"
    assert body["cost"]["basis"] == "whole-program" and body["cost"]["whole_program"] == 16200
    assert body["length"] == {
        "value": 720.0,
        "unit": {"value": "clock-hours", "label": "clock hours"},
        "months_to_complete": 9,
    }
    graduates = body["graduates"]
    assert [y["graduates"] for y in graduates["by_year"]] == [None, None, 4, None, 0]
    assert graduates["flag"]["value"] == "none-latest" and graduates["latest"] == 0
    assert body["school"]["flags"]["evening_weekend"] is True
    assert body["sources"]["data_source"] == "IPEDS" and body["sources"]["data_year"] == "2023-24"
    sourced = body["sources"]["fields"]["months_to_complete"]
    assert sourced["source"] == "school" and "Mar 4, 2026" in sourced["label"]
    assert body["last_verified"] == "2026-03-04"
    assert body["certifications"][0]["slug"] == "cma-aama"
    assert body["accreditation"] is None


def test_a_missing_cost_says_its_basis_and_why(client):
    yearly = ProgramFactory(
        tuition_and_fees=None, school=SchoolFactory(tuition_in_state_per_year=4000)
    )
    none = ProgramFactory(
        tuition_and_fees=None,
        cost_gap=Program.CostGap.SEVERAL_CREDENTIALS,
        school=SchoolFactory(tuition_in_state_per_year=None),
    )
    cost = client.get(f"/api/v1/programs/{yearly.pk}/").json()["cost"]
    assert cost["basis"] == "school-year" and cost["in_state_per_year"] == 4000
    cost = client.get(f"/api/v1/programs/{none.pk}/").json()["cost"]
    assert cost["basis"] == "not-reported" and cost["basis_label"] == "Not reported"
    assert cost["gap"]["value"] == "several-credentials"
    assert "more than one credential" in cost["why_not_reported"]


def test_a_school_lists_its_published_programs_only(client):
    school = SchoolFactory(unitid=123456)
    shown = ProgramFactory(school=school)
    ProgramFactory(school=school, cip_code="51.0802", status=PublishStatus.DRAFT)
    body = client.get("/api/v1/schools/123456/").json()
    assert body["unitid"] == 123456 and body["sector"]["value"] == "private-for-profit"
    assert [p["id"] for p in body["programs"]] == [shown.pk]
    assert body["programs"][0]["api_url"] == f"http://testserver/api/v1/programs/{shown.pk}/"


def test_the_api_speaks_english_whatever_the_visitor_asks(client):
    program = ProgramFactory()
    body = client.get(f"/api/v1/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert body["credential"]["label"] == "Certificate (12 weeks to 1 year)"


# Public data only


@pytest.fixture
def hidden():
    """A published program, and one of each kind the public never sees."""
    shown = ProgramFactory(school=SchoolFactory(name="Shown School"))
    draft = ProgramFactory(school=SchoolFactory(name="Draft School"), status=PublishStatus.DRAFT)
    draft_career = CareerFactory(slug="draft-career", status=PublishStatus.DRAFT)
    of_draft_career = ProgramFactory(
        school=SchoolFactory(name="Draft Career School"), career=draft_career
    )
    held = ProgramFactory(
        school=SchoolFactory(name="Held School"), credential_level=CredentialLevel.MASTER
    )
    from programs.models import RecordRule

    RecordRule.objects.create(
        slug="no-masters", name="No master's", credential_levels=["master"], reason="Implausible."
    )
    held_back_refresh()
    CorrectionFactory(
        contact_email="visitor@example.org",
        evidence="secret-evidence-text",
        page_url=f"/programs/{shown.pk}/",
    )
    return {"shown": shown, "hidden": [draft, of_draft_career, held]}


def test_drafts_and_held_back_records_are_absent_everywhere(client, hidden):
    assert Program.objects.get(pk=hidden["hidden"][2].pk).held_back
    assert [r["id"] for r in all_rows(client, "/api/v1/programs/")] == [hidden["shown"].pk]
    for program in hidden["hidden"]:
        assert client.get(f"/api/v1/programs/{program.pk}/").status_code == 404
        assert client.get(f"/api/v1/schools/{program.school.unitid}/").status_code == 404
    schools = [s["name"] for s in all_rows(client, "/api/v1/schools/")]
    assert schools == ["Shown School"]
    careers = [c["slug"] for c in all_rows(client, "/api/v1/careers/")]
    assert careers == ["medical-assistant"]
    assert client.get("/api/v1/careers/draft-career/").status_code == 404
    assert client.get("/api/v1/programs/?career=draft-career").status_code == 400


def test_nothing_personal_is_ever_shown(client, hidden):
    assert Correction.objects.exists()
    urls = [
        "/api/v1/programs/",
        f"/api/v1/programs/{hidden['shown'].pk}/",
        "/api/v1/schools/",
        f"/api/v1/schools/{hidden['shown'].school.unitid}/",
        "/api/v1/careers/",
        "/api/v1/schema/",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "visitor@example.org" not in text and "@" not in text.replace("@id", ""), url
        assert "imported_values" not in text and "shown_despite_rules" not in text
        assert "secret-evidence-text" not in text


# Keyset pages


@pytest.mark.parametrize("sort", ["name", "cost", "length", "graduates", "distance"])
def test_cursor_pages_never_repeat_or_skip_a_program(client, sort):
    ZipCodeFactory()
    for n in range(23):
        ProgramFactory(
            school=SchoolFactory(name=f"School {n % 4}", latitude=41.88 + (n % 3) * 0.01),
            cip_code=f"51.{n:04}",
            tuition_and_fees=None if n % 5 == 0 else 8000 + (n % 3) * 1000,
            books_and_supplies=0,
            months_to_complete=None if n % 4 == 0 else 6 + n % 2,
            graduates_per_year=None if n % 6 == 0 else n % 3,
        )
    query = f"zip=60601&sort={sort}"
    whole = ids(client.get(f"/api/v1/programs/?{query}&page_size=100"))
    assert len(whole) == 23
    paged = [r["id"] for r in all_rows(client, f"/api/v1/programs/?{query}&page_size=4")]
    assert paged == whole


def test_a_page_links_the_next_in_the_body_and_a_link_header(client):
    for _ in range(3):
        ProgramFactory()
    first = client.get("/api/v1/programs/?page_size=2&state=il")
    following = first.json()["next"]
    assert following.startswith("http://testserver/api/v1/programs/?")
    assert "state=il" in following and "cursor=" in following
    assert first["Link"] == f'<{following}>; rel="next"'
    last = client.get(following)
    assert len(ids(last)) == 1 and last.json()["next"] is None and "Link" not in last


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/programs/?page_size=0", "page_size"),
        ("/api/v1/programs/?page_size=101", "page_size"),
        ("/api/v1/programs/?page_size=ten", "page_size"),
        ("/api/v1/programs/?cursor=made-up", "cursor"),
        ("/api/v1/schools/?cursor=made-up", "cursor"),
        ("/api/v1/careers/?page_size=-1", "page_size"),
    ],
)
def test_a_bad_page_size_or_cursor_is_a_400_naming_it(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_a_cursor_is_valid_only_with_the_sort_it_was_made_for(client):
    for _ in range(3):
        ProgramFactory()
    following = client.get("/api/v1/programs/?sort=cost&page_size=1").json()["next"]
    assert client.get(following).status_code == 200
    response = client.get(following.replace("sort=cost", "sort=length"))
    assert response.status_code == 400 and "cursor" in response.json()["errors"]
    cursor = following.split("cursor=")[1]
    assert client.get(f"/api/v1/schools/?cursor={cursor}").status_code == 400


# Errors


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programs/999999/",
        "/api/v1/programs/abc/",
        "/api/v1/programs/99999999999999999999999/",
        "/api/v1/schools/1/",
        "/api/v1/schools/99999999999/",
        "/api/v1/careers/nope/",
        "/api/v1/certifications/nope/",
        "/api/v1/nothing-here/",
        "/api/v1/programs/1/extra/",
    ],
)
def test_unknown_ids_and_paths_are_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_path_without_its_slash_is_sent_to_the_endpoint(client):
    response = client.get("/api/v1/programs?state=il")
    assert response.status_code == 301 and response["Location"] == "/api/v1/programs/?state=il"


def test_writing_is_refused_with_a_json_405(client):
    response = client.post("/api/v1/programs/")
    assert response.status_code == 405 and "detail" in response.json()


def test_invalid_filters_are_a_400_naming_each(client):
    response = client.get("/api/v1/programs/?state=zz&cost_max=abc&sort=distance&unknown=1")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state", "cost_max", "sort"}
    assert response.json()["errors"]["sort"] == ["Sorting by distance needs a ZIP code."]


# Caching, CORS and rate limits


def test_a_response_has_an_etag_and_a_matching_request_gets_a_304(client):
    program = ProgramFactory()
    url = f"/api/v1/programs/{program.pk}/"
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "public, max-age=60"
    Program.objects.filter(pk=program.pk).update(months_to_complete=10)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_head_and_the_document_are_cached_the_same_way(client):
    program = ProgramFactory()
    head = client.head(f"/api/v1/programs/{program.pk}/")
    assert (
        head.status_code == 200
        and head["ETag"] == client.get(f"/api/v1/programs/{program.pk}/")["ETag"]
    )
    schema = client.get("/api/v1/schema/")
    assert schema["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/schema/", HTTP_IF_NONE_MATCH=schema["ETag"]).status_code == 304


def test_any_origin_may_read_the_api(client):
    ProgramFactory()
    response = client.get("/api/v1/programs/", HTTP_ORIGIN="https://data.example.net")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Link" in response["Access-Control-Expose-Headers"]


def test_too_many_requests_from_one_address_get_a_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = "3/m"
    ProgramFactory()
    for url in ["/api/v1/programs/", "/api/v1/careers/", "/api/v1/schools/"]:
        assert client.get(url).status_code == 200
    response = client.get("/api/v1/programs/", HTTP_ORIGIN="https://data.example.net")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/programs/", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_the_rate_limit_keys_on_the_proxy_header_when_configured(client, settings):
    settings.API_RATE_LIMIT = "1/m"
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    assert client.get("/api/v1/careers/", HTTP_X_REAL_IP="198.51.100.1").status_code == 200
    assert client.get("/api/v1/careers/", HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert client.get("/api/v1/careers/", HTTP_X_REAL_IP="198.51.100.2").status_code == 200


# Queries per request


def queries_for(client, url) -> int:
    client.get(url)  # warm: the finder's career and certification lists are kept per process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_rows(count, start=0):
    """`count` programs, each of its own career (with national pay and outlook) and school,
    each career with a certification of its own; every program prepares for CMA (AAMA)."""
    ZipCodeFactory()
    shared = CertificationFactory()
    for n in range(start, start + count):
        career = CareerFactory(slug=f"career-{n}", title=f"Career {n}", soc_code=f"31-{n:04}")
        WageEstimateFactory(soc_code=career.soc_code)
        ProjectionFactory(soc_code=career.soc_code)
        certification = CertificationFactory(slug=f"cert-{n}", abbreviation=f"C{n}")
        certification.careers.add(career)
        CertificationRouteFactory(certification=certification)
        ProgramFactory(career=career, cip_code=f"51.{n:04}", school=SchoolFactory())
    for program in Program.objects.all():  # after the routes, which set a career's own
        program.certifications.add(shared)


URLS = [
    "/api/v1/programs/?page_size=100",
    "/api/v1/programs/?zip=60601&sort=graduates&page_size=100&cost_max=50000&state=il",
    "/api/v1/programs/?q=medical&certification=cma-aama&page_size=100",
    "/api/v1/schools/?page_size=100",
    "/api/v1/careers/?page_size=100",
    "/api/v1/certifications/?page_size=100",
]


@pytest.mark.parametrize("url", URLS)
def test_a_list_costs_the_same_queries_for_1_row_as_for_30(client, django_assert_num_queries, url):
    make_rows(1)
    one = queries_for(client, url)
    make_rows(29, start=1)
    client.get(url)
    assert len(client.get(url).json()["results"]) >= 30
    with django_assert_num_queries(one):
        client.get(url)


def test_a_detail_costs_the_same_queries_whatever_it_holds(client, django_assert_num_queries):
    make_rows(1)
    program = Program.objects.get()
    counts = {
        url: queries_for(client, url)
        for url in [
            f"/api/v1/programs/{program.pk}/",
            f"/api/v1/schools/{program.school.unitid}/",
            "/api/v1/careers/career-0/",
            "/api/v1/certifications/cert-0/",
        ]
    }
    make_rows(29, start=1)
    for n in range(29):
        ProgramFactory(school=program.school, cip_code=f"52.{n:04}").certifications.add(
            CertificationFactory()
        )
    for url, count in counts.items():
        client.get(url)
        with django_assert_num_queries(count):
            client.get(url)


def test_the_keyset_knows_which_sort_keys_can_be_null():
    from api.pagination import sort_keys

    nullable = {
        sort: [key.nullable for key in sort_keys(getattr(Program.objects.all(), f"by_{sort}")())]
        for sort in ["name", "cost", "length", "graduates"]
    }
    assert nullable == {
        "name": [False, False, False, False],
        "cost": [True, False],  # total_cost, a GeneratedField that may be NULL
        "length": [True, False],
        "graduates": [False, False],  # COALESCE(graduates_per_year, -1)
    }
