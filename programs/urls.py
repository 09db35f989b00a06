from django.urls import path

from core.pagecache import cache_public_page

from . import views
from .selections import compare_list, shortlist

page = cache_public_page()

app_name = "programs"
urlpatterns = [
    path(
        "programs/",
        cache_public_page(popular_only=["q", "zip"])(views.ProgramListView.as_view()),
        name="program_list",
    ),
    path("programs/export.csv", views.ProgramExportView.as_view(), name="program_export"),
    path("programs/<int:pk>/", page(views.ProgramDetailView.as_view()), name="program_detail"),
    path(
        "schools/<int:unitid>/<slug:slug>/",
        page(views.SchoolDetailView.as_view()),
        name="school_detail",
    ),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path(
        "compare/update/",
        views.SelectionUpdateView.as_view(selection=compare_list, noun="compare list"),
        name="compare_update",
    ),
    path("shortlist/", views.ShortlistView.as_view(), name="shortlist"),
    path(
        "shortlist/update/",
        views.SelectionUpdateView.as_view(selection=shortlist, noun="shortlist"),
        name="shortlist_update",
    ),
    path("shortlist/compare/", views.ShortlistToCompareView.as_view(), name="shortlist_compare"),
]
