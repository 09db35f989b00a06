from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, TemplateView
from django_filters.views import FilterView

from careers.breadcrumbs import crumb, trail
from careers.geography import state_name

from .filters import ProgramFilter
from .forms import CorrectionForm, safe_local_path
from .models import Program, School


class ProgramListView(FilterView):
    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    paginate_by = 20
    strict = False  # the filterset reports invalid values itself and applies the rest

    def get_queryset(self):
        return Program.objects.for_listing().by_name()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        data = getattr(filterset.form, "cleaned_data", {})
        career, state = data.get("career"), data.get("state")
        title = f"{career.title} programs" if career else "Allied-health training programs"
        if state:
            title += f" in {state_name(state)}"
        context.update(
            listing_title=title,
            place=filterset.place,
            radius=filterset.radius_miles,
            breadcrumbs=trail(crumb("Programs", reverse("programs:program_list"))),
        )
        return context


class ProgramDetailView(DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        return (
            Program.objects.published()
            .select_related("school", "career")
            .prefetch_related("certifications__organization")
        )

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
            breadcrumbs=trail(
                crumb("Programs", reverse("programs:program_list")),
                crumb(program.school.name, program.school.get_absolute_url()),
                crumb(program.career.title, program.get_absolute_url()),
            ),
            **kwargs,
        )


class SchoolDetailView(DetailView):
    template_name = "programs/school_detail.html"
    slug_field = "unitid"
    slug_url_kwarg = "unitid"

    def get_object(self, queryset=None):
        return get_object_or_404(School, unitid=self.kwargs["unitid"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

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
            breadcrumbs=trail(
                crumb("Programs", reverse("programs:program_list")),
                crumb(self.object.name, self.object.get_absolute_url()),
            ),
            **kwargs,
        )


class CorrectionCreateView(CreateView):
    """Stores a visitor's correction; errors come back on a page that keeps what they typed."""

    form_class = CorrectionForm
    template_name = "programs/correction_form.html"

    def get_initial(self):
        return {
            "page_url": safe_local_path(self.request.GET.get("page")),
            "target": self.request.GET.get("target", ""),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_url"] = safe_local_path(context["form"]["page_url"].value())
        return context

    def get_success_url(self):
        return f"{reverse('programs:correction_thanks')}?page={self.object.page_url}"


class CorrectionThanksView(TemplateView):
    template_name = "programs/correction_thanks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_to=safe_local_path(self.request.GET.get("page")), **kwargs
        )
