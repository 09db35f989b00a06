from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.models import Program, School


class SchoolRepresentative(models.Model):
    """Someone verified, through a link sent to their work email, to speak for a school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="representatives")
    email = models.EmailField()
    is_active = models.BooleanField(default=True)
    verified_at = models.DateTimeField()

    class Meta:
        db_table = "programs_schoolrepresentative"  # made in the programs app; moved with its rows
        constraints = [
            models.UniqueConstraint(fields=["school", "email"], name="unique_representative")
        ]

    def __str__(self):
        return f"{self.email} for {self.school.name}"


class SchoolEmailDomain(models.Model):
    """An email domain an editor approved for representing one school (for example a campus
    that shares its group's web domain, or a school whose staff use another domain)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(max_length=253)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "programs_schoolemaildomain"  # made in the programs app; moved with its rows
        verbose_name = "approved email domain"
        constraints = [
            models.UniqueConstraint(fields=["school", "domain"], name="unique_school_email_domain")
        ]

    def __str__(self):
        return f"{self.domain} for {self.school.name}"

    def clean(self):
        self.domain = self.domain.strip().lower().removeprefix("@").rstrip(".")


class RepresentativeLink(models.Model):
    """A single-use sign-in link emailed to a work address (the token itself is never stored)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "programs_representativelink"  # made in the programs app; moved with its rows

    def __str__(self):
        return f"Sign-in link for {self.email}"


class AccessRequest(models.Model):
    """A request to represent a school from an address outside the school's own domain."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="access_requests")
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # The language the visitor used: emails about it are written in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "programs_accessrequest"  # made in the programs app; moved with its rows
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} for {self.school.name}"


class SchoolUpdate(models.Model):
    """A representative's proposed update to one of their school's programs (or a new one)."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change to a listed program")
        NEW_PROGRAM = "new-program", _("Program missing from our listing")
        DISCONTINUE = "discontinue", _("Program no longer offered")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPLIED = "applied", _("Applied")
        PARTLY_APPLIED = "partly-applied", _("Partly applied")
        REJECTED = "rejected", _("Rejected")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="updates")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="school_updates"
    )
    representative = models.ForeignKey(
        SchoolRepresentative, on_delete=models.PROTECT, related_name="updates"
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.CHANGE)
    status = models.CharField(max_length=15, choices=Status, default=Status.PENDING)
    # The language the visitor used: emails about it are written in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    reason = models.TextField(blank=True, help_text="Why it was rejected (sent to the school).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "programs_schoolupdate"  # made in the programs app; moved with its rows
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.program or self.school}"


class SchoolUpdateField(models.Model):
    """One proposed field change: the value as the representative saw it and the new one."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Applied")
        SKIPPED = "skipped", _("Not applied")

    update = models.ForeignKey(SchoolUpdate, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision, default=Decision.PENDING)

    class Meta:
        db_table = "programs_schoolupdatefield"  # made in the programs app; moved with its rows
        ordering = ["pk"]

    def __str__(self):
        return f"{self.field}: {self.old_value} → {self.new_value}"
