"""Guide sections as the public sees them: edits go live only through `guide_section_publish`."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from .models import GuideSection


def guide_section_publish(*, section: GuideSection, editor) -> GuideSection:
    """Make the section's working copy the one the public guide shows."""
    with transaction.atomic():
        section = GuideSection.objects.select_for_update().get(pk=section.pk)
        section.full_clean()
        section.published_heading, section.published_body = section.heading, section.body
        # The Spanish is published together with the English.
        section.published_heading_es, section.published_body_es = (
            section.heading_es,
            section.body_es,
        )
        section.published_at = timezone.now()
        section._history_user = editor
        section._change_reason = "Published"
        section.save()
    return section


def guide_section_discard_edits(*, section: GuideSection, editor) -> GuideSection:
    """Put the published copy back into the working copy (a section never published keeps its
    working copy: there is nothing to go back to)."""
    with transaction.atomic():
        section = GuideSection.objects.select_for_update().get(pk=section.pk)
        if section.is_published:
            section.heading, section.body = section.published_heading, section.published_body
            section.heading_es, section.body_es = (
                section.published_heading_es,
                section.published_body_es,
            )
            section._history_user = editor
            section._change_reason = "Unpublished edits discarded"
            section.save()
    return section


@dataclass(frozen=True)
class ShownSection:
    key: str
    anchor: str
    heading: str
    html: str
    untranslated: bool = False  # Spanish page, no Spanish written: the English is shown


def _shown(section, *, preview: bool) -> ShownSection:
    """The section in the active language: its Spanish copy on a Spanish page when written (both
    heading and body), else the English."""
    if preview:
        english = (section.heading, section.body_html)
        spanish = (section.heading_es, section.body_es, section.body_es_html)
    else:
        english = (section.published_heading, section.published_body_html)
        spanish = (
            section.published_heading_es,
            section.published_body_es,
            section.published_body_es_html,
        )
    if get_language() in (None, settings.LANGUAGE_CODE):
        return ShownSection(section.key, section.anchor, *english)
    heading_es, body_es, html_es = spanish
    if heading_es and body_es:
        return ShownSection(section.key, section.anchor, heading_es, html_es)
    return ShownSection(section.key, section.anchor, *english, untranslated=True)


def guide_sections(sections, *, preview: bool) -> tuple[list[ShownSection], list[ShownSection]]:
    """A guide's sections as its page shows them, split where pay and outlook go (after "Steps
    to get there"): published copies, or with `preview` every working copy, in the active
    language."""
    shown = [
        _shown(s, preview=preview)
        for s in sorted(sections, key=lambda s: (s.order, s.pk))
        if preview or s.is_published
    ]
    keys = [s.key for s in shown]
    split = keys.index(GuideSection.Key.STEPS) + 1 if GuideSection.Key.STEPS in keys else len(shown)
    return shown[:split], shown[split:]
