from django.urls import path

from core.pagecache import cache_public_page, site_only

from . import views

page = cache_public_page()


def career_tags(url_kwargs):  # moved by an edit of one of its programs: programs/apps.py
    return (f"career:{url_kwargs['slug']}",)


app_name = "careers"
urlpatterns = [
    path("", page(views.HomeView.as_view()), name="home"),
    path(
        "careers/<slug:slug>/",
        cache_public_page(tags=career_tags, popular_only=["zip"])(views.CareerDetailView.as_view()),
        name="career_detail",
    ),
    path(
        "careers/<slug:slug>/<slug:state>/",
        page(views.CareerStateView.as_view()),
        name="career_state",
    ),
    path("certifications/", page(views.CertificationListView.as_view()), name="certification_list"),
    path(
        "certifications/<slug:slug>/",
        page(views.CertificationDetailView.as_view()),
        name="certification_detail",
    ),
    path(
        "associations/",
        cache_public_page(tags=site_only)(views.OrganizationListView.as_view()),
        name="organization_list",
    ),
]
