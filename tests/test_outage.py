"""Database outages: pages answer 503 with the maintenance page, and a form that could not be
saved says so and shows back what the visitor typed.

The outage is a child process (tests/probes.py) whose DATABASE_URL names a closed port: every
connection it tries is refused, as when PostgreSQL is down. bench/faults.py stops and restarts a
real PostgreSQL under load.
"""

import pytest

from corrections.models import Correction

from .probes import during_outage

pytestmark = pytest.mark.django_db

NOTE = {
    "csrfmiddlewaretoken": "a-token-the-page-never-shows",
    "page_url": "/programs/",
    "target": "",
    "field": "Tuition",
    "proposed_value": "It is <b>$4,200</b> now,\nsee the 2025 catalog.",
    "evidence": "https://example.edu/catalog",
    "contact_email": "visitor@example.org",
    "password": "hunter2-not-shown",
    "api_token": "tok-not-shown",
}


def test_pages_answer_503_and_say_nothing_sent_before_was_lost():
    for answer in during_outage(("get", "/programs/", {}, {}), ("get", "/careers/x/", {}, {})):
        assert answer["status"] == 503
        assert answer["retry_after"] == "60"
        assert "The directory is briefly unavailable" in answer["page"]
        assert "Nothing you sent before this was lost" in answer["page"]
        assert "was not saved" not in answer["page"]


def test_a_visitor_with_a_session_gets_the_maintenance_page_not_a_server_error():
    # The header's shortlist count reads the session, which is stored in the database too.
    (answer,) = during_outage(("get", "/programs/", {}, {"sessionid": "s" * 32}))
    assert answer["status"] == 503
    assert "The directory is briefly unavailable" in answer["page"]


def test_a_correction_sent_during_an_outage_is_not_saved_and_shown_back():
    (answer,) = during_outage(("post", "/corrections/", NOTE, {}))
    page = answer["page"]
    # Not the redirect to "thanks": the visitor is never told a note was kept when it wasn't.
    # (The outage process can't store anything; bench/faults.py checks the real database.)
    assert answer["status"] == 503
    assert answer["retry_after"] == "60"
    assert "no-store" in answer["cache_control"]
    assert "What you just sent was not saved" in page
    assert "Nothing you sent before this was lost" not in page
    # What they typed comes back, escaped, in labelled read-only boxes they can copy from.
    assert "It is &lt;b&gt;$4,200&lt;/b&gt; now,\nsee the 2025 catalog." in page
    assert "<b>$4,200</b>" not in page
    assert "https://example.edu/catalog" in page and "visitor@example.org" in page
    assert '<label for="sent-1">Field</label>' in page
    assert 'id="sent-1" rows="2" readonly>\nTuition</textarea>' in page
    # Never the token or anything named like a secret.
    for secret in ("a-token-the-page-never-shows", "hunter2", "tok-not-shown"):
        assert secret not in page


def test_the_honeypot_is_not_shown_back():
    # A note about a listing reads the database before the honeypot is looked at.
    note = {**NOTE, "target": "program:1", "website": "a bot filled this in"}
    (answer,) = during_outage(("post", "/corrections/", note, {}))
    assert answer["status"] == 503
    assert "What you just sent was not saved" in answer["page"]
    assert "It is &lt;b&gt;$4,200" in answer["page"]
    assert "a bot filled this in" not in answer["page"]


def test_text_shown_back_is_cut_at_the_longest_a_correction_takes():
    # (Longer than the form takes: the note about a listing fails on the database first.)
    note = {**NOTE, "target": "program:1", "proposed_value": "x" * 6000}
    (answer,) = during_outage(("post", "/corrections/", note, {}))
    assert answer["status"] == 503
    assert "x" * 5000 + " [cut short]</textarea>" in answer["page"]
    assert "x" * 5001 not in answer["page"]


def test_the_same_correction_is_stored_when_the_database_answers(client):
    response = client.post("/corrections/", NOTE)
    assert response.status_code == 302
    assert Correction.objects.get().proposed_value == NOTE["proposed_value"]
