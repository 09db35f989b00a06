"""School representatives: verification by emailed link (no passwords), and their sessions.

A work address on the school's own web domain (or a subdomain) gets a signed, single-use sign-in
link that expires after 48 hours; any other address becomes an access request for editors. The
visitor sees the same answer either way, so nobody can learn which addresses are known.
"""

import hashlib
import logging
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import AccessRequest, RepresentativeLink, School, SchoolRepresentative

log = logging.getLogger("directory.representatives")

LINK_MAX_AGE = timedelta(hours=48)
SESSION_MAX_AGE = timedelta(hours=8)
SESSION_KEY = "school_representative"
SALT = "programs.representative-link"


INVALID = "This link is not valid. It may have been cut short or changed."


class LinkRefused(Exception):
    """A sign-in link that can't be used: tampered with, expired or already used."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_matches_school(email: str, school: School) -> bool:
    """The address is on the school's web domain or a subdomain of it (www. ignored)."""
    domain = email.rpartition("@")[2].lower().rstrip(".")
    host = (urlsplit(school.website).hostname or "").lower().removeprefix("www.")
    return bool(host) and "." in host and (domain == host or domain.endswith(f".{host}"))


def representative_link_send(*, school: School, email: str, absolute_url) -> None:
    """Email a fresh single-use sign-in link for `school` to `email`."""
    token = secrets.token_urlsafe(32)
    RepresentativeLink.objects.create(school=school, email=email, token_hash=_hash(token))
    signed = signing.dumps({"token": token, "school": school.unitid}, salt=SALT)
    link = absolute_url(reverse("programs:representative_verify", args=[signed]))
    send_mail(
        f"Your link to update {school.name} in the directory",
        f"Someone asked to update {school.name}'s listings with this address.\n\n"
        f"If it was you, open this link within 48 hours (it works once):\n{link}\n\n"
        "If it wasn't you, ignore this email: nothing changes without the link.",
        None,
        [email],
    )


def representative_request(*, school: School, email: str, absolute_url) -> None:
    """Start verification; what the visitor is told does not depend on the outcome."""
    email = email.strip().lower()
    if email_matches_school(email, school):
        representative_link_send(school=school, email=email, absolute_url=absolute_url)
    else:
        AccessRequest.objects.get_or_create(
            school=school, email=email, status=AccessRequest.Status.PENDING
        )
        log.info("access request for school %s from another domain", school.unitid)


def representative_link_check(signed: str) -> RepresentativeLink:
    """The link behind a signed token, if it can still be used (nothing is consumed)."""
    try:
        data = signing.loads(signed, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused("This link has expired: links work for 48 hours.") from None
    except signing.BadSignature:
        raise LinkRefused(INVALID) from None
    link = (
        RepresentativeLink.objects.select_related("school")
        .filter(token_hash=_hash(str(data.get("token"))), school__unitid=data.get("school"))
        .first()
    )
    if link is None:
        raise LinkRefused(INVALID)
    if link.used_at is not None:
        raise LinkRefused("This link has already been used. Each link works once.")
    return link


def representative_verify(*, signed: str) -> SchoolRepresentative:
    """Use a link once: the address becomes (or stays) a verified representative."""
    with transaction.atomic():
        link = representative_link_check(signed)
        link = RepresentativeLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:  # used by a parallel request
            raise LinkRefused("This link has already been used. Each link works once.")
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        representative, _ = SchoolRepresentative.objects.update_or_create(
            school=link.school,
            email=link.email,
            defaults={"is_active": True, "verified_at": timezone.now()},
        )
    return representative


def access_request_approve(*, access_request: AccessRequest, reviewer, absolute_url) -> None:
    with transaction.atomic():
        access_request.status = AccessRequest.Status.APPROVED
        access_request.decided_by = reviewer
        access_request.decided_at = timezone.now()
        access_request.save()
        representative_link_send(
            school=access_request.school, email=access_request.email, absolute_url=absolute_url
        )


def access_request_refuse(*, access_request: AccessRequest, reviewer) -> None:
    access_request.status = AccessRequest.Status.REFUSED
    access_request.decided_by = reviewer
    access_request.decided_at = timezone.now()
    access_request.save()


def sign_in(request, representative: SchoolRepresentative) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "id": representative.pk,
        "until": time.time() + SESSION_MAX_AGE.total_seconds(),
    }


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)


def signed_in_representative(request, school: School) -> SchoolRepresentative | None:
    """The representative signed in on this browser, only if they speak for `school`."""
    entry = request.session.get(SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        return None
    return SchoolRepresentative.objects.filter(
        pk=entry.get("id"), school=school, is_active=True
    ).first()


def representatives_tell_about_correction(*, correction, absolute_url) -> int:
    """Email a program's or school's verified representatives about a visitor's correction."""
    school = correction.program.school if correction.program else correction.school
    if school is None:
        return 0
    emails = list(school.representatives.filter(is_active=True).values_list("email", flat=True))
    if not emails:
        return 0
    start = absolute_url(
        reverse("programs:representative_request", args=[school.unitid, school.slug])
    )
    try:
        send_mail(
            f"A visitor suggested an update to {school.name}",
            f"A visitor thinks this needs updating on {absolute_url(correction.page_url)}:\n\n"
            f"{correction.field}\nIt says: {correction.current_value or '(not given)'}\n"
            f"It should say: {correction.proposed_value}\n\n"
            f"If they are right, you can propose the fix for our editors to review: {start}",
            None,
            emails,
        )
    except Exception as error:  # the visitor's correction is stored whatever the mail does
        log.error(
            "telling school %s about correction %s failed: %s", school.pk, correction.pk, error
        )
        return 0
    return len(emails)
