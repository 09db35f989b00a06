"""Proposals from school representatives, and the editors' decision on them.

A proposal stores, per field, the value the representative saw and the one they propose.
Applying is one transaction through model validation; each applied field is recorded as
reported by the school (core/provenance.py). A proposed new program becomes a draft that an
editor publishes.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers.models import Career, Certification, PublishStatus
from core.mail import email_queue
from core.provenance import Source, values_record_source
from core.values import parse_value
from programs.models import Program

from .models import SchoolUpdate, SchoolUpdateField

# What a representative can report about a program.
UPDATABLE_FIELDS = [
    "tuition_and_fees", "books_and_supplies", "cost_includes", "months_to_complete", "length",
    "length_unit", "offers_day", "offers_evening", "offers_weekend", "delivery_format",
    "externship_hours", "certifications", "accreditor", "accreditation_evidence",
    "admission_requirements", "program_url",
]  # fmt: skip
# A change to these needs an editor to verify the accreditation again: until then the site
# shows none (only an editor sets `accreditation_verified_on`).
ACCREDITATION_FIELDS = {"accreditor", "accreditation_evidence"}
# What names a proposed new program; set when it is created, not through the value setter.
NEW_PROGRAM_FIELDS = ["career", "credential_level"]
REPORTED_BY_SCHOOL = "Reported by the school"


class UpdateRefused(Exception):
    pass


def as_text(program: Program | None, name: str) -> str:
    """A field's value as stored in a proposal (certifications as their slugs)."""
    if program is None:
        return ""
    if name == "certifications":
        return ",".join(sorted(program.certifications.values_list("slug", flat=True)))
    return _text(getattr(program, name))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, models.QuerySet | list | tuple):
        return ",".join(sorted(item.slug for item in value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return value.slug
    return str(value)


def school_update_propose(*, representative, program: Program | None, data: dict, kind=None):
    """Store what differs from what we show now; a proposal with nothing in it is refused."""
    kind = kind or (SchoolUpdate.Kind.NEW_PROGRAM if program is None else SchoolUpdate.Kind.CHANGE)
    if program is not None and program.school_id != representative.school_id:
        raise UpdateRefused(_("That program belongs to another school."))
    changes = []
    for name, value in data.items():
        old, new = as_text(program, name), _text(value)
        if old != new:
            changes.append(SchoolUpdateField(field=name, old_value=old, new_value=new))
    if kind == SchoolUpdate.Kind.NEW_PROGRAM and not all(data.get(n) for n in NEW_PROGRAM_FIELDS):
        raise UpdateRefused(_("Say which career and credential the new program leads to."))
    if not changes and kind != SchoolUpdate.Kind.DISCONTINUE:
        raise UpdateRefused(
            _("Nothing here differs from what we show now, so there is nothing to send.")
        )
    with transaction.atomic():
        update = SchoolUpdate.objects.create(
            school=representative.school,
            program=program,
            representative=representative,
            kind=kind,
            # The editors' decision is emailed in the language the representative used.
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        for change in changes:
            change.update = update
        SchoolUpdateField.objects.bulk_create(changes)
    return update


def _set(program: Program, name: str, text: str):
    if name == "certifications":
        slugs = [slug for slug in text.split(",") if slug]
        program.certifications.set(Certification.objects.filter(slug__in=slugs))
        return
    setattr(program, name, parse_value(program._meta.get_field(name), text))


def _new_program(update: SchoolUpdate, values: dict) -> Program:
    """The draft program a school proposed: an editor checks and publishes it."""
    career = Career.objects.filter(slug=values.get("career", "")).first()
    if career is None or not values.get("credential_level"):
        raise UpdateRefused("A new program needs its career and credential to be applied.")
    return Program(
        school=update.school,
        career=career,
        cip_code=career.cip_codes[0],
        cip_title=f"{career.title} (reported by the school)",
        credential_level=values["credential_level"],
        status=PublishStatus.DRAFT,
        data_source=REPORTED_BY_SCHOOL,
        data_year=str(timezone.localdate().year),
    )


def school_update_apply(*, update: SchoolUpdate, reviewer, fields=None) -> SchoolUpdate:
    """Apply all proposed fields, or only those named in `fields`; the rest are not applied."""
    with transaction.atomic():
        update = SchoolUpdate.objects.select_for_update().get(pk=update.pk)
        if update.status != SchoolUpdate.Status.PENDING:
            raise UpdateRefused(f"This update is already {update.get_status_display().lower()}.")
        chosen = [f for f in update.fields.all() if fields is None or f.field in fields]
        if not chosen and update.kind != SchoolUpdate.Kind.DISCONTINUE:
            raise UpdateRefused("Choose at least one field to apply, or reject the update.")
        program = update.program
        if update.kind == SchoolUpdate.Kind.NEW_PROGRAM:
            program = _new_program(update, {c.field: c.new_value for c in chosen})
        values = [c for c in chosen if c.field not in NEW_PROGRAM_FIELDS]
        later = [c for c in values if c.field == "certifications"]  # need a saved program
        for change in values:
            if change not in later:
                _set(program, change.field, change.new_value)
        if ACCREDITATION_FIELDS & {change.field for change in values}:
            program.accreditation_verified_on = None
        if update.kind == SchoolUpdate.Kind.DISCONTINUE:
            program.is_offered = False
        program.last_verified = timezone.localdate()
        values_record_source(
            program,
            fields=[
                *(c.field for c in chosen),
                *(["is_offered"] if update.kind == SchoolUpdate.Kind.DISCONTINUE else []),
            ],
            source=Source.SCHOOL,
        )
        try:
            program.full_clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        program._history_user = reviewer
        program._change_reason = f"School update #{update.pk} applied"
        program.save()
        for change in later:
            _set(program, change.field, change.new_value)
        applied = {change.pk for change in chosen}
        for change in update.fields.all():
            change.decision = (
                SchoolUpdateField.Decision.APPLIED
                if change.pk in applied
                else SchoolUpdateField.Decision.SKIPPED
            )
            change.save(update_fields=["decision"])
        everything = len(applied) == update.fields.count()
        update.program = program
        update.status = (
            SchoolUpdate.Status.APPLIED if everything else SchoolUpdate.Status.PARTLY_APPLIED
        )
        update.decided_by, update.decided_at = reviewer, timezone.now()
        update.save()
        school_update_notify(update=update)
    return update


def school_update_reject(*, update: SchoolUpdate, reviewer, reason: str) -> SchoolUpdate:
    if not reason.strip():
        raise UpdateRefused("Give a reason to reject an update.")
    with transaction.atomic():
        update = SchoolUpdate.objects.select_for_update().get(pk=update.pk)
        if update.status != SchoolUpdate.Status.PENDING:
            raise UpdateRefused(f"This update is already {update.get_status_display().lower()}.")
        update.status = SchoolUpdate.Status.REJECTED
        update.reason = reason.strip()
        update.decided_by, update.decided_at = reviewer, timezone.now()
        update.save()
        update.fields.update(decision=SchoolUpdateField.Decision.SKIPPED)
        school_update_notify(update=update)
    return update


DECISION_SUBJECTS = {
    SchoolUpdate.Status.APPLIED: gettext_lazy("Your update to %(school)s: applied"),
    SchoolUpdate.Status.PARTLY_APPLIED: gettext_lazy("Your update to %(school)s: partly applied"),
    SchoolUpdate.Status.REJECTED: gettext_lazy("Your update to %(school)s: rejected"),
}


# How the decision email names each field, in the representative's language.
FIELD_NAMES = {
    "tuition_and_fees": gettext_lazy("tuition and fees (whole program)"),
    "books_and_supplies": gettext_lazy("books and supplies (whole program)"),
    "cost_includes": gettext_lazy("what the cost includes"),
    "months_to_complete": gettext_lazy("months to complete"),
    "length": gettext_lazy("length"),
    "length_unit": gettext_lazy("length unit"),
    "offers_day": gettext_lazy("day classes"),
    "offers_evening": gettext_lazy("evening classes"),
    "offers_weekend": gettext_lazy("weekend classes"),
    "delivery_format": gettext_lazy("delivery format"),
    "externship_hours": gettext_lazy("externship or clinical hours"),
    "certifications": gettext_lazy("certification exams"),
    "accreditor": gettext_lazy("programmatic accreditor"),
    "accreditation_evidence": gettext_lazy("accreditation evidence"),
    "admission_requirements": gettext_lazy("admission requirements"),
    "program_url": gettext_lazy("program web page"),
    "career": gettext_lazy("career"),
    "credential_level": gettext_lazy("credential level"),
}


def _field_name(name: str) -> str:
    """A program field as people read it ("tuition and fees (whole program)")."""
    if name in FIELD_NAMES:
        return str(FIELD_NAMES[name])
    try:
        return str(Program._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def school_update_notify(*, update: SchoolUpdate) -> None:
    """Email the representative the editors' decision, in the language they used."""
    language = getattr(update, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        email_queue(
            to=update.representative.email,
            subject=str(DECISION_SUBJECTS[update.status]) % {"school": update.school.name},
            body=_decision_body(update),
            purpose="school-update-decision",
            about=f"schoolupdate:{update.pk}",
        )


def _decision_body(update: SchoolUpdate) -> str:
    if update.status == SchoolUpdate.Status.REJECTED:
        return _("Our editors did not apply your update, because: %(reason)s") % {
            "reason": update.reason
        }
    applied = [_field_name(f.field) for f in update.fields.all() if f.decision == "applied"]
    if applied:
        sentences = [
            _("Our editors applied your update: %(fields)s.") % {"fields": ", ".join(applied)}
        ]
    else:
        sentences = [_("Our editors applied your update: the program status.")]
    if update.kind == SchoolUpdate.Kind.NEW_PROGRAM:
        sentences.append(
            _("The new program is listed once an editor has checked and published it.")
        )
    if update.status == SchoolUpdate.Status.PARTLY_APPLIED:
        sentences.append(_("Some fields were not applied; you may send them again with a source."))
    return " ".join(sentences)
