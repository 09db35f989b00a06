from django.urls import path, re_path

from . import views
from .errors import not_found

app_name = "api"
urlpatterns = [
    path("api/v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("api/v1/careers/", views.CareerListView.as_view(), name="career_list"),
    path("api/v1/careers/<slug:slug>/", views.CareerDetailView.as_view(), name="career_detail"),
    path(
        "api/v1/certifications/",
        views.CertificationListView.as_view(),
        name="certification_list",
    ),
    path(
        "api/v1/certifications/<slug:slug>/",
        views.CertificationDetailView.as_view(),
        name="certification_detail",
    ),
    path("api/v1/schools/", views.SchoolListView.as_view(), name="school_list"),
    path("api/v1/schools/<str:unitid>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("api/v1/programs/", views.ProgramSearchView.as_view(), name="program_search"),
    path("api/v1/programs/<str:id>/", views.ProgramDetailView.as_view(), name="program_detail"),
    # Any other path under /api/v1/: a JSON 404 (keep this last among the api/v1/ paths).
    re_path(r"^api/v1/", not_found),
]

# /developers/ and the bulk files (api/pages.py; docs/api.md, "Bulk downloads").
from . import pages  # noqa: E402

urlpatterns += [
    path("developers/", pages.developers_page, name="developers"),
    path("downloads/<str:name>", pages.download, name="download"),
]
