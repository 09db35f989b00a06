"""A crawl of the Spanish site from /es/: it reaches every public page type through the pages'
own links, every page is in Spanish (`<html lang="es">`), and no common English word is left
in its text or in the attributes a visitor hears (aria-label, title, alt, placeholder).

What stays English is named: federal data (school names, cities, fields of study, BLS areas and
occupations), official names (certifications, awarding bodies, the federal sources), and what
the page itself marks `lang="en"` (O*NET's lists, a guide section not yet translated). The
guides' own copy (`class="guide-copy"`) is editors' writing, not template text: it names some
things in English on purpose, beside the Spanish ("la FAFSA (Free Application for Federal
Student Aid)"), and tests/test_i18n.py checks every guide ships in Spanish."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from careers.models import Career, Certification, Organization, WageEstimate
from careers.seeding import content_seed
from core.geography import STATES
from programs.models import Program, School

from .factories import (
    MetroWageFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    StateWageFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

# Each public page type, by URL name: the crawl must reach them all from /es/.
PAGE_TYPES = {
    "careers:home",
    "careers:career_detail",
    "careers:career_state",
    "careers:certification_list",
    "careers:certification_detail",
    "careers:organization_list",
    "programs:about_data",
    "programs:award_levels",
    "programs:program_detail",
    "programs:school_detail",
    "finder:program_list",
    "finder:compare",
    "finder:shortlist",
    "representatives:for_schools",
    "representatives:request",
    "corrections:create",
    "search:search",
    "core:privacy",
}
PAGES_PER_TYPE = 8  # all eight guides
# Words of English sentences that Spanish never uses, matched as whole words.
_ENGLISH_WORDS = """
    the and you your with this that these from about near find show shows programs schools
    search guide guides careers back next previous page results filters sort our they their
    here read learn send update should would will median hourly annual wage wages jobs outlook
    training weeks hours tuition fees books away nearest listed per year month of to is are we
    it or by on at an for in more less only all any other none each
"""
ENGLISH_WORDS = frozenset(_ENGLISH_WORDS.split())
# Proper names the Spanish pages keep in English: the federal sources and their datasets.
PROPER_NAMES = [
    "U.S. Department of Education",
    "U.S. Department of Labor",
    "U.S. Bureau of Labor Statistics",
    "Bureau of Labor Statistics",
    "National Center for Education Statistics",
    "Integrated Postsecondary Education Data System",
    "Occupational Employment and Wage Statistics",
    "Employment Projections",
    "Employment and Training Administration",
    "College Navigator",
    "College Scorecard",
    "O*NET OnLine",
    "O*NET",
    "Creative Commons Attribution 4.0 International",
    "Classification of Instructional Programs",
    "Standard Occupational Classification",
    "GeoNames",
    "CC BY 4.0",
    "American Society for Clinical Pathology",  # an awarding body's parent, in its description
]


class VisibleText(HTMLParser):
    """The text a visitor reads or hears, without scripts, styles and what is marked English."""

    SKIPPED = {"script", "style"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip
    HEARD = ("aria-label", "title", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts, self.stack, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        english = (
            (attrs.get("lang") or "").startswith("en")
            or tag in self.SKIPPED
            or "guide-copy" in (attrs.get("class") or "").split()
        )
        skipping = english or bool(self.stack and self.stack[-1])
        if not skipping:
            self.parts.extend(attrs[name] for name in self.HEARD if attrs.get(name))
        if tag not in self.VOID:
            self.stack.append(skipping)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def data_values() -> list[str]:
    """Federal data and official names, longest first (so a name is removed before its parts)."""
    values = [
        *School.objects.values_list("name", flat=True),
        *School.objects.values_list("city", flat=True),
        *Program.objects.values_list("cip_title", flat=True),
        *Certification.objects.values_list("name", flat=True),
        *Organization.objects.values_list("name", flat=True),
        *WageEstimate.objects.values_list("area_name", flat=True),
        *WageEstimate.objects.values_list("occupation_title", flat=True),
        *STATES.values(),
        *PROPER_NAMES,
    ]
    return sorted({value for value in values if value}, key=len, reverse=True)


def english_left(text: str, names: list[str]) -> list[str]:
    """Each English word left, in its context."""
    for name in names:
        text = text.replace(name, " ")
    text = " ".join(text.split())
    return [
        f"{match.group(0)!r} in …{text[max(0, match.start() - 40) : match.end() + 40]}…"
        for match in re.finditer(r"[^\W\d_]+", text)
        if match.group(0).lower() in ENGLISH_WORDS
    ]


@pytest.fixture
def spanish_site():
    content_seed(content_dir=settings.DATA_DIR / "content", guides_dir=settings.DATA_DIR / "guides")
    assistant = Career.objects.get(slug="medical-assistant")
    WageEstimateFactory()
    StateWageFactory(area_code="0600000", area_name="California", state_fips="06", states="CA")
    StateWageFactory()
    MetroWageFactory()
    ProjectionFactory()
    ZipCodeFactory()
    school = SchoolFactory(name="Sacramento Health College", state="CA", zip_code="60601")
    ProgramFactory(school=school, career=assistant, tuition_and_fees=12000)
    ProgramFactory(
        school=school,
        career=assistant,
        credential_level="associate",
        tuition_and_fees=None,
        cost_gap="not-reported",
    )
    for n in range(3):
        ProgramFactory(
            school=SchoolFactory(name=f"Valley College {n}", state="CA"), career=assistant
        )


# Pages a form leads to rather than a link: the corrections form on its own page (where the
# footer's form sends a visitor whose note has errors) and its thank-you page.
FORM_PAGES = ["/es/corrections/?page=/es/", "/es/corrections/thanks/?page=/es/"]


def crawl(client, start="/es/"):
    """Pages reached by following the Spanish pages' links: {path: (url name, page)}."""
    seen, queue, pages, per_type = {start}, deque([start, *FORM_PAGES]), {}, Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        name = resolve(urlsplit(url).path).view_name
        pages[url] = (name, response.content.decode())
        parser = VisibleText()
        parser.feed(pages[url][1])
        for href in parser.links:
            link = href.split("#")[0].replace("&amp;", "&")
            if not link.startswith("/es/") or link in seen or ".csv" in link:
                continue
            link_type = resolve(urlsplit(link).path).view_name
            if per_type[link_type] < PAGES_PER_TYPE:
                per_type[link_type] += 1
                seen.add(link)
                queue.append(link)
    return pages


def test_a_crawl_of_the_spanish_site_reaches_every_page_type_in_spanish(spanish_site):
    pages = crawl(Client())
    reached = {name for name, _ in pages.values()}
    assert reached >= PAGE_TYPES, f"not reached from /es/: {sorted(PAGE_TYPES - reached)}"

    names = data_values()
    leftovers = {}
    for url, (_name, page) in pages.items():
        assert '<html lang="es">' in page, url
        parser = VisibleText()
        parser.feed(page)
        found = english_left(" ".join(parser.parts), names)
        if found:
            leftovers[url] = found[:6]
    assert leftovers == {}, "English left in Spanish pages:\n" + "\n".join(
        f"{url}: {found}" for url, found in leftovers.items()
    )


def test_the_checks_see_english_where_it_is_left():
    """The crawl's checks themselves: English text and an English aria-label are found; what
    is marked lang="en" and official names are not."""
    parser = VisibleText()
    parser.feed(
        '<p>Programas cerca de usted</p><a aria-label="Read more">Leer</a>'
        '<ul lang="en"><li>Take vital signs and record them</li></ul>'
        "<p>Fuente: U.S. Bureau of Labor Statistics</p><p>Find programs</p>"
    )
    found = [word.split(" in ")[0] for word in english_left(" ".join(parser.parts), PROPER_NAMES)]
    assert found == ["'Read'", "'more'", "'Find'", "'programs'"]
