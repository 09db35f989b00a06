"""The directory in English and Spanish: the URL says the language (English at the paths it
always had, Spanish under /es/), every page links to itself in the other language, caches keep
the languages apart, guides have their Spanish beside the English, and what a visitor sends is
answered in the language they used (core/i18n.py, docs/i18n.md)."""

import json
import re
from datetime import date

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from careers.models import Career, GuideSection
from careers.seeding import content_seed
from core.mail import email_send_due
from corrections.models import Correction
from corrections.services import correction_apply

from .factories import CareerFactory, GuideSectionFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.fixture
def guide():
    career = CareerFactory(title_es="Asistente médico/a")
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(
            career=career,
            key=key,
            order=order,
            heading_es=f"Sección {key} en español",
            body_es=f"Texto de la sección {key}.",
            published_heading_es=f"Sección {key} en español",
            published_body_es=f"Texto de la sección {key}.",
        )
    return career


def test_the_url_alone_says_the_language(client):
    english, spanish = client.get("/"), client.get("/es/")
    assert html_lang(english.content.decode()) == "en"
    assert html_lang(spanish.content.decode()) == "es"
    assert (english["Content-Language"], spanish["Content-Language"]) == ("en", "es")
    # A browser that prefers Spanish still gets today's URLs in English, and no cache splits a
    # URL's page by the visitor's Accept-Language.
    preferring = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert html_lang(preferring.content.decode()) == "en"
    assert "Accept-Language" not in preferring.get("Vary", "")


def test_the_language_switch_keeps_the_page_and_its_query(client, guide):
    ProgramFactory(career=guide)
    query = "career=medical-assistant&state=il&sort=cost"
    english = client.get(f"/programs/?{query}").content.decode()
    assert f'href="/es/programs/?{query.replace("&", "&amp;")}" lang="es" hreflang="es"' in english
    spanish = client.get(f"/es/programs/?{query}").content.decode()
    assert f'href="/programs/?{query.replace("&", "&amp;")}" lang="en" hreflang="en"' in spanish


def test_each_page_names_its_alternates_and_its_own_canonical(client, guide):
    for path in ("/careers/medical-assistant/", "/es/careers/medical-assistant/"):
        page = client.get(path).content.decode()
        assert f'<link rel="canonical" href="http://testserver{path}">' in page
        assert (
            '<link rel="alternate" hreflang="en" '
            'href="http://testserver/careers/medical-assistant/">' in page
        )
        assert (
            '<link rel="alternate" hreflang="es" '
            'href="http://testserver/es/careers/medical-assistant/">' in page
        )
        assert (
            '<link rel="alternate" hreflang="x-default" '
            'href="http://testserver/careers/medical-assistant/">' in page
        )


def test_the_sitemap_lists_both_languages_with_their_alternates(client, guide):
    program = ProgramFactory(career=guide)
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[\w-]+\.xml)</loc>", index)
    urls = "".join(client.get(section).content.decode() for section in sections)
    for path in ("/careers/medical-assistant/", program.get_absolute_url()):
        assert f"<loc>http://testserver{path}</loc>" in urls
        assert f"<loc>http://testserver/es{path}</loc>" in urls
        assert f'hreflang="es" href="http://testserver/es{path}"' in urls


def test_the_page_cache_keeps_the_languages_apart(guide):
    for path, language in [
        ("/careers/medical-assistant/", "en"),
        ("/es/careers/medical-assistant/", "es"),
    ]:
        made, kept = Client().get(path), Client().get(path)
        assert (made["X-Page-Cache"], kept["X-Page-Cache"]) == ("miss", "hit")
        assert made.content == kept.content
        assert html_lang(kept.content.decode()) == language
        assert kept["Content-Language"] == language


def test_the_guide_in_spanish_and_a_section_not_yet_translated_says_so(client, guide):
    GuideSection.objects.filter(career=guide, key="skills").update(
        heading_es="", body_es="", published_heading_es="", published_body_es=""
    )
    page = client.get("/es/careers/medical-assistant/").content.decode()
    assert "Sección what_they_do en español" in page
    assert "Texto de la sección training." in page
    skills = re.search(r'<section id="skills"[^>]*>.*?</section>', page, re.S).group(0)
    assert 'lang="en"' in skills.split(">")[0]
    assert "Body of the skills section." in skills
    assert "todavía" in skills or "aún" in skills  # "not in Spanish yet", in Spanish
    english = client.get("/careers/medical-assistant/").content.decode()
    assert "Sección" not in english and "Body of the what_they_do section." in english


def test_the_admin_shows_a_sections_two_languages_side_by_side(client, editor, guide):
    section = guide.sections.get(key="training")
    client.force_login(editor)
    url = f"/admin/careers/guidesection/{section.pk}/change/"
    form = client.get(url).content.decode()
    assert 'class="language-columns"' in form
    assert form.index('name="body"') < form.index('name="body_es"')
    assert 'name="reviewed_es"' in form

    response = client.post(
        url,
        {
            "career": guide.pk,
            "key": "training",
            "order": section.order,
            "heading": section.heading,
            "body": section.body,
            "heading_es": "Formación",
            "body_es": "Lo que se aprende.",
            "reviewed_es": "2026-12-01",
            "_publish": "Save and publish",
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.published_heading_es, section.published_body_es) == (
        "Formación",
        "Lo que se aprende.",
    )
    assert section.reviewed_es == date(2026, 12, 1)
    assert "Lo que se aprende." in Client().get("/es/careers/medical-assistant/").content.decode()


def test_seeding_fills_in_missing_spanish_and_keeps_an_editors(settings):
    content_seed(content_dir=settings.DATA_DIR / "content", guides_dir=settings.DATA_DIR / "guides")
    assistant = Career.objects.get(slug="medical-assistant")
    assert assistant.title_es and assistant.last_reviewed_es
    assert assistant.sections.exclude(published_body_es="").count() == len(GuideSection.Key)
    Career.objects.filter(slug="medical-assistant").update(title_es="")
    Career.objects.filter(slug="ekg-technician").update(title_es="Técnico de EKG (editor)")

    content_seed(content_dir=settings.DATA_DIR / "content", guides_dir=settings.DATA_DIR / "guides")
    assert Career.objects.get(slug="medical-assistant").title_es == assistant.title_es
    assert Career.objects.get(slug="ekg-technician").title_es == "Técnico de EKG (editor)"


def test_every_career_and_guide_ships_in_spanish(settings):
    content_seed(content_dir=settings.DATA_DIR / "content", guides_dir=settings.DATA_DIR / "guides")
    for career in Career.objects.published():
        assert career.title_es and career.summary_es and career.last_reviewed_es, career.slug
        sections = career.sections.all()
        assert len(sections) == len(GuideSection.Key)
        assert all(s.published_heading_es and s.published_body_es for s in sections), career.slug


def test_dates_and_dollars_in_spanish_as_us_spanish_sites_write_them():
    template = Template('{% load figures %}{{ day|date:"DATE_FORMAT" }} · {{ amount|dollars }}')
    context = Context({"day": date(2026, 12, 1), "amount": 12345})
    with translation.override("es"):
        assert template.render(context) == "1 de diciembre de 2026 · $12,345"
    with translation.override("en"):
        assert template.render(context) == "December 1, 2026 · $12,345"


def test_a_correction_sent_in_spanish_is_answered_in_spanish(client, editor):
    program = ProgramFactory(school=SchoolFactory(name="Colegio del Valle"))
    page = f"/es{program.get_absolute_url()}"
    client.post(
        "/es/corrections/",
        {
            "page_url": page,
            "target": f"program:{program.pk}",
            "field": "Matrícula",
            "proposed_value": "$14,500",
            "contact_email": "estudiante@example.org",
        },
    )
    correction = Correction.objects.get()
    assert correction.language == "es"

    correction_apply(correction=correction, reviewer=editor)
    email_send_due()
    [email] = mail.outbox
    with translation.override("es"):
        assert email.subject == translation.gettext("Thank you: we made your update")
    assert email.subject != "Thank you: we made your update"
    assert page in email.body


def test_each_page_tells_search_engines_its_language_in_json_ld(client, guide):
    for path, language in [("/programs/", "en"), ("/es/programs/", "es")]:
        page = client.get(path).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        [web_page] = [d for d in map(json.loads, blocks) if d["@type"] == "WebPage"]
        assert web_page["inLanguage"] == language
        assert web_page["url"] == f"http://testserver{path}"


def test_pages_answered_before_the_view_are_in_the_language_of_their_own_path(client):
    """The cross-origin refusal (and the 400 and 503 pages, answered by middleware before the
    view) speak the path's language, not the language the thread's previous request left."""
    forged = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    client.get("/es/")  # leaves Spanish active in this thread, as a server's last request may
    english = client.post("/corrections/", {"proposed_value": "x"}, headers=forged)
    assert english.status_code == 403
    assert html_lang(english.content.decode()) == "en"
    assert "Please send the form from this site" in english.content.decode()
    spanish = client.post("/es/corrections/", {"proposed_value": "x"}, headers=forged)
    assert html_lang(spanish.content.decode()) == "es"
    assert "Please send the form from this site" not in spanish.content.decode()
