"""The API's JSON: what each record shows publicly, labels in English (the views render under
translation.override("en")). Read-only; never drafts, held-back records or anything personal.
Pay and outlook come in the serializer context (`wages`, `projections`: {SOC code: row}), read
once per page by the view."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.models import Accreditor, Organization, Projection, PublishStatus, WageEstimate
from careers.models import CertificationRoute as Route
from core.geography import state_name
from core.provenance import source_label
from programs.models import CredentialLevel, Sector


def choice(enum, value):
    """{"value": "associate", "label": "Associate degree"}, or None for no value."""
    if value in (None, ""):
        return None
    try:
        return {"value": value, "label": str(enum(value).label)}
    except ValueError:
        return {"value": value, "label": value}


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def number(value):
    return None if value is None else float(value)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class SourcedFieldSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["editor", "correction", "school", "import"])
    date = serializers.DateField(allow_null=True)
    label = serializers.CharField()


def field_sources(obj, shown) -> dict:
    """Where each value that no longer comes from the data source now comes from."""
    return {
        name: {
            "source": entry.get("source"),
            "date": entry.get("date"),
            "label": source_label(obj, name),
        }
        for name, entry in sorted((obj.field_sources or {}).items())
        if name in shown and isinstance(entry, dict)
    }


# Careers


class PaySerializer(serializers.Serializer):
    source = serializers.CharField()
    period = serializers.CharField()
    area = serializers.CharField()
    annual_median = serializers.IntegerField(allow_null=True)
    annual_mean = serializers.IntegerField(allow_null=True)
    annual_p10 = serializers.IntegerField(allow_null=True)
    annual_p25 = serializers.IntegerField(allow_null=True)
    annual_p75 = serializers.IntegerField(allow_null=True)
    annual_p90 = serializers.IntegerField(allow_null=True)
    hourly_median = serializers.FloatField(allow_null=True)
    employment = serializers.IntegerField(allow_null=True)
    group_note = serializers.CharField(help_text="When BLS publishes pay only for a wider group.")


class OutlookSerializer(serializers.Serializer):
    source = serializers.CharField()
    period = serializers.CharField()
    employment_2024_thousands = serializers.FloatField()
    employment_2034_thousands = serializers.FloatField()
    change_thousands = serializers.FloatField()
    change_percent = serializers.FloatField()
    annual_openings_thousands = serializers.FloatField()
    typical_education = serializers.CharField()
    work_experience = serializers.CharField()
    on_the_job_training = serializers.CharField()


WAGE_FIGURES = [
    "annual_median", "annual_mean", "annual_p10", "annual_p25", "annual_p75", "annual_p90",
    "employment",
]  # fmt: skip


def pay_of(career, wage):
    if wage is None:
        return None
    return {
        "source": WageEstimate.SOURCE,
        "period": str(WageEstimate.PERIOD),
        "area": wage.area_name,
        **{name: getattr(wage, name) for name in WAGE_FIGURES},
        "hourly_median": number(wage.hourly_median),
        "group_note": career.pay_group_note,
    }


def outlook_of(projection):
    if projection is None:
        return None
    return {
        "source": Projection.SOURCE,
        "period": Projection.PERIOD,
        "employment_2024_thousands": float(projection.employment_2024),
        "employment_2034_thousands": float(projection.employment_2034),
        "change_thousands": float(projection.change_numeric),
        "change_percent": float(projection.change_percent),
        "annual_openings_thousands": float(projection.annual_openings),
        "typical_education": projection.typical_education,
        "work_experience": projection.work_experience,
        "on_the_job_training": projection.on_the_job_training,
    }


class CareerSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The career guide on the site.")
    summary = serializers.CharField()
    soc_code = serializers.CharField(help_text="BLS Standard Occupational Classification code.")
    cip_codes = serializers.ListField(child=serializers.CharField())
    state_regulator = serializers.CharField()
    last_reviewed = serializers.DateField(allow_null=True)
    certifications = serializers.SerializerMethodField()
    pay = serializers.SerializerMethodField(help_text="National pay (BLS OEWS), or null.")
    outlook = serializers.SerializerMethodField(help_text="BLS Employment Projections, or null.")

    def get_url(self, career) -> str:
        return absolute(self.context.get("request"), career.get_absolute_url())

    def get_certifications(self, career) -> list[str]:
        return [certification.slug for certification in career.certifications.all()]

    @extend_schema_field(PaySerializer(allow_null=True))
    def get_pay(self, career):
        return pay_of(career, self.context.get("wages", {}).get(career.soc_code))

    @extend_schema_field(OutlookSerializer(allow_null=True))
    def get_outlook(self, career):
        return outlook_of(self.context.get("projections", {}).get(career.soc_code))


# Certifications


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    abbreviation = serializers.CharField()
    kind = serializers.SerializerMethodField()
    website = serializers.URLField()

    @extend_schema_field(ChoiceSerializer)
    def get_kind(self, organization):
        return choice(Organization.Kind, organization.kind)


class AccreditorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RouteSerializer(serializers.Serializer):
    basis = serializers.SerializerMethodField()
    description = serializers.CharField()
    accreditors = serializers.SerializerMethodField(
        help_text="For a training route: the program accreditations that count (empty: any)."
    )
    source_url = serializers.URLField(help_text="The awarding body's page.")
    last_checked = serializers.DateField(help_text="When an editor last checked it there.")

    @extend_schema_field(ChoiceSerializer)
    def get_basis(self, route):
        return choice(Route.Basis, route.basis)

    @extend_schema_field(AccreditorSerializer(many=True))
    def get_accreditors(self, route):
        return [{"code": code, "name": str(Accreditor(code).label)} for code in route.accreditors]


class CertificationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    abbreviation = serializers.CharField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    website = serializers.URLField()
    organization = OrganizationSerializer(help_text="The awarding organization.")
    careers = serializers.SerializerMethodField(help_text="Slugs of the published careers.")
    what_it_shows = serializers.CharField()
    eligibility_summary = serializers.CharField()
    renewal = serializers.CharField()
    routes = RouteSerializer(many=True, source="routes.all")

    def get_url(self, certification) -> str:
        return absolute(self.context.get("request"), certification.get_absolute_url())

    def get_careers(self, certification) -> list[str]:
        return [c.slug for c in certification.careers.all() if c.status == PublishStatus.PUBLISHED]


# Schools


class SchoolFlagsSerializer(serializers.Serializer):
    distance_education = serializers.BooleanField(allow_null=True)
    all_programs_distance = serializers.BooleanField(allow_null=True)
    evening_weekend = serializers.BooleanField(allow_null=True)
    open_admission = serializers.BooleanField(allow_null=True)
    federal_aid_eligible = serializers.BooleanField(allow_null=True)


class SchoolSerializer(serializers.Serializer):
    unitid = serializers.IntegerField(help_text="IPEDS unit ID.")
    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    address = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    state_name = serializers.SerializerMethodField()
    zip_code = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    website = serializers.CharField()
    net_price_calculator_url = serializers.CharField()
    sector = serializers.SerializerMethodField()
    sector_detail = serializers.CharField()
    locale = serializers.CharField()
    flags = SchoolFlagsSerializer(source="*", help_text="null: the school did not report.")
    tuition_in_state_per_year = serializers.IntegerField(allow_null=True)
    tuition_out_of_state_per_year = serializers.IntegerField(allow_null=True)
    data_source = serializers.CharField()
    data_year = serializers.CharField()
    last_verified = serializers.DateField(allow_null=True)
    field_sources = serializers.SerializerMethodField()

    def get_url(self, school) -> str:
        return absolute(self.context.get("request"), school.get_absolute_url())

    def get_state_name(self, school) -> str:
        return state_name(school.state)

    @extend_schema_field(ChoiceSerializer)
    def get_sector(self, school):
        return choice(Sector, school.sector)

    @extend_schema_field(serializers.DictField(child=SourcedFieldSerializer()))
    def get_field_sources(self, school):
        return field_sources(school, set(school.sourced_fields))


class SchoolProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    career = serializers.SlugField(source="career.slug")
    cip_title = serializers.CharField(source="cip_title_clean")
    credential = serializers.SerializerMethodField()

    def get_url(self, program) -> str:
        return absolute(self.context.get("request"), program.get_absolute_url())

    def get_api_url(self, program) -> str:
        return absolute(self.context.get("request"), f"/api/v1/programs/{program.pk}/")

    @extend_schema_field(ChoiceSerializer)
    def get_credential(self, program):
        return choice(CredentialLevel, program.credential_level)


class SchoolDetailSerializer(SchoolSerializer):
    programs = SchoolProgramSerializer(many=True, source="programs.all")
