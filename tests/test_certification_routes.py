"""Certification routes on the public pages: which certifications a program's graduates can
pursue and on which route, programmatic accreditation as our editors verified it, the programs
by route on a certification's page, the finder's certification filter, and the links kept
current when the routes change."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from careers.models import Accreditor, CertificationRoute, PublishStatus
from programs.certifications import link_certifications
from programs.models import Program
from representatives.forms import ProgramUpdateForm
from representatives.models import SchoolRepresentative
from representatives.school_updates import school_update_apply, school_update_propose

from .adminforms import admin_form_data
from .factories import (
    CareerFactory,
    CertificationFactory,
    CertificationRouteFactory,
    OrganizationFactory,
    ProgramFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

VERIFIED_ON = datetime.date(2026, 10, 1)
CMA_NEEDS = (
    "Needs a program accredited by CAAHEP or ABHES — ask the school whether this program is."
)
NOT_VERIFIED = (
    "Not verified by our editors: federal data doesn't record program accreditation; ask the "
    "school and check the accreditor's own list."
)


def text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


@pytest.fixture
def career():
    return CareerFactory()


@pytest.fixture
def ccma(career):
    nha = OrganizationFactory(
        slug="nha",
        name="National Healthcareer Association",
        abbreviation="NHA",
        website="https://www.nhanow.com/",
    )
    ccma = CertificationFactory(
        slug="ccma-nha",
        abbreviation="CCMA",
        name="Certified Clinical Medical Assistant",
        organization=nha,
        website="https://www.nhanow.com/certifications/clinical-medical-assistant",
    )
    CertificationRouteFactory(
        certification=ccma,
        description="Complete a medical assistant training program (NHA sets how recent).",
    )
    CertificationRouteFactory(
        certification=ccma,
        basis=CertificationRoute.Basis.EXPERIENCE,
        description="Work as a medical assistant for one year within the last three years.",
        order=1,
    )
    ccma.careers.add(career)
    return ccma


@pytest.fixture
def cma(career):
    cma = CertificationFactory()  # CMA (AAMA), American Association of Medical Assistants
    CertificationRouteFactory(
        certification=cma,
        description="Graduate from a medical assisting program accredited by CAAHEP or ABHES.",
        accreditors=[Accreditor.CAAHEP, Accreditor.ABHES],
    )
    cma.careers.add(career)
    return cma


def linked_program(**fields) -> Program:
    """A program as the IPEDS import leaves it: linked to its career's certifications."""
    program = ProgramFactory(**fields)
    link_certifications()
    return program


def verified(program, accreditor=Accreditor.CAAHEP) -> Program:
    program.accreditor = accreditor
    program.accreditation_evidence = "https://www.caahep.org/students/find-an-accredited-program"
    program.accreditation_verified_on = VERIFIED_ON
    program.save()
    return program


# The program page


def test_a_medical_assistant_program_lists_ccmas_training_route(client, ccma):
    program = linked_program()
    page = text(client.get(program.get_absolute_url()))
    assert "Certifications graduates can pursue" in page
    assert "CCMA: Certified Clinical Medical Assistant" in page
    assert "Awarded by National Healthcareer Association." in page
    assert (
        "Completing a training program: Complete a medical assistant training program "
        "(NHA sets how recent)."
    ) in page
    assert "last checked November 30, 2026" in page
    # The training route comes first; the others are folded under it.
    assert page.index("Completing a training program:") < page.index("Work experience:")
    assert "Other routes to the CCMA, not through a program (1)" in page
    body = client.get(program.get_absolute_url()).content.decode()
    assert 'href="/certifications/ccma-nha/"' in body
    assert 'href="https://www.nhanow.com/certifications/clinical-medical-assistant"' in body
    assert "Certification exams it prepares for" not in page


def test_cma_aama_needs_an_accredited_program_unless_our_editors_verified_it(client, cma):
    program = linked_program()
    page = text(client.get(program.get_absolute_url()))
    assert CMA_NEEDS in page
    assert NOT_VERIFIED in page

    program.accreditor = Accreditor.CAAHEP  # named, but nobody checked it yet
    program.save()
    assert CMA_NEEDS in text(client.get(program.get_absolute_url()))

    verified(program)
    response = client.get(program.get_absolute_url())
    page = text(response)
    assert CMA_NEEDS not in page and NOT_VERIFIED not in page
    assert "Accredited by CAAHEP (verified by our editors on October 1, 2026)." in page
    assert "This program is accredited by CAAHEP, as our editors verified." in page
    assert 'href="https://www.caahep.org/students/find-an-accredited-program"' in (
        response.content.decode()
    )


def test_accreditation_by_a_body_the_route_does_not_name_still_needs_asking(client, cma):
    program = verified(linked_program(), accreditor=Accreditor.NAACLS)
    page = text(client.get(program.get_absolute_url()))
    assert "Accredited by NAACLS (verified by our editors on October 1, 2026)." in page
    assert CMA_NEEDS in page


def test_a_state_board_route_asks_about_approval_not_accreditation(client):
    nursing = CareerFactory(slug="licensed-practical-nurse", title="Licensed Practical Nurse")
    nclex = CertificationFactory(
        slug="nclex-pn", abbreviation="NCLEX-PN", name="National Council Licensure Examination"
    )
    CertificationRouteFactory(certification=nclex, accreditors=[Accreditor.STATE_BOARD])
    nclex.careers.add(nursing)
    program = linked_program(career=nursing)
    page = text(client.get(program.get_absolute_url()))
    assert (
        "Needs a program approved by the state's board of nursing — ask the school whether "
        "this program is."
    ) in page


def test_certifications_say_where_they_come_from(client, ccma):
    program = linked_program()
    page = text(client.get(program.get_absolute_url()))
    assert "From each awarding body's rules for Medical Assistant training" in page

    program.field_sources["certifications"] = {"source": "school", "date": "2026-11-02"}
    program.save()
    page = text(client.get(program.get_absolute_url()))
    assert "Reported by the school on Nov 2, 2026, reviewed by our editors" in page


def test_a_program_with_no_certification_says_it_is_not_known(client):
    page = text(client.get(ProgramFactory().get_absolute_url()))
    assert "Not known. Federal data does not record which certification exam" in page
    assert NOT_VERIFIED in page


def test_the_program_page_query_count_does_not_grow_with_certifications(client, ccma, career):
    few = ProgramFactory()
    other = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    for n in range(3):
        certification = CertificationFactory(slug=f"cert-{n}", abbreviation=f"C{n}")
        for basis in ("training", "experience", "military"):
            CertificationRouteFactory(certification=certification, basis=basis)
        certification.careers.add(other)
    many = ProgramFactory(career=other)
    link_certifications()
    assert (few.certifications.count(), many.certifications.count()) == (1, 3)

    def queries(program):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(program.get_absolute_url()).status_code == 200
        return len(captured)

    queries(ProgramFactory())  # warm the per-process caches (the footer form...)
    assert queries(many) == queries(few) > 0  # each page's first request: not from the cache


# The certification page


def test_the_certification_page_lists_programs_on_the_training_route(client, ccma):
    for graduates in range(12):
        linked_program(
            school=SchoolFactory(name=f"School {graduates:02}", city="Joliet"),
            graduates_per_year=graduates,
        )
    linked_program(school=SchoolFactory(name="Draft School"), status=PublishStatus.DRAFT)
    response = client.get("/certifications/ccma-nha/")
    page = text(response)
    assert "Programs that prepare for it" in page
    assert "12 published programs in our directory lead to the CCMA's training route." in page
    assert 'href="/programs/?certification=ccma-nha"' in response.content.decode()
    assert "See all 12 in the program finder" in page
    assert "The 10 with the most graduates:" in page
    shown = re.findall(r"School (\d\d) Joliet, IL", page)
    assert shown == [f"{n:02}" for n in range(11, 1, -1)]  # most graduates first, ten of them
    assert "Certificate (12 weeks to 1 year) · 11 graduates in 2023-24" in page
    assert "Draft School" not in page
    # The routes themselves, with their source and the date they were checked.
    assert "Work experience: Work as a medical assistant for one year" in page
    assert "NHA's page on this route to the CCMA · last checked November 30, 2026" in page


def test_a_route_that_needs_accreditation_lists_only_verified_programs(client, cma):
    unverified = linked_program(school=SchoolFactory(name="Unchecked College"))
    unverified.accreditor = Accreditor.CAAHEP
    unverified.save()
    verified(linked_program(school=SchoolFactory(name="Other Body College")), Accreditor.NAACLS)
    page = text(client.get("/certifications/cma-aama/"))
    assert (
        "No program's accreditation is verified in our directory yet; ask schools whether "
        "their program is accredited by CAAHEP or ABHES."
    ) in page
    assert "See all 2 programs in this field in the program finder" in page
    assert "Unchecked College" not in page and "Other Body College" not in page

    verified(linked_program(school=SchoolFactory(name="Checked College")), Accreditor.ABHES)
    page = text(client.get("/certifications/cma-aama/"))
    assert "Our editors have verified that accreditation for 1 program in our directory." in page
    assert "Checked College" in page
    assert "Unchecked College" not in page and "Other Body College" not in page
    assert "No program's accreditation is verified" not in page


def test_a_certification_without_a_training_route_lists_no_programs(client, career):
    cpc = CertificationFactory(slug="cpc-aapc", abbreviation="CPC", name="Certified Coder")
    CertificationRouteFactory(
        certification=cpc, basis=CertificationRoute.Basis.OTHER, description="Anyone may sit."
    )
    cpc.careers.add(career)
    ProgramFactory()
    link_certifications()
    page = text(client.get("/certifications/cpc-aapc/"))
    assert "The CPC has no route through a training program, so we don't list programs" in page


# Keeping the links current


def test_links_follow_the_routes_and_the_careers_of_a_certification(career):
    program = ProgramFactory()
    school_set = ProgramFactory(field_sources={"certifications": {"source": "school"}})
    cma = CertificationFactory()
    cma.careers.add(career)
    assert not program.certifications.exists()  # no training route yet

    route = CertificationRouteFactory(certification=cma)
    assert list(program.certifications.all()) == [cma]

    route.basis = CertificationRoute.Basis.EXPERIENCE
    route.save()
    assert not program.certifications.exists()

    route.basis = CertificationRoute.Basis.TRAINING
    route.save()
    cma.careers.remove(career)
    assert not program.certifications.exists()
    cma.careers.add(career)
    assert list(program.certifications.all()) == [cma]

    route.delete()
    assert not program.certifications.exists()
    assert not school_set.certifications.exists()  # what a school set is left alone


# Editors and school representatives set accreditation


def test_an_editor_sets_and_verifies_accreditation_in_the_admin(client, editor, cma):
    program = linked_program()
    client.force_login(editor)
    url = reverse("admin:programs_program_change", args=[program.pk])
    form = client.get(url).content.decode()
    assert "Certifications and programmatic accreditation" in form
    for name in ("accreditor", "accreditation_evidence", "accreditation_verified_on"):
        assert f'name="{name}"' in form
    data = admin_form_data(
        client,
        url,
        accreditor="abhes",
        accreditation_evidence="https://www.abhes.org/directory/",
        accreditation_verified_on="2026-10-01",
    )
    assert client.post(url, data).status_code == 302
    client.logout()
    page = text(client.get(program.get_absolute_url()))
    assert "Accredited by ABHES (verified by our editors on October 1, 2026)." in page
    assert CMA_NEEDS not in page


def test_a_schools_accreditation_shows_only_once_an_editor_verifies_it(client, editor, cma):
    program = verified(linked_program())
    representative = SchoolRepresentative.objects.create(
        school=program.school, email="registrar@example.edu", verified_at=timezone.now()
    )
    update = school_update_propose(
        representative=representative,
        program=program,
        data={"accreditor": "abhes", "accreditation_evidence": "https://www.abhes.org/x/"},
    )
    assert sorted(update.fields.values_list("field", flat=True)) == [
        "accreditation_evidence",
        "accreditor",
    ]
    school_update_apply(update=update, reviewer=editor)
    program.refresh_from_db()
    assert (program.accreditor, program.accreditation_verified_on) == ("abhes", None)
    page = text(client.get(program.get_absolute_url()))
    assert NOT_VERIFIED in page and CMA_NEEDS in page
    assert "ABHES" not in page.split("Program accreditation")[1].split("CMA (AAMA)")[0]

    program.accreditation_verified_on = VERIFIED_ON  # the editor checks ABHES's list
    program.save()
    page = text(client.get(program.get_absolute_url()))
    assert "Accredited by ABHES (verified by our editors on October 1, 2026)." in page


def test_a_representative_can_propose_accreditation_but_not_verify_it():
    program = ProgramFactory()
    form = ProgramUpdateForm(
        data={
            "accreditor": "caahep",
            "accreditation_evidence": "https://www.caahep.org/x/",
            "accreditation_verified_on": "2026-10-01",
        },
        instance=program,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["accreditor"] == "caahep"
    assert "accreditation_verified_on" not in form.cleaned_data
    assert 'value="caahep"' in str(form["accreditor"])


# The finder's certification filter


def test_the_filter_offers_each_certification_with_programs_and_its_count(client, ccma, cma):
    CertificationFactory(slug="cpt-nha", abbreviation="CPT", name="Phlebotomy")  # no programs
    for _ in range(2):
        linked_program()
    page = client.get("/programs/").content.decode()
    select = re.search(r'<select name="certification".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "Any certification"),
        ("ccma-nha", "CCMA (2)"),
        ("cma-aama", "CMA (AAMA) (2)"),
    ]
