"""Every admin screen, import, export and action checks the user's model permissions, per role.

The roles are the groups a migration creates: Reviewer (corrections only) and Editor (listings,
guides, the corrections queue, schools' updates). A school representative has no admin at all:
their sign-in gives a session for their school's pages, never staff access.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from careers.models import CipSocLink, OnetSkill, OnetTask, OnetTechnology
from core.models import OutgoingEmail
from programs.models import Program, RecordRule
from representatives.models import (
    AccessRequest,
    SchoolEmailDomain,
    SchoolRepresentative,
    SchoolUpdate,
)
from search.models import Synonym

from .factories import (
    CertificationFactory,
    CorrectionFactory,
    GuideSectionFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["Reviewer", "Editor"]


@pytest.fixture
def one_of_each():
    """A row in every model the admin shows, so object pages exist to be refused."""
    program = ProgramFactory(school=SchoolFactory(website="https://www.lakeview.edu/"))
    CorrectionFactory(program=program)
    GuideSectionFactory(career=program.career)
    CertificationFactory()
    WageEstimateFactory()
    ProjectionFactory()
    ZipCodeFactory()
    CipSocLink.objects.create(
        cip_code="51.0801", cip_title="MA", soc_code="31-9092", soc_title="MA"
    )
    OnetTask.objects.create(onet_code="31-9092.00", task_id=1, statement="x", is_core=True, order=1)
    OnetSkill.objects.create(onet_code="31-9092.00", element_id="2.A", name="x", importance=3)
    OnetTechnology.objects.create(onet_code="31-9092.00", example="EHR", category="Medical")
    representative = SchoolRepresentative.objects.create(
        school=program.school, email="r@lakeview.edu", verified_at=timezone.now()
    )
    SchoolUpdate.objects.create(
        school=program.school, program=program, representative=representative
    )
    AccessRequest.objects.create(school=program.school, email="x@elsewhere.org")
    SchoolEmailDomain.objects.create(school=program.school, domain="lakeview-partner.org")
    RecordRule.objects.create(
        slug="graduate", name="Graduate", credential_levels=["master"], reason="Implausible."
    )
    OutgoingEmail.objects.create(
        to="a@example.org", subject="s", body="b", purpose="test", next_attempt_at=timezone.now()
    )
    Synonym.objects.get_or_create(term="phleb", defaults={"expansion": "Phlebotomy"})
    return program


def member_of(django_user_model, group):
    user = django_user_model.objects.create_user(
        group.lower(), f"{group.lower()}@example.org", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_pages():
    """(name, model admin, view name, method, kind of permission it needs) for every admin URL
    of every registered model; `kind` is what the user must hold to be let in."""
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.first()
        pages = [
            ("changelist", "get", [], "view"),
            ("changelist", "post", [], "view"),  # actions
            ("add", "get", [], "add"),
            ("add", "post", [], "add"),
            ("import", "get", [], "import"),
            ("process_import", "post", [], "import"),
            ("export", "get", [], "view"),
            ("export", "post", [], "view"),
        ]
        if obj is not None:
            pages += [
                ("change", "get", [obj.pk], "view"),
                ("change", "post", [obj.pk], "change"),
                ("delete", "get", [obj.pk], "delete"),
                ("delete", "post", [obj.pk], "delete"),
                ("history", "get", [obj.pk], "view"),
            ]
            history = getattr(obj, "history", None)
            if history is not None and hasattr(history, "first") and history.first():
                pages.append(("simple_history", "get", [obj.pk, history.first().pk], "view"))
        for view, method, args, kind in pages:
            try:
                url = reverse(f"{info}_{view}", args=args)
            except NoReverseMatch:
                continue
            yield f"{model._meta.label} {view} {method.upper()}", model, url, method, kind


def holds(user, model, kind) -> bool:
    """What the user's groups grant on `model` for this kind of page."""

    def has(action):
        codename = get_permission_codename(action, model._meta)
        return user.has_perm(f"{model._meta.app_label}.{codename}")

    if kind == "view":
        return has("view") or has("change")
    if kind == "import":
        return has("add") and has("change")
    return has(kind)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_refuses_a_role_without_the_model_permission(
    client, django_user_model, one_of_each, role
):
    user = member_of(django_user_model, role)
    client.force_login(user)
    checked = refused = 0
    for name, model, url, method, kind in admin_pages():
        if holds(user, model, kind):
            continue
        data = {"action": "delete_selected", "_selected_action": [1], "post": "yes"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 403, (
            f"{role}: {name} ({url}) answered {response.status_code}"
        )
        checked += 1
        refused += 1
    assert checked > 100 and refused == checked  # the walk really covered the admin


def test_a_reviewer_cannot_export_edit_and_import_listings(client, django_user_model, one_of_each):
    """The reported hole: a Reviewer exported programs, set a tuition to 1 and imported it."""
    client.force_login(member_of(django_user_model, "Reviewer"))
    for url in (
        reverse("admin:programs_program_export"),
        reverse("admin:programs_program_import"),
        reverse("admin:programs_school_export"),
        reverse("admin:programs_school_import"),
    ):
        assert client.get(url).status_code == 403, url
    upload = (
        "id,unitid,career,cip_code,cip_title,credential_level,tuition_and_fees\n"
        f"{one_of_each.pk},{one_of_each.school.unitid},medical-assistant,51.0801,MA,"
        f"{one_of_each.credential_level},1\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("admin:programs_program_import"),
        {
            "import_file": SimpleUploadedFile("p.csv", upload.encode(), "text/csv"),
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 403
    assert Program.objects.get(pk=one_of_each.pk).tuition_and_fees == 15000


def test_roles_can_use_what_they_are_given(client, django_user_model, one_of_each):
    reviewer = member_of(django_user_model, "Reviewer")
    client.force_login(reviewer)
    assert client.get(reverse("admin:corrections_correction_changelist")).status_code == 200
    assert client.get(reverse("admin:programs_program_changelist")).status_code == 403
    editor = member_of(django_user_model, "Editor")
    client.force_login(editor)
    for name in ("programs_program_import", "programs_program_export", "programs_school_export"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    assert client.get(reverse("admin:corrections_correction_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_import_and_export_buttons_show_only_with_the_permissions(
    client, django_user_model, one_of_each
):
    editor = member_of(django_user_model, "Editor")
    client.force_login(editor)
    page = client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert reverse("admin:programs_program_import") in page
    assert reverse("admin:programs_program_export") in page
    assert 'value="delete_selected"' not in page  # editors don't delete listings
    editor.groups.clear()
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_program", "change_program"])
    )
    page = client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert reverse("admin:programs_program_import") not in page  # no add permission
    assert reverse("admin:programs_program_export") in page


def test_a_school_representative_has_no_admin(client, one_of_each):
    """Signed in through their emailed link, a representative is still not staff."""
    school = one_of_each.school
    client.post(
        f"/schools/{school.unitid}/{school.slug}/represent/", {"email": "dean@lakeview.edu"}
    )
    [message] = [m for m in mail.outbox if m.to == ["dean@lakeview.edu"]]
    link = message.body.split("http://testserver")[1].split()[0]
    client.post(link)
    assert client.get(f"/school-updates/{school.unitid}/").status_code == 200
    for name, _, url, method, _ in admin_pages():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


@pytest.mark.parametrize("role", ROLES)
def test_no_action_runs_without_its_permission(client, django_user_model, one_of_each, role):
    """Where a role may see a list but not delete or change, posting the action does nothing."""
    user = member_of(django_user_model, role)
    client.force_login(user)
    tried = 0
    for model, model_admin in admin.site._registry.items():
        if not holds(user, model, "view"):
            continue
        obj = model._default_manager.first()
        if obj is None:
            continue
        request = client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).wsgi_request
        for name, action in model_admin.get_actions(request).items():
            needed = getattr(action.func, "allowed_permissions", ())
            assert all(holds(user, model, p) for p in needed), f"{role} offered {name}"
        for name in ["delete_selected", *(model_admin.actions or [])]:
            needed = getattr(getattr(model_admin, name, None), "allowed_permissions", ("delete",))
            if all(holds(user, model, p) for p in needed):
                continue
            count = model._default_manager.count()
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            client.post(url, {"action": name, "_selected_action": [obj.pk], "post": "yes"})
            assert model._default_manager.count() == count, f"{role} ran {name} on {model}"
            tried += 1
    assert tried > 0
