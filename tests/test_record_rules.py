"""Record-quality rules: implausible federal records are kept for editors, held back from public
pages, explained on a public page with counts, and shown again when an editor says so."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programs.models import CredentialLevel, Program, RecordRule
from programs.quality import held_back_refresh
from programs.record_rules import seed_record_rules
from search.ranking import site_search

from .factories import CareerFactory, ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    """A real certificate, a master's Medical Assistant record and a bachelor's LPN record."""
    lpn = CareerFactory(
        slug="licensed-practical-nurse", title="Licensed Practical Nurse", cip_codes=["51.3901"]
    )
    real = ProgramFactory(school=SchoolFactory(name="Lakeview College"))
    master = ProgramFactory(
        school=SchoolFactory(name="Stanford University"), credential_level=CredentialLevel.MASTER
    )
    bachelor = ProgramFactory(
        school=SchoolFactory(name="Hillside University"),
        career=lpn,
        cip_code="51.3901",
        credential_level=CredentialLevel.BACHELOR,
    )
    # A bachelor's degree is plausible for a Medical Assistant? The LPN rule names LPN only.
    ma_bachelor = ProgramFactory(
        school=SchoolFactory(name="Valley University"), credential_level=CredentialLevel.BACHELOR
    )
    assert seed_record_rules() == 2
    assert held_back_refresh() == 2
    return real, master, bachelor, ma_bachelor


def listed(client, url="/programs/?sort=name"):
    return [program.school.name for program in client.get(url).context["object_list"]]


def test_the_rules_hold_back_implausible_records_only(client, records):
    _real, master, bachelor, _ma_bachelor = records
    held = set(Program.objects.filter(held_back=True).values_list("pk", flat=True))
    assert held == {master.pk, bachelor.pk}
    assert listed(client) == ["Lakeview College", "Valley University"]
    assert client.get(master.get_absolute_url()).status_code == 404
    assert {p.school.name for p in site_search("stanford").programs} == set()


def test_seeding_is_idempotent_and_keeps_an_editors_change(records):
    rule = RecordRule.objects.get(slug="graduate-award-for-entry-level-job")
    rule.is_active = False
    rule.save()
    assert seed_record_rules() == 0
    assert RecordRule.objects.get(pk=rule.pk).is_active is False
    assert held_back_refresh() == 1  # the LPN rule only


def test_each_rule_is_data_an_editor_can_change(records):
    _real, _master, _bachelor, ma_bachelor = records
    rule = RecordRule.objects.get(slug="bachelors-practical-nursing")
    rule.careers.clear()  # now every career's bachelor's degrees
    assert held_back_refresh() == 3
    assert Program.objects.get(pk=ma_bachelor.pk).held_back


def test_the_public_page_explains_each_rule_with_its_count(client, records):
    page = client.get(reverse("programs:about_data")).content.decode()
    assert "2 records are held back today." in page
    assert "A graduate-level award for an entry-level job" in page
    assert "(1 record held back)" in page
    assert "Master&#x27;s degree" in page
    assert "every career in the directory" in page
    assert "Licensed Practical Nurse" in page


def test_an_editor_sees_held_back_records_and_can_show_one(client, django_user_model, records):
    _real, master, bachelor, _ma_bachelor = records
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw-long-enough-1")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    changelist = reverse("admin:programs_program_changelist")
    response = client.get(f"{changelist}?held_back__exact=1")
    assert {p.pk for p in response.context["cl"].result_list} == {master.pk, bachelor.pk}
    response = client.post(
        changelist, {"action": "show_despite_rules", "_selected_action": [master.pk]}
    )
    assert response.status_code == 302
    master.refresh_from_db()
    assert (master.shown_despite_rules, master.held_back) == (True, False)
    assert "Stanford University" in listed(client)
    assert master.field_sources["shown_despite_rules"]["source"] == "editor"
    # Rules are switched off, never deleted, by editors.
    rule = RecordRule.objects.first()
    assert (
        client.get(reverse("admin:programs_recordrule_delete", args=[rule.pk])).status_code == 403
    )


def test_an_editors_override_outlasts_the_next_refresh(records):
    _real, master, bachelor, _ma_bachelor = records
    master.shown_despite_rules = True
    master.save()
    held_back_refresh()
    assert not Program.objects.get(pk=master.pk).held_back
    assert Program.objects.get(pk=bachelor.pk).held_back


def test_a_rule_change_makes_cached_listings_stale(client, records, settings):
    settings.PAGE_CACHE_SECONDS = 600
    assert "Stanford University" not in listed(client)  # now cached
    # An UPDATE sends no signal: the refresh itself must make the cached pages stale.
    RecordRule.objects.filter(slug="graduate-award-for-entry-level-job").update(is_active=False)
    held_back_refresh()
    assert "Stanford University" in listed(client)
