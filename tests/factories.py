import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from careers.models import (
    Career,
    Certification,
    CertificationRoute,
    GuideSection,
    Organization,
    Projection,
    PublishStatus,
    WageEstimate,
    ZipCode,
)
from core.domains import registrable_domain
from corrections.models import Correction
from programs.models import CredentialLevel, Program, School, Sector
from programs.outcomes import GraduateOutcomes, with_latest


class CareerFactory(DjangoModelFactory):
    class Meta:
        model = Career
        django_get_or_create = ["slug"]

    slug = "medical-assistant"
    title = "Medical Assistant"
    soc_code = "31-9092"
    cip_codes = ["51.0801"]
    summary = "Medical assistants help run clinics."
    status = PublishStatus.PUBLISHED


class GuideSectionFactory(DjangoModelFactory):
    class Meta:
        model = GuideSection

    career = factory.SubFactory(CareerFactory)
    key = GuideSection.Key.WHAT_THEY_DO
    heading = factory.LazyAttribute(lambda o: GuideSection.Key(o.key).label)
    body = factory.LazyAttribute(lambda o: f"Body of the {o.key} section.")
    published_heading = factory.SelfAttribute("heading")
    published_body = factory.SelfAttribute("body")
    published_at = factory.LazyFunction(timezone.now)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    slug = "aama"
    name = "American Association of Medical Assistants"
    abbreviation = "AAMA"
    kind = Organization.Kind.BOTH
    website = "https://www.aama-ntl.org/"


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification
        django_get_or_create = ["slug"]

    slug = "cma-aama"
    name = "Certified Medical Assistant"
    abbreviation = "CMA (AAMA)"
    organization = factory.SubFactory(OrganizationFactory)
    website = "https://www.aama-ntl.org/cma-aama-exam"


class CertificationRouteFactory(DjangoModelFactory):
    class Meta:
        model = CertificationRoute

    certification = factory.SubFactory(CertificationFactory)
    basis = CertificationRoute.Basis.TRAINING
    description = "Complete a medical assistant training program."
    source_url = factory.LazyAttribute(lambda o: o.certification.website)
    last_checked = datetime.date(2026, 11, 30)


class WageEstimateFactory(DjangoModelFactory):
    class Meta:
        model = WageEstimate

    soc_code = "31-9092"
    occupation_title = "Medical Assistants"
    area_type = WageEstimate.AreaType.NATIONAL
    area_code = "0000000"
    area_name = "National"
    employment = 800000
    hourly_median = "21.19"
    annual_p10 = 36000
    annual_p25 = 39000
    annual_median = 44070
    annual_p75 = 50000
    annual_p90 = 58000


class ProjectionFactory(DjangoModelFactory):
    class Meta:
        model = Projection

    soc_code = "31-9092"
    occupation_title = "Medical assistants"
    employment_2024 = "811.0"
    employment_2034 = "912.2"
    change_numeric = "101.2"
    change_percent = "12.5"
    annual_openings = "112.3"
    typical_education = "Postsecondary nondegree award"


class ZipCodeFactory(DjangoModelFactory):
    class Meta:
        model = ZipCode
        django_get_or_create = ["code"]

    code = "60601"
    city = "Chicago"
    state = "IL"
    latitude = 41.8858
    longitude = -87.6181
    cbsa_code = "16980"
    cbsa_name = "Chicago-Naperville-Elgin, IL-IN"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    unitid = factory.Sequence(lambda n: 100000 + n)
    name = factory.Sequence(lambda n: f"Test Career College {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    address = "1 Main Street"
    city = "Chicago"
    state = "IL"
    zip_code = "60601"
    latitude = 41.8858
    longitude = -87.6181
    website = "https://www.example.edu/"
    web_domain = factory.LazyAttribute(lambda o: registrable_domain(o.website))
    sector = Sector.PRIVATE_FOR_PROFIT
    federal_aid_eligible = True
    open_admission = True
    evening_weekend = True
    distance_education = False
    all_programs_distance = False


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    school = factory.SubFactory(SchoolFactory)
    career = factory.SubFactory(CareerFactory)
    cip_code = "51.0801"
    cip_title = "Medical/Clinical Assistant."
    credential_level = CredentialLevel.CERTIFICATE_UNDER_1_YEAR
    length = "720"
    length_unit = Program.LengthUnit.CLOCK_HOURS
    months_to_complete = 9
    tuition_and_fees = 15000
    books_and_supplies = 1200
    graduates_per_year = 40
    # As the import writes them: the five-year record's 2023-24 count is graduates_per_year.
    graduates_by_year = factory.LazyAttribute(lambda o: with_latest({}, o.graduates_per_year))
    outcome_flag = factory.LazyAttribute(lambda o: GraduateOutcomes(o.graduates_by_year).flag)


class CorrectionFactory(DjangoModelFactory):
    class Meta:
        model = Correction

    page_url = "/"
    field = "Tuition"
    proposed_value = "$14,500"


class StateWageFactory(WageEstimateFactory):
    area_type = WageEstimate.AreaType.STATE
    area_code = "1700000"
    area_name = "Illinois"
    state_fips = "17"
    states = "IL"
    annual_median = 47000


class MetroWageFactory(WageEstimateFactory):
    area_type = WageEstimate.AreaType.METRO
    area_code = "0016980"
    area_name = "Chicago-Naperville-Elgin, IL-IN"
    cbsa_code = "16980"
    state_fips = "17"
    states = "IL IN"
    annual_median = 47270
