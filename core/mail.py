"""Every email the site sends goes through `email_queue`: stored with the caller's transaction,
then sent once the response has gone out, so a slow or unreachable mail server never delays,
fails or changes what a visitor is told. What could not be sent is retried by
`manage.py send_queued_email` (cron, every minute) with growing waits, and given up after
MAX_ATTEMPTS; editors see each email's state in the admin.
"""

import logging
import threading
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

log = logging.getLogger("directory.mail")

MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_WAIT = timedelta(hours=6)
ERASED = "[Erased once sent: it held a single-use sign-in link.]"

_queued_here = threading.local()  # ids queued while this thread served the current request


def email_queue(*, to: str, subject: str, body: str, purpose: str, about="", secret=False):
    """Store an email to send. It goes out after this request's response (if the transaction it
    was stored in committed), or with the next `send_queued_email`."""
    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject[:300],
        body=body,
        purpose=purpose,
        about=about,
        secret=secret,
        next_attempt_at=timezone.now(),
    )
    _queued_ids().append(email.pk)
    return email


def _queued_ids() -> list:
    if not hasattr(_queued_here, "ids"):
        _queued_here.ids = []
    return _queued_here.ids


def deliver_after_response(**kwargs):
    """request_finished receiver: send what this request queued, now that the visitor has their
    answer. Rows rolled back with their transaction are simply not found."""
    ids, _queued_here.ids = _queued_ids(), []
    if ids:
        email_send_due(ids=ids)


def email_send_due(*, ids=None, limit=200) -> tuple[int, int]:
    """Send the emails that are due (only those in `ids`, if given); returns (sent, failed).

    A batch stops at its first failure: the mail server is probably down, and each further try
    would wait for its timeout. Rows are locked while sent, so two senders never send one twice.
    """
    now = timezone.now()
    due = OutgoingEmail.objects.due(now).order_by("next_attempt_at", "pk")
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = failed = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True)
                .due(now)
                .filter(pk=pk)
                .first()
            )
            if email is None:  # sent meanwhile by another sender
                continue
            if _send(email, now):
                sent += 1
            else:
                failed += 1
                break
    return sent, failed


def _send(email: OutgoingEmail, now) -> bool:
    email.attempts += 1
    try:
        EmailMessage(email.subject, email.body, None, [email.to]).send()
    except Exception as error:  # any mailer failure: the email is kept and tried again later
        email.last_error = f"{type(error).__name__}: {error}"[:300]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = OutgoingEmail.Status.FAILED
        else:
            email.next_attempt_at = now + min(FIRST_WAIT * 2 ** (email.attempts - 1), LONGEST_WAIT)
        email.save()
        log.warning("email %s (%s) not sent: %s", email.pk, email.purpose, type(error).__name__)
        return False
    email.status = OutgoingEmail.Status.SENT
    email.sent_at = now
    email.last_error = ""
    if email.secret:
        email.body = ERASED
    email.save()
    return True


def email_retry(*, email: OutgoingEmail) -> None:
    """An editor asks for another try now, also for an email that was given up."""
    if email.status != OutgoingEmail.Status.SENT:
        email.status = OutgoingEmail.Status.QUEUED
        email.next_attempt_at = timezone.now()
        email.save(update_fields=["status", "next_attempt_at"])
