from django.urls import path

from careers.pagecache import cache_public_page

from . import representative_views as rep
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
    path(
        "search/", cache_public_page(popular_only=["q"])(views.SearchView.as_view()), name="search"
    ),
    path("for-schools/", page(rep.ForSchoolsView.as_view()), name="for_schools"),
    path(
        "schools/<int:unitid>/<slug:slug>/represent/",
        rep.RepresentativeRequestView.as_view(),
        name="representative_request",
    ),
    path(
        "schools/represent/<str:token>/",
        rep.RepresentativeVerifyView.as_view(),
        name="representative_verify",
    ),
    path(
        "school-updates/<int:unitid>/",
        rep.RepresentativeHomeView.as_view(),
        name="representative_home",
    ),
    path(
        "school-updates/<int:unitid>/programs/<int:pk>/",
        rep.ProgramUpdateView.as_view(),
        name="representative_program",
    ),
    path(
        "school-updates/<int:unitid>/new-program/",
        rep.NewProgramView.as_view(),
        name="representative_new_program",
    ),
    path(
        "school-updates/<int:unitid>/sign-out/",
        rep.RepresentativeSignOutView.as_view(),
        name="representative_sign_out",
    ),
    path("corrections/", views.CorrectionCreateView.as_view(), name="correction_create"),
    path("corrections/thanks/", views.CorrectionThanksView.as_view(), name="correction_thanks"),
]
