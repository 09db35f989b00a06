import pytest
from django.urls import reverse

from .factories import CorrectionFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "careers_career",
    "careers_certification",
    "careers_organization",
    "careers_wageestimate",
    "careers_projection",
    "careers_zipcode",
    "careers_cipsoclink",
    "careers_onettask",
    "careers_onetskill",
    "careers_onettechnology",
    "programs_school",
    "programs_program",
    "corrections_correction",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_staff_see_every_model_in_the_admin(client, editor, model):
    ProgramFactory()
    client.force_login(editor)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", CHANGELISTS)
def test_anonymous_visitors_are_sent_to_log_in(client, model):
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_corrections_are_listed_newest_first_and_filter_by_status(client, editor):
    CorrectionFactory(field="Older note")
    CorrectionFactory(field="Newer note", status="rejected")
    client.force_login(editor)
    page = client.get(reverse("admin:corrections_correction_changelist")).content.decode()
    assert page.index("Newer note") < page.index("Older note")
    filtered = client.get(reverse("admin:corrections_correction_changelist") + "?status__exact=new")
    assert "Older note" in filtered.content.decode()
    assert "Newer note" not in filtered.content.decode()


def test_program_change_page_opens(client, editor):
    program = ProgramFactory()
    client.force_login(editor)
    url = reverse("admin:programs_program_change", args=[program.pk])
    assert client.get(url).status_code == 200
