"""What a program costs, and on what basis: the one place that decides which figure a student sees.

1. The program's own charges, where the school reported them to IPEDS for this program: tuition
   and fees plus books and supplies for the whole program ("whole program").
2. Otherwise the school's tuition and fees for one full-time academic year, in-state and
   out-of-state (IPEDS IC 2023-24): a yearly, school-wide figure, never the program's price
   ("per year, school-wide").
3. Otherwise "Not reported", with why.

A whole-program figure and a yearly one are never compared with each other: the finder filters
each on its own (docs/data.md).
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy


class CostBasis(models.TextChoices):
    WHOLE_PROGRAM = "whole-program", gettext_lazy("Whole program")
    SCHOOL_YEAR = "school-year", gettext_lazy("Per year, school-wide")
    NOT_REPORTED = "not-reported", gettext_lazy("Not reported")


WHY_NOT_REPORTED = {
    "several-credentials": gettext_lazy(
        "The school reported one price for this field of study but awards more than one "
        "credential in it, and reports no yearly tuition."
    ),
    "not-reported": gettext_lazy(
        "The school reported neither a price for this program nor a yearly tuition to IPEDS."
    ),
}


@dataclass(frozen=True)
class Cost:
    basis: CostBasis
    whole_program: int | None = None
    tuition_and_fees: int | None = None
    books_and_supplies: int | None = None
    in_state_per_year: int | None = None
    out_of_state_per_year: int | None = None
    why_not_reported: str = ""

    @property
    def label(self) -> str:
        return self.basis.label


def cost_of(program) -> Cost:
    """The cost a student sees for `program` (its school selected with it)."""
    if program.total_cost is not None:
        return Cost(
            CostBasis.WHOLE_PROGRAM,
            whole_program=program.total_cost,
            tuition_and_fees=program.tuition_and_fees,
            books_and_supplies=program.books_and_supplies,
        )
    school = program.school
    if school.tuition_in_state_per_year is not None:
        return Cost(
            CostBasis.SCHOOL_YEAR,
            in_state_per_year=school.tuition_in_state_per_year,
            out_of_state_per_year=school.tuition_out_of_state_per_year,
        )
    return Cost(
        CostBasis.NOT_REPORTED,
        why_not_reported=WHY_NOT_REPORTED.get(program.cost_gap, WHY_NOT_REPORTED["not-reported"]),
    )


def cost_basis_expression():
    """`cost_basis` as the database works it out, for CSV rows (the same rules as cost_of)."""
    return Case(
        When(total_cost__isnull=False, then=Value(CostBasis.WHOLE_PROGRAM.value)),
        When(
            Q(school__tuition_in_state_per_year__isnull=False),
            then=Value(CostBasis.SCHOOL_YEAR.value),
        ),
        default=Value(CostBasis.NOT_REPORTED.value),
        output_field=models.CharField(),
    )
