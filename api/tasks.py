"""Work done after the response or the import (Django tasks; `manage.py db_worker` in
production, at once in development)."""

from django.conf import settings
from django.tasks import task


@task
def rebuild_downloads() -> None:
    """The bulk downloads again, from the data as it now is (after an import)."""
    from .management.commands.build_downloads import build

    build(site=getattr(settings, "SITE_URL", ""))
