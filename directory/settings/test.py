"""Test settings: the database still comes from DATABASE_URL (SQLite or PostgreSQL)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Static files come straight from static/ (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Each test reads the tags' versions from the cache it cleared, not from what this process read
# in an earlier test (tests/test_http_caching.py checks the interval with its own value).
PAGE_CACHE_VERSION_CHECK_SECONDS = 0
# Tests that seed data don't write the bulk downloads; tests/test_downloads.py builds them into
# a folder of its own.
DOWNLOADS_AFTER_IMPORT = False
