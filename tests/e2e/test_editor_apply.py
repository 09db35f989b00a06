"""A visitor sends a field-level correction on a program page; an editor applies it in the
admin; the program page then shows the new value and the new verified date."""

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import Page, expect

from tests.e2e.corrections import send_tuition_correction
from tests.factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_correction_applied_by_an_editor(page: Page, live_server, django_user_model):
    django_user_model.objects.create_user(
        "editor", "e@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )
    program = ProgramFactory(
        school=SchoolFactory(name="Lakeview Career College"),
        tuition_and_fees=15000,
        books_and_supplies=1200,
        last_verified=None,
    )
    url = f"{live_server.url}{program.get_absolute_url()}"

    page.goto(url)
    expect(page.get_by_text("Not yet verified by our editors")).to_be_visible()
    send_tuition_correction(page, "$14,500", evidence="https://lakeview.example.edu/tuition")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("1 open correction")).to_be_visible()
    page.goto(f"{live_server.url}/admin/corrections/correction/")
    page.get_by_role("link", name="Tuition and fees (whole program)").click()
    page.get_by_role("button", name="Apply the value to the program").click()
    expect(page.get_by_text("1 correction applied.")).to_be_visible()

    page.goto(url)
    today_short = timezone.localdate().strftime("%b %-d, %Y")
    expect(page.locator("dd", has_text="$14,500")).to_contain_text(
        f"Corrected by our editors on {today_short}, after a visitor's note"
    )
    # The new total with books, as the cost's headline and in its breakdown.
    expect(page.locator(".cost-summary")).to_contain_text("$15,700 whole program")
    expect(page.locator("dd", has_text="$15,700")).to_be_visible()
    today = date_format(timezone.localdate(), "F j, Y")
    expect(page.get_by_text(f"Last verified by our editors on {today}.")).to_be_visible()
