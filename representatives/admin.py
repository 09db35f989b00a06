from django.contrib import admin
from django.http import HttpResponseRedirect

from core.admin import WorkflowStepsMixin

from . import verification
from .models import (
    AccessRequest,
    SchoolEmailDomain,
    SchoolRepresentative,
    SchoolUpdate,
    SchoolUpdateField,
)
from .school_updates import UpdateRefused, as_text, school_update_apply, school_update_reject


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
    change_form_template = "admin/representatives/schoolupdate/change_form.html"
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
        return verification.why_not_automatic(obj)

    def _approve(self, request, queryset, approve_domain):
        for access_request in queryset.filter(status=AccessRequest.Status.PENDING):
            verification.access_request_approve(
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
            verification.access_request_refuse(access_request=access_request, reviewer=request.user)


@admin.register(SchoolRepresentative)
class SchoolRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["email", "school", "is_active", "verified_at"]
    list_filter = ["is_active"]
    search_fields = ["email", "school__name"]
    readonly_fields = ["school", "email", "verified_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SchoolEmailDomain)
class SchoolEmailDomainAdmin(admin.ModelAdmin):
    """Domains whose addresses may represent a school besides its own web domain."""

    list_display = ["domain", "school", "approved_by", "approved_at"]
    search_fields = ["domain", "school__name"]
    autocomplete_fields = ["school"]
    readonly_fields = ["approved_by", "approved_at"]

    def save_model(self, request, obj, form, change):
        obj.approved_by = obj.approved_by or request.user
        super().save_model(request, obj, form, change)
