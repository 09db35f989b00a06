import pytest

from careers.models import PublishStatus
from programs.models import CredentialLevel, Program, Sector

from .factories import CareerFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_published_leaves_out_drafts():
    shown = ProgramFactory()
    ProgramFactory(status=PublishStatus.DRAFT)
    assert list(Program.objects.published()) == [shown]


def test_in_state_with_credential_and_in_sector_combine():
    match = ProgramFactory(
        school=SchoolFactory(state="CA", sector=Sector.PUBLIC),
        credential_level=CredentialLevel.ASSOCIATE,
    )
    ProgramFactory(school=SchoolFactory(state="CA", sector=Sector.PRIVATE_FOR_PROFIT))
    ProgramFactory(school=SchoolFactory(state="TX", sector=Sector.PUBLIC))
    found = (
        Program.objects.in_state("CA")
        .with_credential(CredentialLevel.ASSOCIATE)
        .in_sector(Sector.PUBLIC)
    )
    assert list(found) == [match]


def test_for_career():
    phlebotomy = CareerFactory(slug="phlebotomy-technician", title="Phlebotomy Technician")
    match = ProgramFactory(career=phlebotomy)
    ProgramFactory()
    assert list(Program.objects.for_career(phlebotomy)) == [match]


def test_total_cost_adds_books_and_treats_missing_books_as_unreported():
    both = ProgramFactory(tuition_and_fees=10000, books_and_supplies=500)
    tuition_only = ProgramFactory(tuition_and_fees=9000, books_and_supplies=None)
    unknown = ProgramFactory(tuition_and_fees=None, books_and_supplies=None)
    costs = dict(Program.objects.values_list("pk", "total_cost"))
    assert costs == {both.pk: 10500, tuition_only.pk: 9000, unknown.pk: None}


def test_costing_at_most_includes_the_limit_and_drops_unknown_costs():
    at_limit = ProgramFactory(tuition_and_fees=9000, books_and_supplies=1000)
    ProgramFactory(tuition_and_fees=9000, books_and_supplies=1001)
    ProgramFactory(tuition_and_fees=None)
    assert list(Program.objects.costing_at_most(10000)) == [at_limit]


# Known coordinates: Chicago Loop (60601); Evanston, IL is ~12 miles north; Milwaukee ~81 miles.
CHICAGO = (41.8858, -87.6181)


def test_near_finds_programs_within_the_radius_with_their_distance():
    evanston = ProgramFactory(school=SchoolFactory(latitude=42.0451, longitude=-87.6877))
    milwaukee = ProgramFactory(school=SchoolFactory(latitude=43.0389, longitude=-87.9065))
    ProgramFactory(school=SchoolFactory(latitude=None, longitude=None))

    within_25 = list(Program.objects.near(*CHICAGO, 25))
    assert within_25 == [evanston]
    assert within_25[0].distance_miles == pytest.approx(11.5, abs=0.5)

    within_100 = list(Program.objects.near(*CHICAGO, 100).by_distance())
    assert within_100 == [evanston, milwaukee]
    assert within_100[1].distance_miles == pytest.approx(81, abs=1.5)


def test_by_name_orders_by_school_then_breaks_ties_by_id():
    school_b = SchoolFactory(name="Bravo College")
    school_a = SchoolFactory(name="Alpha College")
    second = ProgramFactory(school=school_b)
    first = ProgramFactory(school=school_a)
    assert list(Program.objects.by_name()) == [first, second]


def test_programs_of_a_draft_career_are_not_public():
    draft_career = CareerFactory(slug="new-career", title="New Career", status=PublishStatus.DRAFT)
    ProgramFactory(career=draft_career)
    shown = ProgramFactory()
    assert list(Program.objects.published()) == [shown]
