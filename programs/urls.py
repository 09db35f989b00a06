from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path(
        "schools/<int:unitid>/<slug:slug>/",
        views.SchoolDetailView.as_view(),
        name="school_detail",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("corrections/", views.CorrectionCreateView.as_view(), name="correction_create"),
    path("corrections/thanks/", views.CorrectionThanksView.as_view(), name="correction_thanks"),
]
