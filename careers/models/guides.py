"""The career guides and what they cite: careers, their sections, certifications and the
organizations behind them. Editors write these; PublishStatus says what the public sees."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history import register

from core.markdown import render_markdown

from .figures import Projection, WageEstimate


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CareerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublishStatus.PUBLISHED)


class Career(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    title_es = models.CharField("title (Spanish)", max_length=120, blank=True)
    soc_code = models.CharField(
        "SOC code",
        max_length=7,
        help_text="BLS Standard Occupational Classification code whose pay and outlook the guide "
        "shows, e.g. 31-9092.",
    )
    cip_codes = models.JSONField(
        "CIP codes",
        default=list,
        help_text="Classification of Instructional Programs codes of the programs that train for "
        'this career, e.g. ["51.0801"].',
    )
    summary = models.TextField(help_text="One or two plain sentences shown on cards and in search.")
    summary_es = models.TextField("summary (Spanish)", blank=True)
    status = models.CharField(
        max_length=10, choices=PublishStatus, default=PublishStatus.DRAFT, db_index=True
    )
    order = models.PositiveSmallIntegerField(default=0)
    last_reviewed = models.DateField(null=True, blank=True)
    last_reviewed_es = models.DateField(
        "last reviewed (Spanish)",
        null=True,
        blank=True,
        help_text="When an editor last checked the Spanish guide against the English.",
    )
    state_regulator = models.CharField(
        max_length=200,
        blank=True,
        help_text="The kind of state office that sets the rules for this work, e.g. "
        '"the state\'s board of nursing". Shown on the state pages.',
    )
    state_regulator_es = models.CharField("state regulator (Spanish)", max_length=200, blank=True)
    pay_group_note = models.TextField(
        blank=True,
        help_text="When BLS publishes pay only for a wider group than this career, say so in a "
        "sentence; it is shown beside every pay figure.",
    )
    pay_group_note_es = models.TextField("pay group note (Spanish)", blank=True)
    leads_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="leads_from",
        help_text="Careers in this directory that this one often leads to.",
    )

    objects = CareerQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("careers:career_detail", kwargs={"slug": self.slug})

    @cached_property
    def national_wage(self):
        return WageEstimate.objects.national().filter(soc_code=self.soc_code).first()

    @cached_property
    def projection(self):
        return Projection.objects.filter(soc_code=self.soc_code).first()

    @property
    def with_article(self):
        """ "a Medical Assistant", "an EKG Technician"."""
        return f"{'an' if self.title[:1] in 'AEIOU' else 'a'} {self.title}"

    @property
    def onet_code(self):
        return f"{self.soc_code}.00"


class GuideSectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class GuideSection(models.Model):
    """A section of a career guide. Editors edit the working copy (`heading`, `body`); the
    public page shows the copy last published (`published_heading`, `published_body`), so an
    edit goes live only when an editor publishes it (careers/guides.py)."""

    class Key(models.TextChoices):
        WHAT_THEY_DO = "what_they_do", "What they do"
        WORK_SETTINGS = "work_settings", "Where they work"
        TRAINING = "training", "Training"
        PROGRAM_FORMATS = "program_formats", "Program formats and cost"
        CERTIFICATION = "certification", "Certification and licensure"
        STATE_RULES = "state_rules", "Rules by state"
        SKILLS = "skills", "Skills"
        STEPS = "steps", "Steps to get there"
        CAREER_PATHS = "career_paths", "Career paths"
        ASSOCIATIONS = "associations", "Professional associations"
        COMPARE_PROGRAMS = "compare_programs", "How to compare programs"
        QUESTIONS = "questions", "Questions to ask before enrolling"
        NEXT_STEPS = "next_steps", "Next steps"

    career = models.ForeignKey(Career, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(
        max_length=20,
        choices=Key,
        blank=True,
        help_text="Which standard part of the guide this is; leave empty for a section of your "
        "own (a guide has each standard part once).",
    )
    heading = models.CharField(max_length=120)
    body = models.TextField(help_text="Markdown: paragraphs, lists, ### sub-headings and links.")
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position in the guide; pay and outlook follow “Steps to get there”."
    )
    published_heading = models.CharField(max_length=120, blank=True, editable=False)
    published_body = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The Spanish beside the English: its own working and published copies, published together
    # with the English. Empty: the Spanish page says so and shows the English.
    heading_es = models.CharField("heading (Spanish)", max_length=120, blank=True)
    body_es = models.TextField("body (Spanish)", blank=True, help_text="Markdown, as the English.")
    published_heading_es = models.CharField(max_length=120, blank=True, editable=False)
    published_body_es = models.TextField(blank=True, editable=False)
    reviewed_es = models.DateField(
        "Spanish reviewed",
        null=True,
        blank=True,
        help_text="When an editor last checked this section's Spanish against its English.",
    )

    objects = GuideSectionQuerySet.as_manager()

    class Meta:
        ordering = ["career", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["career", "key"],
                condition=~models.Q(key=""),
                name="unique_section_per_career",
                violation_error_message="This guide already has that section: edit it instead, "
                "or leave “Key” empty for a section of your own.",
            )
        ]

    def __str__(self):
        return f"{self.career}: {self.heading}"

    @property
    def anchor(self):
        return self.key.replace("_", "-") if self.key else f"section-{self.pk}"

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def has_unpublished_edits(self):
        return (self.heading, self.body, self.heading_es, self.body_es) != (
            self.published_heading,
            self.published_body,
            self.published_heading_es,
            self.published_body_es,
        )

    @cached_property
    def body_html(self):
        return render_markdown(self.body)

    @cached_property
    def published_body_html(self):
        return render_markdown(self.published_body)

    @cached_property
    def body_es_html(self):
        return render_markdown(self.body_es)

    @cached_property
    def published_body_es_html(self):
        return render_markdown(self.published_body_es)


class Organization(models.Model):
    class Kind(models.TextChoices):
        CERTIFYING_BODY = "certifying_body", _("Certifying body")
        ASSOCIATION = "association", _("Professional association")
        BOTH = "both", _("Certifying body and association")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, choices=Kind)
    website = models.URLField()
    description = models.TextField(blank=True)
    description_es = models.TextField("description (Spanish)", blank=True)
    careers = models.ManyToManyField(Career, blank=True, related_name="organizations")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self):
        return f"{reverse('careers:organization_list')}#{self.slug}"


class Certification(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=40)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="certifications"
    )
    careers = models.ManyToManyField(Career, blank=True, related_name="certifications")
    what_it_shows = models.TextField(blank=True)
    what_it_shows_es = models.TextField("what it shows (Spanish)", blank=True)
    eligibility_summary = models.TextField(blank=True)
    eligibility_summary_es = models.TextField("eligibility summary (Spanish)", blank=True)
    renewal = models.TextField(blank=True, help_text="Leave empty where we are not sure.")
    renewal_es = models.TextField("renewal (Spanish)", blank=True)
    website = models.URLField()

    class Meta:
        ordering = ["abbreviation"]

    def __str__(self):
        return f"{self.abbreviation} — {self.name}"

    def get_absolute_url(self):
        return reverse("careers:certification_detail", kwargs={"slug": self.slug})


class Accreditor(models.TextChoices):
    """Bodies that accredit (or, for nursing, approve) training programs, as opposed to whole
    schools. Federal data records none of this: a program's accreditor is set by our editors
    once they have seen the evidence."""

    CAAHEP = "caahep", _("CAAHEP (Commission on Accreditation of Allied Health Education Programs)")
    ABHES = "abhes", _("ABHES (Accrediting Bureau of Health Education Schools)")
    NAACLS = "naacls", _("NAACLS (National Accrediting Agency for Clinical Laboratory Sciences)")
    ASHP_ACPE = "ashp-acpe", _("ASHP/ACPE (pharmacy technician programs)")
    ACEN = "acen", _("ACEN (Accreditation Commission for Education in Nursing)")
    CNEA = "cnea", _("NLN CNEA (Commission for Nursing Education Accreditation)")
    STATE_BOARD = "state-board", _("Approved by the state's board of nursing")


class CertificationRoute(models.Model):
    """One way to become eligible for a certification's exam, in our words, from the awarding
    body's own page (`source_url`), with the date an editor last checked it there."""

    class Basis(models.TextChoices):
        TRAINING = "training", _("Completing a training program")
        EXPERIENCE = "experience", _("Work experience")
        MILITARY = "military", _("Military training")
        OTHER = "other", _("Another route")

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="routes"
    )
    basis = models.CharField(max_length=12, choices=Basis)
    description = models.TextField(
        help_text="The route in plain words; the body's page has the rules."
    )
    description_es = models.TextField("description (Spanish)", blank=True)
    accreditors = models.JSONField(
        default=list,
        blank=True,
        help_text="For a training route that needs the program itself accredited: the accreditors "
        'that count, e.g. ["caahep", "abhes"]. Empty: any training program the body accepts.',
    )
    source_url = models.URLField("source (the awarding body's page)")
    last_checked = models.DateField(help_text="When an editor last checked the route there.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["certification", "order", "pk"]

    def __str__(self):
        return f"{self.certification.abbreviation}: {self.get_basis_display()}"

    def clean(self):
        unknown = set(self.accreditors) - set(Accreditor.values)
        if unknown:
            raise ValidationError(
                {"accreditors": f"Unknown accreditor(s): {', '.join(sorted(unknown))}."}
            )

    @property
    def needs_accreditation(self) -> bool:
        return self.basis == self.Basis.TRAINING and bool(self.accreditors)

    def accreditor_names(self) -> list[str]:
        return [Accreditor(code).label.split(" (")[0] for code in self.accreditors]


# Each edit is kept (`Career.history` ...). Registered here rather than as a class attribute so
# that the history models live in careers.models, where Django's shell and pickle look for them
# (declared in a models package, simple_history would put them in the module `careers`).
register(Career, app="careers")
register(GuideSection, app="careers")
register(Organization, app="careers")
register(Certification, app="careers")
register(CertificationRoute, app="careers")
