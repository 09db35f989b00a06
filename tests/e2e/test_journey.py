"""A student's journey in a real browser: guide -> programs in a state -> program -> correction,
then an editor finds the correction in the admin."""

import pytest
from playwright.sync_api import Page, expect

from careers.models import GuideSection
from corrections.models import Correction
from tests.e2e.corrections import send_tuition_correction
from tests.factories import (
    CareerFactory,
    GuideSectionFactory,
    ProgramFactory,
    SchoolFactory,
    WageEstimateFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory():
    career = CareerFactory()
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    WageEstimateFactory()
    ProgramFactory(school=SchoolFactory(name="Sacramento Health College", state="CA"))
    ProgramFactory(school=SchoolFactory(name="Austin Medical Institute", state="TX"))
    return career


def test_student_sends_a_correction_that_an_editor_sees(
    page: Page, live_server, directory, django_user_model
):
    django_user_model.objects.create_user(
        "editor", "e@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )
    page.goto(f"{live_server.url}/careers/medical-assistant/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How to become a Medical Assistant")
    page.get_by_role("link", name="Find Medical Assistant programs (2)").click()

    page.get_by_label("State", exact=True).select_option("ca")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 program")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/programs/?career=medical-assistant&state=ca")
    page.get_by_role("link", name="Sacramento Health College").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sacramento Health College")

    send_tuition_correction(page, "Tuition is now $15,900")

    correction = Correction.objects.get()
    assert correction.program.school.name == "Sacramento Health College"

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/corrections/correction/")
    expect(page.get_by_text("Tuition is now $15,900")).to_be_visible()
