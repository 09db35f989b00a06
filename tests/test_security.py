"""Security headers, CSP, abuse protection on public forms and the admin login."""

import os
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from corrections.models import Correction

from .factories import ProgramFactory
from .probes import run_probe

pytestmark = pytest.mark.django_db

PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client, override_settings
# Headers are under test here, not the static manifest (collectstatic runs in CI's gunicorn step).
override_settings(
    STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
).enable()
client = Client(HTTP_HOST="example.org")
report = {}
for path in ["/", "/programs/", "/careers/no-such-guide/", "/corrections/", "/admin/login/",
             "/robots.txt"]:
    response = client.get(path, secure=True)
    report[path] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {name: dict(morsel) for name, morsel in response.cookies.items()},
    }
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory):
    database = tmp_path_factory.mktemp("prod") / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "directory.settings.production",
        "SECRET_KEY": "p" * 64,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("REDIS_URL", None)
    return run_probe(PRODUCTION_PROBE, env)


EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def test_every_production_response_carries_the_security_headers(production_responses):
    for path, response in production_responses.items():
        headers = response["headers"]
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), path
        assert "includeSubDomains" in headers["Strict-Transport-Security"]
        for name, value in EXPECTED_HEADERS.items():
            assert headers.get(name) == value, (path, name)
        assert "camera=()" in headers["Permissions-Policy"], path
        assert "geolocation=()" in headers["Permissions-Policy"], path


NGINX_TEMPLATE = settings.BASE_DIR / "bench" / "nginx.conf.template"
SECURITY_HEADERS = [
    "Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
    "Cross-Origin-Opener-Policy", "X-Frame-Options", "Content-Security-Policy",
    "Permissions-Policy",
]  # fmt: skip


def test_nginx_sends_the_apps_security_headers_with_the_static_files_it_serves(
    production_responses,
):
    """docs/deploy.md's nginx serves /static/ itself: its files carry what the app's would."""
    static_block = re.search(
        r"location /static/ \{(.*?)\n        \}", NGINX_TEMPLATE.read_text(), re.S
    )
    added = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', static_block[1]))
    app = production_responses["/robots.txt"]["headers"]
    assert added == {name: app[name] for name in SECURITY_HEADERS}


def test_csp_allows_only_this_site_and_no_inline_code(production_responses):
    for path, response in production_responses.items():
        policy = response["headers"]["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        for sources in directives.values():
            for source in sources.split():
                assert source in {"'self'", "'none'", "data:"}, (path, source)


def test_production_cookies_are_secure(production_responses):
    csrf = production_responses["/admin/login/"]["cookies"]["csrftoken"]
    assert csrf["secure"] is True or csrf["secure"] == "True"
    assert production_responses["/careers/no-such-guide/"]["status"] == 404


def test_pages_load_nothing_from_other_sites(client):
    program = ProgramFactory()
    for url in ["/", "/programs/", program.get_absolute_url()]:
        page = client.get(url).content.decode()
        for attribute in ("src", "href"):
            for value in re.findall(rf'<(?:script|link|img)[^>]* {attribute}="([^"]+)"', page):
                assert value.startswith(("/", "http://testserver/")), (url, value)


VALID = {"page_url": "/", "field": "Tuition", "proposed_value": "Now $9,000"}


def test_honeypot_submissions_are_thanked_but_not_stored(client):
    response = client.post("/corrections/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("corrections:thanks"))
    assert Correction.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    page = client.get("/corrections/").content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in page
    assert 'tabindex="-1"' in page


@override_settings(CORRECTIONS_RATE_LIMIT="10/h")
def test_too_many_notes_from_one_client_are_refused_and_the_text_is_kept(client):
    for n in range(10):
        assert client.post("/corrections/", {**VALID, "field": f"note {n}"}).status_code == 302
    response = client.post("/corrections/", {**VALID, "field": "the eleventh note"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait a little before sending another note" in page
    assert "the eleventh note" in page and "Now $9,000" in page
    assert Correction.objects.count() == 10
    assert 0 < int(response["Retry-After"]) <= 3600  # how long until the hour's window ends


def test_rate_limit_counts_each_client_separately(client):
    for _ in range(10):
        client.post("/corrections/", VALID, REMOTE_ADDR="10.0.0.1")
    assert client.post("/corrections/", VALID, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/corrections/", VALID, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_the_proxy_each_visitor_is_counted_by_the_address_it_passes_on(client, settings):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # every request comes through nginx
    for _ in range(10):
        client.post("/corrections/", VALID, HTTP_X_REAL_IP="203.0.113.7", **proxy)
    assert (
        client.post("/corrections/", VALID, HTTP_X_REAL_IP="203.0.113.7", **proxy).status_code
        == 429
    )
    assert (
        client.post("/corrections/", VALID, HTTP_X_REAL_IP="203.0.113.8", **proxy).status_code
        == 302
    )


def test_without_a_proxy_a_sent_address_header_is_ignored(client):
    for n in range(10):
        client.post("/corrections/", VALID, HTTP_X_REAL_IP=f"203.0.113.{n}", REMOTE_ADDR="10.0.0.3")
    response = client.post(
        "/corrections/", VALID, HTTP_X_REAL_IP="203.0.113.99", REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 429


def test_an_oversized_form_is_refused_with_a_clear_400(client):
    response = client.post("/corrections/", {**VALID, "evidence": "x" * 70_000})
    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()
    assert Correction.objects.count() == 0


def test_over_long_fields_get_a_form_error(client):
    response = client.post("/corrections/", {**VALID, "proposed_value": "y" * 5001})
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()


def test_admin_login_locks_out_after_repeated_failures(client, editor):
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"  # the cool-off: an hour
    # Locked out: even the right password is refused until the cool-off ends.
    response = client.post(login, {"username": "editor", "password": "a-long-test-password"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@override_settings(ADMIN_LOGIN_RATE_LIMIT="8/h")
def test_one_address_trying_many_usernames_is_limited(client, editor):
    login = reverse("admin:login")
    for n in range(8):  # a different username each time: axes' per-username lockout never trips
        response = client.post(login, {"username": f"guess{n}", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"username": "editor", "password": "a-long-test-password"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many attempts" in response.content.decode()
    # Another address is not affected.
    other = client.post(
        login,
        {"username": "editor", "password": "a-long-test-password"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert other.status_code == 302


def test_nul_bytes_in_the_query_string_get_a_400(client):
    response = client.get("/programs/?career=%00")
    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()
