"""A school's whole path in a real browser: request access, follow the emailed link, propose a
new cost and schedule, an editor applies them, the public page shows them as school-reported."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_school_reports_cost_and_schedule_and_an_editor_applies_them(
    page: Page, live_server, django_user_model
):
    django_user_model.objects.create_user(
        "editor", "e@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )
    school = SchoolFactory(name="Lakeview College", website="https://www.lakeview.edu/")
    program = ProgramFactory(school=school, tuition_and_fees=15000, books_and_supplies=1200)

    page.goto(f"{live_server.url}{school.get_absolute_url()}")
    page.get_by_role("link", name="Is this your school? Update its listings").click()
    page.get_by_label("Your work email").fill("registrar@lakeview.edu")
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"http://\S+/schools/represent/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Update Lakeview College")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Medical Assistant")).click()
    page.get_by_label("Tuition and fees for the whole program ($)").fill("14500")
    page.get_by_label("Evening classes").select_option(label="Yes")
    page.get_by_role("button", name="Send to our editors").click()
    expect(page.get_by_text("Our editors will review your update")).to_be_visible()

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/programs/schoolupdate/")
    page.get_by_role("link", name=re.compile(r"^Change to a listed program: ")).click()
    page.get_by_role("button", name="Apply every field").click()
    expect(page.get_by_text("1 update applied.")).to_be_visible()

    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    today = timezone.localdate().strftime("%b %-d, %Y")
    reported = f"Reported by the school on {today}, reviewed by our editors"
    tuition = page.locator("dd", has_text="$14,500")
    expect(tuition).to_contain_text(reported)
    schedule = page.locator("dd", has_text="evening: yes")
    expect(schedule).to_contain_text(reported)
