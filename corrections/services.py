"""The corrections workflow: every status change goes through one of these functions.

    new ──assign──▶ in review ──apply──▶ applied
     │                 │ └────reject───▶ rejected (a reason is required)
     └──(apply, reject, duplicate)──────▶ duplicate (of another correction, which is required)

Decisions are saved first; the email to the visitor is queued with the decision (core/mail.py)
and sent after the response, so a mail failure never touches the decision.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from core.mail import email_queue
from core.provenance import Source, values_record_source
from core.templatetags.figures import dollars
from core.values import parse_value

from .forms import field_label
from .models import CORRECTABLE_FIELDS, Correction, correctable_fields

MONEY_FIELDS = {
    "tuition_and_fees", "books_and_supplies", "tuition_in_state_per_year",
    "tuition_out_of_state_per_year",
}  # fmt: skip


class TransitionRefused(Exception):
    """The correction can't move to that status from where it is."""


def _lock_open(correction, action: str) -> Correction:
    locked = Correction.objects.select_for_update().get(pk=correction.pk)
    if not locked.is_open:
        raise TransitionRefused(
            f"Can't {action} a correction that is already {locked.get_status_display().lower()}."
        )
    return locked


def _decide(correction, *, status, reviewer):
    correction.status = status
    correction.decided_by = reviewer
    correction.decided_at = timezone.now()
    correction.save()


def correction_assign(*, correction: Correction, assignee) -> Correction:
    with transaction.atomic():
        correction = _lock_open(correction, "assign")
        correction.assignee = assignee
        correction.status = Correction.Status.IN_REVIEW
        correction.save()
    return correction


def stored_value(target, name: str) -> str:
    """A field's value as we store and show it now, with its unit ("720 clock hours")."""
    if target is None or not name:
        return "—"
    value = getattr(target, name)
    if value is None or value == "":
        return "Not reported"
    if name in MONEY_FIELDS:
        return dollars(value)
    if name == "length":
        unit = target.get_length_unit_display() or "(unit not reported)"
        return f"{value.normalize():f} {unit}"
    return str(value)


def correction_apply(*, correction: Correction, reviewer) -> Correction:
    """Save the proposed value on the program or school, stamp it verified, record who did it
    and that the value now comes from a visitor's correction.

    A value that does not validate raises ValidationError and nothing changes.
    """
    with transaction.atomic():
        correction = _lock_open(correction, "apply")
        target = correction.target
        if correction.target_field:
            if correction.target_kind not in CORRECTABLE_FIELDS or (
                correction.target_field not in CORRECTABLE_FIELDS[correction.target_kind]
            ):
                raise TransitionRefused("This correction names a field that can't be applied.")
            field = target._meta.get_field(correction.target_field)
            text = correction.value_to_apply or correction.proposed_value
            try:
                value = parse_value(field, text)
            except ValidationError as error:
                raise ValidationError({correction.target_field: error.messages}) from None
            setattr(target, correction.target_field, value)
            target.last_verified = timezone.localdate()
            values_record_source(target, fields=[correction.target_field], source=Source.CORRECTION)
            target.full_clean()
            target._change_reason = f"Correction #{correction.pk} applied"
            target._history_user = reviewer
            target.save()
        _decide(correction, status=Correction.Status.APPLIED, reviewer=reviewer)
        correction_notify(correction=correction)
    return correction


def correction_reject(*, correction: Correction, reviewer, reason: str) -> Correction:
    if not reason.strip():
        raise TransitionRefused("Give a reason to reject a correction.")
    with transaction.atomic():
        correction = _lock_open(correction, "reject")
        correction.editor_note = reason.strip()
        _decide(correction, status=Correction.Status.REJECTED, reviewer=reviewer)
        correction_notify(correction=correction)
    return correction


def correction_mark_duplicate(
    *, correction: Correction, reviewer, duplicate_of: Correction | None
) -> Correction:
    with transaction.atomic():
        correction = _lock_open(correction, "mark as duplicate")
        if duplicate_of is None:
            raise TransitionRefused(
                "Choose the correction this one repeats in “Duplicate of”, save, then mark it."
            )
        if duplicate_of.pk == correction.pk:
            raise TransitionRefused("A correction can't duplicate itself.")
        correction.duplicate_of = duplicate_of
        _decide(correction, status=Correction.Status.DUPLICATE, reviewer=reviewer)
    return correction


# Subject and body of the email telling the visitor what the editors decided, evaluated in the
# visitor's language (the one they wrote the correction in).
DECISION_MESSAGES = {
    Correction.Status.APPLIED: (
        gettext_lazy("Thank you: we made your update"),
        gettext_lazy(
            "Thank you for telling us about %(what)s on %(page)s. We checked it and updated the "
            "page."
        ),
    ),
    Correction.Status.REJECTED: (
        gettext_lazy("About the update you suggested"),
        gettext_lazy(
            "Thank you for telling us about %(what)s on %(page)s. We checked it and did not "
            "change the page, because: %(reason)s"
        ),
    ),
}


def _what(correction: Correction) -> str:
    """What the correction was about: the chosen field's label in the active language, or the
    visitor's own words (the form stores the English label in `field` when they chose one)."""
    length_unit = correction.program.length_unit if correction.program else ""
    with translation.override(settings.LANGUAGE_CODE):
        english = str(
            correctable_fields(correction.target_kind, length_unit).get(correction.target_field, "")
        )
    if not english or correction.field != english:
        return correction.field
    return field_label(correction.target_field, english, length_unit)


def correction_notify(*, correction: Correction) -> bool:
    """Queue the decision email to the visitor, if they left an address, in their language."""
    if not correction.contact_email or correction.status not in DECISION_MESSAGES:
        return False
    with translation.override(getattr(correction, "language", "") or settings.LANGUAGE_CODE):
        subject, body = DECISION_MESSAGES[correction.status]
        values = {
            "what": _what(correction),
            "page": correction.page_url,
            "reason": correction.editor_note,
        }
        email_queue(
            to=correction.contact_email,
            subject=str(subject),
            body=str(body) % values,
            purpose="correction-decision",
            about=f"correction:{correction.pk}",
        )
    return True


def open_corrections_summary():
    """For the admin index: how many corrections are open, and how many are over a week old."""
    open_ = Correction.objects.open()
    return {
        "open": open_.count(),
        "old": open_.older_than(timezone.now() - timedelta(days=7)).count(),
    }
