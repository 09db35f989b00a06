"""How long the site keeps copies of the emails it sends (core/privacy.py)."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Q
from django.utils.translation import gettext_noop

from .models import OutgoingEmail
from .privacy import retention_rule

SENT_EMAILS_KEPT = timedelta(days=30)


@retention_rule(
    what=gettext_noop("Copies of the emails we send: the address and the message"),
    why=gettext_noop(
        "to send again a message the mail server refused, and to answer questions about it"
    ),
    kept=gettext_noop(
        "30 days after it was sent (a message we could not send: 30 days after we wrote it)"
    ),
)
def purge_sent_emails(now):
    cutoff = now - SENT_EMAILS_KEPT
    deleted, _ = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff)
        | Q(status=OutgoingEmail.Status.FAILED, created_at__lt=cutoff)
    ).delete()
    return deleted


ADMIN_SIGN_INS_KEPT = timedelta(days=30)


@retention_rule(
    what=gettext_noop("Sign-ins to our editors' admin: the network address, username and browser"),
    why=gettext_noop("to stop password guessing and to see who signed in"),
    kept=gettext_noop("30 days"),
)
def purge_admin_sign_ins(now):
    cutoff = now - ADMIN_SIGN_INS_KEPT
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )
