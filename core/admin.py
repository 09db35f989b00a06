from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .mail import ERASED, email_retry
from .models import OutgoingEmail
from .provenance import Source, values_record_edits


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Every email the site sent or will send; a sign-in link is never shown here."""

    list_display = ["subject", "to", "purpose", "status", "attempts", "last_error", "created_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject", "about"]
    fields = [
        "to", "subject", "shown_body", "purpose", "about", "status", "attempts", "last_error",
        "created_at", "next_attempt_at", "sent_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["retry"]
    show_facets = admin.ShowFacets.ALWAYS

    def has_add_permission(self, request):
        return False

    @admin.display(description="Body")
    def shown_body(self, obj):
        return ERASED if obj.secret else obj.body

    @admin.action(description="Try sending again now", permissions=["change"])
    def retry(self, request, queryset):
        for email in queryset:
            email_retry(email=email)
        self.message_user(request, "Queued again: they go out with the next send_queued_email.")


class SourcedValuesAdmin:
    """For records whose values the public page labels with their source (core/provenance.py):
    what an editor changes here — in the form or by reverting to an earlier version — is
    recorded as updated by our editors, today."""

    def save_model(self, request, obj, form, change):
        m2m = [name for name in form.changed_data if name in obj.sourced_m2m]
        values_record_edits(obj, source=Source.EDITOR, also=m2m)
        super().save_model(request, obj, form, change)


class PermissionedImportExportAdmin:
    """django-import-export lets anyone with admin access import and export unless told
    otherwise: importing needs the model's add and change permissions, exporting its view
    permission."""

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


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
