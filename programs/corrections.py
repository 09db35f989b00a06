"""The corrections workflow: every status change goes through one of these functions.

    new ──assign──▶ in review ──apply──▶ applied
     │                 │ └────reject───▶ rejected (a reason is required)
     └──(apply, reject, duplicate)──────▶ duplicate

Decisions are saved first; the email to the visitor is sent after the transaction commits, and a
mail failure is logged and kept on the correction so it can be resent.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from .models import CORRECTABLE_FIELDS, Correction

log = logging.getLogger("directory.corrections")


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


def parse_value(field: models.Field, text: str):
    """A visitor's or editor's text as a value for `field` ("$14,500" -> 14500 for numbers)."""
    text = text.strip()
    if isinstance(field, models.IntegerField | models.DecimalField):
        text = text.replace("$", "").replace(",", "").strip()
        if isinstance(field, models.IntegerField):
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValidationError(f"“{text}” is not a number.") from None
            if number != number.to_integral_value():
                raise ValidationError(f"“{text}” is not a whole number.")
            return int(number)
    if text == "" and field.null:
        return None
    return field.to_python(text)


def correction_apply(*, correction: Correction, reviewer) -> Correction:
    """Save the proposed value on the program or school, stamp it verified, record who did it.

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
            if hasattr(target, "field_sources"):  # programs show where each value came from
                target.field_sources[correction.target_field] = {
                    "source": "correction",
                    "date": timezone.localdate().isoformat(),
                }
            target.full_clean()
            target._change_reason = f"Correction #{correction.pk} applied"
            target._history_user = reviewer
            target.save()
        _decide(correction, status=Correction.Status.APPLIED, reviewer=reviewer)
        transaction.on_commit(lambda: correction_notify(correction=correction))
    return correction


def correction_reject(*, correction: Correction, reviewer, reason: str) -> Correction:
    if not reason.strip():
        raise TransitionRefused("Give a reason to reject a correction.")
    with transaction.atomic():
        correction = _lock_open(correction, "reject")
        correction.editor_note = reason.strip()
        _decide(correction, status=Correction.Status.REJECTED, reviewer=reviewer)
        transaction.on_commit(lambda: correction_notify(correction=correction))
    return correction


def correction_mark_duplicate(
    *, correction: Correction, reviewer, duplicate_of: Correction | None = None
) -> Correction:
    if duplicate_of is not None and duplicate_of.pk == correction.pk:
        raise TransitionRefused("A correction can't duplicate itself.")
    with transaction.atomic():
        correction = _lock_open(correction, "mark as duplicate")
        correction.duplicate_of = duplicate_of
        _decide(correction, status=Correction.Status.DUPLICATE, reviewer=reviewer)
    return correction


DECISION_MESSAGES = {
    Correction.Status.APPLIED: (
        "Thank you: we made your update",
        "Thank you for telling us about {what} on {page}. We checked it and updated the page.",
    ),
    Correction.Status.REJECTED: (
        "About the update you suggested",
        "Thank you for telling us about {what} on {page}. We checked it and did not change the "
        "page, because: {reason}",
    ),
}


def correction_notify(*, correction: Correction) -> bool:
    """Email the visitor the decision, if they left an address. A failure is kept, not raised."""
    if not correction.contact_email or correction.status not in DECISION_MESSAGES:
        return False
    subject, body = DECISION_MESSAGES[correction.status]
    text = body.format(
        what=correction.field, page=correction.page_url, reason=correction.editor_note
    )
    try:
        send_mail(subject, text, None, [correction.contact_email])
    except Exception as error:  # any mail backend failure: the decision stands, retry later
        log.error("decision email for correction %s failed: %s", correction.pk, error)
        Correction.objects.filter(pk=correction.pk).update(
            notification_error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    Correction.objects.filter(pk=correction.pk).update(
        notified_at=timezone.now(), notification_error=""
    )
    return True
