from django.urls import path

from core.pagecache import cache_public_page

from . import views
from .about import AboutDataView
from .award_levels import AwardLevelsView
from .compare import CompareView
from .export import ProgramExportView
from .selections import (
    SelectionUpdateView,
    ShortlistToCompareView,
    ShortlistView,
    compare_list,
    shortlist,
)

page = cache_public_page()

app_name = "programs"
urlpatterns = [
    path(
        "programs/",
        cache_public_page(popular_only=["q", "zip"])(views.ProgramListView.as_view()),
        name="program_list",
    ),
    path("programs/about-the-data/", page(AboutDataView.as_view()), name="about_data"),
    path("programs/award-levels/", page(AwardLevelsView.as_view()), name="award_levels"),
    path("programs/export.csv", ProgramExportView.as_view(), name="program_export"),
    path("programs/<int:pk>/", page(views.ProgramDetailView.as_view()), name="program_detail"),
    path(
        "schools/<int:unitid>/<slug:slug>/",
        page(views.SchoolDetailView.as_view()),
        name="school_detail",
    ),
    path("compare/", CompareView.as_view(), name="compare"),
    path(
        "compare/update/",
        SelectionUpdateView.as_view(selection=compare_list, noun="compare list"),
        name="compare_update",
    ),
    path("shortlist/", ShortlistView.as_view(), name="shortlist"),
    path(
        "shortlist/update/",
        SelectionUpdateView.as_view(selection=shortlist, noun="shortlist"),
        name="shortlist_update",
    ),
    path("shortlist/compare/", ShortlistToCompareView.as_view(), name="shortlist_compare"),
]
