"""Loading BLS wages and projections and the ZIP centroids from the CSV files in fixtures/."""

from pathlib import Path

from django.db import transaction

from .datafiles import parse_file, require, to_decimal, to_float_in, to_int, upsert
from .models import Projection, WageEstimate, ZipCode

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


def _wage_row(row):
    area_type = require(row["area_type"], "area_type")
    if area_type not in WageEstimate.AreaType.values:
        raise ValueError(f"area_type is not one of {WageEstimate.AreaType.values}: {area_type!r}")
    return {
        "soc_code": require(row["soc_code"], "soc_code"),
        "occupation_title": row["occupation_title"],
        "area_type": area_type,
        "area_code": require(row["area_code"], "area_code"),
        "area_name": require(row["area_name"], "area_name"),
        "state_fips": row["state_fips"],
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


def bls_import(*, oews_path: Path, projections_path: Path, progress=None):
    """Load OEWS wages and the 2024-34 projections; all or nothing."""
    wages = parse_file(oews_path, OEWS_COLUMNS, _wage_row)
    projections = parse_file(projections_path, PROJECTION_COLUMNS.values(), _projection_row)
    with transaction.atomic():
        return [
            upsert(
                WageEstimate,
                wages,
                ("soc_code", "area_code"),
                label="Wage estimates",
                progress=progress,
            ),
            upsert(Projection, projections, ("soc_code",), label="Projections", progress=progress),
        ]


def zips_import(*, path: Path, progress=None):
    rows = parse_file(path, ZIP_COLUMNS, _zip_row)
    with transaction.atomic():
        return [upsert(ZipCode, rows, ("code",), label="ZIP codes", progress=progress)]
