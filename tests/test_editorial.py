"""The editors' workflow: corrections queue, field-level apply, emails, history, drafts, roles."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from careers.models import PublishStatus
from core.mail import email_send_due
from core.models import OutgoingEmail
from corrections import services as corrections
from corrections.models import Correction
from corrections.services import TransitionRefused
from programs.models import Program

from .factories import CareerFactory, CorrectionFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user(
        "rita", "rita@example.org", "x" * 20, is_staff=True
    )


@pytest.fixture
def tuition_note():
    program = ProgramFactory(tuition_and_fees=15000, last_verified=None)
    return CorrectionFactory(
        program=program,
        page_url=program.get_absolute_url(),
        target_field="tuition_and_fees",
        field="Tuition and fees (whole program)",
        current_value="$15,000",
        proposed_value="$14,500",
        contact_email="student@example.org",
    )


# Transitions


def test_assign_moves_a_new_correction_into_review(tuition_note, reviewer):
    corrections.correction_assign(correction=tuition_note, assignee=reviewer)
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.IN_REVIEW
    assert tuition_note.assignee == reviewer


@pytest.mark.parametrize("start", [Correction.Status.NEW, Correction.Status.IN_REVIEW])
def test_apply_saves_the_value_stamps_verified_and_records_who(tuition_note, reviewer, start):
    Correction.objects.filter(pk=tuition_note.pk).update(status=start)
    corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    program = Program.objects.get(pk=tuition_note.program_id)
    assert program.tuition_and_fees == 14500
    assert program.last_verified == timezone.localdate()
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.APPLIED
    assert tuition_note.decided_by == reviewer and tuition_note.decided_at is not None
    latest = program.history.latest()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == f"Correction #{tuition_note.pk} applied"


def test_the_editor_can_set_the_exact_value_to_apply(tuition_note, reviewer):
    tuition_note.value_to_apply = "14250"
    tuition_note.save()
    corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    assert Program.objects.get(pk=tuition_note.program_id).tuition_and_fees == 14250


@pytest.mark.parametrize("value", ["about fourteen thousand", "14500.50", "-3"])
def test_a_value_that_does_not_validate_changes_nothing(tuition_note, reviewer, value):
    tuition_note.proposed_value = value
    tuition_note.save()
    with pytest.raises(ValidationError):
        corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    program = Program.objects.get(pk=tuition_note.program_id)
    assert program.tuition_and_fees == 15000 and program.last_verified is None
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.NEW


def test_an_invalid_school_website_is_refused(reviewer):
    school = SchoolFactory()
    note = CorrectionFactory(school=school, target_field="website", proposed_value="not a url")
    with pytest.raises(ValidationError):
        corrections.correction_apply(correction=note, reviewer=reviewer)
    school.refresh_from_db()
    assert school.website == "https://www.example.edu/"


def test_reject_needs_a_reason(tuition_note, reviewer):
    with pytest.raises(TransitionRefused, match="Give a reason"):
        corrections.correction_reject(correction=tuition_note, reviewer=reviewer, reason=" ")
    corrections.correction_reject(
        correction=tuition_note, reviewer=reviewer, reason="The school's page still says $15,000."
    )
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.REJECTED
    assert tuition_note.editor_note == "The school's page still says $15,000."


def test_duplicate(tuition_note, reviewer):
    original = CorrectionFactory()
    corrections.correction_mark_duplicate(
        correction=tuition_note, reviewer=reviewer, duplicate_of=original
    )
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.DUPLICATE
    assert tuition_note.duplicate_of == original
    with pytest.raises(TransitionRefused):
        corrections.correction_mark_duplicate(
            correction=original, reviewer=reviewer, duplicate_of=original
        )


@pytest.mark.parametrize(
    "closed", [Correction.Status.APPLIED, Correction.Status.REJECTED, Correction.Status.DUPLICATE]
)
@pytest.mark.parametrize(
    "step",
    [
        lambda c, u: corrections.correction_assign(correction=c, assignee=u),
        lambda c, u: corrections.correction_apply(correction=c, reviewer=u),
        lambda c, u: corrections.correction_reject(correction=c, reviewer=u, reason="no"),
        lambda c, u: corrections.correction_mark_duplicate(
            correction=c, reviewer=u, duplicate_of=CorrectionFactory()
        ),
    ],
    ids=["assign", "apply", "reject", "duplicate"],
)
def test_a_decided_correction_cannot_move_again(tuition_note, reviewer, closed, step):
    Correction.objects.filter(pk=tuition_note.pk).update(status=closed)
    with pytest.raises(TransitionRefused, match="already"):
        step(tuition_note, reviewer)
    assert Correction.objects.get(pk=tuition_note.pk).status == closed


# Telling the visitor


def test_the_visitor_is_emailed_when_their_correction_is_applied(tuition_note, reviewer):
    corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    assert email_send_due() == (1, 0)
    [email] = mail.outbox
    assert email.to == ["student@example.org"]
    assert "updated the page" in email.body
    queued = OutgoingEmail.objects.get(about=f"correction:{tuition_note.pk}")
    assert queued.status == OutgoingEmail.Status.SENT and queued.sent_at is not None


def test_the_visitor_hears_the_reason_for_a_rejection(tuition_note, reviewer):
    corrections.correction_reject(correction=tuition_note, reviewer=reviewer, reason="Stale.")
    email_send_due()
    assert "because: Stale." in mail.outbox[0].body


def test_a_failing_mail_server_never_loses_the_decision_and_the_email_is_retried(
    tuition_note, reviewer, settings
):
    settings.MAILERS = {"default": {"BACKEND": "tests.failing_mail.FailingBackend"}}
    corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    assert email_send_due() == (0, 1)
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.APPLIED
    queued = OutgoingEmail.objects.get(about=f"correction:{tuition_note.pk}")
    assert queued.status == OutgoingEmail.Status.QUEUED and queued.attempts == 1
    assert "mail server unreachable" in queued.last_error
    assert queued.next_attempt_at > timezone.now()  # waits before the next try

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # the wait is over
    call_command("send_queued_email", stdout=StringIO())
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT and queued.last_error == ""
    assert mail.outbox[0].to == ["student@example.org"]


def test_no_email_without_an_address(tuition_note, reviewer):
    tuition_note.contact_email = ""
    tuition_note.save()
    corrections.correction_apply(correction=tuition_note, reviewer=reviewer)
    assert not OutgoingEmail.objects.exists()
    email_send_due()
    assert mail.outbox == []


# The admin queue


def test_admin_lists_the_queue_and_applies_through_an_action(client, editor, tuition_note):
    client.force_login(editor)
    changelist = reverse("admin:corrections_correction_changelist")
    page = client.get(changelist).content.decode()
    # What we store now beside what the visitor says the page says and proposes.
    assert re.search(r"\$15,000</td>.*?\$15,000</td>.*?\$14,500</td>", page, re.S)
    response = client.post(
        changelist,
        {"action": "apply", "_selected_action": [tuition_note.pk]},
        follow=True,
    )
    assert "1 correction applied." in response.content.decode()
    assert Program.objects.get(pk=tuition_note.program_id).tuition_and_fees == 14500


def test_admin_reports_an_invalid_value_and_changes_nothing(client, editor, tuition_note):
    tuition_note.proposed_value = "call us"
    tuition_note.save()
    client.force_login(editor)
    response = client.post(
        reverse("admin:corrections_correction_changelist"),
        {"action": "apply", "_selected_action": [tuition_note.pk]},
        follow=True,
    )
    assert "not applied" in response.content.decode()
    assert Correction.objects.get(pk=tuition_note.pk).status == Correction.Status.NEW


def test_admin_reject_without_a_note_is_refused(client, editor, tuition_note):
    client.force_login(editor)
    response = client.post(
        reverse("admin:corrections_correction_changelist"),
        {"action": "reject", "_selected_action": [tuition_note.pk]},
        follow=True,
    )
    assert "Give a reason to reject a correction." in response.content.decode()
    assert Correction.objects.get(pk=tuition_note.pk).status == Correction.Status.NEW


def test_the_status_field_cannot_be_edited_directly(client, editor, tuition_note):
    client.force_login(editor)
    url = reverse("admin:corrections_correction_change", args=[tuition_note.pk])
    client.post(url, {"status": "applied", "value_to_apply": "", "editor_note": "x"})
    assert Correction.objects.get(pk=tuition_note.pk).status == Correction.Status.NEW


def test_change_form_buttons_take_the_workflow_steps(client, editor, tuition_note):
    client.force_login(editor)
    url = reverse("admin:corrections_correction_change", args=[tuition_note.pk])
    assert 'name="_apply"' in client.get(url).content.decode()
    client.post(url, {"value_to_apply": "14000", "editor_note": "", "_apply": "Apply"})
    assert Program.objects.get(pk=tuition_note.program_id).tuition_and_fees == 14000


def test_admin_index_shows_open_and_week_old_corrections(client, editor):
    CorrectionFactory()
    old = CorrectionFactory()
    Correction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(8))
    CorrectionFactory(status=Correction.Status.APPLIED)
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert "2 open corrections</a> (new or in review), 1 older than 7 days." in page


def test_queue_filters_by_target_type_and_assignee(client, editor, tuition_note):
    CorrectionFactory(field="Career note", career=CareerFactory())
    client.force_login(editor)
    url = reverse("admin:corrections_correction_changelist")
    page = client.get(url + "?about=career").content.decode()
    assert "Career note" in page and "Tuition and fees" not in page
    assert client.get(url + f"?assignee__id__exact={editor.pk}").status_code == 200


# History and revert


def test_history_records_who_changed_a_program_and_can_revert(client, editor):
    program = ProgramFactory(months_to_complete=9)
    client.force_login(editor)
    program.months_to_complete = 10
    program._history_user = editor
    program.save()
    page = client.get(reverse("admin:programs_program_history", args=[program.pk])).content
    assert b"editor" in page
    first = program.history.earliest()
    revert_page = reverse("admin:programs_program_simple_history", args=[program.pk, first.pk])
    assert client.get(revert_page).status_code == 200
    first.instance.save()  # what the admin's "Revert" saves
    program.refresh_from_db()
    assert program.months_to_complete == 9
    assert program.history.count() == 3


def test_guide_sections_have_history(client, editor):
    from careers.models import GuideSection

    section = GuideSection.objects.create(
        career=CareerFactory(), key="skills", heading="Skills", body="Old"
    )
    section.body = "New"
    section.save()
    assert section.history.count() == 2
    client.force_login(editor)
    url = reverse("admin:careers_guidesection_history", args=[section.pk])
    assert client.get(url).status_code == 200


# Drafts


def test_drafts_are_hidden_from_every_public_surface(client):
    draft = ProgramFactory(
        status=PublishStatus.DRAFT, school=SchoolFactory(name="Hidden Draft College")
    )
    ProgramFactory(school=SchoolFactory(name="Public College"))
    for url in [
        "/programs/",
        "/programs/export.csv",
        "/sitemap-programs.xml",
        "/sitemap-schools.xml",
        "/search/?q=hidden",
        "/careers/medical-assistant/",
        f"/compare/?programs={draft.pk}",
    ]:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "Hidden Draft College" not in body, url
        assert draft.get_absolute_url() not in body, url
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft_program_and_guide(client, editor):
    draft = ProgramFactory(status=PublishStatus.DRAFT)
    career = CareerFactory(slug="draft-guide", title="Draft Guide", status=PublishStatus.DRAFT)
    client.force_login(editor)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft preview." in page
    assert "Draft preview." in client.get(career.get_absolute_url()).content.decode()


# Roles


@pytest.fixture
def member(django_user_model):
    def make(group):
        user = django_user_model.objects.create_user(
            group.lower(), password="x" * 20, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_an_editor_can_keep_listings_guides_and_corrections_but_not_users(client, member):
    client.force_login(member("Editor"))
    program = ProgramFactory()
    for name, args in [
        ("programs_program_change", [program.pk]),
        ("programs_school_change", [program.school.pk]),
        ("careers_career_change", [program.career.pk]),
        ("careers_certification_changelist", []),
        ("corrections_correction_changelist", []),
    ]:
        assert client.get(reverse(f"admin:{name}", args=args)).status_code == 200, name
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_reviewer_works_the_corrections_queue_only(client, member, tuition_note):
    reviewer = member("Reviewer")
    client.force_login(reviewer)
    changelist = reverse("admin:corrections_correction_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "apply", "_selected_action": [tuition_note.pk]})
    assert Correction.objects.get(pk=tuition_note.pk).status == Correction.Status.APPLIED
    program = tuition_note.program
    for name, args in [
        ("programs_program_change", [program.pk]),
        ("careers_career_change", [program.career.pk]),
        ("auth_user_changelist", []),
    ]:
        assert client.get(reverse(f"admin:{name}", args=args)).status_code == 403, name


# CSV import in the admin, stale listings


def test_csv_import_shows_row_errors_before_saving_anything():
    import tablib

    from programs.resources import ProgramResource

    school = SchoolFactory(unitid=123456)
    CareerFactory()
    dataset = tablib.Dataset(
        [
            "123456",
            "medical-assistant",
            "51.0801",
            "Medical/Clinical Assistant.",
            "associate",
            "not-a-number",
            "published",
        ],
        [
            "999999",
            "medical-assistant",
            "51.0801",
            "Medical/Clinical Assistant.",
            "associate",
            "12000",
            "published",
        ],
        headers=[
            "unitid",
            "career",
            "cip_code",
            "cip_title",
            "credential_level",
            "tuition_and_fees",
            "status",
        ],
    )
    result = ProgramResource().import_data(dataset, dry_run=True)
    errors = {number: [str(e.error) for e in row] for number, row in result.row_errors()}
    assert list(errors) == [1, 2]  # every bad row is reported, with its number
    assert "ConversionSyntax" in errors[1][0]  # tuition "not-a-number"
    assert errors[2] == ["School matching query does not exist."]  # unknown unitid
    assert Program.objects.filter(school=school).count() == 0


def test_csv_import_page_opens_for_editors(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:programs_program_import")).status_code == 200
    assert client.get(reverse("admin:programs_school_export")).status_code == 200


def test_stale_filter_lists_programs_not_verified_in_twelve_months(client, editor):
    today = timezone.localdate()
    ProgramFactory(school=SchoolFactory(name="Fresh College"), last_verified=today)
    ProgramFactory(
        school=SchoolFactory(name="Old College"), last_verified=today - timezone.timedelta(400)
    )
    ProgramFactory(school=SchoolFactory(name="Never College"), last_verified=None)
    client.force_login(editor)
    page = client.get(reverse("admin:programs_program_changelist") + "?verified=stale")
    text = page.content.decode()
    assert "Old College" in text and "Never College" in text and "Fresh College" not in text


def test_stale_report_command_counts_stale_listings():
    from io import StringIO

    from django.core.management import call_command

    ProgramFactory(last_verified=None)
    ProgramFactory(last_verified=timezone.localdate())
    out = StringIO()
    call_command("report_stale", stdout=out)
    assert "1 of 2 published programs" in out.getvalue()


# Duplicates, units and what is stored now (issue 12, item 4)


def test_an_editor_marks_a_duplicate_of_a_chosen_correction(client, editor, tuition_note):
    original = CorrectionFactory(field="The first note")
    client.force_login(editor)
    url = reverse("admin:corrections_correction_change", args=[tuition_note.pk])
    response = client.post(
        url,
        {"value_to_apply": "", "editor_note": "", "duplicate_of": original.pk, "_duplicate": "1"},
        follow=True,
    )
    assert "1 correction marked as duplicate." in response.content.decode()
    tuition_note.refresh_from_db()
    assert tuition_note.status == Correction.Status.DUPLICATE
    assert tuition_note.duplicate_of == original


def test_marking_a_duplicate_without_saying_of_what_is_refused(client, editor, tuition_note):
    client.force_login(editor)
    url = reverse("admin:corrections_correction_change", args=[tuition_note.pk])
    response = client.post(
        url, {"value_to_apply": "", "editor_note": "", "_duplicate": "1"}, follow=True
    )
    assert "Choose the correction this one repeats" in response.content.decode()
    assert Correction.objects.get(pk=tuition_note.pk).status == Correction.Status.NEW


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        (Program.LengthUnit.CREDIT_HOURS, "Program length (credit hours)"),
        (Program.LengthUnit.CLOCK_HOURS, "Program length (clock hours)"),
        ("", "Program length"),
    ],
)
def test_the_correction_form_names_the_programs_own_length_unit(client, unit, label):
    program = ProgramFactory(length_unit=unit, length="30" if unit else None)
    page = client.get(program.get_absolute_url()).content.decode()
    assert f'<option value="length">{label}</option>' in page
    # The full form, bound to a note about this program, says the same.
    response = client.post(
        "/corrections/",
        {"page_url": "/", "target": f"program:{program.pk}", "proposed_value": ""},
    )
    assert f'<option value="length">{label}</option>' in response.content.decode()


def test_the_queue_shows_the_stored_value_with_its_unit_beside_the_proposal(client, editor):
    program = ProgramFactory(length="720", length_unit=Program.LengthUnit.CLOCK_HOURS)
    CorrectionFactory(
        program=program,
        target_field="length",
        field="Program length (clock hours)",
        current_value="900",  # what the visitor typed as "the page says": not what we store
        proposed_value="640",
    )
    client.force_login(editor)
    page = client.get(reverse("admin:corrections_correction_changelist")).content.decode()
    assert re.search(r"720 clock hours</td>.*?900</td>.*?640</td>", page, re.S)
