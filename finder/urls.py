from django.urls import path

from core.crossorigin import origin_checked
from core.pagecache import cache_public_page

from .compare import CompareSaveView, CompareView
from .export import ProgramExportView
from .filters import FREE_TEXT
from .selections import (
    SelectionUpdateView,
    ShortlistToCompareView,
    ShortlistView,
    compare_list,
    shortlist,
)
from .views import ProgramListView

app_name = "finder"
urlpatterns = [
    path(
        "programs/",
        cache_public_page(popular_only=FREE_TEXT)(ProgramListView.as_view()),
        name="program_list",
    ),
    path("programs/export.csv", ProgramExportView.as_view(), name="program_export"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("compare/save/", origin_checked(CompareSaveView.as_view()), name="compare_save"),
    path(
        "compare/update/",
        origin_checked(SelectionUpdateView.as_view(selection=compare_list, noun="compare list")),
        name="compare_update",
    ),
    path("shortlist/", ShortlistView.as_view(), name="shortlist"),
    path(
        "shortlist/update/",
        origin_checked(SelectionUpdateView.as_view(selection=shortlist, noun="shortlist")),
        name="shortlist_update",
    ),
    path(
        "shortlist/compare/",
        origin_checked(ShortlistToCompareView.as_view()),
        name="shortlist_compare",
    ),
]
