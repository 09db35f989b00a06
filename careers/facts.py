"""Key facts a student weighs when choosing a career, each with its source and year: median pay
(BLS OEWS), how long the programs take (IPEDS), and the outlook (BLS projections)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from .models import Career, Projection, WageEstimate

PROGRAMS_SOURCE = "IPEDS 2023-24 (U.S. Department of Education)"


@dataclass(frozen=True)
class ProgramLength:
    median_months: float
    reporting: int  # programs that reported how long they take
    programs: int  # published programs of the career

    @property
    def months_text(self):
        months = self.median_months
        return f"{months:g}" if months == int(months) else f"{months:.1f}"


@dataclass(frozen=True)
class KeyFacts:
    wage: WageEstimate | None
    length: ProgramLength | None
    projection: Projection | None
    pay_group_note: str


def median_from_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; None for none."""
    total = sum(counts.values())
    if not total:
        return None

    def value_at(index):
        seen = 0
        for value in sorted(counts):
            seen += counts[value]
            if index < seen:
                return value

    if total % 2:
        return value_at(total // 2)
    return (value_at(total // 2 - 1) + value_at(total // 2)) / 2


def key_facts(careers) -> dict[int, KeyFacts]:
    """Each career's key facts, by career id, in three queries whatever the number of careers:
    program lengths are counted per value in the database, so both databases give the same
    median and no program row is read."""
    careers = list(careers)
    soc_codes = {career.soc_code for career in careers}
    wages = {w.soc_code: w for w in WageEstimate.objects.national().filter(soc_code__in=soc_codes)}
    projections = {p.soc_code: p for p in Projection.objects.filter(soc_code__in=soc_codes)}
    programs = Career._meta.get_field("programs").related_model.objects.published()
    counts = defaultdict(dict)
    published = defaultdict(int)
    rows = (
        programs.filter(career__in=careers)
        .values("career_id", "months_to_complete")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        published[row["career_id"]] += row["n"]
        if row["months_to_complete"] is not None:
            counts[row["career_id"]][row["months_to_complete"]] = row["n"]
    facts = {}
    for career in careers:
        median = median_from_counts(counts[career.pk])
        length = (
            ProgramLength(median, sum(counts[career.pk].values()), published[career.pk])
            if median is not None
            else None
        )
        facts[career.pk] = KeyFacts(
            wage=wages.get(career.soc_code),
            length=length,
            projection=projections.get(career.soc_code),
            pay_group_note=career.pay_group_note,
        )
    return facts
