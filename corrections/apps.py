from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    """Visitors' notes that something on a page is wrong, and the editors' queue for them."""

    name = "corrections"
    verbose_name = "Corrections"

    def ready(self):
        from . import retention  # noqa: F401 - registers its retention rules
