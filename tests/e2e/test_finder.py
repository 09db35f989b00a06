"""The finder journey in a real browser: ZIP search -> filter -> sort by distance -> add three
to compare -> open the share link in a fresh browser context and see the same comparison."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOLS = [  # name, latitude, longitude, takes federal aid
    ("Loop Medical Institute", 41.8860, -87.6200, True),
    ("Evanston Health College", 42.0451, -87.6877, True),
    ("Oak Park Career School", 41.8850, -87.7845, True),
    ("Cicero Training Center", 41.8456, -87.7539, False),
    ("Gary Allied Health", 41.5934, -87.3465, True),
]


@pytest.fixture
def chicago():
    ZipCodeFactory()
    for name, latitude, longitude, aid in SCHOOLS:
        ProgramFactory(
            school=SchoolFactory(
                name=name, latitude=latitude, longitude=longitude, federal_aid_eligible=aid
            )
        )


def test_zip_search_filter_sort_compare_and_share(
    page: Page, browser: Browser, live_server, chicago
):
    page.goto(live_server.url)
    page.get_by_label("ZIP code").fill("60601")
    page.get_by_role("button", name="Show programs").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^5 programs within 25 miles"))
    ).to_be_visible()

    page.get_by_label(re.compile(r"^Takes federal student aid")).check()
    page.get_by_label("Sort by").select_option(label="Distance, nearest first")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^4 programs within 25 miles"))
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Takes federal student aid (remove this filter)")
    ).to_be_visible()
    cards = page.locator(".program-card h3")
    expect(cards).to_have_text(
        [
            "Loop Medical Institute",
            "Oak Park Career School",
            "Evanston Health College",
            "Gary Allied Health",
        ]
    )

    for name in ["Loop Medical Institute", "Oak Park Career School", "Evanston Health College"]:
        page.get_by_role("button", name=f"Add to compare: {name}").click()
        expect(page.get_by_role("status")).to_contain_text(f"Added {name} to your compare list")
    expect(page.get_by_role("link", name="Compare (3)")).to_be_visible()

    page.get_by_role("link", name="Compare (3)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare programs")
    share_url = page.get_by_label("Link to this comparison").input_value()
    columns = page.locator("table.compare thead th a")
    expect(columns).to_have_text(
        ["Loop Medical Institute", "Oak Park Career School", "Evanston Health College"]
    )

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(share_url)
        expect(other.locator("table.compare thead th a")).to_have_text(
            ["Loop Medical Institute", "Oak Park Career School", "Evanston Health College"]
        )
        # Not their list yet: the header counts the programs shown, and offers to keep them.
        expect(other.get_by_role("link", name="Compare (3)")).to_be_visible()
        expect(other.get_by_role("button", name="Add to compare")).to_have_count(0)
        other.get_by_role("button", name="Save this comparison").click()
        expect(other.get_by_role("status")).to_contain_text("now your compare list")
        expect(other.get_by_role("button", name=re.compile("^Remove from compare"))).to_have_count(
            3
        )
    finally:
        fresh.close()
