"""The public pages of programs and schools: a program, a school.

The listing, its CSV download, compare and the shortlist are the finder's (finder/).
"""

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from core.geography import state_name
from core.i18n import translated
from core.maps import place_map
from core.pages import PageMixin, crumb, page_url, trail
from core.tags import SITE, kept, versions_of

from . import structured_data
from .certifications import certifications_with_routes
from .models import Program, School


def programs_crumb():
    return crumb(_("Programs"), page_url("finder:program_list"))


class ProgramBody:
    """What the program page's cached body reads from the database besides the program, its
    school and its career, read only when the body is made again (the template's
    `program-body` fragment)."""

    def __init__(self, program):
        self.program = program

    @cached_property
    def certifications(self):
        program = self.program
        prefetch_related_objects(
            [program], "certifications__organization", "certifications__routes"
        )
        return certifications_with_routes(program)

    @cached_property
    def other_programs(self):
        program = self.program
        return list(
            program.school.programs.published()
            .exclude(pk=program.pk)
            .select_related("career")
            .order_by("cip_title", "credential_level")
        )


class ProgramDetailView(PageMixin, DetailView):
    template_name = "programs/program_detail.html"

    @cached_property
    def is_staff_preview(self):
        return self.request.user.has_perm("programs.view_program")

    def get_queryset(self):
        # Staff who can view programs in the admin may preview drafts; everyone else can't.
        programs = Program.objects.all()
        if not self.is_staff_preview:
            programs = programs.published()
        return programs.select_related("school", "career")

    def get_object(self, queryset=None):
        """The published program with its school and career, kept while its versions stand (an
        edit of the program or its school moves `program:<pk>`, of its career `site`)."""
        if self.is_staff_preview:
            return super().get_object(queryset)
        pk = self.kwargs["pk"]
        return kept(
            f"program-record:{pk}",
            versions_of(SITE, f"program:{pk}"),
            lambda: super(ProgramDetailView, self).get_object(queryset),
        )

    def get_page_title(self):
        program = self.object
        return _("%(career)s %(credential)s at %(school)s") % {
            "career": translated(program.career, "title"),
            "credential": program.get_credential_level_display().lower(),
            "school": program.school.name,
        }

    def get_page_description(self):
        school = self.object.school
        return _(
            "%(career)s training at %(school)s in %(city)s, %(state)s: credential, length, cost "
            "and graduates as reported to IPEDS %(year)s."
        ) % {
            "career": translated(self.object.career, "title"),
            "school": school.name,
            "city": school.city,
            "state": school.state,
            "year": self.object.data_year,
        }

    def get_breadcrumbs(self):
        program = self.object
        return trail(
            programs_crumb(),
            crumb(program.school.name, program.school.get_absolute_url()),
            crumb(translated(program.career, "title"), program.get_absolute_url()),
        )

    def get_structured_data(self):
        return [structured_data.program(self.request, self.object)]

    def get_context_data(self, **kwargs):
        program = self.object
        # Below its header the page is a cached fragment, kept while the versions of what it
        # shows stand: the program, its school (whose other programs it lists) and what every
        # page shares (careers, certifications, record rules).
        return super().get_context_data(
            body=ProgramBody(program),
            body_versions=versions_of(
                SITE, f"program:{program.pk}", f"school:{program.school.unitid}"
            ),
            state_name=state_name(program.school.state),
            correction_about=program,
            **kwargs,
        )


class SchoolBody:
    """What the school page's cached body reads or draws besides the school, only when the body
    is made again (the template's `school-body` fragment)."""

    def __init__(self, school):
        self.school = school

    @cached_property
    def programs(self):
        return list(
            self.school.programs.published()
            .select_related("career")
            .order_by("career__order", "cip_title", "credential_level")
        )

    @cached_property
    def map(self):
        school = self.school
        return place_map(latitude=school.latitude, longitude=school.longitude, state=school.state)


class SchoolDetailView(PageMixin, DetailView):
    template_name = "programs/school_detail.html"

    def get_object(self, queryset=None):
        """The school, kept while its versions stand."""
        unitid = self.kwargs["unitid"]
        return kept(
            f"school-record:{unitid}",
            versions_of(SITE, f"school:{unitid}"),
            lambda: get_object_or_404(School, unitid=unitid),
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_page_title(self):
        school = self.object
        return _("%(school)s, %(city)s, %(state)s: allied-health programs") % {
            "school": school.name,
            "city": school.city,
            "state": school.state,
        }

    def get_page_description(self):
        school = self.object
        return _(
            "Allied-health programs at %(school)s in %(city)s, %(state)s, with cost, length and "
            "graduates from IPEDS."
        ) % {"school": school.name, "city": school.city, "state": state_name(school.state)}

    def get_breadcrumbs(self):
        return trail(programs_crumb(), crumb(self.object.name, self.object.get_absolute_url()))

    def get_structured_data(self):
        return [structured_data.school(self.request, self.object)]

    def get_context_data(self, **kwargs):
        school = self.object
        # The page's body is a cached fragment, kept while the versions of what it shows stand:
        # the school and its programs, and what every page shares (careers, record rules).
        return super().get_context_data(
            body=SchoolBody(school),
            body_versions=versions_of(SITE, f"school:{school.unitid}"),
            state_name=state_name(school.state),
            correction_about=school,
            **kwargs,
        )
