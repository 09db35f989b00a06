import re

import pytest
from django.test import Client

from corrections.models import Correction

from .factories import CareerFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db

VALID = {
    "page_url": "/programs/1/",
    "field": "Tuition",
    "current_value": "$15,000",
    "proposed_value": "$14,500 from fall 2026",
    "evidence": "https://www.example.edu/tuition",
    "contact_email": "student@example.org",
}


def test_every_page_carries_the_corrections_form_tied_to_it(client):
    program = ProgramFactory()
    for url, target in [
        ("/", ""),
        ("/programs/?state=il", ""),
        (program.get_absolute_url(), f"program:{program.pk}"),
        (program.school.get_absolute_url(), f"school:{program.school.pk}"),
        (program.career.get_absolute_url(), "career:medical-assistant"),
    ]:
        page = client.get(url).content.decode()
        assert "Notice an update we should make?" in page, url
        assert 'action="/corrections/"' in page
        assert "csrfmiddlewaretoken" not in page  # guarded by origin headers: docs/security.md
        assert f'name="target" value="{target}"' in page or (not target and 'name="target"' in page)
        assert f'name="page_url" value="{url.replace("&", "&amp;")}"' in page


def test_the_footer_forms_page_address_is_escaped(client):
    page = client.get("/search/?q=it's&x=1").content.decode()
    assert 'name="page_url" value="/search/?q=it&#x27;s&amp;x=1"' in page


def test_a_correction_is_stored_once_tied_to_its_program_and_the_user_is_thanked(client):
    program = ProgramFactory()
    data = {**VALID, "page_url": program.get_absolute_url(), "target": f"program:{program.pk}"}

    response = client.post("/corrections/", data, follow=True)

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    correction = Correction.objects.get()
    assert correction.program == program
    assert correction.page_url == program.get_absolute_url()
    assert correction.proposed_value == "$14,500 from fall 2026"
    assert correction.contact_email == "student@example.org"
    assert correction.status == Correction.Status.NEW
    assert f'href="{program.get_absolute_url()}"' in response.content.decode()


@pytest.mark.parametrize(
    ("target", "attribute"),
    [("school", "school"), ("career", "career")],
)
def test_a_correction_can_be_about_a_school_or_a_career(client, target, attribute):
    obj = SchoolFactory() if target == "school" else CareerFactory()
    key = obj.pk if target == "school" else obj.slug
    client.post("/corrections/", {**VALID, "target": f"{target}:{key}"})
    assert getattr(Correction.objects.get(), attribute) == obj


def test_an_unknown_target_still_keeps_the_note(client):
    client.post("/corrections/", {**VALID, "target": "program:999999"})
    correction = Correction.objects.get()
    assert correction.target is None
    assert correction.proposed_value == VALID["proposed_value"]


def test_missing_and_bad_fields_get_errors_and_keep_what_was_typed(client):
    data = {**VALID, "proposed_value": "", "contact_email": "not-an-email"}
    response = client.post("/corrections/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please check your note" in page
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert "$15,000" in page and "https://www.example.edu/tuition" in page  # nothing lost
    assert 'aria-invalid="true"' in page
    assert Correction.objects.count() == 0


def test_page_outside_the_site_is_never_stored_or_linked(client):
    client.post("/corrections/", {**VALID, "page_url": "javascript:alert(1)"})
    assert Correction.objects.get().page_url == "/"
    response = client.get("/corrections/?page=//evil.example/")
    assert 'href="//evil.example/"' not in response.content.decode()
    response = client.get("/corrections/thanks/?page=https://evil.example/")
    # Only the language switch carries the query along, as a link to this site's own page.
    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert [link for link in links if "evil.example" in link] == [
        "/es/corrections/thanks/?page=https://evil.example/"
    ]


def test_submitted_text_is_escaped_on_the_error_page(client):
    response = client.post("/corrections/", {**VALID, "field": "", "current_value": "<script>x()"})
    page = response.content.decode()
    assert "<script>x()" not in page
    assert "&lt;script&gt;x()" in page


def test_a_note_forged_by_another_site_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/corrections/", VALID, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert Correction.objects.count() == 0


@pytest.mark.parametrize("target", ["program:²", "school:١٢", "career:", "nonsense", ":"])
def test_odd_targets_never_break_the_form_and_keep_the_note(client, target):
    response = client.post("/corrections/", {**VALID, "target": target})
    assert response.status_code == 302
    assert Correction.objects.get().target is None
