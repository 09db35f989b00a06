"""Forged cross-site posts are refused by the browser's own headers (core/crossorigin.py,
docs/security.md); posts from this site, and from clients that are not browsers, get through.
The admin keeps Django's token as well."""

import pytest
from django.test import Client

from corrections.models import Correction
from finder.selections import shortlist

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db

NOTE = {"page_url": "/", "field": "Phone", "proposed_value": "555-0100"}
SITE = "http://testserver"


def send_note(**headers):
    return Client(enforce_csrf_checks=True).post("/corrections/", NOTE, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://blog.testserver"},  # a sibling site
        {"Sec-Fetch-Site": "cross-site"},  # a browser that hides the origin
        {"Origin": "https://evil.example"},  # an older browser: Origin only
        {"Origin": "null"},  # a sandboxed frame
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
)
def test_a_post_from_another_site_is_refused_and_nothing_is_saved(headers):
    response = send_note(**headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": SITE},
        {"Sec-Fetch-Site": "none"},  # the visitor's own action (a bookmark)
        {"Origin": SITE},  # an older browser from this site
        {},  # not a browser (curl, a script): no page of another site can make it send this
    ],
)
def test_a_post_from_this_site_or_a_non_browser_is_accepted(headers):
    response = send_note(**headers)
    assert response.status_code == 302
    assert Correction.objects.count() == 1


def test_a_trusted_origin_may_post(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://partner.example"]
    response = send_note(**{"Sec-Fetch-Site": "cross-site", "Origin": "https://partner.example"})
    assert response.status_code == 302


def test_adding_to_a_shortlist_from_another_site_is_refused():
    program = ProgramFactory()
    visitor = Client()
    data = {"program": program.pk, "action": "add", "next": "/"}
    forged = visitor.post("/shortlist/update/", data, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
    own = visitor.post("/shortlist/update/", data, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 302
    assert shortlist(visitor.session).ids == [program.pk]


def test_the_admin_still_needs_its_token_from_this_site(editor):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(editor)
    response = staff.post(
        "/admin/logout/", headers={"Sec-Fetch-Site": "same-origin", "Origin": SITE}
    )
    assert response.status_code == 403  # no token: Django's check
    assert "Please send the form again" in response.content.decode()


def test_public_pages_hold_no_token_and_set_no_cookie():
    program = ProgramFactory()
    for url in ("/", program.get_absolute_url(), "/programs/", "/for-schools/"):
        page = Client().get(url)
        assert "csrfmiddlewaretoken" not in page.content.decode(), url
        assert not page.cookies, url
