"""Search visibility: sitemap, robots.txt, canonical links, descriptions, Open Graph, JSON-LD."""

import json
import re

import pytest

from careers.models import GuideSection, PublishStatus

from .factories import (
    CareerFactory,
    GuideSectionFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
)

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def of_type(page: str, kind: str) -> dict:
    [found] = [data for data in json_ld(page) if data["@type"] == kind]
    return found


def head_value(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, pattern
    return match.group(1)


@pytest.fixture
def program():
    career = CareerFactory()
    for key in GuideSection.Key.values:
        GuideSectionFactory(career=career, key=key)
    WageEstimateFactory()
    ProjectionFactory()
    school = SchoolFactory(
        name="Lakeside Community College", sector_detail="Public, 2-year", zip_code="60601"
    )
    return ProgramFactory(school=school, months_to_complete=9, tuition_and_fees=15000)


def test_sitemap_lists_every_public_page_and_no_drafts(client, program):
    draft = ProgramFactory(status=PublishStatus.DRAFT)
    CareerFactory(slug="draft-career", status=PublishStatus.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-\w+\.xml)</loc>", index)
    urls = "".join(client.get(section).content.decode() for section in sections)
    for path in ["/", "/programs/", "/careers/medical-assistant/", program.get_absolute_url(),
                 program.school.get_absolute_url()]:  # fmt: skip
        assert f"<loc>http://testserver{path}</loc>" in urls
    assert f"<loc>http://testserver{draft.get_absolute_url()}</loc>" not in urls
    assert "draft-career" not in urls
    assert draft.school.get_absolute_url() not in urls  # its only program is a draft


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.parametrize("page_name", ["home", "guide", "listing", "program", "school"])
def test_every_page_has_a_canonical_link_description_and_open_graph(client, program, page_name):
    url = {
        "home": "/",
        "guide": "/careers/medical-assistant/",
        "listing": "/programs/",
        "program": program.get_absolute_url(),
        "school": program.school.get_absolute_url(),
    }[page_name]
    page = client.get(url).content.decode()
    canonical = head_value(page, r'<link rel="canonical" href="([^"]+)">')
    assert canonical == f"http://testserver{url}"
    description = head_value(page, r'<meta name="description" content="([^"]+)">')
    assert len(description) > 40
    assert head_value(page, r'<meta property="og:url" content="([^"]+)">') == canonical
    assert head_value(page, r'<meta property="og:title" content="([^"]+)">')
    assert head_value(page, r'<meta property="og:description" content="([^"]+)">') == description
    breadcrumbs = of_type(page, "BreadcrumbList")
    assert breadcrumbs["itemListElement"][0]["item"] == "http://testserver/"


def test_filtered_listing_is_canonical_as_its_career_and_state_only(client, program):
    page = client.get(
        "/programs/?state=il&sector=public&career=medical-assistant&cost_max=9000&page=1"
    ).content.decode()
    canonical = head_value(page, r'<link rel="canonical" href="([^"]+)">')
    assert canonical == "http://testserver/programs/?career=medical-assistant&amp;state=il"


def test_invalid_filter_values_never_reach_the_canonical_link(client, program):
    page = client.get("/programs/?state=zz&career=nope").content.decode()
    assert head_value(page, r'<link rel="canonical" href="([^"]+)">') == (
        "http://testserver/programs/"
    )


def test_guide_describes_the_occupation_with_bls_pay(client, program):
    page = client.get("/careers/medical-assistant/").content.decode()
    occupation = of_type(page, "Occupation")
    assert occupation["name"] == "Medical Assistant"
    assert occupation["occupationalCategory"] == "31-9092"
    [salary] = occupation["estimatedSalary"]
    assert salary["median"] == 44070
    assert salary["percentile10"] == 36000 and salary["percentile90"] == 58000
    assert salary["currency"] == "USD" and salary["duration"] == "P1Y"
    assert "May 2025" in salary["name"]
    assert occupation["educationRequirements"] == "Postsecondary nondegree award"


def test_program_is_an_educational_occupational_program(client, program):
    page = client.get(program.get_absolute_url()).content.decode()
    data = of_type(page, "EducationalOccupationalProgram")
    assert data["provider"]["name"] == "Lakeside Community College"
    assert data["provider"]["@type"] == "CollegeOrUniversity"
    assert data["educationalCredentialAwarded"] == "Certificate (12 weeks to 1 year)"
    assert data["timeToComplete"] == "P9M"
    assert data["offers"]["price"] == 15000 + 1200
    assert data["offers"]["priceCurrency"] == "USD"
    crumbs = [item["name"] for item in of_type(page, "BreadcrumbList")["itemListElement"]]
    assert crumbs == ["Home", "Programs", "Lakeside Community College", "Medical Assistant"]


def test_program_without_a_reported_cost_offers_no_price(client):
    program = ProgramFactory(tuition_and_fees=None, months_to_complete=None)
    data = of_type(
        client.get(program.get_absolute_url()).content.decode(), "EducationalOccupationalProgram"
    )
    assert "offers" not in data
    assert "timeToComplete" not in data


def test_school_is_an_educational_organization_with_its_address(client, program):
    small = SchoolFactory(
        name="Short Course Institute", sector_detail="Private for-profit, less-than 2-year"
    )
    ProgramFactory(school=small)
    data = of_type(client.get(small.get_absolute_url()).content.decode(), "EducationalOrganization")
    assert data["name"] == "Short Course Institute"
    assert data["address"]["addressRegion"] == "IL"
    assert data["geo"]["latitude"] == pytest.approx(41.8858)
    college = of_type(
        client.get(program.school.get_absolute_url()).content.decode(), "CollegeOrUniversity"
    )
    assert college["address"]["postalCode"] == "60601"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    school = SchoolFactory(name="Evil </script><script>alert(1)</script> College")
    ProgramFactory(school=school)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert of_type(page, "EducationalOrganization")["name"] == school.name


def test_correction_pages_ask_search_engines_to_stay_away(client):
    assert '<meta name="robots" content="noindex">' in client.get("/corrections/").content.decode()
