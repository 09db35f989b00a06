"""Pages for school representatives: sign in by emailed link, see their programs, propose updates.

Every page is scoped to the school in the URL and refused unless the signed-in representative
speaks for that school.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from core.pages import PageMixin, crumb, trail
from core.ratelimits import rate_limit, with_retry_after
from programs.models import Program, School

from . import verification
from .forms import NewProgramForm, ProgramUpdateForm, RepresentativeRequestForm
from .models import SchoolUpdate
from .school_updates import UpdateRefused, school_update_propose


def per_school(group, request):
    return f"school:{request.resolver_match.kwargs.get('unitid')}"


class ForSchoolsView(PageMixin, TemplateView):
    template_name = "representatives/for_schools.html"
    page_title = gettext_lazy("For schools: keep your listings current")
    page_description = gettext_lazy(
        "How schools get listed, where our data comes from, what a school can update and how "
        "our editors review it."
    )

    def get_breadcrumbs(self):
        return trail(crumb(_("For schools"), self.request.path))


@method_decorator(
    rate_limit(group="represent-ip", key="ip", rate="REPRESENTATIVE_RATE_LIMIT"), name="post"
)
@method_decorator(
    rate_limit(group="represent-school", key=per_school, rate="REPRESENTATIVE_SCHOOL_RATE_LIMIT"),
    name="post",
)
class RepresentativeRequestView(PageMixin, FormView):
    """Ask to represent a school; the answer never reveals whether the address is known."""

    template_name = "representatives/request.html"
    form_class = RepresentativeRequestForm
    robots = "noindex"

    def dispatch(self, request, *args, **kwargs):
        self.school = get_object_or_404(School, unitid=kwargs["unitid"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Update %(school)s's listings") % {"school": self.school.name}

    def get_breadcrumbs(self):
        return trail(crumb(self.school.name, self.school.get_absolute_url()))

    def get_context_data(self, **kwargs):
        return super().get_context_data(school=self.school, **kwargs)

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            context = self.get_context_data(form=self.get_form(), rate_limited=True)
            response = self.render_to_response(context, status=429)
            return with_retry_after(response, request.retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        verification.representative_request(
            school=self.school,
            email=form.cleaned_data["email"],
            absolute_url=self.request.build_absolute_uri,
            language=translation.get_language(),
        )
        return render(
            self.request,
            "representatives/sent.html",
            self.get_context_data(form=form, email=form.cleaned_data["email"]),
        )


class RepresentativeVerifyView(PageMixin, TemplateView):
    """Opening the emailed link shows a button; pressing it uses the link (scanners can't)."""

    template_name = "representatives/verify.html"
    page_title = gettext_lazy("Sign in to update your school")
    robots = "noindex"

    def refused(self, reason):
        context = self.get_context_data(refusal=reason)
        return self.render_to_response(context, status=400)

    def get(self, request, token):
        try:
            link = verification.representative_link_check(token)
        except verification.LinkRefused as refusal:
            return self.refused(str(refusal))
        return self.render_to_response(self.get_context_data(school=link.school))

    def post(self, request, token):
        try:
            representative = verification.representative_verify(signed=token)
        except verification.LinkRefused as refusal:
            return self.refused(str(refusal))
        verification.sign_in(request, representative)
        school = representative.school
        return redirect("representatives:home", unitid=school.unitid)


class RepresentativeMixin:
    """Only a signed-in representative of the school in the URL gets through."""

    def dispatch(self, request, *args, **kwargs):
        self.school = get_object_or_404(School, unitid=kwargs["unitid"])
        self.representative = verification.signed_in_representative(request, self.school)
        if self.representative is None:
            raise PermissionDenied(_("Sign in with the link we email to your school address."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            school=self.school, representative=self.representative, **kwargs
        )


class RepresentativeHomeView(RepresentativeMixin, PageMixin, TemplateView):
    template_name = "representatives/home.html"
    robots = "noindex"

    def get_page_title(self):
        return _("Update %(school)s") % {"school": self.school.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programs=self.school.programs.select_related("career").order_by("career__order"),
            updates=self.school.updates.prefetch_related("fields")[:20],
            **kwargs,
        )


class ProgramUpdateView(RepresentativeMixin, PageMixin, FormView):
    template_name = "representatives/program.html"
    form_class = ProgramUpdateForm
    robots = "noindex"

    def get_program(self):
        # Only programs of the school in the URL: another school's id is a 404.
        return get_object_or_404(
            Program, pk=self.kwargs["pk"], school__unitid=self.kwargs["unitid"]
        )

    def get_page_title(self):
        return _("Update a program at %(school)s") % {"school": self.school.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_program()}

    def form_valid(self, form):
        program = self.get_program()
        data = {name: form.cleaned_data[name] for name in ProgramUpdateForm.Meta.fields}
        discontinue = form.cleaned_data["no_longer_offered"]
        try:
            school_update_propose(
                representative=self.representative,
                program=program,
                data=data,
                kind=SchoolUpdate.Kind.DISCONTINUE if discontinue else None,
            )
        except UpdateRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. Our editors will review your update, usually within a week."),
        )
        return redirect("representatives:home", unitid=self.school.unitid)

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.get_program(), **kwargs)


class NewProgramView(RepresentativeMixin, PageMixin, FormView):
    template_name = "representatives/program.html"
    form_class = NewProgramForm
    robots = "noindex"
    page_title = gettext_lazy("Add a program we don't list")

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in ProgramUpdateForm.Meta.fields}
        data["career"] = form.cleaned_data["career"].slug
        data["credential_level"] = form.cleaned_data["credential_level"]
        try:
            school_update_propose(representative=self.representative, program=None, data=data)
        except UpdateRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Thank you. Our editors will review the new program and list it once they have "
                "checked it."
            ),
        )
        return redirect("representatives:home", unitid=self.school.unitid)


class RepresentativeSignOutView(View):
    def post(self, request, unitid):
        verification.sign_out(request)
        messages.info(request, _("You are signed out."))
        return redirect("representatives:for_schools")
