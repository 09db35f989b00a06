"""Logs: one JSON object per line on stdout, each line once; optional error reports to Sentry."""

import json
import os
import re
from datetime import datetime, timedelta

import pytest

from core.logformat import without_personal_data

from .probes import run_probe

# The site on production settings, with everything it writes to stdout and stderr kept.
PRODUCTION_LOGS = """
import io, json, sys
out, err = io.StringIO(), io.StringIO()
sys.stdout, sys.stderr = out, err  # before logging is set up, so its handlers write here
import django
django.setup()
import sentry_sdk
events = []
class Kept(sentry_sdk.transport.Transport):
    def capture_envelope(self, envelope):  # what would be sent, kept instead
        events.extend(item.payload.json for item in envelope.items if item.type == "event")
if sentry_sdk.get_client().is_active():
    sentry_sdk.get_client().transport = Kept()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
# Logs are under test here, not the static manifest (collectstatic runs in CI's gunicorn step).
override_settings(
    ROOT_URLCONF="tests.error_urls",
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
).enable()
site = get_wsgi_application()  # what gunicorn calls (Sentry hooks in there too)

def request(method, path, query="", body=b"", **headers):
    status = []
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "example.org", "SERVER_PORT": "443", "HTTP_HOST": "example.org",
        "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "REMOTE_ADDR": "203.0.113.9", **headers,
    }
    b"".join(site(environ, lambda line, headers, exc_info=None: status.append(line)))
    return int(status[0].split()[0])

statuses = {
    "/programs/": request("GET", "/programs/", "zip=60601"),
    "/boom/": request("GET", "/boom/", "zip=60602"),
    "/healthz": request("GET", "/healthz"),
}
if sentry_sdk.get_client().is_active():
    statuses["sentry"] = [
        request("GET", "/boom/", "zip=60603", HTTP_COOKIE="sessionid=s3cret"),
        request(
            "POST", "/boom/", body=b"contact_email=me%40x.org",
            HTTP_COOKIE="csrftoken=" + "c" * 32, HTTP_X_CSRFTOKEN="c" * 32,
            HTTP_REFERER="https://example.org/programs/?zip=60604",
        ),
    ]
sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
print(json.dumps({
    "statuses": statuses,
    "stdout": out.getvalue(),
    "stderr": err.getvalue(),
    "sentry": sentry_sdk.get_client().is_active(),
    "events": events,
}))
"""


def holds_a_zip_code(text: str) -> bool:
    """Whether one of the ZIP codes the requests carried is in `text`: on its own, not as part of
    a random hexadecimal id (a trace id or a commit hash may well hold "6060")."""
    return re.search(r"(?<![0-9a-f])6060[1-4](?![0-9a-f])", text) is not None


def production(tmp_path_factory, **env):
    database = tmp_path_factory.mktemp("logs") / "db.sqlite3"
    unset = {"REDIS_URL", "SENTRY_DSN", "LOG_LEVEL"}
    environment = {name: value for name, value in os.environ.items() if name not in unset}
    environment.update(
        DJANGO_SETTINGS_MODULE="directory.settings.production",
        SECRET_KEY="p" * 64,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{database}",
        **env,
    )
    return run_probe(PRODUCTION_LOGS, environment)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return production(tmp_path_factory)


@pytest.fixture(scope="module")
def site_with_sentry(tmp_path_factory):
    # Nothing listens on port 9, and the probe keeps the reports instead of sending them.
    return production(tmp_path_factory, SENTRY_DSN="http://public@127.0.0.1:9/1")


REQUEST_LINE = {"time", "level", "logger", "method", "path", "status", "duration_ms"}


def logged(site):
    return [json.loads(line) for line in site["stdout"].splitlines()]


def test_every_line_is_one_json_object_written_once(site):
    assert site["statuses"] == {"/programs/": 200, "/boom/": 500, "/healthz": 200}
    assert site["stderr"] == ""
    lines = logged(site)
    assert lines and all(isinstance(line, dict) for line in lines)
    for line in lines:
        assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)
        assert line["level"] in {"INFO", "WARNING", "ERROR", "CRITICAL"}
    requests = [line for line in lines if line["logger"] == "directory.requests"]
    assert [(line["method"], line["path"], line["status"]) for line in requests] == [
        ("GET", "/programs/", 200),
        ("GET", "/boom/", 500),
        ("GET", "/healthz", 200),
    ]
    assert all(line["duration_ms"] >= 0 for line in requests)
    assert set(requests[0]) == REQUEST_LINE
    # Never the query string or the client's address.
    assert not holds_a_zip_code(site["stdout"]) and "203.0.113.9" not in site["stdout"]


def test_an_error_in_a_view_is_logged_as_json_with_its_traceback(site):
    (error,) = [line for line in logged(site) if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /boom/"
    assert error["exc"].startswith("Traceback") and "RuntimeError: a bug" in error["exc"]


def test_sentry_reports_errors_only_when_a_dsn_is_set(site, site_with_sentry):
    assert site["sentry"] is False
    assert site_with_sentry["sentry"] is True
    assert site_with_sentry["stderr"] == ""
    assert all(isinstance(line, dict) for line in logged(site_with_sentry))


def test_sentry_reports_carry_no_personal_data(site_with_sentry):
    assert site_with_sentry["statuses"]["sentry"] == [500, 500]
    events = site_with_sentry["events"]
    assert len(events) == 3  # /boom/ asked for three times
    for event in events:
        assert event["exception"]["values"][-1]["type"] == "RuntimeError"
        assert event["request"] == {**event["request"], "url": "https://example.org/boom/"}
        assert set(event["request"]) <= {"method", "url"}
        assert "user" not in event
    sent = json.dumps(events)
    assert not holds_a_zip_code(sent) and "s3cret" not in sent and "me@x.org" not in sent
    assert "203.0.113.9" not in sent


def test_before_send_keeps_only_the_method_and_path_of_a_request():
    event = {
        "request": {
            "method": "POST",
            "url": "https://example.org/corrections/?zip=60601",
            "query_string": "zip=60601",
            "data": {"contact_email": "me@x.org"},
            "cookies": {"sessionid": "s3cret"},
            "headers": {"Referer": "https://example.org/programs/?zip=60601"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"ip_address": "203.0.113.9"},
        "message": "kept",
    }
    assert without_personal_data(event, {}) == {
        "request": {"method": "POST", "url": "https://example.org/corrections/"},
        "message": "kept",
    }
