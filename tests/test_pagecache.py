"""Public pages from the shared cache: fast for strangers, never showing one visitor's bits to
another, and fresh as soon as published data changes."""

import pytest
from django.test import Client

from programs.models import Program

from .factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(school=SchoolFactory(name="Cached College"), tuition_and_fees=15000)


def test_a_second_visitor_gets_the_page_from_the_cache_without_queries(
    program, django_assert_num_queries
):
    first = Client().get(program.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get(program.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert "Cached College" in second.content.decode()
    # Answered early in the middleware, yet with every security header.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert header in second.headers


def test_a_form_on_a_cached_page_works_for_every_visitor(program):
    url = program.get_absolute_url()
    Client().get(url)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert page["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in page.content.decode()  # no token: the same for all
    response = visitor.post(
        "/corrections/",
        {"page_url": url, "field": "Tuition", "proposed_value": "1"},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 302  # accepted: sent from this site


def test_a_visitors_shortlist_is_never_cached_or_shown_to_others(program):
    saver = Client()
    saver.post("/shortlist/update/", {"program": program.pk, "action": "add", "next": "/"})
    own = saver.get(program.get_absolute_url())
    assert "X-Page-Cache" not in own  # they have a session: rendered for them, not stored
    assert 'Shortlist<span class="count"> (1)' in own.content.decode()
    stranger = Client().get(program.get_absolute_url()).content.decode()
    assert 'Shortlist<span class="count"> (0)' in stranger
    assert "Remove from shortlist" not in stranger


def test_messages_and_staff_previews_bypass_the_cache(program, editor):
    Client().get("/")
    staff = Client()
    staff.force_login(editor)
    assert "X-Page-Cache" not in staff.get("/")
    draft = ProgramFactory(status="draft")
    assert "Draft preview." in staff.get(draft.get_absolute_url()).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_an_edit_makes_cached_pages_fresh_at_once(program, client):
    url = program.get_absolute_url()
    assert "$16,200" in Client().get(url).content.decode()
    assert Client().get(url)["X-Page-Cache"] == "hit"  # now in this process's recent pages too
    program.tuition_and_fees = 9000
    program.save()
    page = Client().get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "$10,200" in page.content.decode()


def test_an_import_makes_cached_pages_fresh(program):
    from core.datafiles import after_bulk_load

    Client().get("/programs/")
    Program.objects.update(tuition_and_fees=1000)  # a bulk write sends no signal...
    after_bulk_load()  # ...so the import says so itself
    assert Client().get("/programs/")["X-Page-Cache"] == "miss"


def test_listing_keys_on_its_parameters_only(program):
    Client().get("/programs/?state=il")
    assert Client().get("/programs/?state=il")["X-Page-Cache"] == "hit"
    assert Client().get("/programs/?state=ca")["X-Page-Cache"] == "miss"
    response = Client().get("/programs/?state=il&utm_source=mail")
    assert "X-Page-Cache" not in response  # an unknown parameter: served fresh, not stored
    assert "X-Page-Cache" not in Client().get("/programs/?state=zz")  # an invalid value too


def test_form_posts_and_non_200_answers_are_never_cached(program):
    assert "X-Page-Cache" not in Client().get("/programs/999999/")
    assert "X-Page-Cache" not in Client().get("/corrections/")


def test_a_new_certification_route_shows_at_once_on_the_cached_page():
    from datetime import date

    from careers.models import CertificationRoute

    from .factories import CertificationFactory

    certification = CertificationFactory()
    url = certification.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    CertificationRoute.objects.create(
        certification=certification,
        basis="experience",
        description="A year of work as a medical assistant.",
        source_url=certification.website,
        last_checked=date(2026, 11, 30),
    )
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss"
