"""The public pages of programs and schools: a program, a school.

The listing, its CSV download, compare and the shortlist are the finder's (finder/).
"""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView

from core.geography import state_name
from core.maps import place_map
from core.pages import PageMixin, crumb, trail

from . import structured_data
from .certifications import certifications_with_routes
from .models import Program, School


def programs_crumb():
    return crumb("Programs", reverse("finder:program_list"))


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
            school_map=place_map(
                latitude=self.object.latitude,
                longitude=self.object.longitude,
                state=self.object.state,
            ),
            correction_about=self.object,
            **kwargs,
        )
