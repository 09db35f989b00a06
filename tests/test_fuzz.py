"""Property-based tests: whatever a visitor sends, no page breaks (500) or echoes raw markup.

Every request is checked the same way: the status is one a browser can handle and nothing from
the input comes back unescaped. Some generated values carry MARKER; escaped it reads
`&lt;zq&quot;...`, so the raw `<zq"` must never appear in a response. Each test also runs a few
explicit @example cases first (known edge cases), then ~200 generated ones.

A 500 surfaces as the view's own exception: the test client re-raises it.
"""

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.geography import STATE_CHOICES
from finder.filters import RADIUS_CHOICES
from programs.models import CredentialLevel, Program, School, Sector

from .factories import (
    CareerFactory,
    CertificationFactory,
    ProgramFactory,
    SchoolFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

ACCEPTABLE_STATUSES = {200, 301, 302, 400, 403, 404, 405, 413, 429}
MARKER = "<zq\"'&>"
RAW_MARKER = '<zq"'

# One set of settings for every test: ~200 examples each, no per-example deadline (the first
# request renders cold templates). No example database is kept between runs (database=None);
# a failure prints its minimal example, which can be pinned with @example.
fuzz = settings(
    deadline=None,
    max_examples=200,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- strategies -------------------------------------------------------------------------------

# Numbers as text, including ones that trip up int()/float()/Decimal() and str.isdigit().
NUMBER_TEXTS = [
    "0", "-0", "1", "-1", "2", "25", "12000", "1000000", "1000001", "1.5", "-5.25", "0.0000001",
    "1e5", "1e999999", "-1e999999", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf",
    " 7 ", "1_000", "0x10", "9" * 30, "9" * 5000, "²", "١٢٣", "٣", "1²", "½", "0" * 400 + "1",
]  # fmt: skip
numbers_as_text = st.one_of(
    st.sampled_from(NUMBER_TEXTS),
    st.integers().map(str),
    st.floats().map(str),
    st.decimals().map(str),
)
# Any unicode text, control characters and NUL included (st.text() leaves out only surrogates).
any_text = st.text(max_size=40)
# Long values, up to ~10,000 characters, built cheaply by repeating a short chunk.
long_text = st.builds(
    lambda chunk, size: (chunk * size)[:size],
    st.text(min_size=1, max_size=8),
    st.integers(min_value=200, max_value=10_000),
)
marked_text = st.builds(lambda a, b: a + MARKER + b, st.text(max_size=20), st.text(max_size=20))
# NUL next to real values (PostgreSQL refuses NUL in text), and other control characters.
control_text = st.sampled_from(["\x00", "ca\x00", "\x0060601", "medical-assistant\x00", "\r\n\t"])


def values(*valid):
    """A parameter value: one of the real `valid` values or anything a visitor could send."""
    return st.one_of(
        st.sampled_from(list(valid) or [""]),
        any_text,
        numbers_as_text,
        long_text,
        marked_text,
        control_text,
    )


FLAG_VALUES = ("on", "1", "true", "yes", "0", "off", "false", "")
LISTING_PARAMS = {
    "career": values("medical-assistant", "phlebotomy-technician", "astronaut", ""),
    "zip": values("60601", "99999", "6060", "90012", ""),
    "radius": values(*[value for value, _ in RADIUS_CHOICES], "7", ""),
    "state": values(*[code for code, _ in STATE_CHOICES][:5], "ca", "il", "CA", "zz", ""),
    "credential": values(*CredentialLevel.values, "phd", ""),
    "sector": values(*Sector.values, ""),
    "cost_max": values("12000", "0", "1000000", "-5", "lots"),
    "page": values("1", "2", "last", "999"),
    # Parameters that later work adds; the listing must already take them in its stride.
    "q": values("medical", "assistant", "Loop School", ""),
    "length_max": values("6", "12", "24", ""),
    "distance_ed": values(*FLAG_VALUES),
    "evening_weekend": values(*FLAG_VALUES),
    "open_admission": values(*FLAG_VALUES),
    "federal_aid": values(*FLAG_VALUES),
    "certification": values("cma-aama", "cpt", ""),
    "sort": values("distance", "cost", "-cost", "length", "name", "graduates", ""),
}
# Any name at all, so unknown parameters (and odd names) are sent as well.
param_names = st.one_of(
    st.sampled_from([*LISTING_PARAMS, "utm_source", "csrfmiddlewaretoken"]),
    any_text,
    marked_text,
)


def query_pairs(params, max_size=8):
    """A list of (name, value) pairs: names may repeat and any of them may be missing."""
    known = st.sampled_from(sorted(params)).flatmap(
        lambda name: st.tuples(st.just(name), params[name])
    )
    unknown = st.tuples(param_names, values())
    return st.lists(st.one_of(known, known, unknown), max_size=max_size)


# Keys for "kind:key" targets: str.isdigit() is true for "²" and "١٢", but only one is an int.
TRICKY_KEYS = ["²", "¹²³", "١٢", "1", "0", "007", "9" * 25, "-1", "1.0", " 1", "1\n"]
CORRECTION_PARAMS = {
    "page_url": values(
        "/",
        "/programs/",
        "/programs/?state=ca&page=2",
        "/a b#frag",
        "javascript:alert(1)",
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\x01/x",
    ),
    "target": st.one_of(
        # Primary-key targets first (hypothesis favours early branches) so odd digits turn up.
        st.builds(
            "{}:{}".format, st.sampled_from(["program", "school"]), st.sampled_from(TRICKY_KEYS)
        ),
        st.builds(
            "{}:{}".format,
            st.sampled_from(["program", "school", "career", "other", ""]),
            st.one_of(numbers_as_text, any_text, marked_text),
        ),
        values("program:1", "school:1", "career:medical-assistant", "program:", ":"),
    ),
    "field": values("Tuition", "Program length"),
    "current_value": values("$15,000"),
    "proposed_value": values("$14,500 from fall 2026"),
    "evidence": values("https://www.example.edu/tuition"),
    "contact_email": values("student@example.org", "not-an-email", "a@b", "@", "x@[::1]"),
    # The honeypot a later change adds; a person leaves it empty, a bot fills it in.
    "website": values("", "https://spam.example/"),
}

# Path parts: anything, percent-encoded so it is something a URL can carry.
path_part = st.one_of(
    st.sampled_from(["medical-assistant", "test-career-college-0", "x", "-", "_", "0", "..", "."]),
    any_text,
    marked_text,
    numbers_as_text,
).map(lambda text: quote(text, safe=""))
huge_ints = st.one_of(
    st.integers(min_value=0, max_value=10**40),
    st.sampled_from([2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**4000]),
)


# --- fixtures and checks ----------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """Real rows so valid values reach real code: two careers, a ZIP, schools in IL and CA.

    Returns the program at Loop School (Chicago, near ZIP 60601).
    """
    ZipCodeFactory()  # 60601, Chicago
    CareerFactory()  # medical-assistant
    phlebotomy = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    CertificationFactory()  # cma-aama
    loop = ProgramFactory(school=SchoolFactory(name="Loop School", state="IL"))
    ProgramFactory(
        school=SchoolFactory(
            name="California College",
            city="Los Angeles",
            state="CA",
            zip_code="90012",
            latitude=34.0522,
            longitude=-118.2437,
            sector=Sector.PUBLIC,
        ),
        career=phlebotomy,
        credential_level=CredentialLevel.ASSOCIATE,
        tuition_and_fees=None,
    )
    return loop


@pytest.fixture
def two_pages(directory):
    """21 Illinois programs: the listing gets a second page and its page links.

    Kept apart from `directory` because rendering 20 cards per example is the slow part.
    """
    for _ in range(20):
        ProgramFactory(school=SchoolFactory(state="IL"))


def assert_answered_safely(response):
    """A status a browser can handle, and no raw marker in the body or the Location header."""
    assert response.status_code in ACCEPTABLE_STATUSES, response.status_code
    body = response.content.decode("utf-8", errors="replace")
    assert RAW_MARKER not in body, "input reflected unescaped in the page"
    assert RAW_MARKER not in response.headers.get("Location", "")


# --- the listing ------------------------------------------------------------------------------


@fuzz
@given(pairs=query_pairs(LISTING_PARAMS))
@example(pairs=[("state", MARKER), ("career", MARKER), ("zip", MARKER), ("q", MARKER)])
@example(pairs=[("cost_max", "1e999999"), ("page", "²"), ("radius", "NaN"), ("sort", "-cost")])
@example(pairs=[("career", "medical-assistant\x00"), ("zip", "60601")])
@example(pairs=[("state", "ca")] * 60)  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
def test_program_listing_survives_any_query_string(client, directory, pairs):
    response = client.get(f"/programs/?{urlencode(pairs)}")
    assert_answered_safely(response)


@settings(fuzz, max_examples=50)
@given(
    page=st.sampled_from(["1", "2", "٢", " 2", "02"]),
    pairs=query_pairs(LISTING_PARAMS, max_size=6),
)
# A real ZIP search on page 2 with an unknown marked parameter: the page links carry it.
@example(page="2", pairs=[("zip", "60601"), ("radius", "100"), ("utm", MARKER)])
@example(page="1", pairs=[(MARKER, MARKER), ("state", "il")])
def test_listing_page_links_escape_every_other_parameter(client, two_pages, page, pairs):
    # The page links ({% querystring %}) repeat every other parameter, unknown ones included.
    response = client.get(f"/programs/?{urlencode([*pairs, ('page', page)])}")
    assert_answered_safely(response)


# --- corrections ------------------------------------------------------------------------------


@fuzz
@given(
    url=st.sampled_from(["/corrections/", "/corrections/thanks/"]),
    pairs=query_pairs(
        {"page": CORRECTION_PARAMS["page_url"], "target": CORRECTION_PARAMS["target"]}
    ),
)
@example(url="/corrections/", pairs=[("page", "/" + MARKER), ("target", "program:²")])
@example(url="/corrections/thanks/", pairs=[("page", "/" + MARKER), ("page", "//evil.example/")])
def test_corrections_pages_survive_any_page_and_target(client, directory, url, pairs):
    cache.clear()  # public forms are rate-limited per client
    response = client.get(f"{url}?{urlencode(pairs)}")
    assert_answered_safely(response)


@fuzz
@given(
    data=st.fixed_dictionaries({}, optional=CORRECTION_PARAMS),
    urlencoded=st.booleans(),
)
# str.isdigit() accepts "²", which is no primary key.
@example(data={"field": "Tuition", "proposed_value": "$1", "target": "program:²"}, urlencoded=True)
@example(data={"field": "x", "proposed_value": "y", "target": "school:¹²³"}, urlencoded=False)
# A stored note whose page has query-string characters and the marker in it.
@example(
    data={"field": "x", "proposed_value": "y", "page_url": f"/a b?c=1&d={MARKER}#f"},
    urlencoded=True,
)
@example(
    data={"field": "x", "proposed_value": "y", "website": "https://spam.example/"}, urlencoded=False
)
@example(data=dict.fromkeys(CORRECTION_PARAMS, "9" * 10_000), urlencoded=True)
@example(data={}, urlencoded=True)
def test_correction_post_survives_any_fields(client, directory, data, urlencoded):
    cache.clear()  # public forms are rate-limited per client
    if urlencoded:
        response = client.post(
            "/corrections/", urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/corrections/", data)  # multipart
    assert_answered_safely(response)
    if response.status_code == 302:  # stored: the thanks page it sends the visitor to
        assert_answered_safely(client.get(response["Location"]))


# --- detail pages -----------------------------------------------------------------------------


@fuzz
@given(
    kind=st.sampled_from(["program", "school", "career", "other"]),
    number=huge_ints,
    slug=path_part,
    use_real_row=st.booleans(),
    pairs=query_pairs(LISTING_PARAMS, max_size=3),
)
@example(kind="program", number=10**4000, slug="x", use_real_row=False, pairs=[])
@example(kind="school", number=2**63, slug=quote(MARKER, safe=""), use_real_row=False, pairs=[])
@example(kind="school", number=0, slug="wrong-slug", use_real_row=True, pairs=[("x", MARKER)])
def test_detail_pages_with_odd_path_parts_never_break(
    client, directory, kind, number, slug, use_real_row, pairs
):
    program, school = directory, directory.school
    if kind == "program":
        url = f"/programs/{program.pk if use_real_row else number}/"
    elif kind == "school":  # a wrong slug for a real unitid redirects to the right one
        url = f"/schools/{school.unitid if use_real_row else number}/{slug}/"
    elif kind == "career":
        url = f"/careers/{'medical-assistant' if use_real_row else slug}/"
    else:
        url = f"/{slug}/{number}/"
    # The query string is reflected in every page's corrections form (page_url).
    response = client.get(f"{url}?{urlencode(pairs)}")
    assert_answered_safely(response)
    real_pages = {
        *(p.get_absolute_url() for p in Program.objects.all()),  # the fixture has two
        *(s.get_absolute_url() for s in School.objects.all()),
        "/careers/medical-assistant/",
    }
    if kind != "other" and url not in real_pages:
        # No such program or career (a wrong school slug may still redirect to the right one).
        assert response.status_code in {301, 400, 404}  # 400: a NUL in the query string
