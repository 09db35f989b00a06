from django.urls import path

from . import views

app_name = "corrections"
urlpatterns = [
    path("corrections/", views.CorrectionCreateView.as_view(), name="create"),
    path("corrections/thanks/", views.CorrectionThanksView.as_view(), name="thanks"),
]
