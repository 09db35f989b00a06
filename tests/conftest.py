import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (creating rows, reading what the browser stored) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.org", "a-long-test-password", is_staff=True, is_superuser=True
    )


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request to /es/ leaves Spanish active in the thread, as in any Django server; a test's
    own reverse() and gettext() start in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Pages and rate-limit counters live in the caches, and their most recent in this process
    (core/recent.py), which also remembers the URLs asked for once: every test starts with
    none."""
    from django.core.cache import caches

    from core.pagecache import first_requests
    from core.recent import Recent

    for cache in caches.all():
        cache.clear()
    Recent.clear_all()
    first_requests.clear()
