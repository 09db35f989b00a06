import pytest
from django.urls import reverse

from careers.models import GuideSection, PublishStatus
from programs.models import Program

from .factories import (
    CareerFactory,
    CertificationFactory,
    GuideSectionFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    career = CareerFactory()
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    CertificationFactory().careers.add(career)
    WageEstimateFactory()
    ProjectionFactory()
    return career


def test_home_lists_published_careers_and_the_program_search(client):
    CareerFactory()
    CareerFactory(slug="draft-career", title="Secret Draft Career", status=PublishStatus.DRAFT)
    page = client.get("/").content.decode()
    assert "Medical Assistant" in page
    assert "Secret Draft Career" not in page
    assert 'action="/programs/"' in page and 'name="zip"' in page and 'name="state"' in page


def test_guide_shows_every_section_in_order(client, guide):
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f'id="{key.replace("_", "-")}-h"') for key in GuideSection.Key.values]
    positions.insert(8, page.index('id="pay-and-outlook-h"'))
    assert positions == sorted(positions)


def test_guide_shows_bls_pay_and_outlook_with_source_and_year(client, guide):
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "$44,070 a year" in page
    assert "($21.19 an hour)" in page
    assert "BLS Occupational Employment and Wage Statistics (OEWS), May 2025" in page
    assert "811,000" in page and "912,200" in page and "+12.5%" in page
    assert "112,300" in page  # openings a year, published in thousands
    assert "BLS Employment Projections, 2024–34" in page


def test_guide_says_so_when_bls_released_no_figure(client, guide):
    WageEstimateFactory._meta.model.objects.update(annual_p90=None)
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Not released by BLS" in page


def test_guide_lists_its_certifications_and_links_to_its_programs(client, guide):
    ProgramFactory(career=guide)
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "CMA (AAMA)" in page and "American Association of Medical Assistants" in page
    assert "/programs/?career=medical-assistant" in page
    assert "Find Medical Assistant programs (1)" in page


def test_draft_guide_is_not_found(client):
    career = CareerFactory(status=PublishStatus.DRAFT)
    assert client.get(career.get_absolute_url()).status_code == 404


def test_program_page_shows_facts_with_source(client):
    program = ProgramFactory(tuition_and_fees=15000, books_and_supplies=1200, graduates_per_year=40)
    page = client.get(program.get_absolute_url()).content.decode()
    assert program.school.name in page
    assert "$15,000" in page and "$1,200" in page and "$16,200" in page
    assert "40 awards conferred" in page
    assert "720 clock hours" in page
    assert "Source: IPEDS 2023-24" in page
    assert "Not yet verified by our editors" in page
    assert "Not known. Federal data does not record which certification exam" in page


def test_program_page_explains_an_unreported_cost_and_never_shows_a_figure(client):
    program = ProgramFactory(
        tuition_and_fees=None,
        books_and_supplies=None,
        cost_gap=Program.CostGap.NOT_REPORTED,
        length=None,
        months_to_complete=None,
        school=SchoolFactory(tuition_in_state_per_year=None),
    )
    page = client.get(program.get_absolute_url()).content.decode()
    assert "did not report a whole-program price" in page
    assert "Total published cost" not in page
    assert "$" not in page.split('id="cost-h"')[1].split("</section>")[0]


def test_program_page_explains_a_price_shared_by_several_credentials(client):
    program = ProgramFactory(
        tuition_and_fees=None, cost_gap=Program.CostGap.SEVERAL_CREDENTIALS, length=None
    )
    page = client.get(program.get_absolute_url()).content.decode()
    assert "awards more than one credential" in page


def test_program_page_shows_yearly_tuition_only_as_yearly(client):
    program = ProgramFactory(
        tuition_and_fees=None,
        cost_gap=Program.CostGap.NOT_REPORTED,
        school=SchoolFactory(tuition_in_state_per_year=4100, tuition_out_of_state_per_year=9800),
    )
    page = client.get(program.get_absolute_url()).content.decode()
    assert "$4,100 in-state and $9,800 out-of-state" in page
    assert "not the price of this program" in page


def test_draft_program_is_not_found(client):
    program = ProgramFactory(status=PublishStatus.DRAFT)
    assert client.get(program.get_absolute_url()).status_code == 404


def test_school_page_lists_its_published_programs(client):
    school = SchoolFactory(name="Harbor Health College")
    ProgramFactory(school=school)
    ProgramFactory(
        school=school, status=PublishStatus.DRAFT, credential_level="associate", cip_code="51.0801"
    )
    response = client.get(school.get_absolute_url())
    page = response.content.decode()
    assert "Harbor Health College" in page
    assert page.count("program-card") + page.count('class="card"') == 1
    assert "IPEDS unit ID" in page


def test_school_page_with_an_old_slug_redirects_to_the_right_one(client):
    school = SchoolFactory()
    response = client.get(reverse("programs:school_detail", args=[school.unitid, "old-name"]))
    assert response.status_code == 301
    assert response["Location"] == school.get_absolute_url()


def test_unknown_pages_are_404(client):
    assert client.get("/programs/999999/").status_code == 404
    assert client.get("/schools/1/nowhere/").status_code == 404
    assert client.get("/careers/no-such-career/").status_code == 404
