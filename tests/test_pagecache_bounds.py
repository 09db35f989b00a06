"""What the page cache stores is bounded: only the canonical URL of each page, searches from
their second request, pages up to a size, compressed. Anything else is served, not stored."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from core.pagecache import FirstRequests, first_requests, page_key
from finder.filters import ProgramFilter

from .factories import CareerFactory, ProgramFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db


def stored_pages() -> int:
    """How many pages the shared cache holds (local memory in tests on SQLite, else Redis)."""
    prefix = cache.make_key("page:")
    if isinstance(getattr(cache, "_cache", None), dict):  # LocMemCache
        return sum(key.startswith(prefix) for key in cache._cache)
    return sum(1 for _ in cache._cache.get_client().scan_iter(match=f"{prefix}*"))


def cache_answers(url, times=3) -> list:
    """X-Page-Cache of `times` strangers asking for `url`: "miss" when it was stored, "hit" when
    it came from the cache, None when it was neither."""
    return [Client().get(url).get("X-Page-Cache") for _ in range(times)]


STORED_AT_ONCE = ["miss", "hit", "hit"]
STORED_WHEN_ASKED_AGAIN = [None, "miss", "hit"]
NEVER_STORED = [None, None, None]


@pytest.fixture(autouse=True)
def no_first_requests():
    first_requests.clear()


@pytest.fixture
def listing():
    """21 programs in Illinois (two pages), one career, one ZIP code."""
    CareerFactory()
    ZipCodeFactory()
    ProgramFactory.create_batch(21)  # each at a school of its own in Chicago


NOT_CANONICAL = [
    "/programs/?state=il&utm_source=mail",  # an unknown parameter
    "/programs/?state=zz",  # an invalid value
    "/programs/?career=no-such-career",
    "/programs/?cost_max=abc",
    "/programs/?state=IL",  # not in canonical case
    "/programs/?cost_max=05000",  # nor format
    "/programs/?cost_max=12345",  # not one of the form's steps
    "/programs/?state=il&career=medical-assistant",  # not in the form's order
    "/programs/?state=il&state=il",  # a parameter twice
    "/programs/?state=il&state=ca",
    "/programs/?page=1",  # a default spelled out
    "/programs/?state=il&page=1",
    "/programs/?page=01",
    "/programs/?radius=50",  # a radius without a ZIP code
    "/programs/?zip=60601",  # a ZIP code without the radius the filter form sends with it
    "/programs/?q=Assistant",  # a keyword not normalised
    "/programs/?q=medical++assistant",
    "/search/?q=Assistant",
    "/search/?q=+assistant",
    "/search/?q=assistant&page=2",
    "/search/?q=",
    "/careers/medical-assistant/?zip=00000",  # a ZIP code we don't know
    "/careers/medical-assistant/?zip=6060",
    "/careers/medical-assistant/?zip=60601&x=1",
    "/?ref=newsletter",
]


def test_non_canonical_urls_are_served_but_not_stored(listing):
    assert {url: Client().get(url).status_code for url in NOT_CANONICAL} == dict.fromkeys(
        NOT_CANONICAL, 200
    )
    answers = {url: cache_answers(url) for url in NOT_CANONICAL}
    assert answers == dict.fromkeys(NOT_CANONICAL, NEVER_STORED)
    assert stored_pages() == 0


def test_canonical_urls_are_stored_and_answer_their_reordered_twins(listing):
    canonical = [
        "/",
        "/programs/",
        "/programs/?career=medical-assistant&state=il",
        "/programs/?state=il&sort=cost",
        "/programs/?cost_max=20000&length_max=12&federal_aid=1",
        "/programs/?state=il&page=2",
        "/search/",
        "/careers/medical-assistant/",
    ]
    answers = {url: cache_answers(url) for url in canonical}
    assert answers == dict.fromkeys(canonical, STORED_AT_ONCE)
    # Only the canonical spelling is stored, but the same parameters in another order are
    # the same page, so they are answered with it.
    assert cache_answers("/programs/?state=il&career=medical-assistant", 1) == ["hit"]
    assert cache_answers("/programs/?state=IL&career=medical-assistant") == NEVER_STORED


def test_the_filter_forms_own_urls_are_canonical(listing):
    """The form sends every field in its order; the listing redirects to the short URL, which
    is stored (from its second request: it has a ZIP code), and so are its pagination and chip
    links."""
    chosen = {"career": "medical-assistant", "zip": "60601", "radius": "50", "sort": "cost"}
    sent = [(name, chosen.get(name, "")) for name in ProgramFilter().form.fields]
    short = Client().get("/programs/", sent)["Location"]
    assert short == "/programs/?career=medical-assistant&zip=60601&radius=50&sort=cost"
    assert cache_answers(short) == STORED_WHEN_ASKED_AGAIN
    page = Client().get(short).content.decode()
    following = re.search(r'href="\?([^"]*page=2)" rel="next"', page).group(1)
    chip = re.search(r'class="chip" href="\?([^"]*)"', page).group(1)  # without the career
    assert chip == "zip=60601&amp;radius=50&amp;sort=cost"
    for query in (following, chip):
        url = "/programs/?" + query.replace("&amp;", "&")
        assert cache_answers(url) == STORED_WHEN_ASKED_AGAIN, url


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=assistant",
        "/search/?q=medical+assistant",
        "/programs/?q=career+college",
        "/programs/?zip=60601&radius=25",
        "/careers/medical-assistant/?zip=60601",
    ],
)
def test_searches_and_zip_codes_are_stored_from_their_second_request(listing, url):
    assert Client().get(url).status_code == 200
    first_requests.clear()
    assert cache_answers(url) == STORED_WHEN_ASKED_AGAIN


def test_a_flood_of_distinct_query_strings_stores_nothing(listing):
    flood = [
        url
        for n in range(20)
        for url in (
            f"/search/?q=word{n}",
            f"/programs/?q=word{n}",
            f"/programs/?state=x{n}",
            f"/programs/?page={n + 3}",
            f"/programs/?cost_max={n + 1}",
            f"/programs/?state=il&ref={n}",
            f"/careers/medical-assistant/?zip={n:05d}",
            f"/?utm_source={n}",
        )
    ]
    for url in flood:
        Client().get(url)
    assert stored_pages() == 0


def test_pages_over_the_size_limit_are_not_stored(listing, settings):
    size = len(Client().get("/programs/").content)
    cache.clear()
    settings.PAGE_CACHE_MAX_BYTES = size - 1
    assert cache_answers("/programs/") == NEVER_STORED
    settings.PAGE_CACHE_MAX_BYTES = size
    assert cache_answers("/programs/") == STORED_AT_ONCE


def test_pages_are_stored_compressed_and_served_byte_for_byte_to_every_visitor(listing):
    made = Client().get("/programs/?state=il")
    kept = cache.get(page_key(made.wsgi_request))
    assert len(kept["gzip"]) < len(made.content) / 3
    first, second = Client().get("/programs/?state=il"), Client().get("/programs/?state=il")
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    assert first.content == second.content == made.content
    assert first["ETag"] == second["ETag"] == made["ETag"]
    assert not first.cookies and not made.cookies  # nothing of one visitor, no cookie set


def test_first_requests_are_remembered_for_a_while_and_only_so_many():
    now = [1000.0]
    seen = FirstRequests(size=2)
    seen.clock = lambda: now[0]
    assert not seen.asked_before("a", within=60)
    assert seen.asked_before("a", within=60)  # the second request
    assert not seen.asked_before("b", within=60)
    now[0] += 61
    assert not seen.asked_before("b", within=60)  # too long ago: a first request again
    seen.asked_before("c", within=60)
    seen.asked_before("d", within=60)  # the oldest, "b", is forgotten
    assert not seen.asked_before("b", within=60)
