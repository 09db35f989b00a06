from django.urls import path

from core.crossorigin import origin_checked
from core.pagecache import cache_public_page, site_only

from . import views

app_name = "representatives"
urlpatterns = [
    path(
        "for-schools/",
        cache_public_page(tags=site_only)(views.ForSchoolsView.as_view()),
        name="for_schools",
    ),
    path(
        "schools/<int:unitid>/<slug:slug>/represent/",
        origin_checked(views.RepresentativeRequestView.as_view()),
        name="request",
    ),
    path(
        "schools/represent/<str:token>/",
        origin_checked(views.RepresentativeVerifyView.as_view()),
        name="verify",
    ),
    path("school-updates/<int:unitid>/", views.RepresentativeHomeView.as_view(), name="home"),
    path(
        "school-updates/<int:unitid>/programs/<int:pk>/",
        views.ProgramUpdateView.as_view(),
        name="program",
    ),
    path(
        "school-updates/<int:unitid>/new-program/",
        views.NewProgramView.as_view(),
        name="new_program",
    ),
    path(
        "school-updates/<int:unitid>/sign-out/",
        views.RepresentativeSignOutView.as_view(),
        name="sign_out",
    ),
]
