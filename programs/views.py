"""The public pages of programs and schools: the filtered listing, a program, a school.

The CSV download of the listing is in export.py; the compare page in compare.py; the shortlist
in selections.py.
"""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import DetailView
from django_filters.views import FilterView

from core.geography import state_name
from core.pagecache import PageCacheQueryMixin, normalised_text
from core.pages import PageMixin, crumb, trail

from . import structured_data
from .certifications import certifications_with_routes
from .chips import filter_chips
from .facets import SORTED_FIGURES, Facets
from .filters import DEFAULT_RADIUS, STEPS, ProgramFilter
from .models import Program, School


def _has_figure(program, path) -> bool:
    """Whether a listed program has a value at `path` (e.g. "months_to_complete")."""
    value = program
    for name in path.split("__"):
        value = getattr(value, name)
    return value is not None


def toggled(query, name, on) -> str:
    """The listing's query string with the yes/no parameter `name` switched (off if `on`), back
    on the first page."""
    kept = [(k, v) for k, values in query.lists() if k not in (name, "page") for v in values]
    return "?" + urlencode(kept if on else [*kept, (name, "1")])


def programs_crumb():
    return crumb("Programs", reverse("programs:program_list"))


class ProgramListView(PageCacheQueryMixin, PageMixin, FilterView):
    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    paginate_by = 20
    strict = False  # the filterset reports invalid values itself and applies the rest

    def get(self, request, *args, **kwargs):
        """The filter form sends every field; redirect to the short URL worth sharing."""
        sent = [(name, value) for name, values in request.GET.lists() for value in values]
        kept = [
            (name, value)
            for name, value in sent
            if value != ""
            and not (
                name == "radius" and value == str(DEFAULT_RADIUS) and not request.GET.get("zip")
            )
        ]
        if kept != sent:
            return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Program.objects.for_listing()

    @cached_property
    def facets(self):
        return Facets(self.filterset)

    def get_paginator(self, queryset, per_page, **kwargs):
        """The total comes with the facet counts, so the paginator needn't COUNT again."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.facets.total
        return paginator

    def valid_filters(self):
        return self.filterset.valid

    def get_page_title(self):
        data = self.valid_filters()
        career, state = data.get("career"), data.get("state")
        title = (
            f"{self.filterset.careers[career].title} programs"
            if career
            else "Allied-health training programs"
        )
        return f"{title} in {state_name(state)}" if state else title

    def get_page_description(self):
        return (
            f"{self.get_page_title()}: real training programs from federal IPEDS data, "
            "with cost, length and graduates where reported."
        )

    def get_breadcrumbs(self):
        return trail(programs_crumb())

    def get_canonical_query(self):
        """A filtered listing is canonical as its career and state (and page), nothing else."""
        data = self.valid_filters()
        params = {name: data[name] for name in ("career", "state") if data.get(name)}
        page = self.request.GET.get("page", "")
        if page.isascii() and page.isdigit() and int(page) > 1:
            params["page"] = page
        return urlencode(params)

    def get_page_cache_query(self, context):
        """The one URL this page is stored under: the short URL the filter form leads to (its
        fields in order, none empty, a ZIP code with its radius, the keyword normalised, costs
        and lengths from the form's steps), then a page past the first. None if a value is
        invalid."""
        filterset = self.filterset
        if filterset.form.errors:
            return None
        steps = {name: values for name, _, values in STEPS}
        params = []
        for name in filterset.form.fields:
            value = filterset.valid.get(name)
            if value in (None, "") or (name == "radius" and not filterset.place):
                continue
            if name == "q":
                value = normalised_text(value)
            elif name == "zip":
                value = value.code
            elif name in steps:
                if value != int(value) or int(value) not in steps[name]:
                    return None
                value = int(value)
            params.append((name, value))
        if context["page_obj"].number > 1:
            params.append(("page", context["page_obj"].number))
        return urlencode(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        self.facets.label_form()
        programs = list(context["object_list"])
        figure = SORTED_FIGURES.get(filterset.sort_key)
        known = programs if figure is None else [p for p in programs if _has_figure(p, figure)]
        context.update(
            facets=self.facets,
            known_programs=known,
            programs_listed_last=programs[len(known) :],
            listed_last_count=self.facets.listed_last() if figure else 0,
            left_out=[
                (count, included, up_to, toggled(self.request.GET, up_to.include_param, included))
                for count, included, up_to in self.facets.left_out()
            ],
            listing_title=context["page_title"],
            place=filterset.place,
            radius=filterset.radius_miles,
            sort_key=filterset.sort_key,
            chips=filter_chips(filterset, self.request.GET),
            export_query=self.request.GET.urlencode(),
        )
        return context


class ProgramDetailView(PageMixin, DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        # Staff who can view programs in the admin may preview drafts; everyone else can't.
        programs = Program.objects.all()
        if not self.request.user.has_perm("programs.view_program"):
            programs = programs.published()
        return programs.select_related("school", "career").prefetch_related(
            "certifications__organization", "certifications__routes"
        )

    def get_page_title(self):
        program = self.object
        return (
            f"{program.career.title} {program.get_credential_level_display().lower()} "
            f"at {program.school.name}"
        )

    def get_page_description(self):
        school = self.object.school
        return (
            f"{self.object.career.title} training at {school.name} in {school.city}, "
            f"{school.state}: credential, length, cost and graduates as reported to IPEDS "
            f"{self.object.data_year}."
        )

    def get_breadcrumbs(self):
        program = self.object
        return trail(
            programs_crumb(),
            crumb(program.school.name, program.school.get_absolute_url()),
            crumb(program.career.title, program.get_absolute_url()),
        )

    def get_structured_data(self):
        return [structured_data.program(self.request, self.object)]

    def get_context_data(self, **kwargs):
        program = self.object
        other_programs = (
            program.school.programs.published()
            .exclude(pk=program.pk)
            .select_related("career")
            .order_by("cip_title", "credential_level")
        )
        return super().get_context_data(
            other_programs=other_programs,
            certifications=certifications_with_routes(program),
            state_name=state_name(program.school.state),
            correction_about=program,
            **kwargs,
        )


class SchoolDetailView(PageMixin, DetailView):
    template_name = "programs/school_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(School, unitid=self.kwargs["unitid"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_page_title(self):
        school = self.object
        return f"{school.name}, {school.city}, {school.state}: allied-health programs"

    def get_page_description(self):
        school = self.object
        return (
            f"Allied-health programs at {school.name} in {school.city}, "
            f"{state_name(school.state)}, with cost, length and graduates from IPEDS."
        )

    def get_breadcrumbs(self):
        return trail(programs_crumb(), crumb(self.object.name, self.object.get_absolute_url()))

    def get_structured_data(self):
        return [structured_data.school(self.request, self.object)]

    def get_context_data(self, **kwargs):
        programs = (
            self.object.programs.published()
            .select_related("career")
            .order_by("career__order", "cip_title", "credential_level")
        )
        return super().get_context_data(
            programs=programs,
            state_name=state_name(self.object.state),
            correction_about=self.object,
            **kwargs,
        )
