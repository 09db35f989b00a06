"""Record-quality rules: federal records whose award level is implausible for their field (a
master's degree in medical assisting) are kept for editors but held back from public listings.

The rules are data (RecordRule, seeded from fixtures/content/record_rules.json and kept by
editors); `held_back_refresh` applies them to every program in two UPDATEs, and runs after each
import, a rule's change and an editor's override. `Program.objects.published()` leaves held-back
programs out; an editor who checks one and finds it real ticks "show despite the rules".
"""

from django.db import transaction
from django.db.models import Q

from core.tags import pages_changed

from .models import Program, RecordRule


def rule_condition(rule: RecordRule) -> Q:
    condition = Q(credential_level__in=rule.credential_levels)
    careers = [career.pk for career in rule.careers.all()]
    return condition & Q(career_id__in=careers) if careers else condition


def held_back_condition() -> Q:
    """Programs some active rule holds back (before editors' overrides)."""
    condition = Q(pk__in=[])
    for rule in RecordRule.objects.filter(is_active=True).prefetch_related("careers"):
        condition |= rule_condition(rule)
    return condition


def held_back_refresh() -> int:
    """Mark every program the active rules hold back, and only those; returns how many are.
    UPDATEs send no signals, so cached pages are made stale here when anything moved."""
    held = Q(held_back_condition(), shown_despite_rules=False)
    with transaction.atomic():
        shown = Program.objects.filter(held_back=True).exclude(held).update(held_back=False)
        hidden = Program.objects.filter(held, held_back=False).update(held_back=True)
    if shown or hidden:
        pages_changed()
    return Program.objects.filter(held_back=True).count()


def rules_with_counts():
    """Active rules with how many records each holds back now (for the public page)."""
    rules = list(RecordRule.objects.filter(is_active=True).prefetch_related("careers"))
    for rule in rules:
        rule.held_back_count = Program.objects.filter(
            rule_condition(rule), shown_despite_rules=False
        ).count()
    return rules
