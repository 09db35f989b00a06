"""A URLconf with a view that fails, to see the 500 page."""

from django.urls import path

from directory.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


# The site's own patterns, not include()d: i18n_patterns are only allowed in a root URLconf.
urlpatterns = [path("boom/", boom), *site_urlpatterns]
