"""Every email is queued, sent after the response and retried: a mail server that is down never
gives a visitor a 500, never changes their answer, and loses nothing."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.mail import ERASED, MAX_ATTEMPTS, email_queue, email_send_due
from core.models import OutgoingEmail
from directory.settings.base import FILE_BACKEND, SMTP_BACKEND, mailer
from representatives.models import RepresentativeLink

from .factories import SchoolFactory

pytestmark = pytest.mark.django_db

# A real SMTP client against a port nothing listens on: the mail server is down.
SMTP_DOWN = {
    "default": {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
    }
}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def ask_to_represent(client, school, email):
    return client.post(f"/schools/{school.unitid}/{school.slug}/represent/", {"email": email})


def test_with_smtp_down_the_representative_form_answers_as_usual_and_sends_later(client):
    school = SchoolFactory(name="Lakeview College", website="https://www.lakeview.edu/")
    with override_settings(MAILERS=SMTP_DOWN):
        qualifies = ask_to_represent(client, school, "registrar@lakeview.edu")
        does_not = ask_to_represent(client, school, "someone@elsewhere.org")
    # The same answer whichever address was typed, and no error.
    assert qualifies.status_code == does_not.status_code == 200
    strip = lambda page: re.sub(  # noqa: E731
        r'(registrar@lakeview\.edu|someone@elsewhere\.org)|value="[^"]{40,}"', "", page
    )
    assert strip(qualifies.content.decode()) == strip(does_not.content.decode())
    queued = OutgoingEmail.objects.get()
    assert queued.to == "registrar@lakeview.edu" and queued.status == OutgoingEmail.Status.QUEUED
    assert queued.attempts == 1 and "ConnectionRefusedError" in queued.last_error
    assert mail.outbox == []

    # SMTP is back; cron's next run after the wait sends it.
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    with override_settings(MAILERS=LOCMEM):
        out = StringIO()
        call_command("send_queued_email", stdout=out)
    assert out.getvalue().strip() == "1 sent, 0 failed (kept for the next run)."
    [message] = mail.outbox
    assert message.to == ["registrar@lakeview.edu"]
    link = re.search(r"http://testserver(/schools/represent/\S+/)", message.body).group(1)
    assert client.post(link).status_code == 302  # the link works
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.body == ERASED  # the sign-in link is not kept once sent


def test_the_file_backend_works(tmp_path, monkeypatch):
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    with override_settings(MAILERS={"default": mailer(FILE_BACKEND)}):
        email_queue(to="a@example.org", subject="Hello", body="Body text", purpose="test")
        assert email_send_due() == (1, 0)
    [written] = tmp_path.iterdir()
    assert "Body text" in written.read_text()


def test_an_email_queued_in_a_transaction_that_rolls_back_is_never_sent(client):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to="a@example.org", subject="Nope", body="x", purpose="test")
        raise RuntimeError
    assert email_send_due() == (0, 0)
    assert mail.outbox == []


def test_failures_wait_longer_each_time_and_are_given_up_in_the_end():
    email = email_queue(to="a@example.org", subject="s", body="b", purpose="test")
    waits = []
    with override_settings(MAILERS=SMTP_DOWN):
        for _ in range(MAX_ATTEMPTS):
            OutgoingEmail.objects.update(next_attempt_at=timezone.now())
            before = timezone.now()
            email_send_due()
            email.refresh_from_db()
            waits.append(email.next_attempt_at - before)
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == MAX_ATTEMPTS
    assert waits[0] >= timedelta(seconds=55) and waits[1] > waits[0] and waits[2] > waits[1]
    assert max(waits) <= timedelta(hours=6, seconds=5)


def test_a_batch_stops_at_the_first_failure_so_a_dead_server_costs_one_timeout():
    for n in range(3):
        email_queue(to=f"a{n}@example.org", subject="s", body="b", purpose="test")
    with override_settings(MAILERS=SMTP_DOWN):
        assert email_send_due() == (0, 1)
    assert sorted(OutgoingEmail.objects.values_list("attempts", flat=True)) == [0, 0, 1]


def test_editors_see_the_queue_but_never_a_sign_in_link(client, editor):
    school = SchoolFactory(website="https://www.lakeview.edu/")
    with override_settings(MAILERS=SMTP_DOWN):
        ask_to_represent(client, school, "registrar@lakeview.edu")
    client.force_login(editor)
    email = OutgoingEmail.objects.get()
    page = client.get(f"/admin/core/outgoingemail/{email.pk}/change/").content.decode()
    assert "registrar@lakeview.edu" in page and ERASED in page
    assert "/schools/represent/" not in page
    assert RepresentativeLink.objects.count() == 1
