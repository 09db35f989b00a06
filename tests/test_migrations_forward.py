"""A database made before corrections and schools' representatives had apps of their own (the
main branch before the move: programs 0010) migrates forward with every row kept, and the
admin works on them.

The test takes the test database back to that point, fills it through the models as they were
then, migrates to the latest migrations and reads everything back through today's models.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from corrections.models import Correction
from programs.models import Program, School
from representatives.models import (
    AccessRequest,
    RepresentativeLink,
    SchoolEmailDomain,
    SchoolRepresentative,
    SchoolUpdate,
    SchoolUpdateField,
)

pytestmark = pytest.mark.django_db(transaction=True)

THE_MOVE = ("programs", "0011_models_moved_to_their_apps")


def migrate(targets):
    """Migrate to `targets` ((app, migration) pairs; (app, None) unapplies the app); the models
    as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_the_move():
    """Each app at its last migration from before the move (an app the move made: none)."""
    graph = MigrationExecutor(connection).loader.graph
    since = set(graph.backwards_plan(THE_MOVE))  # the move and everything that needs it
    targets = []
    for app in sorted({app for app, _ in graph.leaf_nodes()}):
        kept = [node for node in graph.nodes if node[0] == app and node not in since]
        targets.append(max(kept) if kept else (app, None))
    return targets


@pytest.fixture
def old_database():
    """The test database as it was before the move, given back at the latest migrations."""
    apps = migrate(before_the_move())
    yield apps
    migrate(latest())


def the_roles(apps):
    """The Editor and Reviewer groups as the old migrations made them. An earlier test that
    flushed the database (a transactional one) left none, and going back to before the move
    does not run those migrations again."""
    for migration, function in [
        ("0005_roles", "create_roles"),
        ("0007_roles_school_updates", "grant"),
        ("0010_provenance_domains_outbox", "grant_editors"),
    ]:
        getattr(import_module(f"programs.migrations.{migration}"), function)(apps, None)


def fill(apps):
    """One of everything the move touches, made through the models as they were."""
    model = apps.get_model
    now = timezone.now()
    the_roles(apps)
    career = model("careers", "Career").objects.create(
        slug="medical-assistant", title="Medical Assistant", soc_code="31-9092",
        cip_codes=["51.0801"], summary="Clinics.", status="published",
    )  # fmt: skip
    school = model("programs", "School").objects.create(
        unitid=123456, name="Lakeview College", slug="lakeview-college", city="Chicago",
        state="IL", website="https://www.lakeview.edu/", web_domain="lakeview.edu",
        sector="public",
    )  # fmt: skip
    program = model("programs", "Program").objects.create(
        school=school, career=career, cip_code="51.0801", cip_title="Medical Assistant.",
        credential_level="associate", tuition_and_fees=9000,
    )  # fmt: skip
    model("programs", "HistoricalProgram").objects.create(
        id=program.pk, school_id=school.pk, career_id=career.pk, cip_code="51.0801",
        cip_title="Medical Assistant.", credential_level="associate", tuition_and_fees=8000,
        status="published", data_source="IPEDS", data_year="2023-24", missing_from_source=False,
        is_offered=True, field_sources={}, imported_values={}, history_date=now - timedelta(1),
        history_type="~", history_change_reason="an earlier edit",
    )  # fmt: skip
    Correction = model("programs", "Correction")
    original = Correction.objects.create(
        page_url=f"/programs/{program.pk}/", program=program, target_field="tuition_and_fees",
        field="Tuition", current_value="$9,000", proposed_value="$8,500",
        contact_email="visitor@example.org",
    )  # fmt: skip
    Correction.objects.create(
        page_url="/", school=school, field="Name", proposed_value="Lakeview College of Health",
        status="duplicate", duplicate_of=original,
    )  # fmt: skip
    representative = model("programs", "SchoolRepresentative").objects.create(
        school=school, email="registrar@lakeview.edu", verified_at=now
    )
    model("programs", "RepresentativeLink").objects.create(
        school=school, email="registrar@lakeview.edu", token_hash="a" * 64, used_at=now
    )
    model("programs", "AccessRequest").objects.create(school=school, email="dean@partner.org")
    model("programs", "SchoolEmailDomain").objects.create(school=school, domain="partner.org")
    update = model("programs", "SchoolUpdate").objects.create(
        school=school, program=program, representative=representative
    )
    model("programs", "SchoolUpdateField").objects.create(
        update=update, field="tuition_and_fees", old_value="9000", new_value="8700"
    )
    # An editor's change to the note, in the admin's log (it points at the content type).
    content_type = model("contenttypes", "ContentType").objects.get(
        app_label="programs", model="correction"
    )
    user = model("auth", "User").objects.create(username="earlier-editor", is_staff=True)
    model("admin", "LogEntry").objects.create(
        user=user, content_type=content_type, object_id=str(original.pk),
        object_repr="Tuition", action_flag=CHANGE, action_time=now,
    )  # fmt: skip


def test_a_database_from_before_the_move_keeps_every_row(old_database, client, editor):
    fill(old_database)
    migrate(latest())

    program = Program.objects.get()
    assert School.objects.get().name == "Lakeview College"
    assert program.history.filter(history_change_reason="an earlier edit").exists()
    original, duplicate = Correction.objects.order_by("pk")
    assert (original.program, original.proposed_value) == (program, "$8,500")
    assert original.contact_email == "visitor@example.org"
    assert (duplicate.status, duplicate.duplicate_of) == ("duplicate", original)
    representative = SchoolRepresentative.objects.get()
    assert representative.email == "registrar@lakeview.edu"
    assert RepresentativeLink.objects.get().used_at is not None
    assert AccessRequest.objects.get().email == "dean@partner.org"
    assert SchoolEmailDomain.objects.get().domain == "partner.org"
    update = SchoolUpdate.objects.get()
    assert (update.representative, update.program) == (representative, program)
    assert SchoolUpdateField.objects.get(update=update).new_value == "8700"

    # The content types moved with the models: the admin log and the groups' permissions follow.
    assert not ContentType.objects.filter(app_label="programs", model="correction").exists()
    entry = LogEntry.objects.get()
    assert entry.content_type.model_class() is Correction
    assert entry.get_edited_object() == original
    reviewer = Group.objects.get(name="Reviewer")
    assert set(reviewer.permissions.values_list("content_type__app_label", "codename")) == {
        ("corrections", "change_correction"),
        ("corrections", "view_correction"),
    }
    editor_group = Group.objects.get(name="Editor").permissions
    assert editor_group.filter(content_type__app_label="representatives").count() >= 8

    # The admin lists and opens them (and old bookmarks of the admin reach the new pages).
    client.force_login(editor)
    for name, obj in [
        ("corrections_correction", original),
        ("representatives_schoolupdate", update),
        ("representatives_accessrequest", AccessRequest.objects.get()),
        ("representatives_schoolrepresentative", representative),
        ("representatives_schoolemaildomain", SchoolEmailDomain.objects.get()),
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
    page = client.get(reverse("admin:corrections_correction_change", args=[original.pk]))
    assert "$8,500" in page.content.decode()
    old = client.get(f"/admin/programs/correction/{original.pk}/change/?x=1")
    assert old["Location"] == f"/admin/corrections/correction/{original.pk}/change/?x=1"
    old = client.get("/admin/programs/schoolupdate/")
    assert old["Location"] == "/admin/representatives/schoolupdate/"
