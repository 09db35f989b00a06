"""Key facts a student weighs when choosing a career, each with its source and year: median pay
(BLS OEWS), how long the programs take (IPEDS), and the outlook (BLS projections)."""

from dataclasses import dataclass

from django.db.models import Count

from core.tags import SITE, counted, versions_of

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
    programs: int  # published programs of the career
    counts_current: bool  # False while the program counts shown are being counted again


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


def program_counts_key(career_id: int) -> str:
    return f"career-programs:v1:{career_id}"


def count_programs(career_id: int) -> dict:
    """A career's published programs, and how many report each length in months, in one GROUP
    BY: no program row is read, and both databases give the same median."""
    programs = Career._meta.get_field("programs").related_model.objects.published()
    rows = list(
        programs.filter(career_id=career_id)
        .values_list("months_to_complete")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "published": sum(n for _months, n in rows),
        "lengths": {months: n for months, n in rows if months is not None},
    }


def program_counts(career) -> tuple[dict, tuple[int, ...], bool]:
    """A career's program counts (`count_programs`), the versions of `site` and its career's tag
    they were counted under, and whether those still stand. After an edit, the counts kept
    while careers/tasks.py counts again: at a million programs a count takes longer than a
    visitor should wait."""
    from .tasks import recount_programs  # the task counts with count_programs

    versions = versions_of(SITE, f"career:{career.slug}")
    counts, counted_under = counted(
        program_counts_key(career.pk),
        versions,
        lambda: count_programs(career.pk),
        lambda: recount_programs.enqueue(career.pk, list(versions)),
    )
    return counts, counted_under, counted_under == versions


def key_facts(careers) -> dict[int, KeyFacts]:
    """Each career's key facts, by career id: pay and outlook in two queries whatever the number
    of careers, program lengths as counted (`program_counts`)."""
    careers = list(careers)
    soc_codes = {career.soc_code for career in careers}
    wages = {w.soc_code: w for w in WageEstimate.objects.national().filter(soc_code__in=soc_codes)}
    projections = {p.soc_code: p for p in Projection.objects.filter(soc_code__in=soc_codes)}
    facts = {}
    for career in careers:
        counts, _versions, current = program_counts(career)
        lengths = counts["lengths"]
        median = median_from_counts(lengths)
        length = (
            ProgramLength(median, sum(lengths.values()), counts["published"])
            if median is not None
            else None
        )
        facts[career.pk] = KeyFacts(
            wage=wages.get(career.soc_code),
            length=length,
            projection=projections.get(career.soc_code),
            pay_group_note=career.pay_group_note,
            programs=counts["published"],
            counts_current=current,
        )
    return facts
