import logging

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.generic import CreateView, DetailView, TemplateView
from django_filters.views import FilterView
from django_ratelimit.decorators import ratelimit

from careers.geography import state_name
from careers.pages import PageMixin, crumb, trail

from . import structured_data
from .filters import ProgramFilter
from .forms import CorrectionForm, SearchForm, safe_local_path
from .models import Program, School
from .search import site_search

spam_log = logging.getLogger("directory.spam")


def programs_crumb():
    return crumb("Programs", reverse("programs:program_list"))


class ProgramListView(PageMixin, FilterView):
    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    paginate_by = 20
    strict = False  # the filterset reports invalid values itself and applies the rest

    def get_queryset(self):
        return Program.objects.for_listing().by_name()

    def valid_filters(self):
        return getattr(self.filterset.form, "cleaned_data", {})

    def get_page_title(self):
        data = self.valid_filters()
        career, state = data.get("career"), data.get("state")
        title = f"{career.title} programs" if career else "Allied-health training programs"
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
        params = {}
        if data.get("career"):
            params["career"] = data["career"].slug
        if data.get("state"):
            params["state"] = data["state"]
        page = self.request.GET.get("page", "")
        if page.isdigit() and int(page) > 1:
            params["page"] = page
        return urlencode(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            listing_title=context["page_title"],
            place=self.filterset.place,
            radius=self.filterset.radius_miles,
        )
        return context


class ProgramDetailView(PageMixin, DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        return (
            Program.objects.published()
            .select_related("school", "career")
            .prefetch_related("certifications__organization")
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


@method_decorator(
    ratelimit(key="ip", rate=settings.CORRECTIONS_RATE_LIMIT, method="POST", block=False),
    name="post",
)
class CorrectionCreateView(PageMixin, CreateView):
    """Stores a visitor's correction; errors come back on a page that keeps what they typed."""

    form_class = CorrectionForm
    template_name = "programs/correction_form.html"
    page_title = "Suggest an update"
    page_description = "Tell our editors what is wrong or out of date on a page."
    robots = "noindex"

    def post(self, request, *args, **kwargs):
        self.object = None
        if getattr(request, "limited", False):
            # Too many notes from this client: say so, keep what they typed, store nothing.
            context = self.get_context_data(form=self.get_form(), rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.is_spam:
            spam_log.info("honeypot field filled; note not stored")
            return redirect(reverse("programs:correction_thanks"))
        return super().form_valid(form)

    def get_initial(self):
        return {
            "page_url": safe_local_path(self.request.GET.get("page")),
            "target": self.request.GET.get("target", ""),
        }

    def get_page_title(self):
        return "Check your note" if self.request.method == "POST" else self.page_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_url"] = safe_local_path(context["form"]["page_url"].value())
        return context

    def get_success_url(self):
        query = urlencode({"page": self.object.page_url})
        return f"{reverse('programs:correction_thanks')}?{query}"


class CorrectionThanksView(PageMixin, TemplateView):
    template_name = "programs/correction_thanks.html"
    page_title = "Thank you"
    robots = "noindex"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_to=safe_local_path(self.request.GET.get("page")), **kwargs
        )


class SearchView(PageMixin, TemplateView):
    """One box across careers, programs, schools and certifications, results grouped by kind."""

    template_name = "programs/search.html"
    page_title = "Search"
    robots = "noindex"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = site_search(form.cleaned_data["q"]) if form.is_valid() else None
        return super().get_context_data(form=form, results=results, **kwargs)
