"""Two app servers, one PostgreSQL, one Redis: what one server does, the other sees.

Two gunicorn instances on production settings share the test database and the test Redis, and a
visitor or an editor talks to both (issue 8). Runs on PostgreSQL with REDIS_URL set, as CI's
second pass does, and is skipped otherwise:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python -m pytest tests/test_two_servers.py -v
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import Permission
from django.db import connection

from corrections.models import Correction

from .factories import CorrectionFactory, ProgramFactory, SchoolFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.skipif(
        not (ON_POSTGRES and settings.REDIS_URL),
        reason="two app servers need a shared PostgreSQL and Redis: "
        "set DATABASE_URL=postgres://... and REDIS_URL=redis://...",
    ),
    # Rows the tests create are committed, so the gunicorn processes see them.
    pytest.mark.django_db(transaction=True),
]

# Per client address, counted by both servers together; a day rather than an hour so that the
# rate limit's window is very unlikely to roll over in the middle of the test.
CORRECTIONS_A_DAY = 3
EDITOR_PASSWORD = "two-servers-editor-password"
# How long each server trusts the tag versions it read (the default of
# PAGE_CACHE_VERSION_CHECK_SECONDS, which the servers run with), with a margin.
VERSION_CHECK_SECONDS = 1.2
# Production settings with STATIC_ROOT moved to a temporary directory (base.py fixes it to
# staticfiles/ in the repository, where a deploy's collectstatic writes).
SETTINGS_MODULE = """\
from directory.settings.production import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


@dataclass
class Response:
    status: int
    headers: Message
    text: str


class Browser:
    """Just enough of a browser for two servers behind one pretend HTTPS load balancer: cookies
    kept by hand (they are Secure, and we speak plain HTTP) and the Origin header Django's CSRF
    check expects."""

    def __init__(self):
        self.cookies = {}

    def request(self, server: str, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(f"http://{server}{path}", data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://{server}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return Response(response.status, response.headers, response.read().decode())

    def get(self, server: str, path: str) -> Response:
        return self.request(server, path)

    def post(self, server: str, path: str, data: dict) -> Response:
        return self.request(server, path, data)

    def csrf_token(self, server: str, path: str) -> str:
        page = self.get(server, path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self, server: str, username: str, password: str) -> None:
        token = self.csrf_token(server, "/admin/login/")
        response = self.post(server, "/admin/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": password,
            "next": "/admin/",
        })  # fmt: skip
        assert (response.status, response.headers["Location"]) == (302, "/admin/"), "login failed"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(db: dict) -> str:
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{db['HOST']}{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def production_settings(tmp_path_factory):
    """Environment for manage.py and gunicorn on production settings, static files collected."""
    root = tmp_path_factory.mktemp("two_servers")
    (root / "two_servers_settings.py").write_text(
        SETTINGS_MODULE.format(static_root=str(root / "static"))
    )
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "two_servers_settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR, env=environment, check=True,
    )  # fmt: skip
    return environment


@pytest.fixture(scope="module")
def servers(production_settings, django_db_setup, tmp_path_factory):
    """Servers A and B ("127.0.0.1:<port>"): one worker each, the test database, the test Redis."""
    environment = {
        **production_settings,
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CORRECTIONS_RATE_LIMIT": f"{CORRECTIONS_A_DAY}/d",
    }
    logs = tmp_path_factory.mktemp("gunicorn")
    started = []
    try:
        for name in ("a", "b"):
            address = f"127.0.0.1:{free_port()}"
            log = logs / f"{name}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "directory.wsgi:application",
                     "--workers", "1", "--bind", address],
                    cwd=settings.BASE_DIR, env=environment, stdout=output, stderr=output,
                    start_new_session=True,  # its own process group, stopped as a whole below
                )  # fmt: skip
            started.append((process, address, log))
        for process, address, log in started:
            wait_until_healthy(process, address, log)
        yield tuple(address for _, address, _ in started)
    finally:
        for process, _, _ in started:
            stop(process)


def wait_until_healthy(process, address, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn on {address} exited:\n{log.read_text()}")
        try:
            status = Browser().get(address, "/healthz").status
        except OSError:  # not listening yet
            status = None
        if status == 200:
            return
        if status == 500:
            pytest.fail(f"gunicorn on {address} answers /healthz with 500:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"gunicorn on {address} did not answer /healthz in {seconds} s:\n{log.read_text()}")


def stop(process):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def password_hash():
    # Production checks passwords with its own hashers, not the test settings' fast MD5 one.
    return make_password(EDITOR_PASSWORD, hasher=PBKDF2PasswordHasher())


@pytest.fixture
def reviewer(django_user_model, password_hash):
    """Staff who can see and apply corrections in the admin, and nothing else."""
    user = django_user_model.objects.create(
        username="two-servers-reviewer", password=password_hash, is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="corrections",
            codename__in=["view_correction", "change_correction"],
        )
    )
    return user


@pytest.fixture
def program():
    return ProgramFactory(school=SchoolFactory(name="Two Servers College"), tuition_and_fees=15000)


def test_a_correction_sent_through_a_is_in_the_admin_through_b(servers, program, reviewer):
    a, b = servers
    visitor = Browser()
    url = program.get_absolute_url()
    sent = visitor.post(a, "/corrections/", {
        "page_url": url,
        "target": f"program:{program.pk}", "target_field": "tuition_and_fees",
        "proposed_value": "$12,345", "evidence": "the school's 2026 catalog",
    })  # fmt: skip
    assert sent.status == 302

    editor = Browser()
    editor.log_in(b, reviewer.username, EDITOR_PASSWORD)
    queue = editor.get(b, "/admin/corrections/correction/")
    assert queue.status == 200
    assert "$12,345</td>" in queue.text  # proposed, beside the stored value
    assert "Two Servers College" in queue.text


def test_the_corrections_rate_limit_counts_both_servers_together(servers):
    a, b = servers
    visitor = Browser()
    statuses = [
        visitor.post(server, "/corrections/", {
            "page_url": "/", "field": f"Note {n}",
            "proposed_value": "Something to fix",
        }).status
        for n, server in enumerate([a, b, a, b, a])
    ]  # fmt: skip
    # Three notes a day: the fourth is refused by B, which had itself seen only one.
    assert statuses == [302, 302, 302, 429, 429]
    assert Correction.objects.count() == CORRECTIONS_A_DAY


def test_a_shortlist_saved_through_a_is_seen_through_b(servers, program):
    a, b = servers
    visitor = Browser()
    saved = visitor.post(a, "/shortlist/update/", {
        "program": program.pk, "action": "add", "next": "/",
    })  # fmt: skip
    assert saved.status == 302
    visitor.get(a, saved.headers["Location"])  # shows (and uses up) the "Added …" message

    shortlist = visitor.get(b, "/shortlist/").text
    assert "Compare these 1" in shortlist
    assert f'href="{program.get_absolute_url()}"' in shortlist


def test_an_edit_through_b_is_fresh_at_once_through_as_cached_page(servers, program, reviewer):
    a, b = servers
    url = program.get_absolute_url()
    note = CorrectionFactory(
        program=program, page_url=url, target_field="tuition_and_fees", proposed_value="$12,345"
    )
    stranger = Browser()
    stranger.get(a, url)
    cached = stranger.get(a, url)
    assert cached.headers["X-Page-Cache"] == "hit"
    assert "$15,000" in cached.text

    editor = Browser()
    editor.log_in(b, reviewer.username, EDITOR_PASSWORD)
    applied = editor.post(b, "/admin/corrections/correction/", {
        "csrfmiddlewaretoken": editor.csrf_token(b, "/admin/corrections/correction/"),
        "action": "apply", "_selected_action": note.pk,
    })  # fmt: skip
    assert applied.status == 302
    note.refresh_from_db()
    assert note.status == Correction.Status.APPLIED

    time.sleep(VERSION_CHECK_SECONDS)  # A trusts the versions it read for this long
    fresh = stranger.get(a, url)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "$12,345" in fresh.text
    assert "$15,000" not in fresh.text
