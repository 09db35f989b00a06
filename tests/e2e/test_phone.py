"""The finder, compare and a program page on a phone (390 px wide), and the filters standing open
on a wide screen: what a visitor sees first, nothing wider than the screen, axe clean."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import axe_violations
from tests.factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the site's CSP rightly forbids.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def programs():
    ZipCodeFactory()
    listed = [
        ProgramFactory(
            school=SchoolFactory(
                name=f"Lakeshore Community College of Allied Health Sciences {n:02}",
                state="IL",
                latitude=41.88 + n / 100,
                longitude=-87.62,
            )
        )
        for n in range(22)
    ]
    return listed


def in_view(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_first_result_is_on_the_first_screen_with_the_filters_folded(
    page: Page, live_server, programs
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/programs/?state=il&federal_aid=1")
    assert in_view(page, page.locator(".program-card h3").first)
    assert page_width(page) <= 390
    summary = page.locator("summary", has_text="Filters (2 applied)")
    expect(summary).to_be_visible()
    expect(page.get_by_label("State", exact=True)).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^Illinois"))).to_be_visible()  # a chip

    summary.click()  # no script: the browser's own <details>
    page.get_by_label(re.compile("^Takes federal student aid")).uncheck()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("summary", has_text="Filters (1 applied)")).to_be_visible()
    assert in_view(page, page.locator(".program-card h3").first)
    assert axe_violations(page) == []


def test_near_a_zip_the_first_result_comes_before_the_map(page: Page, live_server, programs):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/programs/?zip=60601")
    assert in_view(page, page.locator(".program-card h3").first)
    page.get_by_role("link", name="See these programs on a map").click()
    expect(page.locator("#results-map")).to_be_in_viewport()
    assert page_width(page) <= 390
    assert axe_violations(page) == []


def test_the_filters_stand_open_beside_the_results_on_a_wide_screen(
    page: Page, live_server, programs
):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/programs/?state=il")
    expect(page.get_by_label("State", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(page.locator(".filters-fold > summary")).to_be_hidden()
    filters, results = page.locator("form.filters"), page.locator("section.results")
    assert filters.bounding_box()["x"] < results.bounding_box()["x"]  # a sidebar
    assert in_view(page, page.locator(".program-card h3").first)
    assert axe_violations(page) == []


def test_compare_shows_each_program_name_and_cost_without_widening_the_page(
    page: Page, live_server, programs
):
    ids = ",".join(str(program.pk) for program in programs[:3])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/compare/?programs={ids}&zip=60601")
    assert page_width(page) <= 390
    expect(page.get_by_text(re.compile("Scroll the table sideways"))).to_be_visible()
    caption = page.locator("table.compare caption")
    caption.scroll_into_view_if_needed()
    assert in_view(page, caption)

    names = page.locator("table.compare thead th a")
    costs = page.locator(
        "table.compare tbody tr", has=page.locator("th", has_text=re.compile("^Cost$"))
    )
    for column, program in enumerate(programs[:3]):
        name = names.nth(column)
        expect(name).to_have_text(program.school.name)
        name.scroll_into_view_if_needed()
        assert in_view(page, name), program.school.name
        cost = costs.locator("td").nth(column)
        cost.scroll_into_view_if_needed()
        assert in_view(page, cost), program.school.name
        assert in_view(page, costs.locator("th"))  # the row's name stays in place
        assert page_width(page) <= 390
    assert axe_violations(page) == []


def test_add_to_compare_and_save_from_a_program_page(page: Page, live_server, programs):
    program = programs[0]
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + program.get_absolute_url())
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("^Add to compare")).click()
    expect(page.get_by_role("status")).to_contain_text("to your compare list (1)")
    expect(page.get_by_role("link", name="Compare (1)")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Save to shortlist")).click()
    expect(page.get_by_role("link", name="Shortlist (1)")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Remove from compare"))).to_be_visible()
    assert page_width(page) <= 390
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "url",
    ["/programs/?zip=123", "/programs/?state=wy", "/no-such-page/"],
    ids=["bad ZIP", "no results", "not found"],
)
def test_tidy_pages_on_a_phone(page: Page, live_server, programs, url):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + url)
    assert page_width(page) <= 390
    assert axe_violations(page) == []
