from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from careers.models import Career
from programs.models import Program, School

# Fields a visitor can name in a correction, and an editor can apply in one step.
CORRECTABLE_FIELDS = {
    "program": {
        "tuition_and_fees": _("Tuition and fees (whole program)"),
        "books_and_supplies": _("Books and supplies (whole program)"),
        "months_to_complete": _("Months to complete"),
        "length": _("Program length"),
        "graduates_per_year": _("Graduates per year"),
    },
    "school": {
        "name": _("School name"),
        "address": _("Street address"),
        "city": _("City"),
        "zip_code": _("ZIP code"),
        "website": _("Website"),
        "net_price_calculator_url": _("Net price calculator link"),
    },
}


def correctable_fields(kind: str, length_unit: str = "") -> dict[str, str]:
    """The fields a correction about a `kind` can name, length labelled in the program's unit."""
    fields = dict(CORRECTABLE_FIELDS.get(kind, {}))
    if "length" in fields and length_unit:
        fields["length"] = _("Program length (%(unit)s)") % {
            "unit": Program.LengthUnit(length_unit).label
        }
    return fields


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Correction.Status.NEW, Correction.Status.IN_REVIEW])

    def older_than(self, when):
        return self.filter(created_at__lt=when)


class Correction(models.Model):
    """A visitor's note that something on a page is wrong or out of date.

    Its status only moves through the service functions in corrections/services.py.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in-review", _("In review")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    page_url = models.CharField(_("page"), max_length=500)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    career = models.ForeignKey(
        Career, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    target_field = models.CharField(
        "field",
        max_length=40,
        blank=True,
        help_text="The model field this correction is about, when the visitor chose one.",
    )
    field = models.CharField(_("what needs updating"), max_length=200)
    current_value = models.TextField(_("what the page says"), blank=True, max_length=5000)
    proposed_value = models.TextField(_("what it should say"), max_length=5000)
    evidence = models.TextField(_("source or evidence"), blank=True, max_length=5000)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_corrections",
    )
    value_to_apply = models.CharField(
        max_length=500,
        blank=True,
        help_text="The exact value to save when applying (defaults to what the visitor proposed).",
    )
    editor_note = models.TextField(
        blank=True, help_text="For the team, and the reason given when rejecting."
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_corrections",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The language the visitor used: emails about it are written in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    updated_at = models.DateTimeField(auto_now=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        db_table = "programs_correction"  # made in the programs app; moved with its rows
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.field} on {self.page_url}"

    @property
    def target(self):
        return self.program or self.school or self.career

    @property
    def target_kind(self):
        target = self.target
        return type(target).__name__.lower() if target else ""

    @property
    def is_open(self):
        return self.status in (self.Status.NEW, self.Status.IN_REVIEW)
