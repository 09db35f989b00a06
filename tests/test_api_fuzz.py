"""Property-based tests of the API: whatever a client sends, never a 500; an invalid parameter
is a 400 whose JSON names it, and names only parameters that were sent; a path that names no
public record is a JSON 404. (A query string holding NUL is refused by the site's own
middleware, core.middleware.RejectNulBytesMiddleware, with its 400 page before the API runs:
the values here leave NUL out, and one test checks that refusal.)"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.geography import STATE_CHOICES
from finder.filters import RADIUS_CHOICES, ProgramFilter
from programs.models import CredentialLevel, Sector

from .factories import (
    CareerFactory,
    CertificationFactory,
    ProgramFactory,
    SchoolFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

fuzz = settings(
    deadline=None,
    max_examples=60,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NUMBER_TEXTS = [
    "0", "-0", "1", "-1", "25", "12000", "1000000", "1000001", "1.5", "1e5", "1e999999", "NaN",
    "Infinity", "-Infinity", " 7 ", "1_000", "0x10", "9" * 30, "9" * 5000, "²", "١٢٣", "½",
]  # fmt: skip
no_nul = st.characters(codec="utf-8", exclude_characters="\x00")
text = st.text(alphabet=no_nul, max_size=40)
long_text = st.builds(
    lambda chunk, size: (chunk * size)[:size],
    st.text(alphabet=no_nul, min_size=1, max_size=8),
    st.integers(min_value=100, max_value=5000),
)
numbers = st.one_of(st.sampled_from(NUMBER_TEXTS), st.integers().map(str), st.floats().map(str))


def values(*valid):
    return st.one_of(st.sampled_from([*valid, ""]), text, numbers, long_text)


FLAG = values("1", "on", "true", "0")
SEARCH = {
    "q": values("medical", "chicago college", "%", "_", "'; drop table"),
    "career": values("medical-assistant", "draft-career", "astronaut"),
    "zip": values("60601", "99999", "6060", "00000"),
    "radius": values(*[value for value, _ in RADIUS_CHOICES], "7"),
    "state": values(*[code for code, _ in STATE_CHOICES][:5], "il", "IL", "zz"),
    "credential": values(*CredentialLevel.values, "phd"),
    "sector": values(*Sector.values, "public "),
    "cost_max": values("12000", "0", "1000000", "-5", "5000.5"),
    "cost_unknown": FLAG,
    "tuition_max": values("4000", "1000001"),
    "tuition_unknown": FLAG,
    "length_max": values("6", "0", "121", "12.0"),
    "length_unknown": FLAG,
    "distance_ed": FLAG,
    "evening_weekend": FLAG,
    "open_admission": FLAG,
    "federal_aid": FLAG,
    "certification": values("cma-aama", "cpt"),
    "sort": values("distance", "cost", "-cost", "length", "name", "graduates"),
}
PAGING = {
    "page_size": values("1", "20", "100", "101", "-1"),
    "cursor": values("abc", "eyJzIjoicHJvZ3JhbXM6bmFtZSJ9:1abc:def"),
}
LISTS = ["/api/v1/programs/", "/api/v1/schools/", "/api/v1/careers/", "/api/v1/certifications/"]


@pytest.fixture
def data(settings):
    settings.API_RATE_LIMIT = "1000000/m"
    ZipCodeFactory()
    CareerFactory(slug="draft-career", status="draft")
    certification = CertificationFactory()
    for n in range(3):
        program = ProgramFactory(
            school=SchoolFactory(name=f"Chicago College {n}", unitid=100 + n),
            cip_code=f"51.{n:04}",
            tuition_and_fees=None if n == 0 else 5000 * n,
            months_to_complete=None if n == 1 else 6 * n,
        )
        program.certifications.add(certification)


def answer(client, url, sent):
    """The response, checked: 200 with a page, or 400 naming only parameters that were sent."""
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body.get("results"), list)
    else:
        assert body["errors"] and set(body["errors"]) <= set(sent), (url, body)
    return response


@pytest.mark.parametrize("name", [*SEARCH, *PAGING])
def test_every_search_parameter_gives_a_page_or_a_400_naming_it(client, data, name):
    @fuzz
    @given(value=(SEARCH | PAGING)[name])
    def run(value):
        response = answer(client, f"/api/v1/programs/?{urlencode({name: value})}", {name})
        if response.status_code == 400:
            assert list(response.json()["errors"]) == [name]

    run()


@fuzz
@given(
    pairs=st.lists(
        st.one_of(
            st.sampled_from(sorted(SEARCH | PAGING)).flatmap(
                lambda n: st.tuples(st.just(n), (SEARCH | PAGING)[n])
            ),
            st.tuples(text, text),
        ),
        max_size=8,
    )
)
@example(pairs=[("zip", "60601"), ("sort", "distance"), ("radius", "100"), ("page_size", "1")])
@example(pairs=[("sort", "distance"), ("zip", "99999")])
@example(pairs=[("cost_unknown", "1"), ("cost_max", "")])
def test_any_combination_of_parameters_gives_a_page_or_a_400_naming_them(client, data, pairs):
    answer(client, f"/api/v1/programs/?{urlencode(pairs)}", {name for name, _ in pairs})


@pytest.mark.parametrize("url", LISTS)
def test_every_list_takes_any_page_size_and_cursor(client, data, url):
    @fuzz
    @given(size=PAGING["page_size"], cursor=PAGING["cursor"])
    def run(size, cursor):
        answer(client, f"{url}?{urlencode({'page_size': size, 'cursor': cursor})}", PAGING)

    run()


def test_a_cursor_from_a_real_page_works_with_any_page_size(client, data):
    following = client.get("/api/v1/programs/?page_size=1&sort=cost").json()["next"]

    @fuzz
    @given(size=PAGING["page_size"])
    def run(size):
        answer(client, f"{following}&{urlencode({'page_size': size})}", {"page_size"})

    run()


@pytest.mark.parametrize(
    "prefix",
    ["/api/v1/programs/", "/api/v1/schools/", "/api/v1/careers/", "/api/v1/certifications/"],
)
def test_any_id_or_slug_is_a_record_or_a_json_404(client, data, prefix):
    @fuzz
    @given(key=st.one_of(text, numbers, st.sampled_from(["1", "100", "medical-assistant"])))
    @example(key="draft-career")
    @example(key="9" * 40)
    def run(key):
        response = client.get(f"{prefix}{quote(key, safe='')}/")
        assert response.status_code in (200, 301, 404), (key, response.status_code)
        if response.status_code != 301:
            assert response["Content-Type"] == "application/json"
        if response.status_code == 404:
            assert response.json() == {"detail": "Not found."}

    run()


def test_nul_in_a_query_is_refused_by_the_site_before_the_api(client, data):
    assert client.get("/api/v1/programs/?q=a%00b").status_code == 400
    assert client.get("/api/v1/schools/?cursor=%00").status_code == 400


def test_the_fuzzed_parameters_are_exactly_the_finders():
    assert set(SEARCH) == set(ProgramFilter.base_filters)
