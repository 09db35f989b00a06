from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Career,
    Certification,
    CipSocLink,
    GuideSection,
    OnetSkill,
    OnetTask,
    OnetTechnology,
    Organization,
    Projection,
    WageEstimate,
    ZipCode,
)


class GuideSectionInline(admin.StackedInline):
    model = GuideSection
    extra = 0
    fields = ["order", "key", "heading", "body"]


@admin.register(Career)
class CareerAdmin(SimpleHistoryAdmin):
    list_display = ["title", "soc_code", "status", "last_reviewed", "section_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "soc_code", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["leads_to"]
    inlines = [GuideSectionInline]
    show_facets = admin.ShowFacets.ALWAYS

    @admin.display(description="Guide sections")
    def section_count(self, obj):
        return obj.sections.count()


@admin.register(GuideSection)
class GuideSectionAdmin(SimpleHistoryAdmin):
    """Sections are edited inline on their career; here each one's history can be reverted."""

    list_display = ["heading", "career", "key"]
    list_filter = ["career"]
    search_fields = ["heading", "body"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "kind", "website"]
    list_filter = ["kind", "careers"]
    search_fields = ["name", "abbreviation"]
    filter_horizontal = ["careers"]
    prepopulated_fields = {"slug": ["abbreviation"]}


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ["abbreviation", "name", "organization"]
    list_filter = ["organization", "careers"]
    search_fields = ["abbreviation", "name", "organization__name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["careers"]
    prepopulated_fields = {"slug": ["abbreviation"]}


class ImportedDataAdmin(admin.ModelAdmin):
    """Rows loaded from federal data: read-only here, refreshed by re-running the import."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WageEstimate)
class WageEstimateAdmin(ImportedDataAdmin):
    list_display = ["occupation_title", "soc_code", "area_type", "area_name", "annual_median"]
    list_filter = ["area_type", "soc_code"]
    search_fields = ["area_name", "occupation_title", "soc_code", "cbsa_code", "states"]


@admin.register(Projection)
class ProjectionAdmin(ImportedDataAdmin):
    list_display = ["occupation_title", "soc_code", "change_percent", "annual_openings"]
    search_fields = ["occupation_title", "soc_code"]


@admin.register(ZipCode)
class ZipCodeAdmin(ImportedDataAdmin):
    list_display = ["code", "city", "state", "cbsa_name"]
    list_filter = ["state"]
    search_fields = ["code", "city", "cbsa_name"]


@admin.register(CipSocLink)
class CipSocLinkAdmin(ImportedDataAdmin):
    list_display = ["cip_code", "cip_title", "soc_code", "soc_title"]
    search_fields = ["cip_code", "cip_title", "soc_code", "soc_title"]


@admin.register(OnetTask)
class OnetTaskAdmin(ImportedDataAdmin):
    list_display = ["onet_code", "order", "statement", "is_core"]
    list_filter = ["onet_code", "is_core"]
    search_fields = ["statement"]


@admin.register(OnetSkill)
class OnetSkillAdmin(ImportedDataAdmin):
    list_display = ["onet_code", "name", "importance", "level"]
    list_filter = ["onet_code"]
    search_fields = ["name"]


@admin.register(OnetTechnology)
class OnetTechnologyAdmin(ImportedDataAdmin):
    list_display = ["onet_code", "example", "category", "hot_technology", "in_demand"]
    list_filter = ["onet_code", "hot_technology", "in_demand"]
    search_fields = ["example", "category"]
