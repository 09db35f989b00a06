"""The program listing's filters, facet counts and sorting, built on ProgramQuerySet methods.

URL parameters (stable, shareable): career, q, state, zip, radius, credential, sector, cost_max,
length_max, distance_ed, evening_weekend, open_admission, federal_aid, certification, sort, page.
An invalid value is reported beside its field and the other filters still apply.
"""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.http import urlencode

from careers.forms import ZipCodeField
from careers.geography import STATE_CHOICES, state_name
from careers.models import Career, Certification

from .models import CredentialLevel, Program, Sector

RADIUS_CHOICES = [("10", "10 miles"), ("25", "25 miles"), ("50", "50 miles"), ("100", "100 miles")]
DEFAULT_RADIUS = 25
COST_STEPS = [5000, 10000, 15000, 20000, 30000]
MONTH_STEPS = [3, 6, 9, 12, 18, 24]
SORTS = {
    "distance": ("Distance", "by_distance"),
    "cost": ("Total cost, lowest first", "by_cost"),
    "length": ("Length, shortest first", "by_length"),
    "graduates": ("Graduates per year, most first", "by_graduates"),
    "name": ("School name", "by_name"),
}
# The yes/no filters: URL name -> (label, ProgramQuerySet method).
FLAGS = {
    "distance_ed": ("School offers online (distance) programs", "offering_distance_education"),
    "evening_weekend": ("School offers evening or weekend classes", "with_evening_weekend"),
    "open_admission": ("Open admission", "with_open_admission"),
    "federal_aid": ("Takes federal student aid", "taking_federal_aid"),
}


class ZipFilter(django_filters.CharFilter):
    field_class = ZipCodeField


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox that sends "1" and reads back exactly what the URL holds."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value == "1")

    def format_value(self, value):
        return "1"

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def flag_filter(name):
    label, _ = FLAGS[name]
    return django_filters.ChoiceFilter(
        label=label, choices=[("1", "Yes")], widget=FlagCheckbox, method="filter_flag"
    )


class ProgramFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("sort") == "distance" and not data.get("zip") and "zip" not in self.errors:
            self.add_error("sort", "Sorting by distance needs a ZIP code.")
        return data


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Keyword", method="filter_keyword", max_length=100, strip=True
    )
    career = django_filters.ChoiceFilter(
        label="Career", empty_label="Any career", method="filter_career"
    )
    zip = ZipFilter(label="ZIP code", method="filter_near")
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
        label="Total cost up to ($)",
        method="filter_cost_max",
        min_value=0,
        max_value=1_000_000,
        decimal_places=0,
        widget=forms.Select,
    )
    length_max = django_filters.NumberFilter(
        label="Length up to (months)",
        method="filter_length_max",
        min_value=1,
        max_value=120,
        decimal_places=0,
        widget=forms.Select,
    )
    distance_ed = flag_filter("distance_ed")
    evening_weekend = flag_filter("evening_weekend")
    open_admission = flag_filter("open_admission")
    federal_aid = flag_filter("federal_aid")
    certification = django_filters.ChoiceFilter(
        label="Prepares for certification",
        empty_label="Any certification",
        method="filter_certification",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label="Nearest first with a ZIP code, otherwise school name",
        method="filter_sort",
    )

    class Meta:
        model = Program
        fields = []
        form = ProgramFilterForm

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("radius"):
            data = data.copy()
            data["radius"] = str(DEFAULT_RADIUS)
        super().__init__(data, *args, **kwargs)
        self.careers = {c.slug: c for c in Career.objects.published()}
        self.certifications = {c.slug: c for c in Certification.objects.all()}
        self.filters["career"].extra["choices"] = [(s, c.title) for s, c in self.careers.items()]
        self.filters["certification"].extra["choices"] = [
            (s, c.abbreviation) for s, c in self.certifications.items()
        ]

    # Applying the filters

    @property
    def qs(self):
        """Apply every valid filter even when another value is invalid (its error is shown)."""
        if not hasattr(self, "_qs"):
            queryset = self.queryset.all()
            if self.is_bound:
                self.form.is_valid()  # cleaned_data then holds only the valid values
                queryset = self.filter_queryset(queryset)
                if not self.valid.get("sort"):
                    queryset = self.default_order(queryset)
            else:
                queryset = queryset.by_name()
            self._qs = queryset
        return self._qs

    @property
    def valid(self):
        return getattr(self.form, "cleaned_data", {}) if self.is_bound else {}

    def active(self):
        """Valid, non-empty filter values (the sort and the radius are settings, not filters)."""
        return {
            name: value
            for name, value in self.valid.items()
            if name not in ("sort", "radius") and value not in (None, "")
        }

    def default_order(self, queryset):
        return queryset.by_distance() if self.place else queryset.by_name()

    @property
    def place(self):
        """The ZipCode searched around, if a valid ZIP was given."""
        return self.valid.get("zip") or None

    @property
    def radius_miles(self):
        radius = self.valid.get("radius")
        return int(radius) if radius else DEFAULT_RADIUS

    @property
    def sort_key(self):
        return self.valid.get("sort") or ("distance" if self.place else "name")

    def filter_none(self, queryset, name, value):
        return queryset  # radius is read by filter_near

    def filter_keyword(self, queryset, name, value):
        return queryset.matching(value)

    def filter_career(self, queryset, name, value):
        return queryset.for_career(self.careers[value])

    def filter_near(self, queryset, name, value):
        return queryset.near(value.latitude, value.longitude, self.radius_miles)

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value.upper())

    def filter_credential(self, queryset, name, value):
        return queryset.with_credential(value)

    def filter_sector(self, queryset, name, value):
        return queryset.in_sector(value)

    def filter_cost_max(self, queryset, name, value):
        return queryset.costing_at_most(int(value))

    def filter_length_max(self, queryset, name, value):
        return queryset.lasting_at_most(int(value))

    def filter_flag(self, queryset, name, value):
        _, method = FLAGS[name]
        return getattr(queryset, method)()

    def filter_certification(self, queryset, name, value):
        return queryset.preparing_for(self.certifications[value])

    def filter_sort(self, queryset, name, value):
        _, method = SORTS[value]
        return getattr(queryset, method)()

    # Facet counts: how many results each value would give with the other active filters.

    def without(self, excluded):
        """The base queryset with every active filter applied except `excluded`."""
        queryset = self.queryset.all()
        for name, value in self.active().items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def counts_by(self, excluded, path):
        rows = self.without(excluded).values(path).annotate(n=Count("pk", distinct=True))
        return {row[path]: row["n"] for row in rows}

    def facets(self):
        """Label every choice with its count; called once per page render."""
        fields = self.form.fields
        by_career = self.counts_by("career", "career__slug")
        fields["career"].choices = self.labelled(fields["career"].choices, by_career)
        by_state = {code.lower(): n for code, n in self.counts_by("state", "school__state").items()}
        fields["state"].choices = self.labelled(fields["state"].choices, by_state)
        by_level = self.counts_by("credential", "credential_level")
        fields["credential"].choices = self.labelled(fields["credential"].choices, by_level)
        by_sector = self.counts_by("sector", "school__sector")
        fields["sector"].choices = self.labelled(fields["sector"].choices, by_sector)
        by_cert = self.counts_by("certification", "certifications__slug")
        fields["certification"].choices = [
            (value, label)
            for value, label in self.labelled(fields["certification"].choices, by_cert)
            if not value or by_cert.get(value) or value == self.valid.get("certification")
        ]
        for name, (_, method) in FLAGS.items():
            count = getattr(self.without(name), method)().count()
            self.form[name].label = f"{FLAGS[name][0]} ({count:,})"  # BoundFields cache labels
        fields["cost_max"].widget.choices = self.steps(
            "cost_max", "total_cost", COST_STEPS, "Any cost", lambda v: f"Up to ${v:,}"
        )
        fields["length_max"].widget.choices = self.steps(
            "length_max",
            "months_to_complete",
            MONTH_STEPS,
            "Any length",
            lambda v: f"Up to {v} months",
        )

    @staticmethod
    def labelled(choices, counts):
        return [
            (value, f"{label} ({counts.get(value, 0):,})" if value else label)
            for value, label in choices
        ]

    def steps(self, name, path, steps, empty, describe):
        """Preset upper limits with their counts, in one query; a custom limit is kept."""
        chosen = self.valid.get(name)
        values = sorted({*steps, int(chosen)} if chosen is not None else set(steps))
        counts = self.without(name).aggregate(
            **{f"n{v}": Count("pk", filter=Q(**{f"{path}__lte": v})) for v in values}
        )
        return [("", empty)] + [(str(v), f"{describe(v)} ({counts[f'n{v}']:,})") for v in values]

    # Active filters as removable chips

    def chips(self, query):
        """(label, URL without that filter) for each active filter; `query` is request.GET."""
        labels = {
            "q": lambda v: f"Keyword: {v}",
            "career": lambda v: self.careers[v].title,
            "zip": lambda v: f"Within {self.radius_miles} miles of {v.code}",
            "state": lambda v: state_name(v),
            "credential": lambda v: CredentialLevel(v).label,
            "sector": lambda v: Sector(v).label,
            "cost_max": lambda v: f"Total cost up to ${int(v):,}",
            "length_max": lambda v: f"Up to {int(v)} months",
            "certification": lambda v: f"Prepares for {self.certifications[v].abbreviation}",
            **{name: (lambda v, name=name: FLAGS[name][0]) for name in FLAGS},
        }
        chips = []
        for name, value in self.active().items():
            dropped = {name, "page"} | ({"radius"} if name == "zip" else set())
            remaining = [
                (key, item)
                for key, items in query.lists()
                if key not in dropped
                for item in items
                if item
            ]
            chips.append((labels[name](value), f"?{urlencode(remaining)}" if remaining else "?"))
        return chips
