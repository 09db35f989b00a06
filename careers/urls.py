from django.urls import path

from . import views

app_name = "careers"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("careers/<slug:slug>/", views.CareerDetailView.as_view(), name="career_detail"),
    path("careers/<slug:slug>/<slug:state>/", views.CareerStateView.as_view(), name="career_state"),
    path("certifications/", views.CertificationListView.as_view(), name="certification_list"),
    path(
        "certifications/<slug:slug>/",
        views.CertificationDetailView.as_view(),
        name="certification_detail",
    ),
    path("associations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
]
