"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache

GOOD_KEY = "k" * 60


def import_production(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="directory.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY}, "Set ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_real_key_and_hosts(env, message):
    result = import_production(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_when_configured():
    result = import_production(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_cache_backend_follows_redis_url():
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "core.cache.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
    cache.set("settings-test", "round trip", 5)
    assert cache.get("settings-test") == "round trip"


def test_database_follows_database_url():
    engine = settings.DATABASES["default"]["ENGINE"]
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite3"
    )
    assert engine == f"django.db.backends.{expected}"
    if expected == "postgresql":
        assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
