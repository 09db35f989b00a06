"""Guide sections have a draft state: an editor's edit goes live only when published, and an
editor can add a section of their own to a guide that has every standard section."""

import pytest
from django.urls import reverse

from careers.guides import guide_section_publish
from careers.models import GuideSection

from .adminforms import admin_form_data
from .factories import CareerFactory, GuideSectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    career = CareerFactory()
    for order, key in enumerate(GuideSection.Key.values):
        GuideSectionFactory(career=career, key=key, order=order)
    return career


def section_url(section):
    return reverse("admin:careers_guidesection_change", args=[section.pk])


def test_an_edit_is_a_draft_until_an_editor_publishes_it(client, editor, guide):
    section = guide.sections.get(key="training")
    client.force_login(editor)
    data = admin_form_data(client, section_url(section), body="New training copy, not checked.")
    assert client.post(section_url(section), data).status_code == 302
    client.logout()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "Body of the training section." in page
    assert "New training copy" not in page

    # Staff preview the unpublished edit; visitors can't ask for it.
    assert (
        "New training copy"
        not in client.get(f"{guide.get_absolute_url()}?preview").content.decode()
    )
    client.force_login(editor)
    preview = client.get(f"{guide.get_absolute_url()}?preview").content.decode()
    assert "New training copy" in preview and "Preview of unpublished edits" in preview

    data = admin_form_data(client, section_url(section), _publish="1")
    response = client.post(section_url(section), data, follow=True)
    assert "The section is published." in response.content.decode()
    client.logout()
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "New training copy, not checked." in page
    assert section.history.latest().history_change_reason == "Published"


def test_the_list_action_publishes_and_discarding_goes_back(client, editor, guide):
    section = guide.sections.get(key="skills")
    section.body = "A draft nobody should see."
    section.save()
    client.force_login(editor)
    changelist = reverse("admin:careers_guidesection_changelist")
    page = client.get(f"{changelist}?publication=edits").content.decode()
    assert "Published, with unpublished edits" in page
    client.post(changelist, {"action": "discard_edits", "_selected_action": [section.pk]})
    section.refresh_from_db()
    assert section.body == "Body of the skills section." and not section.has_unpublished_edits
    section.body = "Ready now."
    section.save()
    client.post(changelist, {"action": "publish", "_selected_action": [section.pk]})
    client.logout()
    assert "Ready now." in client.get(guide.get_absolute_url()).content.decode()


def test_an_editor_adds_a_section_of_their_own_as_a_draft(client, editor, guide):
    client.force_login(editor)
    add = reverse("admin:careers_guidesection_add")
    data = {
        "career": guide.pk,
        "key": "",
        "heading": "Paying for training",
        "body": "Ask about grants first.",
        "order": "8",
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = GuideSection.objects.get(heading="Paying for training")
    assert not added.is_published
    client.logout()
    assert "Paying for training" not in client.get(guide.get_absolute_url()).content.decode()
    guide_section_publish(section=added, editor=editor)
    page = client.get(guide.get_absolute_url()).content.decode()
    # After "Steps to get there" and pay, in the order the editor gave it, with its own anchor.
    assert page.index("Pay and job outlook") < page.index("Paying for training")
    assert f'id="section-{added.pk}-h"' in page


def test_a_second_copy_of_a_standard_section_gets_a_clear_error(client, editor, guide):
    client.force_login(editor)
    add = reverse("admin:careers_guidesection_add")
    response = client.post(
        add,
        {"career": guide.pk, "key": "training", "heading": "Training", "body": "x", "order": 2},
    )
    assert response.status_code == 200
    assert "This guide already has that section" in response.content.decode()
