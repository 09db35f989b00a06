"""School representatives: verification by emailed link (no passwords), and their sessions.

An address whose domain is exactly the registrable domain of the school's website as federal
data lists it (`School.web_domain`, which no visitor's correction changes), or a domain an
editor approved for the school, gets a signed, single-use sign-in link that expires after 48
hours. Any other address becomes an access request for editors: a subdomain
(x@students.school.edu), another domain, or a web domain several schools share (each campus
then needs an editor). The visitor sees the same answer either way, and emails go out after the
response (core/mail.py), so nobody can learn which addresses qualify.
"""

import hashlib
import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.domains import email_domain
from core.mail import email_queue
from programs.models import School

from .models import AccessRequest, RepresentativeLink, SchoolEmailDomain, SchoolRepresentative

log = logging.getLogger("directory.representatives")

LINK_MAX_AGE = timedelta(hours=48)
SESSION_MAX_AGE = timedelta(hours=8)
SESSION_KEY = "school_representative"
SALT = "programs.representative-link"


INVALID = gettext_lazy("This link is not valid. It may have been cut short or changed.")
USED = gettext_lazy("This link has already been used. Each link works once.")


class LinkRefused(Exception):
    """A sign-in link that can't be used: tampered with, expired or already used."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_may_represent(email: str, school: School) -> bool:
    """The address's domain was approved for this school by an editor, or is the school's own
    web domain and no other school shares it."""
    domain = email_domain(email)
    if not domain:
        return False
    if school.email_domains.filter(domain=domain).exists():
        return True
    return (
        domain == school.web_domain
        and not School.objects.filter(web_domain=domain).exclude(pk=school.pk).exists()
    )


def why_not_automatic(access_request: AccessRequest) -> str:
    """For editors: why this address did not get a sign-in link by itself."""
    school, domain = access_request.school, email_domain(access_request.email)
    if not school.web_domain:
        return "We have no web domain for this school."
    if domain == school.web_domain:
        others = School.objects.filter(web_domain=domain).exclude(pk=school.pk).count()
        return f"{domain} is shared with {others} other school{'s' if others != 1 else ''}."
    if domain.endswith(f".{school.web_domain}"):
        return f"A subdomain of the school's domain ({school.web_domain})."
    return f"Not the school's domain ({school.web_domain})."


def representative_link_send(*, school: School, email: str, absolute_url) -> None:
    """Email a fresh single-use sign-in link for `school` to `email`, in the active language
    (the link opens the page in it too)."""
    token = secrets.token_urlsafe(32)
    RepresentativeLink.objects.create(school=school, email=email, token_hash=_hash(token))
    signed = signing.dumps({"token": token, "school": school.unitid}, salt=SALT)
    link = absolute_url(reverse("representatives:verify", args=[signed]))
    email_queue(
        to=email,
        subject=_("Your link to update %(school)s in the directory") % {"school": school.name},
        body=_(
            "Someone asked to update %(school)s's listings with this address.\n\n"
            "If it was you, open this link within 48 hours (it works once):\n%(link)s\n\n"
            "If it wasn't you, ignore this email: nothing changes without the link."
        )
        % {"school": school.name, "link": link},
        purpose="representative-link",
        about=f"school:{school.pk}",
        secret=True,
    )


def representative_request(*, school: School, email: str, absolute_url, language=None) -> None:
    """Start verification; what the visitor is told does not depend on the outcome. Emails go
    out in `language` (the visitor's; the active one if not given)."""
    email = email.strip().lower()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if email_may_represent(email, school):
        representative_link_send(school=school, email=email, absolute_url=absolute_url)
    else:
        AccessRequest.objects.get_or_create(
            school=school,
            email=email,
            status=AccessRequest.Status.PENDING,
            defaults={"language": language},
        )
        log.info("access request for school %s from another domain", school.unitid)


def representative_link_check(signed: str) -> RepresentativeLink:
    """The link behind a signed token, if it can still be used (nothing is consumed)."""
    try:
        data = signing.loads(signed, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(_("This link has expired: links work for 48 hours.")) from None
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
        raise LinkRefused(USED)
    return link


def representative_verify(*, signed: str) -> SchoolRepresentative:
    """Use a link once: the address becomes (or stays) a verified representative."""
    with transaction.atomic():
        link = representative_link_check(signed)
        link = RepresentativeLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:  # used by a parallel request
            raise LinkRefused(USED)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        representative, _ = SchoolRepresentative.objects.update_or_create(
            school=link.school,
            email=link.email,
            defaults={"is_active": True, "verified_at": timezone.now()},
        )
    return representative


def access_request_approve(
    *, access_request: AccessRequest, reviewer, absolute_url, approve_domain=False
) -> None:
    """Send the address a sign-in link; with `approve_domain`, every address on its domain may
    represent this school from now on."""
    with transaction.atomic():
        access_request.status = AccessRequest.Status.APPROVED
        access_request.decided_by = reviewer
        access_request.decided_at = timezone.now()
        access_request.save()
        if approve_domain:
            SchoolEmailDomain.objects.get_or_create(
                school=access_request.school,
                domain=email_domain(access_request.email),
                defaults={"approved_by": reviewer},
            )
        # Decided later by an editor: the email and its link in the language the visitor used.
        language = getattr(access_request, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
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
    # Schools are written to in English, whatever language the visitor used.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("representatives:request", args=[school.unitid, school.slug])
    start = absolute_url(path)
    for email in emails:
        email_queue(
            to=email,
            subject=f"A visitor suggested an update to {school.name}",
            body=f"A visitor thinks this needs updating on {absolute_url(correction.page_url)}:"
            f"\n\n{correction.field}\nIt says: {correction.current_value or '(not given)'}\n"
            f"It should say: {correction.proposed_value}\n\n"
            f"If they are right, you can propose the fix for our editors to review: {start}",
            purpose="correction-to-school",
            about=f"correction:{correction.pk}",
        )
    return len(emails)
