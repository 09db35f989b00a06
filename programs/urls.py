from django.urls import path

from core.pagecache import cache_public_page

from . import views
from .about import AboutDataView
from .award_levels import AwardLevelsView

page = cache_public_page()

app_name = "programs"
urlpatterns = [
    path("programs/about-the-data/", page(AboutDataView.as_view()), name="about_data"),
    path("programs/award-levels/", page(AwardLevelsView.as_view()), name="award_levels"),
    path("programs/<int:pk>/", page(views.ProgramDetailView.as_view()), name="program_detail"),
    path(
        "schools/<int:unitid>/<slug:slug>/",
        page(views.SchoolDetailView.as_view()),
        name="school_detail",
    ),
]
