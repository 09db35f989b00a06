from django.urls import path

from core.pagecache import cache_public_page

from . import views

app_name = "search"
urlpatterns = [
    path(
        "search/", cache_public_page(popular_only=["q"])(views.SearchView.as_view()), name="search"
    ),
]
