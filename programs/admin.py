from django.contrib import admin
from django.db.models import Count
from django.utils.timesince import timesince

from .models import Correction, Program, School


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0
    fields = ["career", "credential_level", "cip_code", "total_cost", "status"]
    readonly_fields = ["total_cost"]
    show_change_link = True


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "sector", "federal_aid_eligible", "program_count"]
    list_filter = ["sector", "state", "federal_aid_eligible", "distance_education"]
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
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "school",
        "career",
        "credential_level",
        "total_cost",
        "graduates_per_year",
        "status",
        "last_verified",
    ]
    list_filter = ["status", "career", "credential_level", "school__sector", "school__state"]
    list_select_related = ["school", "career"]
    search_fields = ["school__name", "school__city", "cip_code", "cip_title"]
    autocomplete_fields = ["school"]
    filter_horizontal = ["certifications"]
    readonly_fields = ["total_cost", "data_source", "data_year"]
    show_facets = admin.ShowFacets.ALWAYS


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["field", "about", "proposed_value_short", "status", "age", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["field", "proposed_value", "current_value", "page_url", "contact_email"]
    list_select_related = ["program__school", "program__career", "school", "career"]
    readonly_fields = ["page_url", "program", "school", "career", "created_at", "updated_at"]
    ordering = ["-created_at", "-id"]
    show_facets = admin.ShowFacets.ALWAYS
    fieldsets = [
        ("What it is about", {"fields": ["page_url", "program", "school", "career"]}),
        (
            "The note",
            {"fields": ["field", "current_value", "proposed_value", "evidence", "contact_email"]},
        ),
        ("Review", {"fields": ["status", "editor_note", "created_at", "updated_at"]}),
    ]

    @admin.display(description="About")
    def about(self, obj):
        return obj.target or obj.page_url

    @admin.display(description="Proposed value")
    def proposed_value_short(self, obj):
        text = obj.proposed_value
        return text if len(text) <= 60 else f"{text[:57]}…"

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at)
