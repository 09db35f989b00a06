from django.urls import path

from core.crossorigin import origin_checked

from . import views

app_name = "corrections"
urlpatterns = [
    path("corrections/", origin_checked(views.CorrectionCreateView.as_view()), name="create"),
    path("corrections/thanks/", views.CorrectionThanksView.as_view(), name="thanks"),
]
