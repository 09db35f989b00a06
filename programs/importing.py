"""Loading IPEDS schools and programs from the CSV files in fixtures/ipeds/.

Every row is checked before anything is written; a malformed row stops the import with its file,
line and reason, and the database is left as it was.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from careers.models import Career
from core.datafiles import (
    after_bulk_load,
    parse_file,
    require,
    to_decimal,
    to_flag,
    to_float_in,
    to_int,
)
from core.domains import registrable_domain
from core.provenance import Source, plain_value, values_record_source

from .certifications import link_certifications
from .models import AWARD_LEVELS, Program, School, Sector
from .outcomes import YEARS, outcome_flag, with_latest
from .quality import held_back_refresh
from .record_rules import seed_record_rules

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
COMPLETIONS_COLUMNS = ["academic_year", "unitid", "cipcode", "awlevel", "ctotalt"]
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
        "web_domain": registrable_domain(_url(row["website"])),
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


def _completions_row(row) -> dict:
    year = require(row["academic_year"], "academic_year")
    if year not in YEARS:
        raise ValueError(f"academic year {year!r} is not one of {', '.join(YEARS)}")
    if row["awlevel"] not in AWARD_LEVELS:
        raise ValueError(f"unknown award level: {row['awlevel']!r}")
    graduates = to_int(require(row["ctotalt"], "ctotalt"), "ctotalt")
    if graduates < 0:
        raise ValueError(f"a negative number of awards: {graduates}")
    return {
        "key": (
            to_int(require(row["unitid"], "unitid"), "unitid"),
            require(row["cipcode"], "cipcode"),
            AWARD_LEVELS[row["awlevel"]],
        ),
        "year": year,
        "graduates": graduates,
    }


def graduates_by_program(path: Path) -> dict:
    """{(unitid, CIP code, credential level): {academic year: awards}} from the five-year
    completions file; years a school reported nothing for the program are absent."""
    by_program = {}
    for row in parse_file(path, COMPLETIONS_COLUMNS, _completions_row):
        years = by_program.setdefault(row["key"], {})
        years[row["year"]] = years.get(row["year"], 0) + row["graduates"]
    return {key: dict(sorted(years.items())) for key, years in by_program.items()}


@dataclass
class RefreshPlan:
    """What re-running the import would do to one model, before anything is written."""

    label: str
    new: list[dict] = field(default_factory=list)
    changed: list = field(default_factory=list)  # (object, {field: value})
    unchanged: list = field(default_factory=list)  # objects whose remembered values may move
    kept: list = field(default_factory=list)  # (object, field) edited after the last import
    missing: list = field(default_factory=list)  # objects no longer in the source

    def __str__(self):
        text = (
            f"{self.label}: {len(self.new):,} new, {len(self.changed):,} changed, "
            f"{len(self.unchanged):,} unchanged, {len(self.missing):,} no longer in the source"
        )
        if self.kept:
            text += (
                f"; {len(self.kept):,} field(s) edited since the last import kept "
                "(--overwrite-edited replaces them)"
            )
        return text


def plan_refresh(label, existing, rows, key, *, overwrite_edited=False) -> RefreshPlan:
    """Compare source rows with what is stored. A field whose stored value differs from the value
    the last import wrote was edited by someone here, and is kept unless `overwrite_edited`."""
    plan = RefreshPlan(label)
    seen = set()
    for row in rows:
        row_key = key(row)
        seen.add(row_key)
        obj = existing.get(row_key)
        if obj is None:
            plan.new.append(row)
            continue
        changes = {}
        for name, value in row.items():
            if name in IDENTITY_FIELDS:
                continue
            current = plain_value(getattr(obj, name))
            if current == plain_value(value):
                continue
            remembered = obj.imported_values.get(name, current)
            if current != remembered and not overwrite_edited:
                plan.kept.append((obj, name))
                continue
            changes[name] = value
        if getattr(obj, "missing_from_source", False):
            changes["missing_from_source"] = False
        (plan.changed if changes else plan.unchanged).append((obj, changes) if changes else obj)
    plan.missing = [obj for obj_key, obj in existing.items() if obj_key not in seen]
    return plan


IDENTITY_FIELDS = {"unitid", "school_id"}


def _remembered(row) -> dict:
    return {name: plain_value(value) for name, value in row.items() if name not in IDENTITY_FIELDS}


def _apply_plan(model, plan: RefreshPlan, rows_by_key, key, progress, batch=500):
    """Write one model's plan: new rows, changed fields, and what the import now remembers."""
    created = [model(**row, imported_values=_remembered(row)) for row in plan.new]
    for start in range(0, len(created), batch):
        bulk_create_with_history(created[start : start + batch], model, batch_size=batch)
        if progress:
            progress(plan.label, min(start + batch, len(created)), len(created))
    updated, fields_written = [], {"imported_values", "field_sources"}
    for obj, changes in plan.changed:
        for name, value in changes.items():
            setattr(obj, name, value)
        values_record_source(obj, fields=changes, source=Source.IMPORT)
        fields_written.update(changes)
        updated.append(obj)
    for obj in updated:
        obj.imported_values = _remembered(rows_by_key[key(obj)])
    for obj in plan.unchanged:  # written only if what the import remembers has moved
        remembered = _remembered(rows_by_key[key(obj)])
        if obj.imported_values != remembered:
            obj.imported_values = remembered
            updated.append(obj)
    newly_missing = [obj for obj in plan.missing if not getattr(obj, "missing_from_source", True)]
    for obj in newly_missing:
        obj.missing_from_source = True
    if newly_missing:
        updated.extend(newly_missing)
        fields_written.add("missing_from_source")
    for start in range(0, len(updated), batch):
        bulk_update_with_history(
            updated[start : start + batch], model, sorted(fields_written), batch_size=batch
        )


@dataclass
class IpedsRefresh:
    schools: RefreshPlan
    programs: RefreshPlan
    school_rows: dict
    program_rows: dict

    @property
    def plans(self):
        return [self.schools, self.programs]


def _program_key(row):
    return (row["unitid"], row["cip_code"], row["credential_level"])


def ipeds_plan(
    *, schools_path: Path, programs_path: Path, completions_path=None, overwrite_edited=False
):
    """Read and check the files, and work out what applying them would change (no writes).
    Without `completions_path` the programs' five-year graduates are left as they are. The
    programs file's 2023-24 count (graduates_per_year, what "sort by graduates" orders by) is the
    record's 2023-24 count too, so the two can't disagree."""
    schools = parse_file(schools_path, SCHOOL_COLUMNS, _school_row)
    careers = {cip: career.pk for career in Career.objects.all() for cip in career.cip_codes}
    unitids = {row["unitid"] for row in schools}
    programs = parse_file(programs_path, PROGRAM_COLUMNS, _program_row, unitids, careers)
    if completions_path is not None:
        graduates = graduates_by_program(completions_path)
        for row in programs:
            by_year = with_latest(graduates.get(_program_key(row), {}), row["graduates_per_year"])
            row["graduates_by_year"] = by_year
            row["outcome_flag"] = outcome_flag(by_year)
    existing_schools = {school.unitid: school for school in School.objects.all()}
    existing_programs = {
        (p.school.unitid, p.cip_code, p.credential_level): p
        for p in Program.objects.select_related("school")
    }
    return IpedsRefresh(
        schools=plan_refresh(
            "Schools",
            existing_schools,
            schools,
            lambda row: row["unitid"],
            overwrite_edited=overwrite_edited,
        ),
        programs=plan_refresh(
            "Programs", existing_programs, programs, _program_key, overwrite_edited=overwrite_edited
        ),
        school_rows={row["unitid"]: row for row in schools},
        program_rows={_program_key(row): row for row in programs},
    )


def ipeds_apply(refresh: IpedsRefresh, *, progress=None):
    """Write a plan in one transaction; programs gone from the source are flagged, not deleted."""
    with transaction.atomic():
        _apply_plan(
            School, refresh.schools, refresh.school_rows, lambda school: school.unitid, progress
        )
        school_ids = dict(School.objects.values_list("unitid", "pk"))
        for row in [*refresh.programs.new, *refresh.program_rows.values()]:
            row["school_id"] = school_ids[row["unitid"]]
        for row in refresh.programs.new:
            row.pop("unitid", None)
        _apply_plan(
            Program,
            refresh.programs,
            refresh.program_rows,
            lambda p: (p.school.unitid, p.cip_code, p.credential_level),
            progress,
        )
        seed_record_rules()
        held_back_refresh()
        link_certifications()
    after_bulk_load()
    return refresh.plans


def ipeds_import(
    *,
    schools_path: Path,
    programs_path: Path,
    completions_path=None,
    overwrite_edited=False,
    progress=None,
):
    """Plan and apply in one step (what `make setup` and the tests use)."""
    refresh = ipeds_plan(
        schools_path=schools_path,
        programs_path=programs_path,
        completions_path=completions_path,
        overwrite_edited=overwrite_edited,
    )
    return ipeds_apply(refresh, progress=progress)
