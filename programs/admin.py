from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.timesince import timesince
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PermissionedImportExportAdmin, SourcedValuesAdmin
from core.models import OutgoingEmail

from . import corrections, representatives
from .models import (
    AccessRequest,
    Correction,
    Program,
    School,
    SchoolEmailDomain,
    SchoolRepresentative,
    SchoolUpdate,
    SchoolUpdateField,
)
from .resources import ProgramResource, SchoolResource
from .school_updates import UpdateRefused, as_text, school_update_apply, school_update_reject

STALE_AFTER = timedelta(days=365)


class VerificationFilter(admin.SimpleListFilter):
    """Listings not verified by an editor in the last 12 months are stale."""

    title = "verification"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", "Stale (not verified in 12 months)"),
            ("never", "Never verified"),
            ("recent", "Verified in the last 12 months"),
        ]

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - STALE_AFTER
        if self.value() == "stale":
            return queryset.stale(cutoff)
        if self.value() == "never":
            return queryset.filter(last_verified__isnull=True)
        if self.value() == "recent":
            return queryset.filter(last_verified__gte=cutoff)
        return queryset


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0
    fields = ["career", "credential_level", "cip_code", "total_cost", "status"]
    readonly_fields = ["total_cost"]
    show_change_link = True


class SchoolEmailDomainInline(admin.TabularInline):
    """Domains whose addresses may represent this school besides its own web domain."""

    model = SchoolEmailDomain
    extra = 0
    fields = ["domain", "approved_by", "approved_at"]
    readonly_fields = ["approved_by", "approved_at"]


@admin.register(School)
class SchoolAdmin(
    SourcedValuesAdmin, PermissionedImportExportAdmin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    resource_classes = [SchoolResource]
    list_display = [
        "name",
        "city",
        "state",
        "sector",
        "federal_aid_eligible",
        "program_count",
        "last_verified",
    ]
    list_filter = [
        VerificationFilter,
        "sector",
        "state",
        "federal_aid_eligible",
        "distance_education",
    ]
    search_fields = ["name", "city", "=unitid"]
    readonly_fields = ["unitid", "data_source", "data_year"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SchoolEmailDomainInline, ProgramInline]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_total=Count("programs"))

    def save_formset(self, request, form, formset, change):
        if formset.model is SchoolEmailDomain:
            for domain_form in formset.forms:
                domain_form.instance.approved_by = domain_form.instance.approved_by or request.user
        super().save_formset(request, form, formset, change)

    @admin.display(description="Programs", ordering="program_total")
    def program_count(self, obj):
        return obj.program_total


@admin.register(Program)
class ProgramAdmin(
    SourcedValuesAdmin, PermissionedImportExportAdmin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    resource_classes = [ProgramResource]
    list_display = [
        "school",
        "career",
        "credential_level",
        "total_cost",
        "graduates_per_year",
        "status",
        "last_verified",
        "missing_from_source",
    ]
    list_filter = [
        VerificationFilter,
        "status",
        "missing_from_source",
        "career",
        "credential_level",
        "school__sector",
        "school__state",
    ]
    list_select_related = ["school", "career"]
    search_fields = ["school__name", "school__city", "cip_code", "cip_title"]
    autocomplete_fields = ["school"]
    filter_horizontal = ["certifications"]
    readonly_fields = ["total_cost", "data_source", "data_year"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish the selected programs", permissions=["change"])
    def publish(self, request, queryset):
        for program in queryset:
            program.status = "published"
            program.save()

    @admin.action(description="Make the selected programs drafts", permissions=["change"])
    def unpublish(self, request, queryset):
        for program in queryset:
            program.status = "draft"
            program.save()


class TargetKindFilter(admin.SimpleListFilter):
    title = "about"
    parameter_name = "about"

    def lookups(self, request, model_admin):
        return [
            ("program", "A program"),
            ("school", "A school"),
            ("career", "A career guide"),
            ("page", "A page only"),
        ]

    def queryset(self, request, queryset):
        if self.value() in ("program", "school", "career"):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        if self.value() == "page":
            return queryset.filter(program=None, school=None, career=None)
        return queryset


class WorkflowStepsMixin:
    """Admin actions that take each object through a service function; a refusal or an invalid
    value is reported per object, and the others still move."""

    noun = "item"
    refusals = ()

    def run_steps(self, request, objects, step, done):
        moved = 0
        for obj in objects:
            try:
                step(obj)
                moved += 1
            except self.refusals as refusal:
                self.message_user(request, f"#{obj.pk}: {refusal}", messages.WARNING)
            except ValidationError as error:
                problems = "; ".join(error.messages)
                self.message_user(request, f"#{obj.pk} not applied: {problems}", messages.ERROR)
        if moved:
            self.message_user(request, f"{moved} {self.noun}{'s' if moved != 1 else ''} {done}.")


@admin.register(Correction)
class CorrectionAdmin(WorkflowStepsMixin, admin.ModelAdmin):
    noun = "correction"
    refusals = (corrections.TransitionRefused,)
    change_form_template = "admin/programs/correction/change_form.html"
    list_display = ["field", "about", "stored_now", "page_said", "proposed", "status", "age"]
    list_filter = ["status", "assignee", TargetKindFilter, "created_at"]
    search_fields = ["field", "proposed_value", "current_value", "page_url", "contact_email"]
    list_select_related = ["program__school", "program__career", "school", "career", "assignee"]
    readonly_fields = [
        "page_url",
        "program",
        "school",
        "career",
        "target_field",
        "field",
        "current_value",
        "proposed_value",
        "evidence",
        "contact_email",
        "stored_now",
        "status",
        "assignee",
        "decided_by",
        "decided_at",
        "emails",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["duplicate_of"]
    ordering = ["-created_at", "-id"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["assign_to_me", "apply", "reject", "mark_duplicate", "resend_email"]
    fieldsets = [
        ("What it is about", {"fields": ["page_url", "program", "school", "career"]}),
        (
            "The note",
            {
                "fields": [
                    "target_field",
                    "field",
                    "stored_now",
                    "current_value",
                    "proposed_value",
                    "evidence",
                    "contact_email",
                ]
            },
        ),
        (
            "Decision",
            {
                "fields": [
                    "status",
                    "assignee",
                    "value_to_apply",
                    "editor_note",
                    "duplicate_of",
                    "decided_by",
                    "decided_at",
                ]
            },
        ),
        ("Emails about it", {"fields": ["emails"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # corrections come from visitors

    @admin.display(description="About")
    def about(self, obj):
        return obj.target or obj.page_url

    @admin.display(description="Stored now")
    def stored_now(self, obj):
        return corrections.stored_value(obj.target, obj.target_field)

    @admin.display(description="The visitor says the page says")
    def page_said(self, obj):
        return shorten(obj.current_value) or "—"

    @admin.display(description="Proposed")
    def proposed(self, obj):
        return shorten(obj.proposed_value)

    @admin.display(description="Emails")
    def emails(self, obj):
        sent = OutgoingEmail.objects.filter(about=f"correction:{obj.pk}").order_by("created_at")
        return (
            "; ".join(
                f"{email.purpose} to {email.to}: {email.get_status_display().lower()}"
                + (f" ({email.last_error})" if email.last_error else "")
                for email in sent
            )
            or "None"
        )

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at)

    @admin.action(description="Assign to me (in review)", permissions=["change"])
    def assign_to_me(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: corrections.correction_assign(correction=c, assignee=request.user),
            "assigned to you",
        )

    @admin.action(description="Apply the proposed value", permissions=["change"])
    def apply(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: corrections.correction_apply(correction=c, reviewer=request.user),
            "applied",
        )

    @admin.action(description="Reject (the editor note is the reason)", permissions=["change"])
    def reject(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: corrections.correction_reject(
                correction=c, reviewer=request.user, reason=c.editor_note
            ),
            "rejected",
        )

    @admin.action(description="Mark as duplicate", permissions=["change"])
    def mark_duplicate(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: corrections.correction_mark_duplicate(
                correction=c, reviewer=request.user, duplicate_of=c.duplicate_of
            ),
            "marked as duplicate",
        )

    @admin.action(description="Send the decision email again", permissions=["change"])
    def resend_email(self, request, queryset):
        queued = sum(corrections.correction_notify(correction=c) for c in queryset)
        self.message_user(request, f"{queued} email{'s' if queued != 1 else ''} queued.")

    def response_change(self, request, obj):
        """The change form's workflow buttons: save the editor's fields, then take the step."""
        steps = {
            "_assign": self.assign_to_me,
            "_apply": self.apply,
            "_reject": self.reject,
            "_duplicate": self.mark_duplicate,
            "_resend": self.resend_email,
        }
        for name, step in steps.items():
            if name in request.POST:
                step(request, Correction.objects.filter(pk=obj.pk))
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


def shorten(text, most=60):
    return text if len(text) <= most else f"{text[: most - 1]}…"


def open_corrections_summary():
    """For the admin index: how many corrections are open, and how many are over a week old."""
    open_ = Correction.objects.open()
    return {
        "open": open_.count(),
        "old": open_.older_than(timezone.now() - timedelta(days=7)).count(),
    }


class SchoolUpdateFieldInline(admin.TabularInline):
    """The proposal as a diff: what we show now, what the school saw, what it proposes."""

    model = SchoolUpdateField
    extra = 0
    can_delete = False
    fields = ["field", "current_value", "old_value", "new_value", "decision"]
    readonly_fields = ["field", "current_value", "old_value", "new_value"]

    @admin.display(description="Shown now")
    def current_value(self, obj):
        return as_text(obj.update.program, obj.field) if obj.update.program else "—"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SchoolUpdate)
class SchoolUpdateAdmin(WorkflowStepsMixin, admin.ModelAdmin):
    noun = "update"
    refusals = (UpdateRefused,)
    change_form_template = "admin/programs/schoolupdate/change_form.html"
    list_display = ["__str__", "school", "kind", "status", "representative", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["school__name", "representative__email"]
    list_select_related = ["school", "program__career", "representative"]
    readonly_fields = [
        "school",
        "program",
        "representative",
        "kind",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = [*readonly_fields[:5], "reason", "decided_by", "decided_at", "created_at"]
    inlines = [SchoolUpdateFieldInline]
    actions = ["apply_all", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Apply every proposed field", permissions=["change"])
    def apply_all(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda u: school_update_apply(update=u, reviewer=request.user),
            "applied",
        )

    @admin.action(
        description="Reject (the reason field is sent to the school)", permissions=["change"]
    )
    def reject(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda u: school_update_reject(update=u, reviewer=request.user, reason=u.reason),
            "rejected",
        )

    def response_change(self, request, obj):
        """Buttons: apply all, apply only the fields not marked "Not applied", or reject."""
        if "_apply_all" in request.POST:
            self.apply_all(request, SchoolUpdate.objects.filter(pk=obj.pk))
        elif "_apply_chosen" in request.POST:
            chosen = [
                f.field for f in obj.fields.exclude(decision=SchoolUpdateField.Decision.SKIPPED)
            ]
            self.run_steps(
                request,
                [obj],
                lambda u: school_update_apply(update=u, reviewer=request.user, fields=chosen),
                "applied in part",
            )
        elif "_reject" in request.POST:
            self.reject(request, SchoolUpdate.objects.filter(pk=obj.pk))
        else:
            return super().response_change(request, obj)
        return HttpResponseRedirect(request.path)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["email", "school", "why", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["email", "school__name"]
    readonly_fields = ["school", "email", "why", "status", "decided_by", "decided_at", "created_at"]
    actions = ["approve", "approve_with_domain", "refuse"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Why it needs an editor")
    def why(self, obj):
        return representatives.why_not_automatic(obj)

    def _approve(self, request, queryset, approve_domain):
        for access_request in queryset.filter(status=AccessRequest.Status.PENDING):
            representatives.access_request_approve(
                access_request=access_request,
                reviewer=request.user,
                absolute_url=request.build_absolute_uri,
                approve_domain=approve_domain,
            )
        self.message_user(request, "Sign-in links queued.")

    @admin.action(description="Approve: email a sign-in link", permissions=["change"])
    def approve(self, request, queryset):
        self._approve(request, queryset, approve_domain=False)

    @admin.action(
        description="Approve, and let every address on its domain represent the school",
        permissions=["change"],
    )
    def approve_with_domain(self, request, queryset):
        self._approve(request, queryset, approve_domain=True)

    @admin.action(description="Refuse", permissions=["change"])
    def refuse(self, request, queryset):
        for access_request in queryset.filter(status=AccessRequest.Status.PENDING):
            representatives.access_request_refuse(
                access_request=access_request, reviewer=request.user
            )


@admin.register(SchoolRepresentative)
class SchoolRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["email", "school", "is_active", "verified_at"]
    list_filter = ["is_active"]
    search_fields = ["email", "school__name"]
    readonly_fields = ["school", "email", "verified_at"]

    def has_add_permission(self, request):
        return False
