"""Graduates over five years (IPEDS completions, 2019-20 to 2023-24), and the flags they raise.

A program's `graduates_by_year` holds, per academic year, the awards the school reported for
it; a year the school reported nothing for the program is absent (it may not have run then),
which is not the same as a reported 0.

Its 2023-24 count is always the program's `graduates_per_year`, the figure "sort by graduates"
orders by and that editors (in the admin, or applying a visitor's correction) may change: the
import and Program.clean() keep the record and its flag in step with it (`with_latest`).
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from careers.charts import yearly_columns

YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
LATEST = YEARS[-1]
SOURCE = gettext_lazy("IPEDS Completions, C2020_A to C2024_A (2023-24 provisional)")


def _with_years(text) -> str:
    """A translated text with the years of the record put in: %(first)s, %(latest)s."""
    return str(text) % {"first": YEARS[0], "latest": LATEST}


with_years = lazy(_with_years, str)  # translated when shown, in the visitor's language


class OutcomeFlag:
    """Why a program's graduates need a question to the school (stored on Program)."""

    NONE_LATEST = "none-latest"
    NONE_EVER = "none-ever"
    CHOICES = [
        (
            NONE_LATEST,
            with_years(
                gettext_lazy(
                    "No graduates reported in %(latest)s, after graduates in earlier years"
                )
            ),
        ),
        (
            NONE_EVER,
            with_years(
                gettext_lazy("No graduates reported in any year from %(first)s to %(latest)s")
            ),
        ),
    ]
    BADGES = {  # short, for cards and compare
        NONE_LATEST: with_years(gettext_lazy("No graduates in %(latest)s")),
        NONE_EVER: with_years(gettext_lazy("No graduates %(first)s to %(latest)s")),
    }
    ADVICE = {
        NONE_LATEST: with_years(
            gettext_lazy(
                "No graduates reported in %(latest)s: ask the school whether it still enrolls "
                "students in this program."
            )
        ),
        NONE_EVER: with_years(
            gettext_lazy(
                "No graduates reported in any year from %(first)s to %(latest)s: ask the school "
                "how many students have finished it, and when."
            )
        ),
    }


def outcome_flag(graduates_by_year: dict) -> str:
    """The flag a five-year record raises, or "" for none. Only years the school reported for
    the program count: a program first reported in 2023-24 with no graduates yet is flagged as
    having none in any year, because that is what the record shows."""
    reported = {year: n for year, n in graduates_by_year.items() if n is not None}
    if not reported:
        return ""
    if not any(reported.values()):
        return OutcomeFlag.NONE_EVER
    if reported.get(LATEST) == 0:
        return OutcomeFlag.NONE_LATEST
    return ""


@dataclass(frozen=True)
class YearCount:
    year: str
    graduates: int | None


def five_years(graduates_by_year: dict) -> list[YearCount]:
    """Every year from 2019-20 to 2023-24, with what the school reported (None: nothing)."""
    return [YearCount(year, graduates_by_year.get(year)) for year in YEARS]


def trend_text(graduates_by_year: dict) -> str:
    """ "12 → 15 → 9 → 0 → 0" (a dash for a year with nothing reported), for cards and compare."""
    return " → ".join(
        "–" if count.graduates is None else f"{count.graduates:,}"
        for count in five_years(graduates_by_year)
    )


def with_latest(graduates_by_year: dict, latest: int | None) -> dict:
    """The five-year record with its 2023-24 count set to `latest` (removed when None)."""
    record = {year: n for year, n in graduates_by_year.items() if year != LATEST}
    if latest is not None:
        record[LATEST] = latest
    return dict(sorted(record.items()))


@dataclass(frozen=True)
class GraduateOutcomes:
    """A program's graduates as its page, its card and compare show them."""

    record: dict  # {academic year: awards}, 2023-24 from graduates_per_year
    first_year = YEARS[0]
    latest_year = LATEST
    source = SOURCE

    @classmethod
    def of(cls, program):
        return cls(with_latest(program.graduates_by_year or {}, program.graduates_per_year))

    @cached_property
    def years(self) -> list[YearCount]:
        return five_years(self.record)

    @property
    def latest(self) -> int | None:
        return self.years[-1].graduates

    @property
    def reported(self) -> bool:
        return any(count.graduates is not None for count in self.years)

    @property
    def trend(self) -> str:
        return trend_text(self.record)

    @property
    def spoken(self) -> str:
        """The trend as words, for screen readers: "2019-20: 12; 2020-21: not reported; …"."""
        not_reported = gettext("not reported")
        return "; ".join(
            f"{count.year}: {not_reported if count.graduates is None else f'{count.graduates:,}'}"
            for count in self.years
        )

    @cached_property
    def flag(self) -> str:
        return outcome_flag(self.record)

    @property
    def badge(self) -> str:
        return OutcomeFlag.BADGES.get(self.flag, "")

    @property
    def advice(self) -> str:
        return OutcomeFlag.ADVICE.get(self.flag, "")

    @cached_property
    def chart(self) -> dict:
        return yearly_columns([(count.year, count.graduates) for count in self.years])
