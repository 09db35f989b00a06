"""How long the schools' sign-in keeps email addresses (core/privacy.py)."""

from datetime import timedelta

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_noop

from core.privacy import retention_rule

from .models import AccessRequest, RepresentativeLink, SchoolRepresentative

ACCESS_REQUEST_KEPT = timedelta(days=90)
UNANSWERED_ACCESS_REQUEST_KEPT = timedelta(days=180)
SIGN_IN_LINK_KEPT = timedelta(days=7)
REPRESENTATIVE_VERIFICATION_LASTS = timedelta(days=730)
ERASED_DOMAIN = "@erased.invalid"


@retention_rule(
    what=gettext_noop(
        "The address of someone asking to represent a school, when our editors must decide"
    ),
    why=gettext_noop("to send them a sign-in link once an editor approves"),
    kept=gettext_noop("90 days after an editor decided; a request nobody answered, 180 days"),
)
def purge_access_requests(now):
    deleted, _ = AccessRequest.objects.filter(
        Q(decided_at__lt=now - ACCESS_REQUEST_KEPT)
        | Q(
            status=AccessRequest.Status.PENDING, created_at__lt=now - UNANSWERED_ACCESS_REQUEST_KEPT
        )
    ).delete()
    return deleted


@retention_rule(
    what=gettext_noop(
        "Sign-in links we email to schools' staff (the address, never the link itself)"
    ),
    why=gettext_noop("to refuse a link used twice or too late"),
    kept=gettext_noop("7 days (a link works for 48 hours)"),
)
def purge_sign_in_links(now):
    deleted, _ = RepresentativeLink.objects.filter(created_at__lt=now - SIGN_IN_LINK_KEPT).delete()
    return deleted


@retention_rule(
    what=gettext_noop("The work address of a verified school representative"),
    why=gettext_noop(
        "to let them update their school's listings and to email them about corrections"
    ),
    kept=gettext_noop(
        "2 years after they last verified it; then it is erased and they verify again"
    ),
)
def purge_representatives(now):
    expired = SchoolRepresentative.objects.filter(
        verified_at__lt=now - REPRESENTATIVE_VERIFICATION_LASTS
    ).exclude(email__endswith=ERASED_DOMAIN)
    erased = Concat(Value("erased-"), Cast(F("pk"), CharField()), Value(ERASED_DOMAIN))
    return expired.update(is_active=False, email=erased)
