"""docs/deploy.md's nginx (bench/nginx.conf.template) in front of the app: it keeps one copy of a
public page per representation the app makes, shares it between every visitor without a session,
and never answers a visitor with a session from it."""

import getpass
import gzip
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .factories import CareerFactory, GuideSectionFactory, ProgramFactory, SchoolFactory

TEMPLATE = Path(settings.BASE_DIR) / "bench" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}
SAFARI = {"Accept-Encoding": "gzip, deflate, br"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, upstream: str, prefix: Path):
        self.port, self.cache = free_port(), prefix / "cache"
        config = TEMPLATE.read_text()
        for name, value in {
            "USER": getpass.getuser(), "RUN": str(prefix), "LOG": str(prefix),
            "TEMP": str(prefix), "CACHE": str(self.cache), "APP": upstream,
            "LISTEN": f"127.0.0.1:{self.port}", "STATIC_ROOT": str(prefix / "static"),
        }.items():  # fmt: skip
            config = config.replace(f"@{name}@", value)
        (prefix / "nginx.conf").write_text(config)
        self.process = subprocess.Popen(
            [NGINX, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert self.process.poll() is None, self.process.stderr.read().decode()
                time.sleep(0.05)
        raise AssertionError("nginx did not start")

    def get(self, path, **headers):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def stored_pages(self) -> int:
        return sum(1 for path in self.cache.rglob("*") if path.is_file())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def nginx(live_server, tmp_path):
    server = Nginx(f"127.0.0.1:{live_server.thread.port}", tmp_path)
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_one_copy_per_representation_for_every_visitor_without_a_session(nginx):
    program = ProgramFactory(school=SchoolFactory(name="Proxied College"))
    url = program.get_absolute_url()

    status, plain_headers, plain = nginx.get(url)
    assert (status, plain_headers["X-Cache-Status"]) == (200, "MISS")
    assert b"Proxied College" in plain and "Content-Encoding" not in plain_headers

    _, made, _ = nginx.get(url, **CHROMIUM)
    assert made["X-Cache-Status"] == "MISS"
    # Another browser's Accept-Encoding, an editor's cookie, no Accept-Encoding at all: the
    # same two copies, and the Vary that tells browsers and other caches how they differ.
    for headers, encoding in [
        (CHROMIUM, "gzip"), (SAFARI, "gzip"),
        ({**SAFARI, "Cookie": "csrftoken=abc; theme=dark"}, "gzip"),
        ({}, None), ({"Cookie": "csrftoken=abc"}, None),
    ]:  # fmt: skip
        status, served, body = nginx.get(url, **headers)
        assert (status, served["X-Cache-Status"]) == (200, "HIT"), headers
        assert served["Content-Encoding"] == encoding, headers
        assert (gzip.decompress(body) if encoding else body) == plain, headers
        assert "Accept-Encoding, Cookie" in served.get_all("Vary"), headers
    assert nginx.stored_pages() == 2


@pytest.mark.django_db(transaction=True)
def test_nginx_answers_a_visitor_with_a_session_from_the_app(nginx):
    url = ProgramFactory().get_absolute_url()
    nginx.get(url)
    nginx.get(url)
    for cookie in ("sessionid=abc", "messages=abc"):
        _, served, _ = nginx.get(url, Cookie=cookie)
        assert served["X-Cache-Status"] == "BYPASS", cookie


@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_the_apis_answers_apart_by_origin(nginx):
    """The API's CORS headers are sent only to a request with an Origin (Vary: Origin): its
    location keeps nginx's own Vary keying, so a script on another site gets them."""
    ProgramFactory()
    _, same_site, _ = nginx.get("/api/v1/programs/")
    _, cross_site, _ = nginx.get("/api/v1/programs/", Origin="https://example.org")
    assert "Access-Control-Allow-Origin" not in same_site
    assert cross_site["Access-Control-Allow-Origin"] == "*"
    _, again, _ = nginx.get("/api/v1/programs/", Origin="https://example.org")
    assert (again["X-Cache-Status"], again["Access-Control-Allow-Origin"]) == ("HIT", "*")


def test_pages_vary_by_nothing_but_encoding_and_cookie(db):
    """What makes it right for nginx to key pages by the encoding and not by Vary (the
    template's proxy_ignore_headers outside /api/): a public page that varied by another header
    would be shared."""
    program = ProgramFactory()
    career = program.career
    GuideSectionFactory(career=career)
    CareerFactory(slug="phlebotomy-technician")
    urls = [
        "/", "/es/", career.get_absolute_url(), "/programs/", f"/programs/?career={career.slug}",
        program.get_absolute_url(), program.school.get_absolute_url(), "/search/?q=assistant",
        "/robots.txt", "/sitemap.xml",
    ]  # fmt: skip
    public = 0
    for url in urls:
        for headers in ({}, CHROMIUM):
            for _ in range(2):  # made, then from the page cache
                response = Client().get(url, headers=headers)
                assert response.status_code == 200, url
                if "public" in response.get("Cache-Control", ""):
                    public += 1
                    varies = {name.strip() for name in response.get("Vary", "").split(",")}
                    assert varies <= {"", "Accept-Encoding", "Cookie"}, (url, varies)
    assert public >= len(urls) * 3  # most of them, both ways
