"""The program listing's filters, each built on a ProgramQuerySet method."""

import django_filters

from careers.forms import ZipCodeField
from careers.geography import STATE_CHOICES
from careers.models import Career

from .models import CredentialLevel, Program, Sector

RADIUS_CHOICES = [("10", "10 miles"), ("25", "25 miles"), ("50", "50 miles"), ("100", "100 miles")]
DEFAULT_RADIUS = 25


class ZipFilter(django_filters.CharFilter):
    field_class = ZipCodeField


class ProgramFilter(django_filters.FilterSet):
    career = django_filters.ModelChoiceFilter(
        label="Career",
        queryset=Career.objects.published(),
        to_field_name="slug",
        empty_label="Any career",
        method="filter_career",
    )
    zip = ZipFilter(method="filter_near")
    radius = django_filters.ChoiceFilter(
        label="Within",
        choices=RADIUS_CHOICES,
        empty_label=None,
        initial=str(DEFAULT_RADIUS),
        method="filter_none",
    )
    state = django_filters.ChoiceFilter(
        label="State", choices=STATE_CHOICES, empty_label="Any state", method="filter_state"
    )
    credential = django_filters.ChoiceFilter(
        label="Credential",
        choices=CredentialLevel.choices,
        empty_label="Any credential",
        method="filter_credential",
    )
    sector = django_filters.ChoiceFilter(
        label="School type", choices=Sector.choices, empty_label="Any type", method="filter_sector"
    )
    cost_max = django_filters.NumberFilter(
        label="Maximum total cost ($)",
        method="filter_cost_max",
        min_value=0,
        max_value=1_000_000,
        decimal_places=0,
    )

    class Meta:
        model = Program
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("radius"):
            data = data.copy()
            data["radius"] = str(DEFAULT_RADIUS)
        super().__init__(data, *args, **kwargs)

    @property
    def qs(self):
        """Apply every valid filter even when another value is invalid (its error is shown)."""
        if not hasattr(self, "_qs"):
            queryset = self.queryset.all()
            if self.is_bound:
                self.form.is_valid()  # cleaned_data then holds only the valid values
                queryset = self.filter_queryset(queryset)
            self._qs = queryset
        return self._qs

    @property
    def place(self):
        """The ZipCode searched around, if a valid ZIP was given."""
        return (self.is_bound and getattr(self.form, "cleaned_data", {}).get("zip")) or None

    @property
    def radius_miles(self):
        radius = getattr(self.form, "cleaned_data", {}).get("radius")
        return int(radius) if radius else DEFAULT_RADIUS

    def filter_none(self, queryset, name, value):
        return queryset  # radius is read by filter_near

    def filter_career(self, queryset, name, value):
        return queryset.for_career(value)

    def filter_near(self, queryset, name, value):
        return queryset.near(value.latitude, value.longitude, self.radius_miles).by_distance()

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value.upper())

    def filter_credential(self, queryset, name, value):
        return queryset.with_credential(value)

    def filter_sector(self, queryset, name, value):
        return queryset.in_sector(value)

    def filter_cost_max(self, queryset, name, value):
        return queryset.costing_at_most(int(value))
