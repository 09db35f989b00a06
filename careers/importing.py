"""Loading BLS wages and projections and the ZIP centroids from the CSV files in fixtures/."""

from pathlib import Path

from django.db import transaction

from core.datafiles import (
    after_bulk_load,
    parse_file,
    require,
    to_decimal,
    to_float_in,
    to_int,
    upsert,
)
from core.geography import FIPS_STATES, metro_states

from .models import (
    CipSocLink,
    OnetSkill,
    OnetTask,
    OnetTechnology,
    Projection,
    WageEstimate,
    ZipCode,
)

OEWS_COLUMNS = [
    "area_type",
    "area_code",
    "cbsa_code",
    "state_fips",
    "area_name",
    "soc_code",
    "occupation_title",
    "tot_emp",
    "a_mean",
    "h_mean",
    "h_median",
    "a_pct10",
    "a_pct25",
    "a_median",
    "a_pct75",
    "a_pct90",
    "footnote_codes",
]

PROJECTION_COLUMNS = {
    "soc_code": "2024 National Employment Matrix code",
    "occupation_title": "2024 National Employment Matrix title",
    "employment_2024": "Employment, 2024",
    "employment_2034": "Employment, 2034",
    "change_numeric": "Employment change, numeric, 2024–34",
    "change_percent": "Employment change, percent, 2024–34",
    "annual_openings": "Occupational openings, 2024–34 annual average",
    "typical_education": "Typical education needed for entry",
    "work_experience": "Work experience in a related occupation",
    "on_the_job_training": (
        "Typical on-the-job training needed to attain competency in the occupation"
    ),
}

ZIP_COLUMNS = ["zip", "primary_city", "state", "lat", "lon", "cbsa_code", "cbsa_name"]
CROSSWALK_COLUMNS = ["cip_code", "cip_title", "soc_code", "soc_title"]
TASK_COLUMNS = ["O*NET-SOC Code", "Task ID", "Task", "Task Type"]
SKILL_COLUMNS = [
    "O*NET-SOC Code", "Element ID", "Element Name", "Importance (IM, 1-5)",
    "IM Recommend Suppress", "Level (LV, 0-7)", "LV Not Relevant",
]  # fmt: skip
TECHNOLOGY_COLUMNS = ["O*NET-SOC Code", "Example", "Commodity Title", "Hot Technology", "In Demand"]
YES_NO = {"Y": True, "N": False}


def _area_states(area_type: str, area_name: str, state_fips: str) -> str:
    if area_type == WageEstimate.AreaType.NATIONAL:
        return ""
    if area_type == WageEstimate.AreaType.METRO:
        states = metro_states(area_name)
        if not states:
            raise ValueError(f"no state code in metro area name {area_name!r}")
        return " ".join(states)
    if state_fips not in FIPS_STATES:
        raise ValueError(f"unknown state FIPS code {state_fips!r}")
    return FIPS_STATES[state_fips]


def _wage_row(row):
    area_type = require(row["area_type"], "area_type")
    if area_type not in WageEstimate.AreaType.values:
        raise ValueError(f"area_type is not one of {WageEstimate.AreaType.values}: {area_type!r}")
    area_name = require(row["area_name"], "area_name")
    return {
        "soc_code": require(row["soc_code"], "soc_code"),
        "occupation_title": row["occupation_title"],
        "area_type": area_type,
        "area_code": require(row["area_code"], "area_code"),
        "area_name": area_name,
        "state_fips": row["state_fips"],
        "states": _area_states(area_type, area_name, row["state_fips"]),
        "cbsa_code": row["cbsa_code"],
        "employment": to_int(row["tot_emp"], "tot_emp"),
        "hourly_mean": to_decimal(row["h_mean"], "h_mean"),
        "annual_mean": to_int(row["a_mean"], "a_mean"),
        "hourly_median": to_decimal(row["h_median"], "h_median"),
        "annual_p10": to_int(row["a_pct10"], "a_pct10"),
        "annual_p25": to_int(row["a_pct25"], "a_pct25"),
        "annual_median": to_int(row["a_median"], "a_median"),
        "annual_p75": to_int(row["a_pct75"], "a_pct75"),
        "annual_p90": to_int(row["a_pct90"], "a_pct90"),
        "footnote_codes": row["footnote_codes"],
    }


def _projection_row(row):
    values = {field: row[column] for field, column in PROJECTION_COLUMNS.items()}
    for field in (
        "employment_2024",
        "employment_2034",
        "change_numeric",
        "change_percent",
        "annual_openings",
    ):
        number = to_decimal(values[field], PROJECTION_COLUMNS[field])
        if number is None:
            raise ValueError(f"{PROJECTION_COLUMNS[field]} is empty")
        values[field] = number
    for field in ("typical_education", "work_experience", "on_the_job_training"):
        values[field] = "" if values[field] in {"—", "-"} else values[field]
    require(values["soc_code"], "soc_code")
    values["occupation_title"] = values["occupation_title"].strip()
    return values


def _zip_row(row):
    code = require(row["zip"], "zip")
    if len(code) != 5 or not code.isdigit():
        raise ValueError(f"zip is not five digits: {code!r}")
    return {
        "code": code,
        "city": row["primary_city"],
        "state": row["state"],  # empty for a few military ZIPs
        "latitude": to_float_in(require(row["lat"], "lat"), "lat", -90, 90),
        "longitude": to_float_in(require(row["lon"], "lon"), "lon", -180, 180),
        "cbsa_code": row["cbsa_code"],
        "cbsa_name": row["cbsa_name"],
    }


def _crosswalk_row(row):
    return {
        "cip_code": require(row["cip_code"], "cip_code"),
        "cip_title": require(row["cip_title"], "cip_title"),
        "soc_code": require(row["soc_code"], "soc_code"),
        "soc_title": require(row["soc_title"], "soc_title"),
    }


def bls_import(*, oews_path: Path, projections_path: Path, crosswalk_path: Path, progress=None):
    """Load OEWS wages, the 2024-34 projections and the CIP-SOC crosswalk; all or nothing."""
    wages = parse_file(oews_path, OEWS_COLUMNS, _wage_row)
    projections = parse_file(projections_path, PROJECTION_COLUMNS.values(), _projection_row)
    links = parse_file(crosswalk_path, CROSSWALK_COLUMNS, _crosswalk_row)
    with transaction.atomic():
        results = [
            upsert(
                WageEstimate,
                wages,
                ("soc_code", "area_code"),
                label="Wage estimates",
                progress=progress,
            ),
            upsert(Projection, projections, ("soc_code",), label="Projections", progress=progress),
            upsert(
                CipSocLink,
                links,
                ("cip_code", "soc_code"),
                label="CIP-SOC crosswalk links",
                progress=progress,
            ),
        ]
    after_bulk_load()
    return results


def zips_import(*, path: Path, progress=None):
    rows = parse_file(path, ZIP_COLUMNS, _zip_row)
    with transaction.atomic():
        result = [upsert(ZipCode, rows, ("code",), label="ZIP codes", progress=progress)]
    after_bulk_load()
    return result


def _onet_code(row):
    code = require(row["O*NET-SOC Code"], "O*NET-SOC Code")
    if len(code) != 10 or code[2] != "-" or code[7] != ".":
        raise ValueError(f"O*NET-SOC Code is not like 31-9092.00: {code!r}")
    return code


def _yes_no(value, name):
    if value not in YES_NO:
        raise ValueError(f"{name} is not Y or N: {value!r}")
    return YES_NO[value]


def _task_row(row, counter):
    code = _onet_code(row)
    counter[code] = counter.get(code, 0) + 1
    return {
        "onet_code": code,
        "task_id": to_int(require(row["Task ID"], "Task ID"), "Task ID"),
        "statement": require(row["Task"], "Task"),
        "is_core": row["Task Type"] == "Core",
        "order": counter[code],
    }


def _skill_row(row):
    if _yes_no(row["IM Recommend Suppress"], "IM Recommend Suppress"):
        return None  # O*NET advises not to use this rating
    not_relevant = _yes_no(row["LV Not Relevant"], "LV Not Relevant")
    return {
        "onet_code": _onet_code(row),
        "element_id": require(row["Element ID"], "Element ID"),
        "name": require(row["Element Name"], "Element Name"),
        "importance": to_decimal(require(row["Importance (IM, 1-5)"], "importance"), "importance"),
        "level": None if not_relevant else to_decimal(row["Level (LV, 0-7)"], "level"),
    }


def _technology_row(row):
    return {
        "onet_code": _onet_code(row),
        "example": require(row["Example"], "Example"),
        "category": require(row["Commodity Title"], "Commodity Title"),
        "hot_technology": _yes_no(row["Hot Technology"], "Hot Technology"),
        "in_demand": _yes_no(row["In Demand"], "In Demand"),
    }


def onet_import(*, onet_dir: Path, progress=None):
    """Load O*NET 29.3 tasks, skills and technology examples; all or nothing."""
    tasks = parse_file(onet_dir / "tasks.csv", TASK_COLUMNS, _task_row, {})
    skills = [row for row in parse_file(onet_dir / "skills.csv", SKILL_COLUMNS, _skill_row) if row]
    technology = parse_file(onet_dir / "technology_skills.csv", TECHNOLOGY_COLUMNS, _technology_row)
    with transaction.atomic():
        results = [
            upsert(
                OnetTask, tasks, ("onet_code", "task_id"), label="O*NET tasks", progress=progress
            ),
            upsert(
                OnetSkill,
                skills,
                ("onet_code", "element_id"),
                label="O*NET skills",
                progress=progress,
            ),
            upsert(
                OnetTechnology,
                technology,
                ("onet_code", "example"),
                label="O*NET technology examples",
                progress=progress,
            ),
        ]
    after_bulk_load()
    return results
