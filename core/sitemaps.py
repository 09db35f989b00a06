"""Every page of the sitemaps in English and in Spanish, each URL with its alternates
(`<xhtml:link hreflang>`), English the default."""

from django.contrib.sitemaps import Sitemap


class TranslatedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
