"""The program listing's filters and sorting: the FilterSet, its form and validation, each
filter applied through a ProgramQuerySet method. Facet counts (facets.py) and the chips of the
active filters (chips.py) are built on it.

URL parameters (stable, shareable): career, q, state, zip, radius, credential, sector, cost_max,
cost_unknown, tuition_max, tuition_unknown, length_max, length_unknown, distance_ed,
evening_weekend, open_admission, federal_aid, certification, sort, page.

An "up to" filter never hides programs silently: those with no figure are left out, the listing
says how many, and its `*_unknown` parameter (a checkbox, or the listing's link) lets them in.
How each cost figure is compared is in docs/data.md.
An invalid value is reported beside its field and the other filters still apply.
"""

import copy

import django_filters
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers.forms import ZipCodeField
from careers.models import Career, Certification
from core.geography import STATE_CHOICES
from core.i18n import translated
from core.tags import SITE, versions_of
from programs.models import CredentialLevel, Program, Sector
from programs.outcomes import LATEST
from programs.querysets import costs_at_most, lasts_at_most, yearly_tuition_at_most

from .up_to import UP_TO

RADIUS_CHOICES = [
    ("10", gettext_lazy("10 miles")),
    ("25", gettext_lazy("25 miles")),
    ("50", gettext_lazy("50 miles")),
    ("100", gettext_lazy("100 miles")),
]
DEFAULT_RADIUS = 25
# Values a visitor types, so without end: what is kept for them is kept from a second request.
FREE_TEXT = ("q", "zip")
COST_STEPS = [5000, 10000, 15000, 20000, 30000]
TUITION_STEPS = [2000, 4000, 6000, 10000, 15000, 20000]
MONTH_STEPS = [3, 6, 9, 12, 18, 24]
SORTS = {
    "distance": (gettext_lazy("Distance, nearest first"), "by_distance"),
    "cost": (gettext_lazy("Total cost, lowest first"), "by_cost"),
    "length": (gettext_lazy("Length, shortest first"), "by_length"),
    "graduates": (
        lazy(lambda: _("Graduates in %(year)s, most first") % {"year": LATEST}, str)(),
        "by_graduates",
    ),
    "name": (gettext_lazy("School name"), "by_name"),
}
# The yes/no filters: URL name -> (label, the School field that holds the fact).
FLAGS = {
    "distance_ed": (gettext_lazy("School offers online (distance) programs"), "distance_education"),
    "evening_weekend": (
        gettext_lazy("School offers evening or weekend classes"),
        "evening_weekend",
    ),
    "open_admission": (gettext_lazy("Open admission"), "open_admission"),
    "federal_aid": (gettext_lazy("Takes federal student aid"), "federal_aid_eligible"),
}
# The "up to" filters: URL name, the condition for a limit (programs/querysets.py), preset limits.
STEPS = [
    ("cost_max", costs_at_most, COST_STEPS),
    ("tuition_max", yearly_tuition_at_most, TUITION_STEPS),
    ("length_max", lasts_at_most, MONTH_STEPS),
]


class SharedChoicesField(django_filters.fields.ChoiceField):
    """Copied per form as any Django field (own widget, messages, validators) but sharing its
    choice list, which nothing changes in place (facet labels replace it whole)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter that each FilterSet copies cheaply: django-filters deep-copies every
    filter per FilterSet, choice lists included (the 56 states took most of it), yet nothing
    changes a filter's choices in place (the career and certification lists are replaced
    whole). The copy has its own `extra` and its own FilterMethod, and shares the rest."""

    field_class = SharedChoicesField

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.extra = dict(self.extra)
        copied.method = self.method  # a FilterMethod of the copy's own
        return copied


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
    label, _field = FLAGS[name]
    return ChoiceFilter(
        label=label, choices=[("1", gettext_lazy("Yes"))], widget=FlagCheckbox, method="filter_flag"
    )


def up_to_filter(label, *, min_value, max_value):
    """An "up to" filter: a whole number chosen from its preset steps (STEPS), applied by
    filter_up_to with its UP_TO rules."""
    return django_filters.NumberFilter(
        label=label,
        method="filter_up_to",
        min_value=min_value,
        max_value=max_value,
        decimal_places=0,
        widget=forms.Select,
    )


def include_unknown_filter(label):
    """The checkbox under an "up to" filter that lets in programs with no figure (read by that
    filter's method, so it filters nothing itself)."""
    return ChoiceFilter(
        label=label, choices=[("1", gettext_lazy("Yes"))], widget=FlagCheckbox, method="filter_none"
    )


class ProgramFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("sort") == "distance" and not data.get("zip") and "zip" not in self.errors:
            self.add_error("sort", _("Sorting by distance needs a ZIP code."))
        return data


def default_sort(data) -> str:
    """The order of a listing that sends no sort: nearest first around a ZIP code."""
    return "distance" if data.get("zip") else "name"


_held_choices = {}  # {versions of `site`: (careers, certifications)}, in this process
_form_classes = {}  # {(career choices, certification choices): form class}, in this process


def careers_and_certifications() -> tuple[dict, dict]:
    """The published careers and all certifications by slug, for the career and certification
    filters: read once per process while `site` (which every edit of either moves) stays the
    same. Shared by requests, so never changed."""
    version = versions_of(SITE)
    held = _held_choices.get(version)
    if held is None:
        held = (
            {c.slug: c for c in Career.objects.published()},
            {c.slug: c for c in Certification.objects.all()},
        )
        _held_choices.clear()
        _held_choices[version] = held
    return held


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Keyword"), method="filter_keyword", max_length=100, strip=True
    )
    career = ChoiceFilter(
        label=gettext_lazy("Career"),
        empty_label=gettext_lazy("Any career"),
        method="filter_career",
    )
    zip = ZipFilter(label=gettext_lazy("ZIP code"), method="filter_near")
    radius = ChoiceFilter(
        label=gettext_lazy("Within"),
        choices=RADIUS_CHOICES,
        empty_label=None,
        initial=str(DEFAULT_RADIUS),
        method="filter_none",
    )
    state = ChoiceFilter(
        label=gettext_lazy("State"),
        choices=STATE_CHOICES,
        empty_label=gettext_lazy("Any state"),
        method="filter_state",
    )
    credential = ChoiceFilter(
        label=gettext_lazy("Credential"),
        choices=CredentialLevel.choices,
        empty_label=gettext_lazy("Any credential"),
        method="filter_credential",
    )
    sector = ChoiceFilter(
        label=gettext_lazy("School type"),
        choices=Sector.choices,
        empty_label=gettext_lazy("Any type"),
        method="filter_sector",
    )
    cost_max = up_to_filter(
        gettext_lazy("Whole-program cost up to ($)"), min_value=0, max_value=1_000_000
    )
    cost_unknown = include_unknown_filter(gettext_lazy("Also show programs with no reported cost"))
    tuition_max = up_to_filter(
        gettext_lazy("Yearly tuition up to ($, school-wide, in-state)"),
        min_value=0,
        max_value=1_000_000,
    )
    tuition_unknown = include_unknown_filter(
        gettext_lazy("Also show schools with no yearly tuition reported")
    )
    length_max = up_to_filter(gettext_lazy("Length up to (months)"), min_value=1, max_value=120)
    length_unknown = include_unknown_filter(
        gettext_lazy("Also show programs with no reported length")
    )
    distance_ed = flag_filter("distance_ed")
    evening_weekend = flag_filter("evening_weekend")
    open_admission = flag_filter("open_admission")
    federal_aid = flag_filter("federal_aid")
    certification = ChoiceFilter(
        label=gettext_lazy("Prepares for certification"),
        empty_label=gettext_lazy("Any certification"),
        method="filter_certification",
    )
    sort = ChoiceFilter(
        label=gettext_lazy("Sort by"),
        choices=[(key, label) for key, (label, _method) in SORTS.items()],
        empty_label=None,
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
        self.careers, self.certifications = careers_and_certifications()
        self.filters["career"].extra["choices"] = [
            (s, translated(c, "title")) for s, c in self.careers.items()
        ]
        self.filters["certification"].extra["choices"] = [
            (s, c.abbreviation) for s, c in self.certifications.items()
        ]

    def get_form_class(self):
        """The form class, made once per process for each list of careers and certifications
        (its other fields are always the same; each form copies the fields it is given)."""
        choices = (
            tuple(self.filters["career"].extra["choices"]),
            tuple(self.filters["certification"].extra["choices"]),
        )
        form_class = _form_classes.get(choices)
        if form_class is None:
            form_class = super().get_form_class()
            if len(_form_classes) >= 4:  # one per language, while the lists stay the same
                _form_classes.clear()
            _form_classes[choices] = form_class
        return form_class

    @property
    def form(self):
        """The sort list offers each order once: the listing's own order (nearest first with a
        ZIP code, otherwise school name) is the empty choice, so it isn't listed again."""
        if not hasattr(self, "_form"):  # made once (super().form keeps it in _form)
            form = super().form
            default = default_sort(self.data if self.is_bound else {})
            form.fields["sort"].widget.choices = [("", SORTS[default][0])] + [
                (
                    key,
                    _("%(sort)s (needs a ZIP code)") % {"sort": label}
                    if key == "distance"
                    else label,
                )
                for key, (label, _method) in SORTS.items()
                if key != default
            ]
        return self._form

    # Applying the filters

    @property
    def qs(self):
        """Apply every valid filter even when another value is invalid (its error is shown)."""
        if not hasattr(self, "_qs"):
            queryset = self.queryset.all()
            if self.is_bound:
                self.form.is_valid()  # cleaned_data then holds only the valid values
                queryset = self.filter_queryset(queryset)
                if self.zip_is_invalid:
                    queryset = queryset.none()  # never silently every program nationwide
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
        """Valid, non-empty filter values (the sort and the radius are settings, not filters;
        letting in unknowns counts only beside its "up to" filter)."""
        valid = self.valid
        ignored = {"sort", "radius"} | {
            up_to.include_param for name, up_to in UP_TO.items() if valid.get(name) is None
        }
        return {
            name: value
            for name, value in valid.items()
            if name not in ignored and value not in (None, "")
        }

    def includes_unknown(self, name) -> bool:
        """Whether the "up to" filter `name` lets in programs with no figure."""
        return bool(self.valid.get(UP_TO[name].include_param))

    def combination(self):
        """The active filters as a sorted list of (name, text) pairs, with the radius when a ZIP
        code is searched around: however the URL spells them, the same filters give the same
        list (the facet counts and the export are cached under it)."""
        combination = sorted((name, str(value)) for name, value in self.active().items())
        if self.place:
            combination.append(("radius", str(self.radius_miles)))
        return combination

    def default_order(self, queryset):
        return queryset.by_distance() if self.place else queryset.by_name()

    @property
    def zip_is_invalid(self) -> bool:
        """A ZIP code was sent but can't be used: the listing shows no programs and says why,
        rather than quietly showing every program in the country."""
        return self.is_bound and "zip" in self.form.errors

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

    def filter_up_to(self, queryset, name, value):
        apply = getattr(queryset, UP_TO[name].method)
        return apply(int(value), include_unknown=self.includes_unknown(name))

    def filter_flag(self, queryset, name, value):
        _label, flag = FLAGS[name]
        return queryset.at_schools_with(flag)

    def filter_certification(self, queryset, name, value):
        return queryset.preparing_for(self.certifications[value])

    def filter_sort(self, queryset, name, value):
        _label, method = SORTS[value]
        return getattr(queryset, method)()
