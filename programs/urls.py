from django.urls import path

from core.pagecache import cache_public_page

from . import views
from .about import AboutDataView
from .award_levels import AwardLevelsView

page = cache_public_page()


def program_tags(url_kwargs):  # what moves them: programs/apps.py
    return (f"program:{url_kwargs['pk']}",)


def school_tags(url_kwargs):
    return (f"school:{url_kwargs['unitid']}",)


app_name = "programs"
urlpatterns = [
    path("programs/about-the-data/", page(AboutDataView.as_view()), name="about_data"),
    path("programs/award-levels/", page(AwardLevelsView.as_view()), name="award_levels"),
    path(
        "programs/<int:pk>/",
        cache_public_page(tags=program_tags)(views.ProgramDetailView.as_view()),
        name="program_detail",
    ),
    path(
        "schools/<int:unitid>/<slug:slug>/",
        cache_public_page(tags=school_tags)(views.SchoolDetailView.as_view()),
        name="school_detail",
    ),
]
