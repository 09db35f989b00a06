from django.contrib import admin
from django.http import HttpResponseRedirect
from django.utils.timesince import timesince

from core.admin import WorkflowStepsMixin
from core.models import OutgoingEmail

from . import services
from .models import Correction


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


@admin.register(Correction)
class CorrectionAdmin(WorkflowStepsMixin, admin.ModelAdmin):
    noun = "correction"
    refusals = (services.TransitionRefused,)
    change_form_template = "admin/corrections/correction/change_form.html"
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
        return services.stored_value(obj.target, obj.target_field)

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
            lambda c: services.correction_assign(correction=c, assignee=request.user),
            "assigned to you",
        )

    @admin.action(description="Apply the proposed value", permissions=["change"])
    def apply(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: services.correction_apply(correction=c, reviewer=request.user),
            "applied",
        )

    @admin.action(description="Reject (the editor note is the reason)", permissions=["change"])
    def reject(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: services.correction_reject(
                correction=c, reviewer=request.user, reason=c.editor_note
            ),
            "rejected",
        )

    @admin.action(description="Mark as duplicate", permissions=["change"])
    def mark_duplicate(self, request, queryset):
        self.run_steps(
            request,
            queryset,
            lambda c: services.correction_mark_duplicate(
                correction=c, reviewer=request.user, duplicate_of=c.duplicate_of
            ),
            "marked as duplicate",
        )

    @admin.action(description="Send the decision email again", permissions=["change"])
    def resend_email(self, request, queryset):
        queued = sum(services.correction_notify(correction=c) for c in queryset)
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
