from django.urls import path

from . import views
from .pagecache import cache_public_page, site_only

app_name = "core"
urlpatterns = [
    path(
        "privacy/", cache_public_page(tags=site_only)(views.PrivacyView.as_view()), name="privacy"
    ),
]
