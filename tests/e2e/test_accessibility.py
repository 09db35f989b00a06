"""WCAG 2.2 AA in a real browser: axe-core on every page type, and a keyboard-only journey."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from careers.models import GuideSection
from tests.factories import (
    CareerFactory,
    CertificationFactory,
    GuideSectionFactory,
    MetroWageFactory,
    OrganizationFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    StateWageFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the site's CSP rightly forbids.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def site():
    career = CareerFactory()
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    CertificationFactory().careers.add(career)
    OrganizationFactory().careers.add(career)
    WageEstimateFactory()
    StateWageFactory(area_code="0600000", area_name="California", state_fips="06", states="CA")
    StateWageFactory()
    MetroWageFactory()
    ProjectionFactory()
    ZipCodeFactory()
    school = SchoolFactory(
        name="Sacramento Health College", state="CA", website="https://www.sachealth.edu/"
    )
    ProgramFactory(school=school)
    ProgramFactory(
        school=school, credential_level="associate", tuition_and_fees=None, cost_gap="not-reported"
    )
    for n in range(22):
        ProgramFactory(school=SchoolFactory(name=f"Valley College {n:02}", state="CA"))
    return school


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


PAGES = {
    "home": "/",
    "guide": "/careers/medical-assistant/",
    "listing with filters": "/programs/?career=medical-assistant&state=ca&credential=associate",
    "listing near a ZIP": "/programs/?zip=60601&radius=100",
    "listing with an invalid filter": "/programs/?zip=123&cost_max=lots",
    "listing with chips and a sort": "/programs/?state=ca&federal_aid=1&sort=cost",
    "listing with unknowns let in": "/programs/?cost_max=5000&cost_unknown=1&sort=cost",
    "about the data": "/programs/about-the-data/",
    "compare": "/compare/?programs=1,2,3&zip=60601",
    "empty compare": "/compare/",
    "shortlist": "/shortlist/",
    "search": "/search/?q=medical",
    "for schools": "/for-schools/",
    "guide with pay near a ZIP": "/careers/medical-assistant/?zip=60601",
    "guide with a bad ZIP": "/careers/medical-assistant/?zip=99999",
    "state page": "/careers/medical-assistant/ca/",
    "certifications": "/certifications/",
    "certification": "/certifications/cma-aama/",
    "associations": "/associations/",
    "privacy": "/privacy/",
    "developers": "/developers/",
    "corrections form": "/corrections/?page=/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations(page: Page, live_server, site, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + PAGES[name])
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_program_and_school_pages_with_the_correction_form_open(page, live_server, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    program = site.programs.first()
    for url in [program.get_absolute_url(), site.get_absolute_url()]:
        page.goto(live_server.url + url)
        page.get_by_text("Tell us what to fix on this page").click()
        assert axe_violations(page) == [], url


def test_corrections_form_showing_errors(page: Page, live_server, site):
    page.goto(f"{live_server.url}/corrections/?page=/")
    page.get_by_label("Your email, if you'd like to hear back (optional)").fill("not-an-email")
    page.get_by_role("button", name="Send to our editors").click()
    expect(page.get_by_role("heading", name="Please check your note")).to_be_visible()
    assert axe_violations(page) == []
    # Each error is announced and tied to its field.
    proposed = page.get_by_label("What it should say")
    expect(proposed).to_have_attribute("aria-invalid", "true")
    expect(proposed).to_have_accessible_description("This field is required.")


def test_representative_pages(page: Page, live_server, site):
    school = site
    page.goto(f"{live_server.url}/schools/{school.unitid}/{school.slug}/represent/")
    assert axe_violations(page) == []
    page.get_by_label("Your work email").fill("not an email")
    page.get_by_role("button", name="Send me a sign-in link").click()
    assert axe_violations(page) == []
    page.get_by_label("Your work email").fill("registrar@sachealth.edu")
    page.get_by_role("button", name="Send me a sign-in link").click()
    assert axe_violations(page) == []
    link = re.search(r"http://\S+/schools/represent/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Continue").click()
    assert axe_violations(page) == []  # the representative's home
    page.get_by_role("link", name=re.compile(r"^Medical Assistant")).first.click()
    assert axe_violations(page) == []  # the update form
    page.goto(link)  # a used link
    assert axe_violations(page) == []


def test_thanks_page(page: Page, live_server, site):
    page.goto(f"{live_server.url}/corrections/thanks/?page=/")
    assert axe_violations(page) == []


FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 60),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : '',
    visible: outlined && rect.width > 0 && rect.height > 0,
  };
}"""


def tab_to(page: Page, matches, limit=80):
    """Press Tab until the focused element matches; every stop must show a visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        assert focused["visible"], f"focus not visible on {focused}"
        if matches(focused):
            return focused
    raise AssertionError("never reached the element by keyboard")


def test_keyboard_only_journey_with_visible_focus(page: Page, live_server, site):
    page.goto(f"{live_server.url}/programs/")

    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS_VISIBLE)
    assert skip["text"] == "Skip to main content" and skip["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, lambda f: f["label"] == "State")
    page.keyboard.type("California")
    tab_to(page, lambda f: f["text"] == "Apply filters")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/programs/\?.*state=ca"))
    expect(page.get_by_role("heading", name="24 programs")).to_be_visible()

    tab_to(page, lambda f: f["text"] == "Sacramento Health College")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sacramento Health College")

    tab_to(page, lambda f: f["text"] == "Tell us what to fix on this page")
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["label"] == "What needs updating?")
    page.keyboard.type("Program length")
    tab_to(page, lambda f: f["label"] == "What it should say")
    page.keyboard.type("It now takes 10 months")
    tab_to(page, lambda f: f["text"] == "Send to our editors")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — we have your note")
