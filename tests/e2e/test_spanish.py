"""The Spanish site in a real browser: axe-core on its pages, the language switch, and the two
journeys a visitor makes through forms (a correction; a school's representative updating a
program), each answered in Spanish."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from careers.models import Career, GuideSection
from core.mail import email_send_due
from corrections.models import Correction
from corrections.services import correction_apply
from representatives.models import SchoolUpdate
from tests.e2e.test_accessibility import axe_violations, site  # noqa: F401 (a fixture)
from tests.e2e.test_school_update import sign_in_link
from tests.factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the site's CSP rightly forbids.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def spanish_site(site):  # noqa: F811 (the fixture imported above)
    """test_accessibility's site, its career and guide written in Spanish too."""
    for section in GuideSection.objects.all():
        section.heading_es = section.published_heading_es = f"Sección: {section.get_key_display()}"
        section.body_es = section.published_body_es = "Un párrafo en español."
        section.save()
    Career.objects.update(title_es="Asistente médico/a")
    return site


PAGES = {
    "home": "/es/",
    "guide": "/es/careers/medical-assistant/",
    "listing with filters": "/es/programs/?career=medical-assistant&state=ca&credential=associate",
    "listing near a ZIP": "/es/programs/?zip=60601&radius=100",
    "listing with an invalid filter": "/es/programs/?zip=123&cost_max=lots",
    "compare": "/es/compare/?programs=1,2,3&zip=60601",
    "search": "/es/search/?q=asistente+m%C3%A9dico",
    "for schools": "/es/for-schools/",
    "state page": "/es/careers/medical-assistant/ca/",
    "certification": "/es/certifications/cma-aama/",
    "corrections form": "/es/corrections/?page=/es/",
    "not found": "/es/no-such-page/",
}


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_spanish_page_has_no_axe_violations(page: Page, live_server, spanish_site, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + PAGES[name])
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_spanish_program_and_school_pages(page: Page, live_server, spanish_site, width):
    page.set_viewport_size({"width": width, "height": 900})
    program = spanish_site.programs.first()
    for url in (program.get_absolute_url(), spanish_site.get_absolute_url()):
        page.goto(f"{live_server.url}/es{url}")
        assert axe_violations(page) == []


def test_the_switch_takes_the_visitor_to_the_same_listing_in_the_other_language(
    page: Page, live_server, spanish_site
):
    page.goto(f"{live_server.url}/programs/?career=medical-assistant&state=ca")
    page.get_by_role("link", name=re.compile("^Español")).click()
    expect(page).to_have_url(f"{live_server.url}/es/programs/?career=medical-assistant&state=ca")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Aplicar filtros")).to_be_visible()
    page.get_by_role("link", name=re.compile("^English")).click()
    expect(page).to_have_url(f"{live_server.url}/programs/?career=medical-assistant&state=ca")
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()


def test_a_student_sends_a_correction_in_spanish_and_hears_back_in_spanish(
    page: Page, live_server, spanish_site, editor
):
    page.goto(f"{live_server.url}/es/careers/medical-assistant/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cómo trabajar como asistente médico/a"
    )
    find_programs = re.compile(r"^Buscar programas de Asistente médico.a \(\d+\)")
    page.get_by_role("link", name=find_programs).click()
    page.get_by_label("Estado", exact=True).select_option("ca")
    page.get_by_role("button", name="Aplicar filtros").click()
    page.get_by_role("link", name="Sacramento Health College").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sacramento Health College")

    page.get_by_text("Díganos qué corregir en esta página").click()
    page.get_by_label("¿Qué hay que actualizar?").select_option(
        label="Matrícula y cuotas (todo el programa)"
    )
    page.get_by_label("Lo que debería decir").fill("$15,900")
    page.get_by_label(re.compile(r"^Su correo")).fill("estudiante@example.org")
    page.get_by_role("button", name="Enviar a nuestro equipo editorial").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias, ya recibimos su nota")

    correction = Correction.objects.get()
    assert correction.language == "es"
    assert correction.proposed_value == "$15,900"
    correction_apply(correction=correction, reviewer=editor)
    email_send_due()
    [email] = [m for m in mail.outbox if "estudiante@example.org" in m.to]
    assert email.subject == "Gracias: hicimos el cambio que nos sugirió"
    assert "/es/programs/" in email.body


def test_a_school_updates_a_program_in_spanish(page: Page, live_server):
    school = SchoolFactory(name="Colegio Lakeview", website="https://www.lakeview.edu/")
    ProgramFactory(school=school, tuition_and_fees=15000)

    page.goto(f"{live_server.url}/es{school.get_absolute_url()}")
    page.get_by_role(
        "link", name="¿Es esta su escuela? Actualice la información de la escuela"
    ).click()
    page.get_by_label("Su correo electrónico del trabajo").fill("registrar@lakeview.edu")
    page.get_by_role("button", name="Envíeme un enlace para entrar").click()
    expect(page.get_by_role("heading", name="Revise su correo electrónico")).to_be_visible()

    link = sign_in_link("registrar@lakeview.edu")
    [email] = [m for m in mail.outbox if "registrar@lakeview.edu" in m.to]
    assert email.subject == "Su enlace para actualizar Colegio Lakeview en el directorio"
    assert "/es/schools/represent/" in link
    page.goto(link)
    page.get_by_role("button", name="Continuar").click()
    expect(page.get_by_role("heading", name="Actualice Colegio Lakeview")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Medical Assistant|^Asistente")).first.click()
    page.get_by_label("Matrícula y cuotas de todo el programa ($)").fill("14500")
    page.get_by_role("button", name="Enviar a nuestro equipo editorial").click()
    expect(page.get_by_text("Nuestro equipo editorial revisará su actualización")).to_be_visible()
    assert SchoolUpdate.objects.get().language == "es"
