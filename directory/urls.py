from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView

from careers.sitemaps import (
    CareerSitemap,
    CareerStateSitemap,
    CertificationSitemap,
    HomeSitemap,
)
from core import views as core_views
from core.ratelimits import admin_login_limited
from programs.sitemaps import ListingSitemap, ProgramSitemap, SchoolSitemap

sitemaps = {
    "home": HomeSitemap,
    "careers": CareerSitemap,
    "career-states": CareerStateSitemap,
    "certifications": CertificationSitemap,
    "listing": ListingSitemap,
    "programs": ProgramSitemap,
    "schools": SchoolSitemap,
}

urlpatterns = [
    path("admin/login/", admin_login_limited(admin.site.login)),
    # Editors' bookmarks from before corrections and schools' updates had apps of their own.
    re_path(
        r"^admin/programs/(?P<rest>correction/.*)$",
        RedirectView.as_view(url="/admin/corrections/%(rest)s", query_string=True),
    ),
    re_path(
        r"^admin/programs/(?P<rest>(?:schoolrepresentative|schoolemaildomain|representativelink"
        r"|accessrequest|schoolupdate|schoolupdatefield)/.*)$",
        RedirectView.as_view(url="/admin/representatives/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    # Open data, in English only (outside i18n_patterns): docs/api.md.
    path("", include("api.urls")),
    path("favicon.ico", core_views.favicon),
]
# The public pages: English at these paths, Spanish at /es/... (core/i18n.py).
urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("careers.urls")),
    path("", include("programs.urls")),
    path("", include("finder.urls")),
    path("", include("representatives.urls")),
    path("", include("corrections.urls")),
    path("", include("search.urls")),
    prefix_default_language=False,
)
