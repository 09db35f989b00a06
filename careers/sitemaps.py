from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Career


class CareerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.9

    def items(self):
        return Career.objects.published()

    def lastmod(self, career):
        return career.last_reviewed


class HomeSitemap(Sitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["careers:home"]

    def location(self, name):
        return reverse(name)
