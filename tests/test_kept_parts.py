"""Uncached pages made from kept parts (issue 16): a page made again with the page cache off or
for a visitor with a session reads what it can from this process and the shared cache, keyed by
the versions of what it shows, so an edit still shows at once (core/recent.py, core/tags.py
`kept`, the listing's rows and map, search's results, the header and footer)."""

import pytest
from django.test import Client
from django.utils import translation

from core.choices import labels_of
from core.recent import Recent
from core.tags import SITE, kept, pages_changed, versions_of
from programs.models import Program, School

from .factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db

HEAVY = "/programs/?career=medical-assistant&zip=60601&radius=50&sort=distance"


@pytest.fixture
def uncached(settings):
    """The page cache off, as for a visitor with a session, and the tags' versions trusted for
    a second per process, as in production."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 1.0


@pytest.fixture
def near_chicago():
    ZipCodeFactory(code="60601", latitude=41.886, longitude=-87.618, city="Chicago", state="IL")
    school = SchoolFactory(name="Lakefront College", latitude=41.9, longitude=-87.63)
    return ProgramFactory(school=school, tuition_and_fees=9000)


def test_recent_drops_the_least_recently_used_and_what_outlived_its_timeout():
    recent = Recent(size=2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.get("a")  # "a" is now the more recent
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)
    now = [100.0]
    recent.clock = lambda: now[0]
    recent.put("d", 4, timeout=10)
    now[0] += 9.9
    assert recent.get("d") == 4
    now[0] += 0.2
    assert recent.get("d") is None
    Recent.clear_all()
    assert recent.get("c") is None


def test_a_kept_record_is_a_copy_for_each_caller_and_is_made_again_when_its_tag_moves():
    made = []

    def make():
        made.append(1)
        return {"name": "Lakefront"}

    first = kept("record:1", versions_of(SITE), make)
    first["name"] = "changed by a view"
    assert kept("record:1", versions_of(SITE), make) == {"name": "Lakefront"}
    assert len(made) == 1
    pages_changed(SITE)
    kept("record:1", versions_of(SITE), make)
    assert len(made) == 2


def test_nothing_is_kept_when_it_is_not_worth_keeping():
    made = []
    for _ in range(2):
        kept("one-off", versions_of(SITE), lambda: made.append(1) or "x", lambda: False)
    assert len(made) == 2


def test_choice_labels_are_djangos_in_either_language():
    program = ProgramFactory()
    for language in ("en", "es"):
        with translation.override(language):
            field = Program._meta.get_field("credential_level")
            expected = str(dict(field.flatchoices)[program.credential_level])
            assert program.get_credential_level_display() == expected
            assert program.school.get_sector_display() == str(
                dict(School._meta.get_field("sector").flatchoices)[program.school.sector]
            )
    program.credential_level = "not-a-level"
    assert program.get_credential_level_display() == "not-a-level"  # as Django: the value
    assert len(labels_of(Program._meta.get_field("credential_level"))) > 3


def test_a_repeated_listing_runs_no_query_for_its_rows_and_an_edit_shows_at_once(
    uncached, near_chicago, django_assert_num_queries
):
    Client().get(HEAVY)  # counts and cards made and kept; rows for a ZIP code not yet
    Client().get(HEAVY)  # asked for again: its rows are kept
    with django_assert_num_queries(0):
        page = Client().get(HEAVY)
    assert "Lakefront College" in page.content.decode()
    assert "results-map" in page.content.decode()
    ProgramFactory(
        school=SchoolFactory(name="Riverwalk Institute", latitude=41.88, longitude=-87.64)
    )
    page = Client().get(HEAVY).content.decode()
    assert "Riverwalk Institute" in page  # the rows were read again under the new versions
    assert page.count('class="map-mark"') == 2  # and the map drawn again with them


def test_the_listings_kept_rows_are_per_sort_and_page(uncached, near_chicago):
    ProgramFactory(
        school=SchoolFactory(name="Aardvark Academy", latitude=41.95, longitude=-87.7),
        tuition_and_fees=20000,
    )
    by_distance = Client().get(HEAVY).content.decode()
    by_name = Client().get(HEAVY.replace("sort=distance", "sort=name")).content.decode()
    assert by_distance.index("Lakefront College") < by_distance.index("Aardvark Academy")
    assert by_name.index("Aardvark Academy") < by_name.index("Lakefront College")


def test_rows_for_a_zip_code_or_a_keyword_are_kept_from_a_second_request(uncached, near_chicago):
    from core.tags import recent_records

    def kept_rows():
        return sum("listing-rows" in key for key in recent_records.values)

    Client().get("/programs/?career=medical-assistant")
    assert kept_rows() == 1  # no free text: kept at once
    for url in (HEAVY, "/programs/?q=lakefront", "/programs/?zip=60601&radius=10"):
        Client().get(url)
    assert kept_rows() == 1  # a crawl of one-off ZIP codes and keywords keeps nothing
    Client().get("/programs/?q=lakefront")
    assert kept_rows() == 2


def test_an_invalid_zip_lists_nothing_even_after_the_same_filters_were_kept(uncached, near_chicago):
    Client().get("/programs/?career=medical-assistant")
    page = Client().get("/programs/?career=medical-assistant&zip=99999").content.decode()
    assert "Lakefront College" not in page
    assert "can't be used" in page


def test_a_search_asked_for_again_is_kept_and_an_edit_refreshes_it(
    uncached, near_chicago, django_assert_num_queries
):
    url = "/search/?q=lakefront"
    Client().get(url)  # asked once: made, not kept
    Client().get(url)  # asked again: kept
    with django_assert_num_queries(0):
        page = Client().get(url)
    assert "Lakefront College" in page.content.decode()
    near_chicago.school.name = "Lakefront Community College"
    near_chicago.school.save()
    assert "Lakefront Community College" in Client().get(url).content.decode()


def test_a_one_off_search_keeps_nothing(uncached, near_chicago):
    from core.tags import recent_records

    def kept_searches():
        return sum("search-results" in key for key in recent_records.values)

    Client().get("/search/?q=lakefront")
    Client().get("/search/?q=riverwalk")
    assert kept_searches() == 0
    Client().get("/search/?q=lakefront")
    assert kept_searches() == 1


def test_the_header_is_rendered_once_per_language_and_count(uncached, near_chicago):
    from core.templatetags.fragments import release_fragments

    Client().get("/programs/")
    Client().get("/programs/")
    Client().get("/es/programs/")
    navs = [key for key in release_fragments.values if key[0] == "site-nav"]
    assert sorted(key[1] for key in navs) == ["en", "es"]
    english = Client().get("/programs/").content.decode()
    spanish = Client().get("/es/programs/").content.decode()
    assert 'href="/programs/" aria-current="page"' in english
    assert 'href="/es/programs/" aria-current="page"' in spanish
    client = Client()
    client.post(
        "/compare/update/",
        {"program": near_chicago.pk, "action": "add", "next": "/programs/"},
        headers={"sec-fetch-site": "same-origin"},
    )
    assert 'Compare<span class="count"> (1)' in client.get("/programs/").content.decode()
    assert 'Compare<span class="count"> (0)' in Client().get("/programs/").content.decode()


def test_the_tags_that_replaced_template_includes_escape_what_they_show():
    """The compare and shortlist buttons and the breadcrumb trail are built in Python now."""
    name = 'Evil "><script>alert(1)</script> College'
    program = ProgramFactory(school=SchoolFactory(name=name))
    for url in (program.get_absolute_url(), program.school.get_absolute_url()):
        html = Client().get(url).content.decode()
        assert "<script>alert(1)" not in html
    page = Client().get(program.get_absolute_url()).content.decode()
    escaped = "Evil &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; College"
    assert f'aria-label="Add to compare: {escaped}, ' in page
    assert f'<li><a href="{program.school.get_absolute_url()}">{escaped}</a></li>' in page
