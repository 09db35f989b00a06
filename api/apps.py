from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The open data: a read-only JSON API under /api/v1/ and bulk downloads (docs/api.md)."""

    name = "api"
    verbose_name = "Open data"
