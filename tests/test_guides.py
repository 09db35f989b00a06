"""Career guides on real labor data: pay by state and near a ZIP, O*NET, paths, state pages,
certification and association pages."""

import csv
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from careers.models import Career, CipSocLink, GuideSection, OnetTask, WageEstimate
from careers.pay import pay_near
from core.geography import FIPS_STATES, STATES, metro_states

from .factories import (
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def career():
    career = CareerFactory(state_regulator="the state's medical board")
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    WageEstimateFactory()
    return career


@pytest.fixture
def real_labor_data():
    out = StringIO()
    call_command("seed_content", stdout=out)
    call_command("import_bls", stdout=out)
    call_command("import_onet", stdout=out)


def oews_row(soc_code, area_code):
    with open(settings.DATA_DIR / "bls" / "oews_may2025.csv", newline="") as f:
        return next(
            r for r in csv.DictReader(f) if (r["soc_code"], r["area_code"]) == (soc_code, area_code)
        )


# ZIP code -> metro area pay


def test_zip_in_a_metro_gets_the_metro_median():
    place = ZipCodeFactory()
    MetroWageFactory()
    StateWageFactory()
    local = pay_near(soc_code="31-9092", place=place)
    assert local.wage.area_name == "Chicago-Naperville-Elgin, IL-IN"
    assert not local.is_state_fallback


def test_zip_with_no_metro_falls_back_to_the_state_and_says_why():
    place = ZipCodeFactory(code="62301", city="Quincy", cbsa_code="", cbsa_name="")
    StateWageFactory()
    local = pay_near(soc_code="31-9092", place=place)
    assert local.wage.area_name == "Illinois"
    assert local.fallback_reason == (
        "our ZIP code data places 62301 in no metropolitan area, so this is the figure for Illinois"
    )


def test_metro_without_a_bls_figure_falls_back_to_the_state():
    place = ZipCodeFactory(code="06103", state="CT", cbsa_code="25540", cbsa_name="Hartford")
    StateWageFactory(area_code="0900000", area_name="Connecticut", state_fips="09", states="CT")
    local = pay_near(soc_code="31-9092", place=place)
    assert local.wage.area_name == "Connecticut"
    assert "BLS publishes no figure for this occupation in the Hartford area" in (
        local.fallback_reason
    )


def test_guide_shows_the_metro_median_for_a_zip(client, career):
    ZipCodeFactory()
    MetroWageFactory()
    page = client.get(f"{career.get_absolute_url()}?zip=60601").content.decode()
    assert "Median pay in the Chicago-Naperville-Elgin, IL-IN area" in page
    assert "$47,270 a year" in page
    assert "GeoNames" in page


def test_guide_labels_the_state_fallback(client, career):
    ZipCodeFactory(code="62301", city="Quincy", cbsa_code="", cbsa_name="")
    StateWageFactory()
    page = client.get(f"{career.get_absolute_url()}?zip=62301").content.decode()
    assert "Median pay in Illinois" in page
    assert "<strong>State figure:</strong>" in page


@pytest.mark.parametrize(
    ("zip_code", "message"),
    [
        ("99999", "We have no location for ZIP code 99999"),
        ("123", "Enter a five-digit ZIP code"),
        ("", "This field is required."),
    ],
)
def test_guide_explains_a_bad_zip_beside_the_field(client, career, zip_code, message):
    response = client.get(f"{career.get_absolute_url()}?zip={zip_code}")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page


def test_guide_canonical_ignores_the_zip(client, career):
    page = client.get(f"{career.get_absolute_url()}?zip=60601").content.decode()
    assert '<link rel="canonical" href="http://testserver/careers/medical-assistant/">' in page


# Figures against the source rows, on the real data


def test_guide_figures_match_the_bls_rows(client, real_labor_data):
    page = client.get("/careers/medical-assistant/").content.decode()
    national = oews_row("31-9092", "0000000")
    for column in ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"):
        assert f"${int(national[column]):,}" in page
    california = oews_row("31-9092", "0600000")
    table = page.split("Median pay by state as a table")[1]
    assert re.search(rf"California</a></th><td>\${int(california['a_median']):,}</td>", table)


def test_state_page_figures_match_the_bls_rows(client, real_labor_data):
    page = client.get("/careers/pharmacy-technician/tx/").content.decode()
    texas = oews_row("29-2052", "4800000")
    for column in ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"):
        assert f"${int(texas[column]):,}" in page
    houston = oews_row("29-2052", "0026420")
    assert houston["area_name"] in page and f"${int(houston['a_median']):,}" in page


def test_every_state_wage_row_names_its_state(real_labor_data):
    for wage in WageEstimate.objects.states():
        assert STATES[wage.states] == wage.area_name
        assert FIPS_STATES[wage.state_fips] == wage.states


def test_metro_names_give_their_states():
    assert metro_states("Chicago-Naperville-Elgin, IL-IN") == ["IL", "IN"]
    assert metro_states("Abilene, TX") == ["TX"]


def test_state_chart_has_a_text_and_table_equivalent(client, real_labor_data):
    page = client.get("/careers/medical-assistant/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="state-chart-title state-chart-desc"' in svg
    assert "<title id=" in svg and "<desc id=" in svg
    bars = svg.count("<rect")
    rows = WageEstimate.objects.for_occupation("31-9092").states().exclude(annual_median=None)
    assert bars == rows.count() > 50
    table = page.split("Median pay by state as a table")[1].split("</table>")[0]
    assert table.count('<th scope="row">') == bars


def test_each_career_guide_is_complete_and_sourced(client, real_labor_data):
    for career in Career.objects.published():
        response = client.get(career.get_absolute_url())
        assert response.status_code == 200, career.slug
        page = response.content.decode()
        for key in GuideSection.Key.values:
            assert f'id="{key.replace("_", "-")}-h"' in page, (career.slug, key)
        assert "BLS Occupational Employment and Wage Statistics (OEWS), May 2025" in page
        assert "BLS Employment Projections, 2024–34" in page
        assert "O*NET 29.3 Database" in page and "CC BY 4.0" in page
        assert f"/programs/?career={career.slug}" in page
        assert "Guide last reviewed" in page


# O*NET


def test_guide_shows_onet_core_tasks_and_skills(client, real_labor_data):
    page = client.get("/careers/medical-assistant/").content.decode()
    task = OnetTask.objects.filter(onet_code="31-9092.00", is_core=True).first()
    assert task.statement.replace("'", "&#x27;") in page
    assert "importance" in page


def test_coder_guide_says_onet_has_no_skill_ratings(client, real_labor_data):
    page = client.get("/careers/medical-billing-and-coding-specialist/").content.decode()
    assert "O*NET 29.3 publishes no skill ratings for this occupation." in page


# Crosswalk and career paths


def test_each_careers_programs_are_linked_to_its_occupation_by_the_crosswalk(real_labor_data):
    for career in Career.objects.all():
        socs = set(
            CipSocLink.objects.filter(cip_code__in=career.cip_codes).values_list(
                "soc_code", flat=True
            )
        )
        assert career.soc_code in socs, career.slug


def test_guide_lists_its_programs_fields_and_related_careers(client, real_labor_data):
    page = client.get("/careers/medical-assistant/").content.decode()
    assert "CIP 51.0801 Medical/Clinical Assistant" in page
    assert "Medical Assistants (SOC 31-9092)" in page
    assert 'href="/careers/licensed-practical-nurse/"' in page
    lpn = client.get("/careers/licensed-practical-nurse/").content.decode()
    assert "people in this work often move into licensed practical nurse roles" in lpn


# State pages


def test_state_page_shows_programs_pay_metros_and_where_rules_come_from(client, career):
    ProgramFactory(career=career, school=SchoolFactory(state="IL"))
    ProgramFactory(career=career, school=SchoolFactory(state="WI"))
    StateWageFactory()
    MetroWageFactory()
    response = client.get("/careers/medical-assistant/il/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Medical Assistant in Illinois" in page
    assert "1 medical assistant program</strong> at 1 school" in page
    assert "/programs/?career=medical-assistant&amp;state=il" in page
    assert "$47,000 a year" in page
    assert "Chicago-Naperville-Elgin, IL-IN" in page
    assert "the state&#x27;s medical board" in page
    assert "We don't summarize any state's law" in page


def test_a_metro_across_state_lines_is_listed_in_each_state(client, career):
    MetroWageFactory()
    StateWageFactory(area_code="1800000", area_name="Indiana", state_fips="18", states="IN")
    assert (
        "Chicago-Naperville-Elgin" in client.get("/careers/medical-assistant/in/").content.decode()
    )


@pytest.mark.parametrize("state", ["zz", "IL", "pw"])
def test_unknown_or_empty_state_pages_are_404(client, career, state):
    assert client.get(f"/careers/medical-assistant/{state}/").status_code == 404


def test_guide_links_to_its_state_pages(client, career):
    StateWageFactory()
    page = client.get(career.get_absolute_url()).content.decode()
    assert 'href="/careers/medical-assistant/il/"' in page


# Certification and association pages


def test_certification_page(client, career):
    cert = CertificationFactory(
        what_it_shows="You passed the exam.", eligibility_summary="Finish an accredited program."
    )
    cert.careers.add(career)
    page = client.get("/certifications/cma-aama/").content.decode()
    assert "CMA (AAMA): Certified Medical Assistant" in page
    assert "American Association of Medical Assistants" in page
    assert 'href="https://www.aama-ntl.org/cma-aama-exam"' in page
    assert 'href="/careers/medical-assistant/"' in page
    assert "Not known. Federal data does not record which certification exam" in page
    assert "We don't state renewal rules" in page


def test_certification_page_lists_programs_known_to_prepare_for_it(client, career):
    program = ProgramFactory(school=SchoolFactory(name="Prep College"))
    program.certifications.add(CertificationFactory())
    page = client.get("/certifications/cma-aama/").content.decode()
    assert "Prep College" in page


def test_certifications_index_and_associations_page(client, career):
    CertificationFactory().careers.add(career)
    OrganizationFactory().careers.add(career)
    assert 'href="/certifications/cma-aama/"' in client.get("/certifications/").content.decode()
    page = client.get("/associations/").content.decode()
    assert 'id="aama"' in page and 'href="/careers/medical-assistant/"' in page
    assert 'href="https://www.aama-ntl.org/"' in page


def test_guide_links_its_certifications_and_associations(client, career):
    CertificationFactory().careers.add(career)
    OrganizationFactory().careers.add(career)
    page = client.get(career.get_absolute_url()).content.decode()
    assert 'href="/certifications/cma-aama/"' in page
    assert 'href="/associations/#aama"' in page


def test_sitemap_has_certification_state_and_association_pages(client, career):
    CertificationFactory().careers.add(career)
    StateWageFactory()
    urls = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("home", "certifications", "career-states")
    )
    for path in ["/certifications/", "/associations/", "/certifications/cma-aama/",
                 "/careers/medical-assistant/il/"]:  # fmt: skip
        assert f"<loc>http://testserver{path}</loc>" in urls


def test_key_facts_at_a_glance_with_their_sources(client):
    """Each career card on the home page and the guide's first screen: median pay, how long the
    programs take and the outlook, each with its source and year."""
    career = CareerFactory()
    WageEstimateFactory(annual_median=44070)
    ProjectionFactory(change_percent="12.5", annual_openings="112.3")
    for months in (9, 9, 12, None):
        ProgramFactory(career=career, months_to_complete=months)
    for page in (client.get("/"), client.get(career.get_absolute_url())):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
        assert (
            "Median pay $44,070 a year BLS Occupational Employment and Wage Statistics, May 2025"
            in text
        )
        assert "9 months (median) of the 3 of 4 programs that report a length" in text
        assert "IPEDS 2023-24" in text
        assert "+12.5% , about 112,300 openings a year BLS Employment Projections, 2024–34" in text


def test_pay_from_a_wider_group_says_so_beside_the_figure(client):
    career = CareerFactory(
        slug="ekg-technician", title="EKG Technician", soc_code="29-2031",
        pay_group_note="BLS publishes pay only for a wider group.",
    )  # fmt: skip
    WageEstimateFactory(
        soc_code="29-2031",
        occupation_title="Cardiovascular Technologists and Technicians",
        annual_median=74310,
    )
    page = client.get(career.get_absolute_url()).content.decode()
    assert "How to become an EKG Technician" in page
    headline = page[page.index('class="headline-figure"') :]
    assert headline.index("cardiovascular technologists and technicians") < headline.index(
        "$74,310"
    )
    assert headline.index("BLS publishes pay only for a wider group.") < 400
