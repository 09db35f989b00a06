"""Error pages in the site's layout, 503 when the database is down, /healthz, request logs."""

import json
import socket
import threading

import pytest
from django.test import Client, override_settings

from core.cache import RedisCache
from corrections.models import Correction

from .factories import ProgramFactory
from .probes import during_outage

pytestmark = pytest.mark.django_db


def test_404_page_is_friendly_and_in_the_site_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We can't find that page" in page
    assert "Skip to main content" in page and 'href="/programs/"' in page


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_500_page_is_friendly_and_in_the_site_layout():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Skip to main content" in page


def test_csrf_failure_page_explains_what_to_do():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert response.status_code == 403
    assert "Please send the form again" in response.content.decode()


def test_a_cross_site_post_is_told_to_send_the_form_from_this_site():
    response = Client().post(
        "/corrections/", {"field": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()


def test_pages_answer_503_with_the_maintenance_page_when_the_database_is_unreachable():
    home, listing, healthz = during_outage(
        ("get", "/", {}, {}), ("get", "/programs/", {}, {}), ("get", "/healthz", {}, {})
    )
    for path, answer in [("/", home), ("/programs/", listing)]:
        assert answer["status"] == 503, path
        assert "The directory is briefly unavailable" in answer["page"]
        assert answer["retry_after"] == "60"
    assert healthz["status"] == 503
    assert json.loads(healthz["page"])["database"].startswith("unavailable")


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


CLOSED_REDIS = "redis://127.0.0.1:1/0"
REDIS_DOWN = override_settings(
    CACHES={
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CLOSED_REDIS},
        "counters": {"BACKEND": "core.cache.CountersCache", "LOCATION": CLOSED_REDIS},
    }
)


@REDIS_DOWN
def test_healthz_is_503_when_the_cache_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("unavailable")


@REDIS_DOWN
def test_with_the_cache_down_pages_are_made_uncached_and_forms_refuse_politely(client):
    program = ProgramFactory()
    for url in ("/", "/programs/", "/programs/?state=il&zip=60601", program.get_absolute_url()):
        for _ in range(2):  # never from a cache, however often asked
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.get("X-Page-Cache") != "hit"
    program.tuition_and_fees = 9000
    program.save()  # an edit still saves (the content version can't move while Redis is down)
    # The rate limit counts in this process instead: the note is stored and acknowledged.
    note = {"page_url": "/", "field": "Tuition", "proposed_value": "Kept text 123"}
    response = client.post("/corrections/", note)
    assert response.status_code == 302
    assert Correction.objects.get().proposed_value == "Kept text 123"


@REDIS_DOWN
@override_settings(CORRECTIONS_RATE_LIMIT="2/h")
def test_with_the_cache_down_the_rate_limit_still_counts_in_this_process(client):
    note = {"page_url": "/", "field": "Tuition", "proposed_value": "Kept text 123"}
    assert [client.post("/corrections/", note).status_code for _ in range(3)] == [302, 302, 429]
    assert Correction.objects.count() == 2


def test_one_structured_log_line_per_request_without_personal_data(client, caplog):
    ProgramFactory()
    caplog.set_level("INFO", logger="directory.requests")
    client.get("/programs/?zip=60601&state=il")
    client.post(
        "/corrections/",
        {"page_url": "/", "field": "Tuition", "proposed_value": "x", "contact_email": "me@x.org"},
    )
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "directory.requests"]
    assert lines[0]["method"] == "GET" and lines[0]["path"] == "/programs/"
    assert lines[0]["status"] == 200 and lines[0]["duration_ms"] >= 0
    assert lines[1] == {**lines[1], "method": "POST", "path": "/corrections/", "status": 302}
    assert set(lines[0]) == {"method", "path", "status", "duration_ms"}
    logged = caplog.text
    assert "60601" not in logged and "me@x.org" not in logged and "Tuition" not in logged


def test_a_stalled_redis_costs_one_timeout_then_is_left_alone_for_a_while():
    """A Redis that accepts connections and never answers (a hung server, a dropped network):
    after the first timeout the cache answers as empty without trying again for a few
    seconds, instead of making every cache call on a page wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)  # kept open, never answered

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]
    stalled = RedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    try:
        assert [stalled.get(f"key-{n}") for n in range(10)] == [None] * 10
        assert stalled.add("counter", 1) is False
        assert len(accepted) == 1  # one connection, one timeout
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
