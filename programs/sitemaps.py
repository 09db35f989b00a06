from django.urls import reverse

from core.sitemaps import TranslatedSitemap

from .models import Program, School


class ListingSitemap(TranslatedSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return [
            "finder:program_list",
            "programs:award_levels",
            "programs:about_data",
            "representatives:for_schools",
        ]

    def location(self, name):
        return reverse(name)


class ProgramSitemap(TranslatedSitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 10_000

    def items(self):
        return Program.objects.published().only("pk").order_by("pk")


class SchoolSitemap(TranslatedSitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 10_000

    def items(self):
        return School.objects.with_published_programs().only("unitid", "slug").order_by("unitid")
