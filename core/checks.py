from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """In production every app server must share one cache: rate limits and pages live there."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is local to each process, so rate limits and cached pages are not "
                "shared between app servers.",
                hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0).",
                id="directory.W001",
            )
        ]
    return []
