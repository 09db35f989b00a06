from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import PermissionedImportExportAdmin, SourcedValuesAdmin
from core.provenance import Source, values_record_edits

from .models import Program, RecordRule, School
from .quality import held_back_refresh, rule_condition
from .resources import ProgramResource, SchoolResource

STALE_AFTER = timedelta(days=365)
# The program form's last part: what its graduates can sit for, and who accredits it.
CERTIFICATION_FIELDS = [
    "certifications", "accreditor", "accreditation_evidence", "accreditation_verified_on",
]  # fmt: skip
CERTIFICATIONS_TITLE = "Certifications and programmatic accreditation"
CERTIFICATIONS_FIELDSET = {
    "fields": CERTIFICATION_FIELDS,
    "description": "Certifications follow the career's training routes unless set here. The "
    "site calls the program accredited only once “accreditation verified on” is set: set it "
    "once you have seen the program on the accreditor's own list. Applying a school's change "
    "of accreditor or evidence clears it.",
}


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
    inlines = [ProgramInline]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_total=Count("programs"))

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
        "held_back",
        "shown_despite_rules",
        "outcome_flag",
        "accreditor",
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
    readonly_fields = [
        "total_cost", "data_source", "data_year", "held_back", "graduates_by_year", "outcome_flag",
    ]  # fmt: skip
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["publish", "unpublish", "show_despite_rules"]

    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f not in CERTIFICATION_FIELDS]
        return [(None, {"fields": fields}), (CERTIFICATIONS_TITLE, CERTIFICATIONS_FIELDSET)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "shown_despite_rules" in form.changed_data:
            held_back_refresh()

    @admin.action(
        description="Show the selected records despite the record-quality rules",
        permissions=["change"],
    )
    def show_despite_rules(self, request, queryset):
        for program in queryset:
            program.shown_despite_rules = True
            values_record_edits(program, source=Source.EDITOR)
            program.save()
        held_back_refresh()

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


@admin.register(RecordRule)
class RecordRuleAdmin(admin.ModelAdmin):
    """Record-quality rules: saving one applies every rule again to every program."""

    list_display = ["name", "is_active", "held_back_now"]
    list_filter = ["is_active"]
    filter_horizontal = ["careers"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the careers are saved here
        held_back_refresh()

    @admin.display(description="Holds back now")
    def held_back_now(self, obj):
        return Program.objects.filter(rule_condition(obj), shown_despite_rules=False).count()
