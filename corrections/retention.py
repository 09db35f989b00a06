"""How long the corrections queue keeps visitors' email addresses (core/privacy.py)."""

from datetime import timedelta

from django.utils.translation import gettext_noop

from core.privacy import retention_rule

from .models import Correction

DECIDED_CORRECTION_EMAIL_KEPT = timedelta(days=30)


@retention_rule(
    what=gettext_noop("The email address a visitor leaves with a correction"),
    why=gettext_noop("to tell them what our editors decided"),
    kept=gettext_noop("until 30 days after our decision (as long as the correction is open)"),
)
def purge_correction_emails(now):
    return (
        Correction.objects.exclude(contact_email="")
        .filter(decided_at__lt=now - DECIDED_CORRECTION_EMAIL_KEPT)
        .update(contact_email="")
    )
