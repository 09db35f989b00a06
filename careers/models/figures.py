"""Figures imported from public sources and shown in the guides: BLS wages and projections,
ZIP code locations, the CIP-SOC crosswalk and O*NET tasks, skills and technology."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WageEstimateQuerySet(models.QuerySet):
    def for_occupation(self, soc_code):
        return self.filter(soc_code=soc_code)

    def national(self):
        return self.filter(area_type=WageEstimate.AreaType.NATIONAL)

    def states(self):
        return self.filter(area_type=WageEstimate.AreaType.STATE)

    def for_state(self, state):
        return self.states().filter(states=state)

    def in_state(self, state):
        """Metro and nonmetro areas that lie (at least partly) in a state."""
        return self.filter(
            area_type__in=[WageEstimate.AreaType.METRO, WageEstimate.AreaType.NONMETRO],
            states__contains=state,
        )

    def for_metro(self, cbsa_code):
        return self.filter(area_type=WageEstimate.AreaType.METRO, cbsa_code=cbsa_code)


class WageEstimate(models.Model):
    """One BLS OEWS row: wages for an occupation in an area."""

    SOURCE = "BLS Occupational Employment and Wage Statistics (OEWS)"
    PERIOD = _("May 2025")  # the survey's reference month, in the page's language

    class AreaType(models.TextChoices):
        NATIONAL = "national", _("National")
        STATE = "state", _("State")
        METRO = "metro", _("Metropolitan area")
        NONMETRO = "nonmetro", "Nonmetropolitan area"

    soc_code = models.CharField(max_length=7)
    occupation_title = models.CharField(max_length=200)
    area_type = models.CharField(max_length=10, choices=AreaType)
    area_code = models.CharField(max_length=7)
    area_name = models.CharField(max_length=200)
    state_fips = models.CharField(max_length=2, blank=True)
    states = models.CharField(
        max_length=30,
        blank=True,
        db_index=True,
        help_text="Postal codes of the states the area lies in, space-separated.",
    )
    cbsa_code = models.CharField(max_length=5, blank=True, db_index=True)
    employment = models.PositiveIntegerField(null=True, blank=True)
    hourly_mean = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    annual_mean = models.PositiveIntegerField(null=True, blank=True)
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    annual_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_p25 = models.PositiveIntegerField(null=True, blank=True)
    annual_median = models.PositiveIntegerField(null=True, blank=True)
    annual_p75 = models.PositiveIntegerField(null=True, blank=True)
    annual_p90 = models.PositiveIntegerField(null=True, blank=True)
    footnote_codes = models.CharField(max_length=40, blank=True)

    objects = WageEstimateQuerySet.as_manager()

    class Meta:
        ordering = ["soc_code", "area_type", "area_name"]
        constraints = [
            models.UniqueConstraint(fields=["soc_code", "area_code"], name="unique_wage_per_area")
        ]

    def __str__(self):
        return f"{self.occupation_title}, {self.area_name}"


class Projection(models.Model):
    """BLS Employment Projections 2024-34 for one occupation (national only)."""

    SOURCE = "BLS Employment Projections"
    PERIOD = "2024–34"

    soc_code = models.CharField(max_length=7, unique=True)
    occupation_title = models.CharField(max_length=200)
    employment_2024 = models.DecimalField(
        max_digits=9, decimal_places=1, help_text="Thousands of jobs, as BLS publishes it."
    )
    employment_2034 = models.DecimalField(max_digits=9, decimal_places=1)
    change_numeric = models.DecimalField(max_digits=9, decimal_places=1)
    change_percent = models.DecimalField(max_digits=5, decimal_places=1)
    annual_openings = models.DecimalField(
        max_digits=9, decimal_places=1, help_text="Thousands a year, average over 2024-34."
    )
    typical_education = models.CharField(max_length=100, blank=True)
    work_experience = models.CharField(max_length=100, blank=True)
    on_the_job_training = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["soc_code"]

    def __str__(self):
        return f"{self.occupation_title} projections {self.PERIOD}"


class ZipCode(models.Model):
    """A ZIP code's centre point and metro area (Census Gazetteer, OMB CBSA, GeoNames)."""

    code = models.CharField(max_length=5, primary_key=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    cbsa_code = models.CharField(max_length=5, blank=True)
    cbsa_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "ZIP code"

    def __str__(self):
        return f"{self.code} {self.city}, {self.state}"


class CipSocLink(models.Model):
    """One row of the NCES/BLS CIP 2020 to SOC 2018 crosswalk: a field of study and a job."""

    cip_code = models.CharField("CIP code", max_length=7, db_index=True)
    cip_title = models.CharField("CIP title", max_length=200)
    soc_code = models.CharField("SOC code", max_length=7, db_index=True)
    soc_title = models.CharField("SOC title", max_length=200)

    class Meta:
        ordering = ["cip_code", "soc_code"]
        verbose_name = "CIP-SOC crosswalk link"
        constraints = [
            models.UniqueConstraint(fields=["cip_code", "soc_code"], name="unique_cip_soc_link")
        ]

    def __str__(self):
        return f"{self.cip_code} → {self.soc_code}"


class OnetTask(models.Model):
    """An O*NET 29.3 task statement (CC BY 4.0, USDOL/ETA)."""

    onet_code = models.CharField("O*NET-SOC code", max_length=10, db_index=True)
    task_id = models.PositiveIntegerField()
    statement = models.TextField()
    is_core = models.BooleanField(help_text="O*NET rates it a core task of the occupation.")
    order = models.PositiveSmallIntegerField(help_text="Position in O*NET's list.")

    class Meta:
        ordering = ["onet_code", "order"]
        verbose_name = "O*NET task"
        constraints = [
            models.UniqueConstraint(fields=["onet_code", "task_id"], name="unique_onet_task")
        ]

    def __str__(self):
        return self.statement


class OnetSkill(models.Model):
    """An O*NET 29.3 skill rating: importance 1-5 and level 0-7 (CC BY 4.0, USDOL/ETA)."""

    onet_code = models.CharField("O*NET-SOC code", max_length=10, db_index=True)
    element_id = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    importance = models.DecimalField(max_digits=3, decimal_places=2)
    level = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["onet_code", "-importance", "name"]
        verbose_name = "O*NET skill"
        constraints = [
            models.UniqueConstraint(fields=["onet_code", "element_id"], name="unique_onet_skill")
        ]

    def __str__(self):
        return self.name


class OnetTechnology(models.Model):
    """An example of software used on the job, from O*NET 29.3 (CC BY 4.0, USDOL/ETA)."""

    onet_code = models.CharField("O*NET-SOC code", max_length=10, db_index=True)
    example = models.CharField(max_length=200)
    category = models.CharField(max_length=200)
    hot_technology = models.BooleanField(default=False)
    in_demand = models.BooleanField(default=False)

    class Meta:
        ordering = ["onet_code", "-in_demand", "-hot_technology", "category", "example"]
        verbose_name = "O*NET technology example"
        verbose_name_plural = "O*NET technology examples"
        constraints = [
            models.UniqueConstraint(fields=["onet_code", "example"], name="unique_onet_technology")
        ]

    def __str__(self):
        return self.example
