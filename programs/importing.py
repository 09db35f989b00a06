"""Loading IPEDS schools and programs from the CSV files in fixtures/ipeds/.

Every row is checked before anything is written; a malformed row stops the import with its file,
line and reason, and the database is left as it was.
"""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from careers.datafiles import (
    parse_file,
    require,
    to_decimal,
    to_flag,
    to_float_in,
    to_int,
    upsert,
)
from careers.models import Career

from .models import AWARD_LEVELS, Program, School, Sector

SECTORS = {"1": Sector.PUBLIC, "2": Sector.PRIVATE_NONPROFIT, "3": Sector.PRIVATE_FOR_PROFIT}
LENGTH_UNITS = {
    "contact (clock) hours": Program.LengthUnit.CLOCK_HOURS,
    "credit hours": Program.LengthUnit.CREDIT_HOURS,
}
SCHOOL_COLUMNS = [
    "unitid", "name", "address", "city", "state", "zip", "latitude", "longitude", "website",
    "net_price_calculator_url", "control", "sector_label", "level_label", "locale_label",
    "pset4flg", "distance_programs", "all_programs_distance", "open_admission",
    "weekend_evening", "tuition_fees_instate_per_year", "tuition_fees_outstate_per_year",
]  # fmt: skip
PROGRAM_COLUMNS = [
    "unitid", "cipcode", "cip_title", "awlevel", "completions", "award_levels_for_this_cip",
    "tuition_fees_whole_program", "books_supplies_whole_program", "program_length",
    "program_length_unit", "months_to_complete",
]  # fmt: skip


def _url(value: str) -> str:
    """IPEDS stores addresses as typed, often without a scheme ("www.example.edu/")."""
    if not value:
        return ""
    if "." not in value:
        raise ValueError(f"not a web address: {value!r}")
    url = value if value.startswith(("http://", "https://")) else f"https://{value}"
    return url.replace(" ", "%20")


def _school_row(row) -> dict:
    unitid = to_int(require(row["unitid"], "unitid"), "unitid")
    name = require(row["name"], "name")
    state = require(row["state"], "state")
    if len(state) != 2 or not state.isalpha():
        raise ValueError(f"state is not a two-letter code: {state!r}")
    if row["control"] not in SECTORS:
        raise ValueError(f"control is not 1, 2 or 3: {row['control']!r}")
    return {
        "unitid": unitid,
        "name": name,
        "slug": slugify(name)[:200] or str(unitid),
        "address": row["address"],
        "city": require(row["city"], "city"),
        "state": state.upper(),
        "zip_code": row["zip"][:5],
        "latitude": to_float_in(row["latitude"], "latitude", -90, 90),
        "longitude": to_float_in(row["longitude"], "longitude", -180, 180),
        "website": _url(row["website"]),
        "net_price_calculator_url": _url(row["net_price_calculator_url"]),
        "sector": SECTORS[row["control"]],
        "sector_detail": row["sector_label"],
        "locale": row["locale_label"],
        # IPEDS codes: PSET4FLG 1/3 = takes part in Title IV federal aid, 2/4 = does not.
        "federal_aid_eligible": to_flag(row["pset4flg"], "pset4flg", {"1", "3"}, {"2", "4"}),
        "distance_education": to_flag(row["distance_programs"], "DSTNUGP", {"1"}, {"0"}),
        "all_programs_distance": to_flag(row["all_programs_distance"], "DISTNCED", {"1"}, {"2"}),
        "open_admission": to_flag(row["open_admission"], "OPENADMP", {"1"}, {"2"}),
        "evening_weekend": to_flag(row["weekend_evening"], "SLO7", {"1"}, {"0"}),
        "tuition_in_state_per_year": to_int(row["tuition_fees_instate_per_year"], "in-state"),
        "tuition_out_of_state_per_year": to_int(
            row["tuition_fees_outstate_per_year"], "out-of-state"
        ),
    }


def _program_row(row, unitids: set[int], careers: dict[str, int]) -> dict:
    unitid = to_int(require(row["unitid"], "unitid"), "unitid")
    if unitid not in unitids:
        raise ValueError(f"unitid {unitid} is not in the schools file")
    cip = require(row["cipcode"], "cipcode")
    if cip not in careers:
        raise ValueError(f"no career trains for CIP {cip!r} (run seed_content first?)")
    awlevel = row["awlevel"]
    if awlevel not in AWARD_LEVELS:
        raise ValueError(f"unknown award level: {awlevel!r}")
    unit = row["program_length_unit"]
    if unit and unit not in LENGTH_UNITS:
        raise ValueError(f"unknown program length unit: {unit!r}")
    tuition = to_int(row["tuition_fees_whole_program"], "tuition_fees_whole_program")
    books = to_int(row["books_supplies_whole_program"], "books_supplies_whole_program")
    length = to_decimal(row["program_length"], "program_length")
    months = to_int(row["months_to_complete"], "months_to_complete")
    # IPEDS reports program charges per CIP, not per award level: when a school awards several
    # credentials in this CIP, the figures could belong to any of them, so none is kept.
    several = (to_int(row["award_levels_for_this_cip"], "award_levels_for_this_cip") or 1) > 1
    reported = tuition is not None and not several
    if reported:
        gap = ""
    elif several and tuition is not None:
        gap = Program.CostGap.SEVERAL_CREDENTIALS
    else:
        gap = Program.CostGap.NOT_REPORTED
    return {
        "unitid": unitid,  # replaced by school_id once the schools are saved
        "career_id": careers[cip],
        "cip_code": cip,
        "cip_title": require(row["cip_title"], "cip_title"),
        "credential_level": AWARD_LEVELS[awlevel],
        "graduates_per_year": to_int(row["completions"], "completions"),
        "tuition_and_fees": tuition if reported else None,
        "books_and_supplies": books if reported else None,
        "length": length if not several else None,
        "length_unit": LENGTH_UNITS[unit] if unit and not several and length else "",
        "months_to_complete": months if not several else None,
        "cost_gap": gap,
    }


def ipeds_import(*, schools_path: Path, programs_path: Path, progress=None):
    """Create or update schools (by unitid) and programs (by unitid + CIP + award level)."""
    schools = parse_file(schools_path, SCHOOL_COLUMNS, _school_row)
    careers = {cip: career.pk for career in Career.objects.all() for cip in career.cip_codes}
    unitids = {row["unitid"] for row in schools}
    programs = parse_file(programs_path, PROGRAM_COLUMNS, _program_row, unitids, careers)
    with transaction.atomic():
        school_result = upsert(School, schools, ("unitid",), label="Schools", progress=progress)
        school_ids = dict(School.objects.filter(unitid__in=unitids).values_list("unitid", "pk"))
        for program in programs:
            program["school_id"] = school_ids[program.pop("unitid")]
        program_result = upsert(
            Program,
            programs,
            ("school_id", "cip_code", "credential_level"),
            label="Programs",
            progress=progress,
        )
    return [school_result, program_result]
