from datetime import timedelta

from django.contrib import admin
from django.db.models import F, Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .guides import guide_section_discard_edits, guide_section_publish
from .models import (
    Career,
    Certification,
    CertificationRoute,
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


def publication_state(section) -> str:
    if section.pk is None:
        return "New"
    if not section.is_published:
        return "Draft: never published"
    if section.has_unpublished_edits:
        return "Published, with unpublished edits"
    return "Published"


class GuideSectionInline(admin.StackedInline):
    """Edits here are saved as a draft; publish them from the guide sections list or a section's
    own page."""

    model = GuideSection
    extra = 0
    fields = ["order", "key", "heading", "body", "state"]
    readonly_fields = ["state"]

    @admin.display(description="State")
    def state(self, obj):
        return publication_state(obj)


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


class UnpublishedEditsFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("edits", "With unpublished edits"), ("draft", "Never published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "edits":
            return queryset.exclude(published_at__isnull=True).exclude(
                heading=F("published_heading"),
                body=F("published_body"),
                heading_es=F("published_heading_es"),
                body_es=F("published_body_es"),
            )
        return queryset


class SpanishFilter(admin.SimpleListFilter):
    title = "Spanish"
    parameter_name = "spanish"

    def lookups(self, request, model_admin):
        return [("missing", "Not translated yet"), ("written", "Translated")]

    def queryset(self, request, queryset):
        untranslated = Q(heading_es="") | Q(body_es="")
        if self.value() == "missing":
            return queryset.filter(untranslated)
        if self.value() == "written":
            return queryset.exclude(untranslated)
        return queryset


@admin.register(GuideSection)
class GuideSectionAdmin(SimpleHistoryAdmin):
    """Saving keeps an edit as a draft; "Save and publish" (or the list's action) puts it live.
    Each section's history can be reverted here (a revert is a draft edit too)."""

    change_form_template = "admin/careers/guidesection/change_form.html"
    list_display = ["heading", "career", "key", "state", "spanish", "published_at"]
    list_filter = ["career", UnpublishedEditsFilter, SpanishFilter]
    search_fields = ["heading", "body", "heading_es", "body_es"]
    readonly_fields = ["state", "published_at"]
    # The change form shows the two languages side by side (its template).
    fieldsets = [
        (None, {"fields": ["career", "key", "order", "state", "published_at"]}),
        ("English", {"fields": ["heading", "body"], "classes": ["language-column"]}),
        (
            "Spanish",
            {
                "fields": ["heading_es", "body_es", "reviewed_es"],
                "classes": ["language-column"],
                "description": "Plain Spanish for a reader at about grade 8, not a word-for-word "
                "rendering. Left empty, the Spanish guide shows the English and says the section "
                "is not translated yet. Published with the English.",
            },
        ),
    ]

    @admin.display(description="Spanish", boolean=True)
    def spanish(self, obj):
        return bool(obj.heading_es and obj.body_es)

    actions = ["publish", "discard_edits"]

    @admin.display(description="State")
    def state(self, obj):
        return publication_state(obj)

    @admin.action(description="Publish the selected sections", permissions=["change"])
    def publish(self, request, queryset):
        for section in queryset:
            guide_section_publish(section=section, editor=request.user)
        self.message_user(request, f"{queryset.count()} section(s) published.")

    @admin.action(
        description="Discard unpublished edits (back to the published copy)",
        permissions=["change"],
    )
    def discard_edits(self, request, queryset):
        for section in queryset:
            guide_section_discard_edits(section=section, editor=request.user)
        self.message_user(request, "Unpublished edits discarded.")

    def response_add(self, request, obj, post_url_continue=None):
        self._publish_if_asked(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._publish_if_asked(request, obj)
        return super().response_change(request, obj)

    def _publish_if_asked(self, request, obj):
        if "_publish" in request.POST and self.has_change_permission(request, obj):
            guide_section_publish(section=obj, editor=request.user)
            self.message_user(request, "The section is published.")

    def view_on_site(self, obj):
        return f"{obj.career.get_absolute_url()}?preview#{obj.anchor}"


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "kind", "website"]
    list_filter = ["kind", "careers"]
    search_fields = ["name", "abbreviation"]
    filter_horizontal = ["careers"]
    prepopulated_fields = {"slug": ["abbreviation"]}


class CertificationRouteInline(admin.StackedInline):
    model = CertificationRoute
    extra = 0
    fields = ["order", "basis", "description", "accreditors", "source_url", "last_checked"]


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ["abbreviation", "name", "organization"]
    list_filter = ["organization", "careers"]
    search_fields = ["abbreviation", "name", "organization__name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["careers"]
    prepopulated_fields = {"slug": ["abbreviation"]}
    inlines = [CertificationRouteInline]


class RouteCheckFilter(admin.SimpleListFilter):
    title = "last checked"
    parameter_name = "checked"

    def lookups(self, request, model_admin):
        return [("stale", "Over 12 months ago"), ("recent", "In the last 12 months")]

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - timedelta(days=365)
        if self.value() == "stale":
            return queryset.filter(last_checked__lt=cutoff)
        if self.value() == "recent":
            return queryset.filter(last_checked__gte=cutoff)
        return queryset


@admin.register(CertificationRoute)
class CertificationRouteAdmin(SimpleHistoryAdmin):
    """Eligibility routes, each checked against the awarding body's page: the list shows which
    are due a check."""

    list_display = ["certification", "basis", "description", "accreditors", "last_checked"]
    list_filter = [RouteCheckFilter, "basis", "certification__organization"]
    search_fields = ["certification__abbreviation", "description"]
    autocomplete_fields = ["certification"]


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
