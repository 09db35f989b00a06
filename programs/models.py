from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from careers.models import Accreditor, Career, Certification, PublishStatus
from core.choices import ChoiceLabels

from .costs import cost_of
from .outcomes import GraduateOutcomes, OutcomeFlag, with_latest
from .querysets import GRADUATES_SORT_KEY, ProgramQuerySet, SchoolQuerySet

PUBLISHED = Q(status=PublishStatus.PUBLISHED)

IPEDS_SOURCE = "IPEDS"


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE_NONPROFIT = "private-nonprofit", _("Private nonprofit")
    PRIVATE_FOR_PROFIT = "private-for-profit", _("Private for-profit")


class CredentialLevel(models.TextChoices):
    """IPEDS award levels (AWLEVEL), as slugs used in URLs."""

    CERTIFICATE_UNDER_12_WEEKS = "certificate-under-12-weeks", _("Certificate (under 12 weeks)")
    CERTIFICATE_UNDER_1_YEAR = "certificate-under-1-year", _("Certificate (12 weeks to 1 year)")
    CERTIFICATE_1_TO_2_YEARS = "certificate-1-to-2-years", _("Certificate (1 to 2 years)")
    ASSOCIATE = "associate", _("Associate degree")
    CERTIFICATE_2_TO_4_YEARS = "certificate-2-to-4-years", _("Certificate (2 to 4 years)")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTBACCALAUREATE = "postbaccalaureate-certificate", _("Postbaccalaureate certificate")
    MASTER = "master", _("Master's degree")
    POST_MASTER = "post-master-certificate", _("Post-master's certificate")


# IPEDS AWLEVEL code -> credential level.
AWARD_LEVELS = {
    "20": CredentialLevel.CERTIFICATE_UNDER_12_WEEKS,
    "21": CredentialLevel.CERTIFICATE_UNDER_1_YEAR,
    "2": CredentialLevel.CERTIFICATE_1_TO_2_YEARS,
    "3": CredentialLevel.ASSOCIATE,
    "4": CredentialLevel.CERTIFICATE_2_TO_4_YEARS,
    "5": CredentialLevel.BACHELOR,
    "6": CredentialLevel.POSTBACCALAUREATE,
    "7": CredentialLevel.MASTER,
    "8": CredentialLevel.POST_MASTER,
}


class DeliveryFormat(models.TextChoices):
    ON_CAMPUS = "on-campus", _("On campus")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (online and on campus)")


class School(ChoiceLabels, models.Model):
    unitid = models.PositiveIntegerField("IPEDS unit ID", unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, db_index=True)
    zip_code = models.CharField("ZIP code", max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    website = models.URLField(max_length=300, blank=True)
    net_price_calculator_url = models.URLField(max_length=300, blank=True)
    sector = models.CharField(max_length=20, choices=Sector, db_index=True)
    sector_detail = models.CharField(
        max_length=100, blank=True, help_text="IPEDS sector, e.g. 'Public, 2-year'."
    )
    locale = models.CharField(max_length=60, blank=True)
    # Institution-wide flags from IPEDS IC; None means the school did not report.
    distance_education = models.BooleanField(
        null=True, help_text="Offers undergraduate programs by distance education."
    )
    all_programs_distance = models.BooleanField(
        null=True, help_text="All programs are offered completely by distance education."
    )
    open_admission = models.BooleanField(null=True)
    evening_weekend = models.BooleanField("evening or weekend classes", null=True)
    federal_aid_eligible = models.BooleanField(
        null=True, help_text="Takes part in federal student aid (Title IV)."
    )
    tuition_in_state_per_year = models.PositiveIntegerField(null=True, blank=True)
    tuition_out_of_state_per_year = models.PositiveIntegerField(null=True, blank=True)
    data_source = models.CharField(max_length=60, default=IPEDS_SOURCE)
    data_year = models.CharField(max_length=9, default="2023-24")
    last_verified = models.DateField(null=True, blank=True)
    web_domain = models.CharField(
        "web domain",
        max_length=253,
        blank=True,
        db_index=True,
        help_text="The registrable domain of the school's website as federal data lists it. "
        "Work addresses there may represent the school unless other schools share the domain. "
        "A visitor's correction to the website never changes it.",
    )
    field_sources = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Where a field's value came from when not the data source (core/provenance.py).",
    )
    imported_values = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Field values as the last import wrote them; a field that differs was edited.",
    )
    # What site search finds a school by (search/postgres.py), kept by the database itself and
    # indexed for trigram and full-text search on PostgreSQL (migration 0012).
    search_place = models.GeneratedField(
        expression=Concat("name", Value(" "), "city"),
        output_field=models.CharField(max_length=301),
        db_persist=True,
    )

    # The values the public pages show, each labelled with where it comes from.
    sourced_fields = [
        "name", "address", "city", "state", "zip_code", "latitude", "longitude", "website",
        "net_price_calculator_url", "sector", "sector_detail", "locale", "distance_education",
        "all_programs_distance", "open_admission", "evening_weekend", "federal_aid_eligible",
        "tuition_in_state_per_year", "tuition_out_of_state_per_year",
    ]  # fmt: skip
    sourced_m2m = []

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_place"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # The listing's default order, and its "near a ZIP code" bounding box.
            models.Index(fields=["name", "id"], name="school_name_order"),
            models.Index(fields=["latitude", "longitude"], name="school_location"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city}, {self.state})"

    def get_absolute_url(self):
        return reverse("programs:school_detail", kwargs={"unitid": self.unitid, "slug": self.slug})


class Program(ChoiceLabels, models.Model):
    class LengthUnit(models.TextChoices):
        CLOCK_HOURS = "clock-hours", _("clock hours")
        CREDIT_HOURS = "credit-hours", _("credit hours")

    class CostGap(models.TextChoices):
        """Why a whole-program cost is missing."""

        NOT_REPORTED = "not-reported", _("not reported to IPEDS for this program")
        SEVERAL_CREDENTIALS = (
            "several-credentials",
            _("reported for the field, not this credential"),
        )

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="programs")
    career = models.ForeignKey(Career, on_delete=models.PROTECT, related_name="programs")
    cip_code = models.CharField("CIP code", max_length=7, db_index=True)
    cip_title = models.CharField("CIP title", max_length=200)
    credential_level = models.CharField(max_length=30, choices=CredentialLevel, db_index=True)
    length = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    length_unit = models.CharField(max_length=20, choices=LengthUnit, blank=True)
    months_to_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    tuition_and_fees = models.PositiveIntegerField(
        "tuition and fees (whole program)", null=True, blank=True
    )
    books_and_supplies = models.PositiveIntegerField(
        "books and supplies (whole program)", null=True, blank=True
    )
    total_cost = models.GeneratedField(
        expression=models.F("tuition_and_fees") + Coalesce("books_and_supplies", 0),
        output_field=models.PositiveIntegerField(null=True),
        db_persist=True,
    )
    cost_gap = models.CharField(
        max_length=30,
        choices=CostGap,
        blank=True,
        help_text="Why the whole-program cost is missing, when it is.",
    )
    graduates_per_year = models.PositiveIntegerField(
        null=True, blank=True, help_text="Awards conferred in the data year."
    )
    graduates_by_year = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Awards per academic year, 2019-20 to 2023-24 (IPEDS Completions); a year the "
        "school reported nothing for the program is absent.",
    )
    outcome_flag = models.CharField(
        max_length=12, choices=OutcomeFlag.CHOICES, blank=True, editable=False
    )
    certifications = models.ManyToManyField(
        Certification,
        blank=True,
        related_name="programs",
        verbose_name="prepares for",
        help_text="Kept by programs/certifications.py: the certifications of the program's career "
        "with a training route.",
    )
    # Programmatic accreditation: not in federal data. Shown only once an editor verifies it.
    accreditor = models.CharField(
        "programmatic accreditor", max_length=12, choices=Accreditor, blank=True
    )
    accreditation_evidence = models.URLField(
        "accreditation evidence",
        max_length=300,
        blank=True,
        help_text="The accreditor's directory page (or the board's list) that names this program.",
    )
    accreditation_verified_on = models.DateField(
        "accreditation verified on",
        null=True,
        blank=True,
        help_text="Set by an editor who has seen the evidence; until then the site shows nothing.",
    )
    # Record-quality rules (programs/quality.py).
    held_back = models.BooleanField(
        default=False,
        db_index=True,
        editable=False,
        help_text="A record-quality rule keeps it out of public pages.",
    )
    shown_despite_rules = models.BooleanField(
        default=False,
        help_text="An editor checked this record and found it real: public whatever the rules.",
    )
    status = models.CharField(
        max_length=10, choices=PublishStatus, default=PublishStatus.PUBLISHED, db_index=True
    )
    data_source = models.CharField(max_length=60, default=IPEDS_SOURCE)
    data_year = models.CharField(max_length=9, default="2023-24")
    last_verified = models.DateField(null=True, blank=True)
    missing_from_source = models.BooleanField(
        default=False,
        help_text="The latest IPEDS import no longer has this program: review it, don't delete.",
    )
    # Facts IPEDS does not collect, reported by the school and reviewed by an editor.
    cost_includes = models.TextField("what the cost includes", blank=True, max_length=2000)
    offers_day = models.BooleanField("day classes", null=True, blank=True)
    offers_evening = models.BooleanField("evening classes", null=True, blank=True)
    offers_weekend = models.BooleanField("weekend classes", null=True, blank=True)
    delivery_format = models.CharField(max_length=10, choices=DeliveryFormat, blank=True)
    externship_hours = models.PositiveIntegerField(
        "externship or clinical hours", null=True, blank=True
    )
    admission_requirements = models.TextField(blank=True, max_length=2000)
    program_url = models.URLField("program web page", max_length=300, blank=True)
    is_offered = models.BooleanField(
        default=True, help_text="False once the school says it no longer offers the program."
    )
    field_sources = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Where a field's value came from when not the data source (core/provenance.py).",
    )
    imported_values = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Field values as the last import wrote them; a field that differs was edited.",
    )

    sourced_fields = [
        "career_id", "cip_code", "cip_title", "credential_level", "length", "length_unit",
        "months_to_complete", "tuition_and_fees", "books_and_supplies", "cost_gap",
        "graduates_per_year", "graduates_by_year", "cost_includes", "offers_day",
        "offers_evening", "offers_weekend",
        "delivery_format", "externship_hours", "admission_requirements", "program_url",
        "is_offered", "accreditor", "accreditation_evidence", "accreditation_verified_on",
        "shown_despite_rules",
    ]  # fmt: skip
    sourced_m2m = ["certifications"]

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["total_cost"])

    class Meta:
        ordering = ["school__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "cip_code", "credential_level"],
                name="unique_program_per_school_cip_level",
            )
        ]
        # The listing reads published programs only: one partial index per sort (each ends in
        # the primary key, as the orderings do), which also serve the "up to" filters.
        indexes = [
            models.Index(
                fields=["school", "cip_title", "credential_level", "id"],
                condition=PUBLISHED,
                name="program_pub_by_school",
            ),
            models.Index(fields=["total_cost", "id"], condition=PUBLISHED, name="program_pub_cost"),
            models.Index(
                fields=["months_to_complete", "id"], condition=PUBLISHED, name="program_pub_length"
            ),
            models.Index(
                GRADUATES_SORT_KEY.desc(),
                F("id"),
                condition=PUBLISHED,
                name="program_pub_graduates",
            ),
            models.Index(
                fields=["career", "credential_level"],
                condition=PUBLISHED,
                name="program_pub_career",
            ),
        ]

    def __str__(self):
        return f"{self.cip_title_clean} — {self.get_credential_level_display()}, {self.school.name}"

    def get_absolute_url(self):
        return reverse("programs:program_detail", kwargs={"pk": self.pk})

    @cached_property
    def cost(self):
        """What it costs and on what basis (programs/costs.py)."""
        return cost_of(self)

    @cached_property
    def outcomes(self):
        """Its graduates over five years and their flag (programs/outcomes.py)."""
        return GraduateOutcomes.of(self)

    def clean(self):
        """An editor changing graduates_per_year (in the admin, or applying a correction)
        changes the five-year record's 2023-24 count and its flag with it."""
        record = with_latest(self.graduates_by_year or {}, self.graduates_per_year)
        self.graduates_by_year, self.outcome_flag = record, GraduateOutcomes(record).flag

    @property
    def accreditation_is_verified(self) -> bool:
        return bool(self.accreditor and self.accreditation_verified_on)

    @property
    def cip_title_clean(self):
        return self.cip_title.rstrip(".")

    @property
    def title(self):
        return f"{self.career.title} — {self.get_credential_level_display()}"


class RecordRule(models.Model):
    """A record-quality rule: federal records of these award levels (in these careers, or in
    any career when none is named) are implausible and held back from public pages."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    name_es = models.CharField("name (Spanish)", max_length=200, blank=True)
    careers = models.ManyToManyField(
        Career, blank=True, help_text="Leave empty for a rule that applies to every career."
    )
    credential_levels = models.JSONField(
        help_text='Award levels the rule holds back, e.g. ["master", "post-master-certificate"].'
    )
    reason = models.TextField(help_text="Why, in plain words: shown on the public page.")
    reason_es = models.TextField("reason (Spanish)", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.credential_levels or []) - set(CredentialLevel.values)
        if not isinstance(self.credential_levels, list) or not self.credential_levels or unknown:
            levels = ", ".join(CredentialLevel.values)
            raise ValidationError({"credential_levels": f"A list of award levels from: {levels}."})

    def credential_labels(self):
        return [CredentialLevel(level).label for level in self.credential_levels]
