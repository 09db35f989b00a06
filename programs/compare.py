"""The rows of the compare page: what a student should line up before choosing a program."""

from dataclasses import dataclass

from core.templatetags.figures import dollars

NOT_REPORTED = "Not reported"


@dataclass
class Row:
    label: str
    cells: list[str]


def _flag(value, yes, no):
    return NOT_REPORTED if value is None else (yes if value else no)


def _cost(program):
    if program.total_cost is not None:
        return dollars(program.total_cost)
    if program.cost_gap == program.CostGap.SEVERAL_CREDENTIALS:
        return "Not shown: the school reported one price for several credentials"
    return "Not reported to IPEDS"


def _cost_includes(program):
    if program.total_cost is None:
        return "Ask the school for the full price, including books, uniforms and exam fees"
    books = (
        f"books and supplies {dollars(program.books_and_supplies)}"
        if program.books_and_supplies is not None
        else "books and supplies not reported"
    )
    return f"Tuition and fees {dollars(program.tuition_and_fees)}; {books}. Not included: " + (
        "living costs, and exam fees unless the school counts them"
    )


def _length(program):
    if program.length:
        return f"{program.length.normalize():f} {program.get_length_unit_display()}"
    return NOT_REPORTED


def _months(program):
    return f"{program.months_to_complete} months" if program.months_to_complete else NOT_REPORTED


def _certifications(program):
    names = [cert.abbreviation for cert in program.certifications.all()]
    return ", ".join(names) if names else "Not known: ask which exam graduates take"


def _graduates(program):
    return NOT_REPORTED if program.graduates_per_year is None else str(program.graduates_per_year)


def _distance(program):
    miles = getattr(program, "distance_miles", None)
    return f"{miles:.1f} miles" if miles is not None else "Add your ZIP code to see this"


def _verified(program):
    verified = (
        f"verified by our editors on {program.last_verified:%B %-d, %Y}"
        if program.last_verified
        else "not yet verified by our editors"
    )
    return f"{program.data_source} {program.data_year}; {verified}"


ROWS = [
    ("Career", lambda p: p.career.title),
    ("Credential", lambda p: p.get_credential_level_display()),
    ("Length", _length),
    ("Months to complete", _months),
    (
        "Evening or weekend classes",
        lambda p: _flag(
            p.school.evening_weekend, "Offered at the school", "Not offered, as reported"
        ),
    ),
    ("Total cost", _cost),
    ("What the cost includes", _cost_includes),
    (
        "Online (distance) programs",
        lambda p: _flag(
            p.school.distance_education,
            "The school offers some programs online",
            "None, as reported",
        ),
    ),
    ("Prepares for certification", _certifications),
    ("Graduates in 2023-24", _graduates),
    ("School type", lambda p: p.school.get_sector_display()),
    (
        "Federal student aid",
        lambda p: _flag(p.school.federal_aid_eligible, "Yes (Title IV)", "No"),
    ),
    ("Distance from your ZIP code", _distance),
    ("Data", _verified),
]


def comparison_rows(programs) -> list[Row]:
    return [Row(label, [describe(program) for program in programs]) for label, describe in ROWS]
