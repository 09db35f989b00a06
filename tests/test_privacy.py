"""Personal data is kept only as long as the privacy page says; a daily command erases the rest."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutgoingEmail
from core.privacy import RULES
from corrections.models import Correction
from representatives.models import AccessRequest, RepresentativeLink, SchoolRepresentative

from .factories import CorrectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_the_purge_erases_what_is_due_and_keeps_the_rest():
    school = SchoolFactory()
    # Corrections: the address goes 30 days after the decision; open ones keep it.
    old_decided = CorrectionFactory(contact_email="old@example.org", status="applied")
    recent_decided = CorrectionFactory(contact_email="recent@example.org", status="applied")
    still_open = CorrectionFactory(contact_email="open@example.org")
    Correction.objects.filter(pk=old_decided.pk).update(decided_at=days_ago(31))
    Correction.objects.filter(pk=recent_decided.pk).update(decided_at=days_ago(5))
    Correction.objects.filter(pk=still_open.pk).update(created_at=days_ago(400))
    # Emails: copies go 30 days after sending; queued ones stay.
    sent_long_ago = OutgoingEmail.objects.create(
        to="a@example.org", subject="s", body="b", purpose="t", next_attempt_at=days_ago(40),
        status="sent", sent_at=days_ago(40),
    )  # fmt: skip
    sent_lately = OutgoingEmail.objects.create(
        to="b@example.org", subject="s", body="b", purpose="t", next_attempt_at=days_ago(2),
        status="sent", sent_at=days_ago(2),
    )  # fmt: skip
    queued = OutgoingEmail.objects.create(
        to="c@example.org", subject="s", body="b", purpose="t", next_attempt_at=days_ago(40)
    )
    OutgoingEmail.objects.filter(pk=queued.pk).update(created_at=days_ago(40))
    # Sign-in links: 7 days.
    old_link = RepresentativeLink.objects.create(school=school, email="x@e.org", token_hash="1")
    RepresentativeLink.objects.filter(pk=old_link.pk).update(created_at=days_ago(8))
    new_link = RepresentativeLink.objects.create(school=school, email="y@e.org", token_hash="2")
    # Access requests: decided 90 days ago, or never answered in 180.
    decided = AccessRequest.objects.create(school=school, email="d@e.org", status="refused")
    AccessRequest.objects.filter(pk=decided.pk).update(decided_at=days_ago(91))
    unanswered = AccessRequest.objects.create(school=school, email="u@e.org")
    AccessRequest.objects.filter(pk=unanswered.pk).update(created_at=days_ago(181))
    waiting = AccessRequest.objects.create(school=school, email="w@e.org")
    # Representatives: erased two years after they last verified.
    stale = SchoolRepresentative.objects.create(
        school=school, email="old@school.edu", verified_at=days_ago(731)
    )
    current = SchoolRepresentative.objects.create(
        school=school, email="new@school.edu", verified_at=days_ago(30)
    )

    out = StringIO()
    call_command("purge_personal_data", stdout=out)

    assert Correction.objects.get(pk=old_decided.pk).contact_email == ""
    assert Correction.objects.get(pk=recent_decided.pk).contact_email == "recent@example.org"
    assert Correction.objects.get(pk=still_open.pk).contact_email == "open@example.org"
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {sent_lately.pk, queued.pk}
    assert not OutgoingEmail.objects.filter(pk=sent_long_ago.pk).exists()
    assert list(RepresentativeLink.objects.values_list("pk", flat=True)) == [new_link.pk]
    assert list(AccessRequest.objects.values_list("pk", flat=True)) == [waiting.pk]
    stale.refresh_from_db()
    assert not stale.is_active and "old@school.edu" not in stale.email
    assert stale.email == f"erased-{stale.pk}@erased.invalid"
    current.refresh_from_db()
    assert current.is_active and current.email == "new@school.edu"
    assert "The email address a visitor leaves with a correction: 1 erased" in out.getvalue()

    # Running it again erases nothing more.
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert all(line.endswith(": 0 erased") for line in out.getvalue().splitlines())


def test_the_privacy_page_lists_every_rule_and_is_linked_from_every_page(client):
    page = client.get("/privacy/").content.decode()
    for rule in RULES:
        assert rule.what in page.replace("&#x27;", "'") and rule.kept in page
    assert 'href="/privacy/"' in client.get("/").content.decode()


def test_admin_sign_ins_are_kept_thirty_days(client, editor):
    from axes.models import AccessLog

    client.post("/admin/login/", {"username": "editor", "password": "a-long-test-password"})
    old = AccessLog.objects.get()
    stale = AccessLog.objects.create(ip_address="10.0.0.9", username="editor", user_agent="x")
    AccessLog.objects.filter(pk=stale.pk).update(attempt_time=days_ago(31))
    call_command("purge_personal_data", stdout=StringIO())
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [old.pk]
