"""The JSON of a program (the program search and /api/v1/programs/{id}/): cost and its basis,
length, credential, graduates over five years and their flag, the school's flags, sources and
years, verification dates. Labels in English, as the rest of the API (serializers.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.models import Accreditor
from programs.costs import cost_of
from programs.models import CredentialLevel, DeliveryFormat, Program, Sector
from programs.outcomes import SOURCE as GRADUATES_SOURCE
from programs.outcomes import GraduateOutcomes, OutcomeFlag

from .serializers import (
    ChoiceSerializer,
    SchoolFlagsSerializer,
    SourcedFieldSerializer,
    absolute,
    choice,
    field_sources,
    number,
)

# Fields whose provenance is never public: an editor's own switch.
PRIVATE_SOURCES = {"shown_despite_rules"}
ACCREDITATION_FIELDS = {"accreditor", "accreditation_evidence", "accreditation_verified_on"}


class ProgramCareerSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class ProgramSchoolSerializer(serializers.Serializer):
    unitid = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    sector = serializers.SerializerMethodField()
    flags = SchoolFlagsSerializer(source="*")

    @extend_schema_field(ChoiceSerializer)
    def get_sector(self, school):
        return choice(Sector, school.sector)


class LengthSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    unit = ChoiceSerializer(allow_null=True)
    months_to_complete = serializers.IntegerField(allow_null=True)


class CostSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=["whole-program", "school-year", "not-reported"])
    basis_label = serializers.CharField()
    whole_program = serializers.IntegerField(allow_null=True)
    tuition_and_fees = serializers.IntegerField(allow_null=True)
    books_and_supplies = serializers.IntegerField(allow_null=True)
    in_state_per_year = serializers.IntegerField(allow_null=True)
    out_of_state_per_year = serializers.IntegerField(allow_null=True)
    gap = ChoiceSerializer(allow_null=True, help_text="Why the whole-program cost is missing.")
    why_not_reported = serializers.CharField()
    includes = serializers.CharField(help_text="What the cost includes, as the school says.")


class YearCountSerializer(serializers.Serializer):
    year = serializers.CharField()
    graduates = serializers.IntegerField(allow_null=True)


class FlagSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    advice = serializers.CharField()


class GraduatesSerializer(serializers.Serializer):
    source = serializers.CharField()
    latest_year = serializers.CharField()
    latest = serializers.IntegerField(allow_null=True)
    by_year = YearCountSerializer(many=True)
    trend = serializers.CharField()
    flag = FlagSerializer(allow_null=True)


class ScheduleSerializer(serializers.Serializer):
    day = serializers.BooleanField(allow_null=True)
    evening = serializers.BooleanField(allow_null=True)
    weekend = serializers.BooleanField(allow_null=True)


class AccreditationSerializer(serializers.Serializer):
    accreditor = ChoiceSerializer()
    evidence_url = serializers.CharField()
    verified_on = serializers.DateField()


class ProgramCertificationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    abbreviation = serializers.CharField()
    name = serializers.CharField()


class SourcesSerializer(serializers.Serializer):
    data_source = serializers.CharField()
    data_year = serializers.CharField()
    fields = serializers.DictField(child=SourcedFieldSerializer())


def cost_json(program):
    cost = cost_of(program)
    return {
        "basis": cost.basis.value,
        "basis_label": str(cost.basis.label),
        "whole_program": cost.whole_program,
        "tuition_and_fees": cost.tuition_and_fees,
        "books_and_supplies": cost.books_and_supplies,
        "in_state_per_year": cost.in_state_per_year,
        "out_of_state_per_year": cost.out_of_state_per_year,
        "gap": choice(Program.CostGap, program.cost_gap) if cost.whole_program is None else None,
        "why_not_reported": str(cost.why_not_reported),
        "includes": program.cost_includes,
    }


def graduates_json(program):
    outcomes = GraduateOutcomes.of(program)
    flag = outcomes.flag
    return {
        "source": str(GRADUATES_SOURCE),
        "latest_year": outcomes.latest_year,
        "latest": outcomes.latest,
        "by_year": [{"year": c.year, "graduates": c.graduates} for c in outcomes.years],
        "trend": outcomes.trend,
        "flag": {
            "value": flag,
            "label": str(dict(OutcomeFlag.CHOICES)[flag]),
            "advice": str(outcomes.advice),
        }
        if flag
        else None,
    }


class ProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The program's page on the site.")
    title = serializers.SerializerMethodField()
    career = ProgramCareerSerializer()
    school = ProgramSchoolSerializer()
    cip_code = serializers.CharField(help_text="Classification of Instructional Programs code.")
    cip_title = serializers.CharField(source="cip_title_clean")
    credential = serializers.SerializerMethodField()
    length = serializers.SerializerMethodField()
    cost = serializers.SerializerMethodField()
    graduates = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    delivery_format = serializers.SerializerMethodField()
    externship_hours = serializers.IntegerField(allow_null=True)
    admission_requirements = serializers.CharField()
    program_url = serializers.CharField()
    is_offered = serializers.BooleanField()
    accreditation = serializers.SerializerMethodField(help_text="Only once an editor verified it.")
    certifications = ProgramCertificationSerializer(many=True, source="certifications.all")
    distance_miles = serializers.SerializerMethodField(
        help_text="From the ZIP code searched around (search with `zip` only), else null."
    )
    sources = serializers.SerializerMethodField()
    last_verified = serializers.DateField(allow_null=True, help_text="Last verified by an editor.")

    def get_url(self, program) -> str:
        return absolute(self.context.get("request"), program.get_absolute_url())

    def get_title(self, program) -> str:
        return f"{program.career.title} — {CredentialLevel(program.credential_level).label}"

    @extend_schema_field(ChoiceSerializer)
    def get_credential(self, program):
        return choice(CredentialLevel, program.credential_level)

    @extend_schema_field(LengthSerializer)
    def get_length(self, program):
        return {
            "value": number(program.length),
            "unit": choice(Program.LengthUnit, program.length_unit) if program.length else None,
            "months_to_complete": program.months_to_complete,
        }

    @extend_schema_field(CostSerializer)
    def get_cost(self, program):
        return cost_json(program)

    @extend_schema_field(GraduatesSerializer)
    def get_graduates(self, program):
        return graduates_json(program)

    @extend_schema_field(ScheduleSerializer)
    def get_schedule(self, program):
        return {
            "day": program.offers_day,
            "evening": program.offers_evening,
            "weekend": program.offers_weekend,
        }

    @extend_schema_field(ChoiceSerializer(allow_null=True))
    def get_delivery_format(self, program):
        return choice(DeliveryFormat, program.delivery_format)

    @extend_schema_field(AccreditationSerializer(allow_null=True))
    def get_accreditation(self, program):
        if not program.accreditation_is_verified:
            return None
        return {
            "accreditor": choice(Accreditor, program.accreditor),
            "evidence_url": program.accreditation_evidence,
            "verified_on": program.accreditation_verified_on.isoformat(),
        }

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, program) -> float | None:
        distance = getattr(program, "distance_miles", None)
        return None if distance is None else round(distance, 2)

    @extend_schema_field(SourcesSerializer)
    def get_sources(self, program):
        shown = set(program.sourced_fields) - PRIVATE_SOURCES
        if not program.accreditation_is_verified:
            shown -= ACCREDITATION_FIELDS
        return {
            "data_source": program.data_source,
            "data_year": program.data_year,
            "fields": field_sources(program, shown),
        }
