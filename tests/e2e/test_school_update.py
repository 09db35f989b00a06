"""A school's whole path in a real browser: request access, follow the emailed link, propose a
new cost and schedule, an editor applies them, the public page shows them as school-reported."""

import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import Program
from tests.factories import CareerFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_link(to: str) -> str:
    """The link in the sign-in email to `to`. The site sends email after the response (from
    the live server's thread), so it may land a moment after the page shows."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if to in message.to:
                return re.search(r"http://\S+/schools/represent/\S+/", message.body).group(0)
        time.sleep(0.05)
    raise AssertionError(f"no sign-in email to {to}")


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

    link = sign_in_link("registrar@lakeview.edu")
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
    page.goto(f"{live_server.url}/admin/representatives/schoolupdate/")
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


def test_a_school_proposes_a_new_program_and_it_is_public_once_an_editor_publishes_it(
    page: Page, live_server, django_user_model
):
    django_user_model.objects.create_user(
        "editor", "e@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )
    school = SchoolFactory(name="Lakeview College", website="https://www.lakeview.edu/")
    ProgramFactory(school=school)  # the school's listed program
    CareerFactory(
        slug="phlebotomy-technician",
        title="Phlebotomy Technician",
        soc_code="31-9097",
        cip_codes=["51.1009"],
        order=1,
    )

    page.goto(f"{live_server.url}{school.get_absolute_url()}")
    page.get_by_role("link", name="Is this your school? Update its listings").click()
    page.get_by_label("Your work email").fill("registrar@lakeview.edu")
    page.get_by_role("button", name="Send me a sign-in link").click()
    link = sign_in_link("registrar@lakeview.edu")
    page.goto(link)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Add a program we don't list").click()
    page.get_by_label("Career").select_option(label="Phlebotomy Technician")
    page.get_by_label("Credential level").select_option(label="Certificate (under 12 weeks)")
    page.get_by_label("Tuition and fees for the whole program ($)").fill("1450")
    page.get_by_label("Months to complete").fill("2")
    page.get_by_role("button", name="Send to our editors").click()
    expect(page.get_by_text("list it once they have checked it")).to_be_visible()

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/representatives/schoolupdate/")
    page.get_by_role("link", name=re.compile(r"^Program missing from our listing: ")).click()
    page.get_by_role("button", name="Apply every field").click()
    expect(page.get_by_text("1 update applied.")).to_be_visible()

    program = Program.objects.get(school=school, career__slug="phlebotomy-technician")
    assert program.status == "draft"
    visitor = page.context.browser.new_page()
    response = visitor.goto(f"{live_server.url}{program.get_absolute_url()}")
    assert response.status == 404  # a draft until an editor publishes it

    page.goto(f"{live_server.url}/admin/programs/program/{program.pk}/change/")
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    visitor.goto(f"{live_server.url}{program.get_absolute_url()}")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Lakeview College")
    tuition = visitor.locator(
        "dl.facts > div", has=visitor.locator("dt", has_text="Tuition and fees, whole program")
    )
    expect(tuition.locator("dd")).to_contain_text("$1,450")
    expect(tuition.locator("dd")).to_contain_text("Reported by the school on")
