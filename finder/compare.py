"""The compare page: up to four programs side by side, in rows of what a student should line
up before choosing a program."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from careers.forms import ZipCodeField
from core.i18n import translated
from core.pages import PageMixin
from core.templatetags.figures import dollars
from programs.costs import CostBasis
from programs.models import Program
from programs.outcomes import LATEST, YEARS

from .selections import COMPARE_LIMIT, compare_list, program_ids

NOT_REPORTED = gettext_lazy("Not reported")


class DistanceForm(forms.Form):
    zip = ZipCodeField(
        required=True,
        help_text=gettext_lazy(
            "Straight-line miles from the center of your ZIP code to each school's main address."
        ),
    )


@dataclass
class Row:
    label: str
    cells: list[str]


def _flag(value, yes, no):
    return str(NOT_REPORTED if value is None else (yes if value else no))


def _cost(program):
    cost = program.cost
    if cost.basis == CostBasis.WHOLE_PROGRAM:
        return _("%(amount)s (whole program)") % {"amount": dollars(cost.whole_program)}
    if cost.basis == CostBasis.SCHOOL_YEAR:
        if cost.out_of_state_per_year not in (None, cost.in_state_per_year):
            return _(
                "%(in_state)s a year in-state, %(out_of_state)s out-of-state (per year, "
                "school-wide: not this program's price)"
            ) % {
                "in_state": dollars(cost.in_state_per_year),
                "out_of_state": dollars(cost.out_of_state_per_year),
            }
        return _(
            "%(in_state)s a year in-state (per year, school-wide: not this program's price)"
        ) % {"in_state": dollars(cost.in_state_per_year)}
    return _("Not reported: %(why)s") % {"why": cost.why_not_reported}


def _cost_includes(program):
    if program.total_cost is None:
        return _("Ask the school for the full price, including books, uniforms and exam fees")
    if program.books_and_supplies is None:
        return _(
            "Tuition and fees %(tuition)s; books and supplies not reported. Not included: "
            "living costs, and exam fees unless the school counts them"
        ) % {"tuition": dollars(program.tuition_and_fees)}
    return _(
        "Tuition and fees %(tuition)s; books and supplies %(books)s. Not included: living "
        "costs, and exam fees unless the school counts them"
    ) % {
        "tuition": dollars(program.tuition_and_fees),
        "books": dollars(program.books_and_supplies),
    }


def _length(program):
    if program.length:
        return f"{program.length.normalize():f} {program.get_length_unit_display()}"
    return str(NOT_REPORTED)


def _months(program):
    if program.months_to_complete:
        return _("%(months)s months") % {"months": program.months_to_complete}
    return str(NOT_REPORTED)


def _certifications(program):
    names = [cert.abbreviation for cert in program.certifications.all()]
    return ", ".join(names) if names else _("Not known: ask which exam graduates take")


def _credential(program):
    """The award level, with a link to what it means."""
    link = render_to_string("programs/includes/award_level_link.html", {"program": program})
    return format_html("{} {}", program.get_credential_level_display(), link)


def _graduates(program):
    latest = program.outcomes.latest
    return str(NOT_REPORTED) if latest is None else f"{latest:,}"


def _graduates_trend(program):
    """Each year's graduates (a dash: nothing reported), and the flag they raise."""
    if not program.outcomes.reported:
        return str(NOT_REPORTED)
    return render_to_string(
        "programs/includes/graduates_trend.html", {"outcomes": program.outcomes}
    )


def _distance(program):
    miles = getattr(program, "distance_miles", None)
    if miles is not None:
        return _("%(miles)s miles") % {"miles": f"{miles:.1f}"}
    return _("Add your ZIP code to see this")


def _verified(program):
    source = {"source": program.data_source, "year": program.data_year}
    if program.last_verified:
        return _("%(source)s %(year)s; verified by our editors on %(date)s") % {
            **source,
            "date": date_format(program.last_verified, "DATE_FORMAT"),
        }
    return _("%(source)s %(year)s; not yet verified by our editors") % source


def _with_years(text) -> str:
    return str(text) % {"first": YEARS[0], "latest": LATEST}


with_years = lazy(_with_years, str)

ROWS = [
    (gettext_lazy("Career"), lambda p: translated(p.career, "title")),
    (gettext_lazy("Credential"), _credential),
    (gettext_lazy("Length"), _length),
    (gettext_lazy("Months to complete"), _months),
    (
        gettext_lazy("Evening or weekend classes"),
        lambda p: _flag(
            p.school.evening_weekend, _("Offered at the school"), _("Not offered, as reported")
        ),
    ),
    (gettext_lazy("Cost"), _cost),
    (gettext_lazy("What the cost includes"), _cost_includes),
    (
        gettext_lazy("Online (distance) programs"),
        lambda p: _flag(
            p.school.distance_education,
            _("The school offers some programs online"),
            _("None, as reported"),
        ),
    ),
    (gettext_lazy("Prepares for certification"), _certifications),
    (with_years(gettext_lazy("Graduates in %(latest)s")), _graduates),
    (
        with_years(
            gettext_lazy("Graduates each year, %(first)s to %(latest)s (a dash: not reported)")
        ),
        _graduates_trend,
    ),
    (gettext_lazy("School type"), lambda p: p.school.get_sector_display()),
    (
        gettext_lazy("Federal student aid"),
        lambda p: _flag(p.school.federal_aid_eligible, _("Yes (Title IV)"), _("No")),
    ),
    (gettext_lazy("Distance from your ZIP code"), _distance),
    (gettext_lazy("Data"), _verified),
]


def comparison_rows(programs) -> list[Row]:
    return [Row(label, [describe(program) for program in programs]) for label, describe in ROWS]


class CompareView(PageMixin, TemplateView):
    """Up to four programs side by side; the URL alone reproduces the comparison."""

    template_name = "finder/compare.html"
    page_title = gettext_lazy("Compare programs")
    robots = "noindex"

    def get(self, request, *args, **kwargs):
        """The bare address shows the visitor's own list (a ZIP code from the finder kept)."""
        if "programs" not in request.GET and len(compare_list(request.session)):
            return redirect(compare_url(compare_list(request.session).ids, request.GET.get("zip")))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        requested = program_ids(self.request.GET.get("programs", ""))
        zip_form = DistanceForm(self.request.GET if "zip" in self.request.GET else None)
        place = zip_form.cleaned_data["zip"] if zip_form.is_bound and zip_form.is_valid() else None
        programs = Program.objects.for_listing().prefetch_related("certifications")
        if place:
            programs = programs.with_distance(place.latitude, place.longitude)
        found = programs.in_bulk(requested[:COMPARE_LIMIT])
        shown = [found[pk] for pk in requested[:COMPARE_LIMIT] if pk in found]
        shared = {p.pk for p in shown} != set(compare_list(self.request.session).ids)
        if shown and shared:
            # A comparison from a link, not the visitor's own list: the header counts the
            # programs in the table, and the page offers to save them as the visitor's list.
            kwargs |= {"compare_count": len(shown), "compare_ids": [p.pk for p in shown]}
        # After adding or removing, back to the visitor's list as it now is, not this link's.
        back = reverse("finder:compare") + (f"?zip={place.code}" if place else "")
        return super().get_context_data(
            programs=shown,
            rows=comparison_rows(shown),
            too_many=len(requested) > COMPARE_LIMIT,
            missing=len([pk for pk in requested[:COMPARE_LIMIT] if pk not in found]),
            limit=COMPARE_LIMIT,
            shared=shared,
            shown_ids=",".join(str(p.pk) for p in shown),
            own_count=len(compare_list(self.request.session)),
            zip_form=zip_form,
            place=place,
            share_url=self.request.build_absolute_uri(self.request.get_full_path()),
            selection_urls={
                "compare": reverse("finder:compare_update"),
                "shortlist": reverse("finder:shortlist_update"),
                "back": back,
            },
            **kwargs,
        )


def compare_url(ids, zip_code=None) -> str:
    """The compare page for programs `ids`, with distances from `zip_code` if it is one."""
    params = {"programs": ",".join(map(str, ids))}
    if zip_code and zip_code.isascii() and zip_code.isdigit() and len(zip_code) == 5:
        params["zip"] = zip_code
    return f"{reverse('finder:compare')}?{urlencode(params)}"


class CompareSaveView(View):
    """A comparison opened from a link becomes the visitor's own compare list (POST)."""

    def post(self, request):
        found = Program.objects.published().in_bulk(program_ids(request.POST.get("programs", "")))
        chosen = [pk for pk in program_ids(request.POST.get("programs", "")) if pk in found]
        compare_list(request.session).replace(chosen[:COMPARE_LIMIT])
        messages.success(request, _("These programs are now your compare list."))
        return redirect(compare_url(chosen[:COMPARE_LIMIT], request.POST.get("zip")))
