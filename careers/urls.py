from django.urls import path

from . import views

app_name = "careers"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("careers/<slug:slug>/", views.CareerDetailView.as_view(), name="career_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
]
