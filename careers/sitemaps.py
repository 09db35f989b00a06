from django.urls import reverse

from core.geography import STATES
from core.sitemaps import TranslatedSitemap

from .models import Career, Certification, WageEstimate


class CareerSitemap(TranslatedSitemap):
    changefreq = "monthly"
    priority = 0.9

    def items(self):
        return Career.objects.published()

    def lastmod(self, career):
        return career.last_reviewed


class HomeSitemap(TranslatedSitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return [
            "careers:home",
            "careers:certification_list",
            "careers:organization_list",
            "core:privacy",
        ]

    def location(self, name):
        return reverse(name)


class CertificationSitemap(TranslatedSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Certification.objects.order_by("slug")


class CareerStateSitemap(TranslatedSitemap):
    """A page per career and state where we hold its pay or list its programs."""

    changefreq = "monthly"
    priority = 0.6

    def items(self):
        pairs = set()
        for career in Career.objects.published():
            wage_states = WageEstimate.objects.for_occupation(career.soc_code).states()
            pairs.update((career.slug, s) for s in wage_states.values_list("states", flat=True))
            program_states = career.programs.published().values_list("school__state", flat=True)
            pairs.update((career.slug, s) for s in program_states.distinct())
        return sorted((slug, state) for slug, state in pairs if state in STATES)

    def location(self, item):
        slug, state = item
        return reverse("careers:career_state", kwargs={"slug": slug, "state": state.lower()})
