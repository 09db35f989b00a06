"""The program listing's filters, facet counts and sorting, built on ProgramQuerySet methods.

URL parameters (stable, shareable): career, q, state, zip, radius, credential, sector, cost_max,
length_max, distance_ed, evening_weekend, open_admission, federal_aid, certification, sort, page.
An invalid value is reported beside its field and the other filters still apply.
"""

import hashlib

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.http import urlencode

from careers.forms import ZipCodeField
from careers.models import Career, Certification
from core.geography import STATE_CHOICES, state_name
from core.pagecache import content_version

from .models import CredentialLevel, Program, Sector
from .querysets import school_has

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
# The yes/no filters: URL name -> (label, the School field that holds the fact).
FLAGS = {
    "distance_ed": ("School offers online (distance) programs", "distance_education"),
    "evening_weekend": ("School offers evening or weekend classes", "evening_weekend"),
    "open_admission": ("Open admission", "open_admission"),
    "federal_aid": ("Takes federal student aid", "federal_aid_eligible"),
}
# The "up to" filters: URL name, Program field, preset limits.
STEPS = [("cost_max", "total_cost", COST_STEPS), ("length_max", "months_to_complete", MONTH_STEPS)]
STEP_LABELS = {
    "cost_max": (lambda v: f"Up to ${v:,}", "Any cost"),
    "length_max": (lambda v: f"Up to {v} months", "Any length"),
}
# Facet counts are recomputed only when published data changes; this is a backstop.
FACET_CACHE_SECONDS = 60 * 60


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
        _, flag = FLAGS[name]
        return queryset.at_schools_with(flag)

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
        # A program has at most one row per certification, so no DISTINCT is needed.
        rows = self.without(excluded).values(path).annotate(n=Count("pk"))
        return {row[path]: row["n"] for row in rows}

    def step_values(self, name, steps):
        chosen = self.valid.get(name)
        return sorted({*steps, int(chosen)} if chosen is not None else set(steps))

    def scalar_counts(self):
        """The yes/no and "up to" counts. Those whose filter is not active share one query (their
        base is every active filter); each active one needs its own base without itself."""
        wanted = {name: {name: school_has(flag)} for name, (_, flag) in FLAGS.items()}
        for name, path, steps in STEPS:
            wanted[name] = {
                f"{name}:{v}": Q(**{f"{path}__lte": v}) for v in self.step_values(name, steps)
            }
        active = self.active()
        groups = [(None, [n for n in wanted if n not in active])]
        groups += [(name, [name]) for name in wanted if name in active]
        counts = {}
        for excluded, names in groups:
            if names:
                conditions = {key: q for name in names for key, q in wanted[name].items()}
                counts |= self.without(excluded).aggregate(
                    **{key: Count("pk", filter=q) for key, q in conditions.items()}
                )
        return counts

    def count_facets(self):
        return {
            "career": self.counts_by("career", "career__slug"),
            "state": {c.lower(): n for c, n in self.counts_by("state", "school__state").items()},
            "credential": self.counts_by("credential", "credential_level"),
            "sector": self.counts_by("sector", "school__sector"),
            "certification": self.counts_by("certification", "certifications__slug"),
            "scalar": self.scalar_counts(),
        }

    @cached_property
    def content_version(self):
        """Read once per page: both the facet counts and the filter form are keyed on it."""
        return content_version()

    @property
    def facet_counts(self):
        """Every facet's counts for this combination of filters, computed once and then read
        from the shared cache until published data changes (the key holds the content version)."""
        if not hasattr(self, "_facet_counts"):
            combination = sorted((name, str(value)) for name, value in self.active().items())
            if self.place:
                combination.append(("radius", str(self.radius_miles)))
            digest = hashlib.sha256(repr(combination).encode()).hexdigest()
            key = f"facets:{self.content_version}:{digest}"
            self._facet_counts = cache.get(key)
            if self._facet_counts is None:
                self._facet_counts = self.count_facets()
                cache.set(key, self._facet_counts, FACET_CACHE_SECONDS)
        return self._facet_counts

    @property
    def form_cache_key(self):
        """What the rendered filter form depends on: the values sent and the content version
        (which moves the facet counts). None when the form shows errors: rendered fresh."""
        if self.is_bound and self.form.errors:
            return None
        data = self.data if self.is_bound else {}
        sent = sorted((name, data.getlist(name)) for name in self.form.fields if name in data)
        return f"{self.content_version}:{sent!r}"

    @property
    def total(self):
        """How many programs match, taken from the career facet instead of a COUNT query: every
        listed program has exactly one career."""
        by_career = self.facet_counts["career"]
        career = self.active().get("career")
        return by_career.get(career, 0) if career else sum(by_career.values())

    def facets(self):
        """Label every choice with its count; called once per page render."""
        counts = self.facet_counts
        fields = self.form.fields
        for name in ("career", "state", "credential", "sector"):
            fields[name].choices = self.labelled(fields[name].choices, counts[name])
        by_cert = counts["certification"]
        fields["certification"].choices = [
            (value, label)
            for value, label in self.labelled(fields["certification"].choices, by_cert)
            if not value or by_cert.get(value) or value == self.valid.get("certification")
        ]
        scalar = counts["scalar"]
        for name, (label, _) in FLAGS.items():
            self.form[name].label = f"{label} ({scalar[name]:,})"  # BoundFields cache labels
        for name, _, steps in STEPS:
            describe, empty = STEP_LABELS[name]
            fields[name].widget.choices = [("", empty)] + [
                (str(v), f"{describe(v)} ({scalar[f'{name}:{v}']:,})")
                for v in self.step_values(name, steps)
            ]

    @staticmethod
    def labelled(choices, counts):
        return [
            (value, f"{label} ({counts.get(value, 0):,})" if value else label)
            for value, label in choices
        ]

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
