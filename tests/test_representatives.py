"""Schools keep their listings current: verified representatives propose, editors decide."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.utils import timezone

from careers.models import Certification
from core.mail import email_send_due
from corrections.models import Correction
from programs.models import Program
from representatives import verification as representatives
from representatives.models import (
    AccessRequest,
    RepresentativeLink,
    SchoolEmailDomain,
    SchoolRepresentative,
    SchoolUpdate,
)
from representatives.school_updates import UpdateRefused, school_update_apply, school_update_reject

from .factories import CareerFactory, CertificationFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(name="Lakeview College", website="https://www.lakeview.edu/")


@pytest.fixture
def program(school):
    return ProgramFactory(school=school, tuition_and_fees=15000, books_and_supplies=1200)


def request_access(client, school, email):
    return client.post(f"/schools/{school.unitid}/{school.slug}/represent/", {"email": email})


def emailed_link(message):
    return re.search(r"http://testserver(/schools/represent/\S+/)", message.body).group(1)


def sign_in(client, school, email="registrar@lakeview.edu"):
    request_access(client, school, email)
    link = emailed_link(mail.outbox[-1])
    client.post(link)
    return link


# Verification


@pytest.mark.parametrize("email", ["registrar@lakeview.edu", "Registrar@LAKEVIEW.edu"])
def test_a_school_domain_address_gets_a_single_use_link(client, school, email):
    response = request_access(client, school, email)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    [message] = mail.outbox
    assert message.to == [email.lower()]
    assert "works once" in message.body
    link = emailed_link(message)
    assert "Continue" in client.get(link).content.decode()  # opening it uses nothing
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == f"/school-updates/{school.unitid}/"
    assert SchoolRepresentative.objects.get(school=school).email == email.lower()


@pytest.mark.parametrize(
    "email",
    [
        "someone@gmail.com",
        "x@notlakeview.edu",
        "x@lakeview.edu.evil.com",
        "x@students.lakeview.edu",  # a subdomain: students' addresses can't speak for the school
    ],
)
def test_another_domain_becomes_an_access_request_for_editors(client, school, email):
    response = request_access(client, school, email)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
    assert AccessRequest.objects.get().email == email


def test_the_answer_is_the_same_whether_or_not_the_address_can_be_verified(client, school):
    known = request_access(client, school, "a@lakeview.edu").content.decode()
    unknown = request_access(client, school, "a@elsewhere.org").content.decode()
    strip = lambda page: re.sub(r"a@(lakeview\.edu|elsewhere\.org)", "", page)  # noqa: E731
    strip_csrf = lambda page: re.sub(r'value="[^"]{40,}"', "", strip(page))  # noqa: E731
    assert strip_csrf(known) == strip_csrf(unknown)


def test_a_link_works_only_once(client, school):
    link = sign_in(client, school)
    response = client.post(link)
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_an_expired_link_is_refused(client, school):
    request_access(client, school, "registrar@lakeview.edu")
    link = emailed_link(mail.outbox[-1])
    later = timezone.now() + timedelta(hours=49)
    with override_settings(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: later.timestamp())
        response = client.post(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not SchoolRepresentative.objects.exists()


def test_a_tampered_link_is_refused(client, school):
    request_access(client, school, "registrar@lakeview.edu")
    link = emailed_link(mail.outbox[-1])
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))
    for url in (tampered, "/schools/represent/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    # A valid signature around a token we never issued is refused too.
    forged = signing.dumps({"token": "guess", "school": school.unitid}, salt=representatives.SALT)
    assert client.post(f"/schools/represent/{forged}/").status_code == 400


def test_representative_sessions_expire(client, school, program):
    sign_in(client, school)
    assert client.get(f"/school-updates/{school.unitid}/").status_code == 200
    session = client.session
    session[representatives.SESSION_KEY]["until"] = 0
    session.save()
    assert client.get(f"/school-updates/{school.unitid}/").status_code == 403


@override_settings(REPRESENTATIVE_RATE_LIMIT="3/h")
def test_requests_are_rate_limited_per_client(client, school):
    for n in range(3):
        assert request_access(client, school, f"x{n}@elsewhere.org").status_code == 200
    response = request_access(client, school, "x9@elsewhere.org")
    assert response.status_code == 429
    assert "Please wait before asking again" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600


@override_settings(REPRESENTATIVE_SCHOOL_RATE_LIMIT="2/h")
def test_requests_are_rate_limited_per_school(client, school):
    other = SchoolFactory()
    for n in range(2):
        request_access(
            client,
            school,
            f"x{n}@elsewhere.org",
        )
    assert request_access(client, school, "y@elsewhere.org").status_code == 429
    assert request_access(client, other, "y@elsewhere.org").status_code == 200


# Authorisation: every route refuses another school's ids


def test_every_representative_route_refuses_another_school(client, school, program):
    other_school = SchoolFactory(name="Other College", website="https://other.edu/")
    other_program = ProgramFactory(school=other_school)
    sign_in(client, school)
    assert client.get(f"/school-updates/{other_school.unitid}/").status_code == 403
    for url in [
        f"/school-updates/{other_school.unitid}/programs/{other_program.pk}/",
        f"/school-updates/{other_school.unitid}/new-program/",
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"tuition_and_fees": "1"}).status_code == 403
    # Their own school in the URL with another school's program: not found.
    url = f"/school-updates/{school.unitid}/programs/{other_program.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"tuition_and_fees": "1"}).status_code == 404
    assert not SchoolUpdate.objects.exists()


def test_anonymous_visitors_cannot_open_representative_pages(client, school, program):
    for url in [
        f"/school-updates/{school.unitid}/",
        f"/school-updates/{school.unitid}/programs/{program.pk}/",
        f"/school-updates/{school.unitid}/new-program/",
    ]:
        assert client.get(url).status_code == 403


# Proposals


def form_data(program, **changes):
    data = {
        "tuition_and_fees": program.tuition_and_fees or "",
        "books_and_supplies": program.books_and_supplies or "",
        "cost_includes": "",
        "months_to_complete": program.months_to_complete or "",
        "length": program.length or "",
        "length_unit": program.length_unit,
        "offers_day": "unknown",
        "offers_evening": "unknown",
        "offers_weekend": "unknown",
        "delivery_format": "",
        "externship_hours": "",
        "admission_requirements": "",
        "program_url": "",
    }
    return {**data, **changes}


def test_a_proposal_stores_old_and_new_values_per_field(client, school, program):
    sign_in(client, school)
    url = f"/school-updates/{school.unitid}/programs/{program.pk}/"
    CertificationFactory()
    response = client.post(
        url,
        form_data(
            program, tuition_and_fees="14500", offers_evening="true", certifications=["cma-aama"]
        ),
        follow=True,
    )
    assert "Our editors will review your update" in response.content.decode()
    update = SchoolUpdate.objects.get()
    assert update.representative.email == "registrar@lakeview.edu"
    changes = {f.field: (f.old_value, f.new_value) for f in update.fields.all()}
    assert changes == {
        "tuition_and_fees": ("15000", "14500"),
        "offers_evening": ("", "True"),
        "certifications": ("", "cma-aama"),
    }
    assert Program.objects.get(pk=program.pk).tuition_and_fees == 15000  # nothing applied yet


def test_an_unchanged_form_sends_nothing(client, school, program):
    sign_in(client, school)
    client.post(f"/school-updates/{school.unitid}/programs/{program.pk}/", form_data(program))
    assert not SchoolUpdate.objects.exists()


def test_a_school_can_add_a_missing_program_and_mark_one_discontinued(client, school, program):
    CareerFactory()
    sign_in(client, school)
    client.post(
        f"/school-updates/{school.unitid}/new-program/",
        form_data(
            Program(),
            career="medical-assistant",
            credential_level="associate",
            tuition_and_fees="21000",
            length_unit="",
        ),
    )
    client.post(
        f"/school-updates/{school.unitid}/programs/{program.pk}/",
        form_data(program, no_longer_offered="on"),
    )
    kinds = sorted(SchoolUpdate.objects.values_list("kind", flat=True))
    assert kinds == [SchoolUpdate.Kind.DISCONTINUE, SchoolUpdate.Kind.NEW_PROGRAM]


# Editor review


@pytest.fixture
def proposal(program, school):
    representative = SchoolRepresentative.objects.create(
        school=school, email="registrar@lakeview.edu", verified_at=timezone.now()
    )
    from representatives.school_updates import school_update_propose

    CertificationFactory()
    return school_update_propose(
        representative=representative,
        program=program,
        data={
            "tuition_and_fees": 14500,
            "offers_evening": True,
            "certifications": list(Certification.objects.all()),
        },
    )


def test_applying_everything_marks_fields_school_reported_and_emails(proposal, editor, program):
    school_update_apply(update=proposal, reviewer=editor)
    email_send_due()  # what cron's send_queued_email does
    program.refresh_from_db()
    assert program.tuition_and_fees == 14500
    assert program.offers_evening is True
    assert list(program.certifications.values_list("slug", flat=True)) == ["cma-aama"]
    assert program.field_sources["tuition_and_fees"]["source"] == "school"
    assert program.last_verified == timezone.localdate()
    assert program.history.latest().history_user == editor
    proposal.refresh_from_db()
    assert proposal.status == SchoolUpdate.Status.APPLIED
    assert mail.outbox[-1].to == ["registrar@lakeview.edu"]
    assert "applied your update" in mail.outbox[-1].body


def test_applying_some_fields_leaves_the_rest(proposal, editor, program):
    school_update_apply(update=proposal, reviewer=editor, fields=["offers_evening"])
    program.refresh_from_db()
    assert program.tuition_and_fees == 15000 and program.offers_evening is True
    proposal.refresh_from_db()
    assert proposal.status == SchoolUpdate.Status.PARTLY_APPLIED
    decisions = dict(proposal.fields.values_list("field", "decision"))
    assert decisions["tuition_and_fees"] == "skipped" and decisions["offers_evening"] == "applied"


def test_rejecting_needs_a_reason_and_tells_the_school(proposal, editor, program):
    with pytest.raises(UpdateRefused):
        school_update_reject(update=proposal, reviewer=editor, reason="")
    school_update_reject(update=proposal, reviewer=editor, reason="Please link the fee page.")
    email_send_due()
    assert "because: Please link the fee page." in mail.outbox[-1].body
    program.refresh_from_db()
    assert program.tuition_and_fees == 15000
    with pytest.raises(UpdateRefused, match="already"):
        school_update_apply(update=proposal, reviewer=editor)


def test_an_invalid_proposed_value_is_refused_and_nothing_changes(proposal, editor, program):
    proposal.fields.filter(field="tuition_and_fees").update(new_value="-5")
    with pytest.raises(Exception):  # noqa: B017 - ValidationError from the model
        school_update_apply(update=proposal, reviewer=editor)
    program.refresh_from_db()
    assert program.tuition_and_fees == 15000
    assert SchoolUpdate.objects.get().status == SchoolUpdate.Status.PENDING


def test_the_admin_shows_the_proposal_as_a_diff(client, editor, proposal):
    client.force_login(editor)
    page = client.get(f"/admin/representatives/schoolupdate/{proposal.pk}/change/").content.decode()
    assert "Shown now" in page and "14500" in page and "15000" in page
    assert 'name="_apply_chosen"' in page


# Public provenance, and schools hearing about corrections


def test_public_page_says_where_each_value_came_from(client, proposal, editor, program):
    page = client.get(program.get_absolute_url()).content.decode()
    assert "IPEDS 2023-24" in page
    school_update_apply(update=proposal, reviewer=editor)
    page = client.get(program.get_absolute_url()).content.decode()
    today = timezone.localdate().strftime("%b %-d, %Y")
    assert f"Reported by the school on {today}, reviewed by our editors" in page
    from corrections.services import correction_apply

    note = Correction.objects.create(
        page_url="/",
        program=program,
        target_field="books_and_supplies",
        field="Books",
        proposed_value="900",
    )
    correction_apply(correction=note, reviewer=editor)
    page = client.get(program.get_absolute_url()).content.decode()
    assert f"Corrected by our editors on {today}, after a visitor&#x27;s note" in page


def test_representatives_hear_about_a_visitors_correction(
    client, school, program, django_capture_on_commit_callbacks
):
    SchoolRepresentative.objects.create(
        school=school, email="registrar@lakeview.edu", verified_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/corrections/",
            {
                "page_url": program.get_absolute_url(),
                "target": f"program:{program.pk}",
                "field": "Tuition",
                "proposed_value": "Now $16,000",
            },
        )
    [message] = mail.outbox
    assert message.to == ["registrar@lakeview.edu"]
    assert "Now $16,000" in message.body
    assert f"/schools/{school.unitid}/{school.slug}/represent/" in message.body


def test_school_and_program_pages_link_to_the_for_schools_page(client, program):
    for url in (program.get_absolute_url(), program.school.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Is this your school?" in page and 'href="/for-schools/"' in page
    page = client.get("/for-schools/").content.decode()
    assert "IPEDS 2023-24" in page and "usually within a week" in page


def test_editors_approve_access_requests_with_a_link(client, editor, school):
    request_access(client, school, "dean@partner.org")
    client.force_login(editor)
    access = AccessRequest.objects.get()
    client.post(
        "/admin/representatives/accessrequest/",
        {"action": "approve", "_selected_action": [access.pk]},
    )
    assert mail.outbox[-1].to == ["dean@partner.org"]
    assert RepresentativeLink.objects.filter(email="dean@partner.org").exists()


# Who may represent a school (issue 12, item 5)


def test_a_web_domain_shared_by_several_schools_goes_to_an_editor(client):
    campus = SchoolFactory(name="Ivy North", website="https://www.ivy.edu/north/")
    SchoolFactory(name="Ivy South", website="https://ivy.edu/south/")
    request_access(client, campus, "dean@ivy.edu")
    assert mail.outbox == []
    access = AccessRequest.objects.get()
    assert representatives.why_not_automatic(access) == "ivy.edu is shared with 1 other school."


def test_an_editor_approved_domain_qualifies_for_that_school_only(client, editor, school):
    other = SchoolFactory(website="https://other.edu/")
    SchoolEmailDomain.objects.create(school=school, domain="lakeview-health.org")
    request_access(client, school, "dean@lakeview-health.org")
    [message] = mail.outbox
    assert message.to == ["dean@lakeview-health.org"]
    request_access(client, other, "dean@lakeview-health.org")
    assert len(mail.outbox) == 1 and AccessRequest.objects.get().school == other


def test_approving_a_request_with_its_domain_lets_colleagues_in(client, editor, school):
    request_access(client, school, "dean@partner.org")
    client.force_login(editor)
    access = AccessRequest.objects.get()
    client.post(
        "/admin/representatives/accessrequest/",
        {"action": "approve_with_domain", "_selected_action": [access.pk]},
    )
    assert SchoolEmailDomain.objects.get(school=school).domain == "partner.org"
    client.logout()
    request_access(client, school, "registrar@partner.org")
    assert mail.outbox[-1].to == ["registrar@partner.org"]


def test_a_corrected_website_never_moves_who_can_represent_the_school(client, editor, school):
    from corrections.services import correction_apply

    note = Correction.objects.create(
        page_url="/",
        school=school,
        target_field="website",
        field="Website",
        proposed_value="https://attacker.example/",
    )
    correction_apply(correction=note, reviewer=editor)
    school.refresh_from_db()
    assert school.website == "https://attacker.example/"
    assert school.web_domain == "lakeview.edu"
    request_access(client, school, "me@attacker.example")
    assert not RepresentativeLink.objects.exists()
    request_access(client, school, "registrar@lakeview.edu")
    assert RepresentativeLink.objects.get().email == "registrar@lakeview.edu"


# Proposals that could not be applied before (issue 12, item 3)


def test_an_unchanged_form_is_refused_with_a_message_and_keeps_the_input(client, school, program):
    sign_in(client, school)
    response = client.post(
        f"/school-updates/{school.unitid}/programs/{program.pk}/", form_data(program)
    )
    assert response.status_code == 200
    assert "nothing to send" in response.content.decode()
    assert not SchoolUpdate.objects.exists()


def test_blanking_a_number_applies_as_not_reported(client, school, program, editor):
    sign_in(client, school)
    client.post(
        f"/school-updates/{school.unitid}/programs/{program.pk}/",
        form_data(program, books_and_supplies=""),
    )
    update = SchoolUpdate.objects.get()
    assert [(f.field, f.new_value) for f in update.fields.all()] == [("books_and_supplies", "")]
    school_update_apply(update=update, reviewer=editor)
    program.refresh_from_db()
    assert program.books_and_supplies is None
    assert program.field_sources["books_and_supplies"]["source"] == "school"
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Not reported by the school" in page


def test_applying_nothing_is_refused(proposal, editor):
    with pytest.raises(UpdateRefused, match="at least one field"):
        school_update_apply(update=proposal, reviewer=editor, fields=[])
    assert SchoolUpdate.objects.get().status == SchoolUpdate.Status.PENDING


def test_a_proposed_new_program_becomes_a_draft_an_editor_publishes(client, school, editor):
    CareerFactory()
    sign_in(client, school)
    client.post(
        f"/school-updates/{school.unitid}/new-program/",
        form_data(
            Program(),
            career="medical-assistant",
            credential_level="associate",
            tuition_and_fees="21000",
            months_to_complete="18",
            length_unit="",
        ),
    )
    update = SchoolUpdate.objects.get(kind=SchoolUpdate.Kind.NEW_PROGRAM)
    school_update_apply(update=update, reviewer=editor)
    program = Program.objects.get(school=school, credential_level="associate")
    assert program.status == "draft"
    assert program.tuition_and_fees == 21000 and program.months_to_complete == 18
    assert program.data_source == "Reported by the school"
    assert program.field_sources["tuition_and_fees"]["source"] == "school"
    client.logout()
    assert client.get(program.get_absolute_url()).status_code == 404  # not public yet
    client.force_login(editor)
    client.post("/admin/programs/program/", {"action": "publish", "_selected_action": [program.pk]})
    client.logout()
    page = client.get(program.get_absolute_url()).content.decode()
    assert "$21,000" in page
    assert "Reported by the school on" in page
    email_send_due()
    assert "listed once an editor has checked and published it" in mail.outbox[-1].body
