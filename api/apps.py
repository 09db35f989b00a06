from django.apps import AppConfig
from django.conf import settings
from django.db import transaction


def rebuild_downloads_after_load(**kwargs):
    """Every import (and seeding) ends in a rebuild of the bulk files (api/tasks.py)."""
    if settings.DOWNLOADS_AFTER_IMPORT:
        from .tasks import rebuild_downloads

        transaction.on_commit(rebuild_downloads.enqueue)


class ApiConfig(AppConfig):
    """The open data: a read-only JSON API under /api/v1/ and bulk downloads (docs/api.md)."""

    name = "api"
    verbose_name = "Open data"

    def ready(self):
        from core.datafiles import bulk_loaded

        bulk_loaded.connect(rebuild_downloads_after_load, dispatch_uid="api-downloads")
