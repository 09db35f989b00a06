"""The record-quality rules the directory starts with (fixtures/content/record_rules.json).

The IPEDS import seeds them (the careers they name exist by then). Editors keep the rules in the
admin afterwards: seeding adds a rule only where none has its slug (and Spanish where a rule
has none yet), so an editor's change, or a rule switched off, stays (editors switch rules off;
they may not delete them).
"""

import json

from django.conf import settings

from careers.models import Career

from .models import RecordRule

RULES_FILE = settings.DATA_DIR / "content" / "record_rules.json"


def seed_record_rules() -> int:
    """Create the rules of RULES_FILE that don't exist yet; returns how many were created."""
    created = 0
    for data in json.loads(RULES_FILE.read_text())["rules"]:
        careers = list(Career.objects.filter(slug__in=data["careers"]))
        if len(careers) != len(data["careers"]):
            # Not yet: with no careers the rule would hold back every career's records. No
            # program has a missing career, so the rule has nothing to do until it exists.
            continue
        spanish = {f: data.get(f, "") for f in ("name_es", "reason_es")}
        rule, new = RecordRule.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "credential_levels": data["credential_levels"],
                "reason": data["reason"],
                **spanish,
            },
        )
        if new:
            rule.careers.set(careers)
            created += 1
        elif missing := {f: text for f, text in spanish.items() if text and not getattr(rule, f)}:
            # Spanish an editor has not written yet: filled in, an editor's own text kept.
            RecordRule.objects.filter(pk=rule.pk).update(**missing)
    return created
