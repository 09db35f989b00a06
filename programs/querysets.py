"""Reading rules for schools and programs, each one a chainable QuerySet method."""

import math

from django.db import models
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from careers.models import PublishStatus

EARTH_RADIUS_MILES = 3958.8


class SchoolQuerySet(models.QuerySet):
    def with_published_programs(self):
        return self.filter(programs__status=PublishStatus.PUBLISHED).distinct()


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublishStatus.PUBLISHED)

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

    def costing_at_most(self, amount):
        """Programs whose reported whole-program cost is at most `amount` (unknowns drop out)."""
        return self.filter(total_cost__lte=amount)

    def near(self, latitude: float, longitude: float, miles: float):
        """Programs within `miles` of a point, annotated with `distance_miles`.

        A bounding box on the school's coordinates narrows the rows cheaply; the great-circle
        (haversine) distance then decides. Both work the same on SQLite and PostgreSQL.
        """
        lat_margin = miles / 69.0
        widest_lat = min(abs(latitude) + lat_margin, 89.0)
        lon_margin = miles / (69.0 * math.cos(math.radians(widest_lat)))
        boxed = self.filter(
            school__latitude__range=(latitude - lat_margin, latitude + lat_margin),
            school__longitude__range=(longitude - lon_margin, longitude + lon_margin),
        )
        lat1, lon1 = Value(math.radians(latitude)), Value(math.radians(longitude))
        lat2, lon2 = Radians(F("school__latitude")), Radians(F("school__longitude"))
        half_chord = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
            Sin((lon2 - lon1) / 2), 2
        )
        distance = Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(half_chord))
        return boxed.annotate(
            distance_miles=models.ExpressionWrapper(distance, output_field=FloatField())
        ).filter(distance_miles__lte=miles)

    def by_distance(self):
        return self.order_by("distance_miles", "school__name", "pk")

    def by_name(self):
        return self.order_by("school__name", "cip_title", "credential_level", "pk")
