"""Reading rules for schools and programs, each one a chainable QuerySet method."""

import math

from django.db import models
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import ASin, Coalesce, Cos, Power, Radians, Sin, Sqrt

from careers.models import PublishStatus

EARTH_RADIUS_MILES = 3958.8
# Graduates per year as a sort key, with unknown counts (-1) below every real count (0 or more).
# An expression rather than NULLS LAST so that SQLite can index it too.
GRADUATES_SORT_KEY = Coalesce("graduates_per_year", Value(-1))


def school_has(flag) -> Q:
    """The condition "the program's school has `flag`": a yes/no fact IPEDS records per school,
    such as offering distance education, not per program."""
    return Q(**{f"school__{flag}": True})


# The "up to" filters' figures: a program without one is an unknown, never a match by accident.
COST_FIELD = "total_cost"  # whole program, as the program reported it
YEARLY_TUITION_FIELD = "school__tuition_in_state_per_year"  # per year, school-wide, in-state
LENGTH_FIELD = "months_to_complete"


def at_most(field: str, limit, include_unknown=False) -> Q:
    """The condition "`field` is at most `limit`"; with `include_unknown`, "or not reported"."""
    condition = Q(**{f"{field}__lte": limit})
    return condition | unknown(field) if include_unknown else condition


def unknown(field: str) -> Q:
    return Q(**{f"{field}__isnull": True})


def costs_at_most(amount, include_unknown=False) -> Q:
    """The program's reported whole-program cost is at most `amount`."""
    return at_most(COST_FIELD, amount, include_unknown)


def yearly_tuition_at_most(amount, include_unknown=False) -> Q:
    """The school's in-state tuition and fees for a year are at most `amount`: a school-wide
    yearly figure, never compared with a whole-program cost."""
    return at_most(YEARLY_TUITION_FIELD, amount, include_unknown)


def lasts_at_most(months, include_unknown=False) -> Q:
    """The program is reported to take at most `months` months."""
    return at_most(LENGTH_FIELD, months, include_unknown)


class VerifiedQuerySet(models.QuerySet):
    def stale(self, cutoff):
        """Never verified by an editor, or last verified before `cutoff`."""
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))


class SchoolQuerySet(VerifiedQuerySet):
    def with_published_programs(self):
        programs = self.model._meta.get_field("programs").related_model.objects.published()
        return self.filter(pk__in=programs.values("school_id"))


class ProgramQuerySet(VerifiedQuerySet):
    def published(self):
        """Public programs: published themselves, their career's guide published too, and not
        held back by a record-quality rule (programs/quality.py)."""
        return self.filter(
            status=PublishStatus.PUBLISHED,
            career__status=PublishStatus.PUBLISHED,
            held_back=False,
        )

    def for_listing(self):
        """Published programs with what a card shows, in one query."""
        return self.published().select_related("school", "career")

    def for_career(self, career):
        return self.filter(career=career)

    def in_state(self, state):
        return self.filter(school__state=state)

    def with_credential(self, level):
        return self.filter(credential_level=level)

    def in_sector(self, sector):
        return self.filter(school__sector=sector)

    def at_schools_with(self, flag):
        """Programs at schools where the yes/no fact `flag` (a School field) is true."""
        return self.filter(school_has(flag))

    def preparing_for(self, certification):
        return self.filter(certifications=certification)

    def accredited_by(self, accreditors):
        """Programs whose accreditation by one of `accreditors` (Accreditor codes) an editor
        has verified."""
        return self.filter(accreditor__in=accreditors, accreditation_verified_on__isnull=False)

    def lasting_at_most(self, months, include_unknown=False):
        """Programs reported to take at most `months` months (and, if asked, those with no
        reported length)."""
        return self.filter(lasts_at_most(months, include_unknown))

    def matching(self, text):
        """Every word appears in the school's name or city, the career or the field of study."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(
                Q(school__name__icontains=word)
                | Q(school__city__icontains=word)
                | Q(career__title__icontains=word)
                | Q(cip_title__icontains=word)
            )
        return queryset

    def costing_at_most(self, amount, include_unknown=False):
        """Programs whose reported whole-program cost is at most `amount` (and, if asked, those
        with no reported whole-program cost)."""
        return self.filter(costs_at_most(amount, include_unknown))

    def with_yearly_tuition_at_most(self, amount, include_unknown=False):
        """Programs at schools whose yearly in-state tuition and fees are at most `amount` (and,
        if asked, at schools that report none)."""
        return self.filter(yearly_tuition_at_most(amount, include_unknown))

    def with_distance(self, latitude: float, longitude: float):
        """Annotate `distance_miles`: the great-circle (haversine) distance from a point to the
        school. Plain SQL math functions, so SQLite and PostgreSQL agree."""
        lat1, lon1 = Value(math.radians(latitude)), Value(math.radians(longitude))
        lat2, lon2 = Radians(F("school__latitude")), Radians(F("school__longitude"))
        half_chord = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
            Sin((lon2 - lon1) / 2), 2
        )
        distance = Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(half_chord))
        return self.annotate(
            distance_miles=models.ExpressionWrapper(distance, output_field=FloatField())
        )

    def near(self, latitude: float, longitude: float, miles: float):
        """Programs within `miles` of a point, annotated with `distance_miles`.

        A bounding box on the school's indexed coordinates narrows the rows cheaply; the exact
        distance then decides.
        """
        lat_margin = miles / 69.0
        widest_lat = min(abs(latitude) + lat_margin, 89.0)
        lon_margin = miles / (69.0 * math.cos(math.radians(widest_lat)))
        boxed = self.filter(
            school__latitude__range=(latitude - lat_margin, latitude + lat_margin),
            school__longitude__range=(longitude - lon_margin, longitude + lon_margin),
        )
        return boxed.with_distance(latitude, longitude).filter(distance_miles__lte=miles)

    def by_distance(self):
        return self.order_by("distance_miles", "school__name", "pk")

    # Orderings end in the primary key, so pages never repeat or skip a program.
    def by_name(self):
        return self.order_by("school__name", "cip_title", "credential_level", "pk")

    def by_cost(self):
        """Cheapest first; programs with no reported cost last."""
        return self.order_by(F("total_cost").asc(nulls_last=True), "pk")

    def by_length(self):
        """Shortest first; programs with no reported length last."""
        return self.order_by(F("months_to_complete").asc(nulls_last=True), "pk")

    def by_graduates(self):
        """Most graduates in 2023-24 first (graduates_per_year, which the five-year record's
        2023-24 count always equals: programs/outcomes.py); programs with no count last."""
        return self.order_by(GRADUATES_SORT_KEY.desc(), "pk")

    def count_by_credential(self) -> dict:
        """{credential level: how many programs}, in one GROUP BY query."""
        return dict(self.order_by().values_list("credential_level").annotate(n=Count("pk")))
