"""Public pages any HTTP cache can hold: the same bytes for every visitor without a session,
`Cache-Control: public`, an ETag answered with 304, and made stale only by edits to what they
show (core/pagecache.py)."""

import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.tags import SITE, TagVersions, pages_changed, tag_key, tag_versions

from .factories import CareerFactory, GuideSectionFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(school=SchoolFactory(name="Tagged College"), tuition_and_fees=15000)


@pytest.fixture
def other_guide():
    """A guide of another career, with a section, that shows none of `program`'s data."""
    career = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    GuideSectionFactory(career=career)
    return career.get_absolute_url()


def served_from_cache(url) -> bool:
    return Client().get(url).get("X-Page-Cache") == "hit"


def test_public_pages_say_any_cache_may_keep_them_and_revalidate(program):
    url = program.get_absolute_url()
    made = Client().get(url)
    assert made["X-Page-Cache"] == "miss"
    for page in (made, Client().get(url)):
        assert page["Cache-Control"].startswith("public, max-age=60, s-maxage=60")
        assert page["ETag"].startswith('"') and page["ETag"] == made["ETag"]
        assert "Cookie" in page["Vary"]


def test_a_page_from_the_cache_says_its_length(program):
    """Without Content-Length gunicorn sends it chunked, and nginx keeps and serves it so."""
    url = program.get_absolute_url()
    Client().get(url)
    hit = Client().get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["Content-Length"] == str(len(hit.content))


GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
def test_a_client_that_accepts_gzip_gets_the_same_page_gzipped_once(
    program, settings, page_cache_seconds
):
    """Made, then from the cache: the same gzipped bytes, so nginx keeps them and compresses
    nothing per request; an identity client still gets plain HTML. Also with the page cache off."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    url = program.get_absolute_url()
    made, hit = Client().get(url, headers=GZIP), Client().get(url, headers=GZIP)
    plain = Client().get(url)
    assert "Content-Encoding" not in plain and b"Tagged College" in plain.content
    for page in (made, hit):
        assert page["Content-Encoding"] == "gzip"
        assert gzip.decompress(page.content) == plain.content
        assert page["Vary"] == "Accept-Encoding, Cookie" == plain["Vary"]
        assert page["ETag"] == plain["ETag"][:-1] + '-gzip"'
    assert hit.content == made.content and hit["Content-Length"] == str(len(hit.content))
    if page_cache_seconds:
        assert (made["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")


def test_each_representation_is_revalidated_by_its_own_etag(program):
    url = program.get_absolute_url()
    zipped, plain = Client().get(url, headers=GZIP)["ETag"], Client().get(url)["ETag"]
    for etag, headers, status in [
        (zipped, GZIP, 304), (plain, {}, 304), (plain, GZIP, 200), (zipped, {}, 200),
    ]:  # fmt: skip
        again = Client().get(url, headers={**headers, "If-None-Match": etag})
        assert again.status_code == status, (etag, headers)
    cache.clear()  # the view answers revalidations too
    assert Client().get(url, headers={**GZIP, "If-None-Match": zipped}).status_code == 304


def test_a_visitor_with_a_session_gets_their_page_uncompressed_by_the_app(program):
    """Only public pages are gzipped by the app (they hold no secret); nginx compresses the
    rest on the way out."""
    saver = Client()
    saver.post("/shortlist/update/", {"program": program.pk, "action": "add", "next": "/"})
    own = saver.get(program.get_absolute_url(), headers=GZIP)
    assert "Content-Encoding" not in own and b"Tagged College" in own.content


def test_a_known_etag_is_answered_with_304_and_no_body(program, django_assert_num_queries):
    url = program.get_absolute_url()
    etag = Client().get(url)["ETag"]
    with django_assert_num_queries(0):
        again = Client().get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"].startswith("public")
    assert Client().get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_etag_is_answered_with_304_by_the_view_too(program):
    """When the page cache no longer holds the page, a proxy's revalidation still gets a 304."""
    url = program.get_absolute_url()
    etag = Client().get(url)["ETag"]
    cache.clear()
    again = Client().get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again["X-Page-Cache"]) == (304, "miss")


def test_a_visitor_with_a_session_gets_a_private_page(program):
    saver = Client()
    saver.post("/shortlist/update/", {"program": program.pk, "action": "add", "next": "/"})
    own = saver.get(program.get_absolute_url())
    assert own["Cache-Control"] == "private" and "ETag" not in own


def test_an_edit_to_one_program_refreshes_its_pages_and_not_an_unrelated_guide(
    program, other_guide
):
    its_pages = [
        program.get_absolute_url(),
        program.school.get_absolute_url(),
        program.career.get_absolute_url(),  # its guide counts its programs
        "/programs/",
    ]
    unrelated = [other_guide, "/privacy/", "/associations/"]
    for url in its_pages + unrelated:
        Client().get(url)
        assert served_from_cache(url), url
    program.tuition_and_fees = 9000
    program.save()
    assert [served_from_cache(url) for url in its_pages] == [False] * len(its_pages)
    assert [served_from_cache(url) for url in unrelated] == [True] * len(unrelated)
    assert "$10,200" in Client().get(program.get_absolute_url()).content.decode()


def test_a_program_moved_to_another_career_refreshes_both_guides(program, other_guide):
    old_guide = program.career.get_absolute_url()
    for url in (old_guide, other_guide):
        Client().get(url)
    program.career = CareerFactory(slug="phlebotomy-technician")
    program.save()
    assert not served_from_cache(old_guide)
    assert not served_from_cache(other_guide)


def test_a_school_edit_refreshes_its_programs_pages(program, other_guide):
    url = program.get_absolute_url()
    Client().get(url)
    Client().get(other_guide)
    program.school.name = "Renamed College"
    program.school.save()
    assert "Renamed College" in Client().get(url).content.decode()
    assert served_from_cache(other_guide)


def test_a_bulk_load_makes_every_page_stale(program, other_guide):
    for url in (other_guide, "/privacy/"):
        Client().get(url)
    pages_changed()
    assert not served_from_cache(other_guide) and not served_from_cache("/privacy/")


def test_an_edit_through_another_server_shows_within_the_check_interval(settings):
    """This process trusts the versions it read for PAGE_CACHE_VERSION_CHECK_SECONDS."""
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 1.0
    now = [100.0]
    versions = TagVersions()
    versions.clock = lambda: now[0]
    before = versions.get([SITE])[SITE]
    cache.incr(tag_key(SITE))  # another app server's edit
    assert versions.get([SITE])[SITE] == before
    now[0] += 1.5
    assert versions.get([SITE])[SITE] == before + 1


def test_a_lost_tag_starts_above_every_version_it_had():
    before = tag_versions.get([SITE])[SITE]
    cache.delete(tag_key(SITE))
    tag_versions.clear()
    assert tag_versions.get([SITE])[SITE] > before


@pytest.fixture
def queued_tasks():
    """Tasks are queued for a worker instead of run at once, as in production."""
    immediate = task_backends["default"]
    task_backends["default"] = DummyBackend("default", {})
    yield task_backends["default"].results
    task_backends["default"] = immediate


def test_after_an_edit_the_listing_shows_the_kept_counts_while_a_task_counts_again(
    program, queued_tasks, django_assert_max_num_queries
):
    Client().get("/programs/")  # counted and kept
    ProgramFactory(school=SchoolFactory(name="Second College"))
    with django_assert_max_num_queries(8):
        page = Client().get("/programs/")
    assert "Medical Assistant (1)" in page.content.decode()  # the kept count, not recounted
    assert "X-Page-Cache" not in page  # not stored while its counts are stale
    assert [result.task.name for result in queued_tasks] == ["recount_facets"]
    Client().get("/programs/")
    assert len(queued_tasks) == 1  # asked for once
    queued_tasks[0].task.call(*queued_tasks[0].args)  # the worker runs it
    assert "Medical Assistant (2)" in Client().get("/programs/").content.decode()


def program_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    return page, [q["sql"] for q in queries.captured_queries if "programs_program" in q["sql"]]


def test_after_an_edit_the_guide_and_home_show_the_kept_program_counts_while_a_task_counts(
    program, queued_tasks
):
    """At a million programs a career's count takes longer than a visitor should wait."""
    guide = program.career.get_absolute_url()
    for url in (guide, "/"):
        Client().get(url)  # counted and kept
    ProgramFactory(career=program.career, school=SchoolFactory(name="Second College"))
    page, counting = program_queries(Client(), guide)
    assert counting == []  # the kept counts are shown, not counted on the request
    assert "Find Medical Assistant programs (1)" in page.content.decode()
    assert "X-Page-Cache" not in page  # not stored while its counts are stale
    home, counting = program_queries(Client(), "/")
    assert counting == [] and "X-Page-Cache" not in home
    assert [result.task.name for result in queued_tasks] == ["recount_programs"]  # asked once
    queued_tasks[0].task.call(*queued_tasks[0].args)  # the worker runs it
    assert "Find Medical Assistant programs (2)" in Client().get(guide).content.decode()
    assert served_from_cache(guide)
    Client().get("/")
    assert served_from_cache("/")


def test_a_new_program_shows_at_once_on_its_sibling_programs_pages(program):
    """A program page lists the school's other programs."""
    url = program.get_absolute_url()
    Client().get(url)
    assert served_from_cache(url)
    ProgramFactory(
        school=program.school,
        cip_code="51.1009",
        career=CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician"),
    )
    page = Client().get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Other programs at this school" in page.content.decode()
    assert "Phlebotomy Technician" in page.content.decode()


def test_after_an_edit_search_uses_the_vocabulary_held_while_a_task_builds_the_new_one(
    program, queued_tasks, django_assert_max_num_queries, monkeypatch
):
    from search.ranking import site_search
    from search.vocabulary import vocabulary

    monkeypatch.setattr("search.vocabulary._held", None)  # none from an earlier test
    site_search("medical")  # builds the vocabulary
    ProgramFactory(school=SchoolFactory(name="Quillfeather College"))
    with django_assert_max_num_queries(6):  # the search's own queries: nothing is rebuilt
        site_search("medical")
    assert "quillfeather" not in vocabulary().targets  # the one held, until the task has run
    site_search("medical")
    assert [result.task.name for result in queued_tasks] == ["rebuild_vocabulary"]  # once
    queued_tasks[0].task.call()  # the worker runs it
    assert "quillfeather" in vocabulary().targets


def test_an_edits_tags_move_again_when_its_transaction_commits(
    program, django_capture_on_commit_callbacks
):
    """A page made by another server between the save and the commit read the old rows."""
    tag = f"program:{program.pk}"
    before = tag_versions.get([tag])[tag]
    with django_capture_on_commit_callbacks(execute=True):
        program.tuition_and_fees = 9000
        program.save()
        saved = tag_versions.get([tag])[tag]
    assert before < saved < tag_versions.get([tag])[tag]


def test_linking_a_certification_from_either_side_makes_the_program_page_stale(program):
    from .factories import CertificationFactory

    url = program.get_absolute_url()
    for link in (
        lambda certification: program.certifications.add(certification),
        lambda certification: certification.programs.add(program),  # from the other side
    ):
        Client().get(url)
        assert served_from_cache(url)
        link(CertificationFactory(slug=f"cert-{len(program.certifications.all())}"))
        assert not served_from_cache(url)


def test_a_process_forgets_the_versions_it_no_longer_trusts(settings):
    settings.PAGE_CACHE_VERSION_CHECK_SECONDS = 1.0
    now = [100.0]
    versions = TagVersions(size=3)
    versions.clock = lambda: now[0]
    versions.get(["program:1", "program:2", "program:3"])
    now[0] += 2
    versions.get(["program:4"])  # four held, over the size: the three read 2 s ago go
    assert set(versions.known) == {"program:4"}
