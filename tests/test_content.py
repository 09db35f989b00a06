"""The guide copy and credentials shipped in fixtures/: complete, and free of invented figures."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from careers.models import Career, Certification, GuideSection, Organization, PublishStatus
from careers.seeding import parse_guide

GUIDES = sorted((settings.DATA_DIR / "guides").glob("*.md"))
GUIDES = [path for path in GUIDES if path.name != "README.md"]


def test_there_is_a_guide_for_each_of_the_eight_careers():
    assert {path.stem for path in GUIDES} == {
        "medical-assistant",
        "phlebotomy-technician",
        "medical-administrative-assistant",
        "medical-billing-and-coding-specialist",
        "pharmacy-technician",
        "ekg-technician",
        "surgical-technologist",
        "licensed-practical-nurse",
    }


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_each_guide_has_every_section_in_order(path):
    sections = parse_guide(path)
    assert [key for key, _, _ in sections] == GuideSection.Key.values


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_guide_copy_states_no_pay_or_growth_figures(path):
    # Pay and outlook figures come from the BLS tables on the page, never from the copy.
    text = path.read_text()
    assert not re.search(r"\$\s?\d", text), "a dollar figure in the copy"
    assert not re.search(r"\d\s?(%|percent)", text), "a percentage in the copy"


def test_the_medical_assistant_guide_names_the_four_certifications_and_their_bodies():
    text = (settings.DATA_DIR / "guides" / "medical-assistant.md").read_text()
    for name in ["CMA (AAMA)", "RMA", "NCMA", "CCMA", "American Association of Medical Assistants",
                 "American Medical Technologists", "National Center for Competency Testing",
                 "National Healthcareer Association"]:  # fmt: skip
        assert name in text


@pytest.mark.django_db
def test_seed_content_publishes_careers_and_keeps_editor_changes():
    out = StringIO()
    call_command("seed_content", stdout=out)
    assert Career.objects.filter(status=PublishStatus.PUBLISHED).count() == 8
    assert Certification.objects.filter(abbreviation="CMA (AAMA)").exists()
    assert Organization.objects.get(slug="aama").careers.filter(slug="medical-assistant").exists()

    section = GuideSection.objects.get(career__slug="medical-assistant", key="what_they_do")
    section.body = "Edited by an editor."
    section.save()
    call_command("seed_content", stdout=out)
    section.refresh_from_db()
    assert section.body == "Edited by an editor."

    call_command("seed_content", overwrite=True, stdout=out)
    section.refresh_from_db()
    assert section.body != "Edited by an editor."
