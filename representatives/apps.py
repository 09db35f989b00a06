from django.apps import AppConfig


class RepresentativesConfig(AppConfig):
    """Schools' representatives: sign-in by emailed link, and the updates they propose."""

    name = "representatives"
    verbose_name = "Schools' representatives and updates"

    def ready(self):
        from . import retention  # noqa: F401 - registers its retention rules
