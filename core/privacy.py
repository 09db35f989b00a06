"""What personal data the site keeps, and for how long: each app registers its retention rules
(in its AppConfig.ready), the privacy page lists them, and `manage.py purge_personal_data`
(cron, daily) applies them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class RetentionRule:
    # In English, marked with gettext_noop: the privacy page translates them when it shows them.
    what: str  # the personal data, as the privacy page names it
    why: str  # what it is kept for
    kept: str  # how long, in words
    purge: Callable[[datetime], int]  # erases what is due at that time; returns how many rows


RULES: list[RetentionRule] = []


def retention_rule(*, what: str, why: str, kept: str):
    """Register the decorated purge function as a retention rule."""

    def register(purge):
        RULES.append(RetentionRule(what, why, kept, purge))
        return purge

    return register


def personal_data_purge(*, now=None) -> list[tuple[RetentionRule, int]]:
    """Apply every rule, in one transaction; what each erased."""
    now = now or timezone.now()
    with transaction.atomic():
        return [(rule, rule.purge(now)) for rule in RULES]
