"""The bulk downloads: the whole public directory (programs, schools, careers) as CSV and as JSON
Lines, with a manifest.json that lists each file's build date, row count, size and SHA-256.

`manage.py build_downloads` (api/management/commands/build_downloads.py, queued after every
import by api/apps.py) writes them into DOWNLOADS_ROOT from exactly what the public pages show:
Program.objects.published() (no drafts, nothing a record-quality rule holds back), the schools
with such programs, the published careers; nothing personal. /downloads/<name> serves them
(api/pages.py).

Both formats share one list of columns (*_COLUMNS below; /developers/ and docs/api.md list
them): CSV cells are spreadsheet-safe (core.csvsafe), empty for unknowns, true/false for yes/no;
JSON Lines keeps the same names with JSON types (null, true/false, numbers, lists).
Page addresses are paths on the site ("/programs/12/") unless a site URL is given.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse

from careers.models import Career, Projection, WageEstimate
from programs.costs import CostBasis, cost_basis_expression
from programs.models import CredentialLevel, Program, School, Sector
from programs.outcomes import LATEST, YEARS, OutcomeFlag
from programs.resources import english_labels

MANIFEST = "manifest.json"
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
MANIFEST_TYPE = "application/json"
DOWNLOADS_TAG = "downloads"  # the tag of the pages that show the manifest (/developers/)
CHUNK_SIZE = 2000  # rows read from the database at a time
WRITE_ROWS = 1000  # rows encoded and written at a time
URL_PLACEHOLDER = 918273645

# The sources behind the files and the API, with their licences (/developers/, manifest.json).
PUBLIC_DOMAIN = "Public domain (a work of the U.S. government, 17 U.S.C. § 105)"
CC_BY = "CC BY 4.0"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
SOURCES = [
    {
        "name": "IPEDS",
        "publisher": "U.S. Department of Education, National Center for Education Statistics",
        "provides": "Schools, programs, costs, lengths and graduates (Completions 2019-20 to "
        "2023-24)",
        "years": "2023-24",
        "licence": PUBLIC_DOMAIN,
        "url": "https://nces.ed.gov/ipeds/",
    },
    {
        "name": WageEstimate.SOURCE,
        "publisher": "U.S. Bureau of Labor Statistics",
        "provides": "Pay by occupation",
        "years": "May 2025",
        "licence": PUBLIC_DOMAIN,
        "url": "https://www.bls.gov/oes/",
    },
    {
        "name": Projection.SOURCE,
        "publisher": "U.S. Bureau of Labor Statistics",
        "provides": "Employment outlook by occupation",
        "years": Projection.PERIOD,
        "licence": PUBLIC_DOMAIN,
        "url": "https://www.bls.gov/emp/",
    },
    {
        "name": "O*NET 29.3 Database",
        "publisher": "U.S. Department of Labor, Employment and Training Administration",
        "provides": "Occupations' tasks, skills and technology (the career guides)",
        "years": "29.3",
        "licence": CC_BY,
        "licence_url": CC_BY_URL,
        "url": "https://www.onetcenter.org/database.html",
    },
    {
        "name": "GeoNames",
        "publisher": "GeoNames (geonames.org), with U.S. Census Bureau ZIP locations",
        "provides": "ZIP code locations (distances from a ZIP code)",
        "years": "",
        "licence": CC_BY,
        "licence_url": CC_BY_URL,
        "url": "https://www.geonames.org/",
    },
]


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    get: Callable[[dict], object]


def label(path, choices) -> Callable[[dict], object]:
    """The row's stored choice at `path` as its English label (read on first use)."""
    names = {}

    def get(row):
        if not names:
            names.update(english_labels(choices))
        return names.get(row[path], row[path]) if row[path] else None

    return get


def nonblank(path):
    return lambda row: row[path] or None


def wage(name):
    return lambda row: getattr(row["wage"], name, None)


def outlook(name):
    return lambda row: getattr(row["projection"], name, None)


def graduates_in(year):
    return lambda row: (row["graduates_by_year"] or {}).get(year)


def columns(specs) -> list[Column]:
    """(name, what is read: a .values() path, by default the name, or a function of the row,
    description)."""
    return [
        Column(name, description, (lambda row, p=source or name: row[p]))
        if not callable(source)
        else Column(name, description, source)
        for name, source, description in specs
    ]


YES_NO = "true/false, empty (null) when not reported"
PROGRAM_COLUMNS = columns([
    ("program_id", "pk", "The program's id here (stable; its page is /programs/<id>/)."),
    ("url", "", "The program's page on this site."),
    ("school_unitid", "school__unitid", "The school's IPEDS unit ID."),
    ("school_name", "school__name", "The school's name."),
    ("city", "school__city", "The school's city."),
    ("state", "school__state", "The school's state (postal code)."),
    ("zip_code", "school__zip_code", "The school's ZIP code."),
    ("career_slug", "career__slug", "The career it trains for (careers files: slug)."),
    ("career_title", "career__title", "The career's title."),
    ("cip_code", "", "The field of study, CIP 2020 code."),
    ("cip_title", "", "The field of study's CIP title."),
    ("credential", "credential_level", "The award level: " + ", ".join(CredentialLevel.values)),
    ("credential_label", label("credential_level", CredentialLevel.choices), "In English."),
    ("total_cost_usd", "total_cost", "Whole program: tuition and fees plus books and supplies."),
    ("tuition_and_fees_usd", "tuition_and_fees", "Whole program tuition and fees."),
    ("books_and_supplies_usd", "books_and_supplies", "Whole program books and supplies."),
    ("cost_basis", "", "The cost a student is shown: " + ", ".join(CostBasis.values)),
    ("cost_gap", nonblank("cost_gap"), "Why the whole-program cost is missing: "
     + ", ".join(Program.CostGap.values)),
    ("school_tuition_in_state_per_year_usd", "school__tuition_in_state_per_year",
     "The school's yearly in-state tuition and fees (the basis when cost_basis is school-year)."),
    ("school_tuition_out_of_state_per_year_usd", "school__tuition_out_of_state_per_year",
     "The same, out of state."),
    ("length", "", "The program's length, in length_unit."),
    ("length_unit", nonblank("length_unit"), "clock-hours or credit-hours."),
    ("months_to_complete", "", "Months to complete, as reported."),
    ("graduates_latest_year", lambda row: LATEST, "The year of graduates_latest_count."),
    ("graduates_latest_count", "graduates_per_year", "Awards conferred that year."),
    *((f"graduates_{year.replace('-', '_')}", graduates_in(year), f"Awards in {year}.")
      for year in YEARS[:-1]),
    ("graduates_flag", nonblank("outcome_flag"), "none-latest or none-ever: a question to ask."),
    ("graduates_flag_label", label("outcome_flag", OutcomeFlag.CHOICES), "In English."),
    ("school_sector", "school__sector", "public, private-nonprofit or private-for-profit."),
    ("federal_student_aid", "school__federal_aid_eligible", f"The school's, {YES_NO}."),
    ("school_offers_distance_education", "school__distance_education", YES_NO),
    ("school_offers_evening_weekend", "school__evening_weekend", YES_NO),
    ("open_admission", "school__open_admission", f"The school admits all applicants: {YES_NO}."),
    ("accreditor", lambda row: row["accreditor"] if row["accreditation_verified_on"] else None,
     "The programmatic accreditor an editor has verified (empty: none)."),
    ("accreditation_verified_on", "", "When an editor verified it."),
    ("is_offered", "", "false once the school says it no longer offers the program."),
    ("data_source", "", "Where the record comes from."),
    ("data_year", "", "The source's year."),
    ("last_verified", "", "When an editor last checked the program (empty: never)."),
    ("school_last_verified", "school__last_verified", "When an editor last checked the school."),
])  # fmt: skip
SCHOOL_COLUMNS = columns([
    ("unitid", "", "The school's IPEDS unit ID."),
    ("url", "", "The school's page on this site."),
    ("name", "", "The school's name."),
    ("address", "", "Street address."),
    ("city", "", "City."),
    ("state", "", "State (postal code)."),
    ("zip_code", "", "ZIP code."),
    ("latitude", "", "Latitude."),
    ("longitude", "", "Longitude."),
    ("website", "", "The school's website."),
    ("net_price_calculator_url", "", "The school's net price calculator."),
    ("sector", "", "public, private-nonprofit or private-for-profit."),
    ("sector_label", label("sector", Sector.choices), "In English."),
    ("sector_detail", nonblank("sector_detail"), "IPEDS sector, e.g. 'Public, 2-year'."),
    ("distance_education", "", f"Offers distance education: {YES_NO}."),
    ("all_programs_distance", "", f"All programs entirely by distance education: {YES_NO}."),
    ("open_admission", "", f"Admits all applicants: {YES_NO}."),
    ("evening_weekend", "", f"Evening or weekend classes: {YES_NO}."),
    ("federal_aid_eligible", "", f"Takes part in federal student aid (Title IV): {YES_NO}."),
    ("tuition_in_state_per_year_usd", "tuition_in_state_per_year", "Yearly, in state."),
    ("tuition_out_of_state_per_year_usd", "tuition_out_of_state_per_year", "Yearly, out of state."),
    ("published_programs", "", "How many of its programs the directory lists."),
    ("data_source", "", "Where the record comes from."),
    ("data_year", "", "The source's year."),
    ("last_verified", "", "When an editor last checked the school (empty: never)."),
])  # fmt: skip
CAREER_COLUMNS = columns([
    ("slug", "", "The career's id here (its guide is /careers/<slug>/)."),
    ("url", "", "The career guide's page on this site."),
    ("title", "", "The career's title."),
    ("soc_code", "", "The BLS SOC 2018 code its pay and outlook are for."),
    ("onet_soc_code", lambda row: f"{row['soc_code']}.00", "The O*NET-SOC code."),
    ("cip_codes", "", "CIP codes of the programs that train for it (CSV: space-separated)."),
    ("summary", "", "One or two sentences about the work."),
    ("published_programs", "", "How many programs the directory lists for it."),
    ("pay_annual_median_usd", wage("annual_median"), "National median annual pay."),
    ("pay_hourly_median_usd", wage("hourly_median"), "National median hourly pay."),
    ("pay_annual_p10_usd", wage("annual_p10"), "National 10th percentile annual pay."),
    ("pay_annual_p90_usd", wage("annual_p90"), "National 90th percentile annual pay."),
    ("employment", wage("employment"), "National employment (OEWS)."),
    ("pay_source", lambda row: row["wage"] and row["wage"].SOURCE, "Where the pay comes from."),
    ("pay_period", lambda row: row["wage"] and str(row["wage"].PERIOD), "The survey's month."),
    ("employment_2024_thousands", outlook("employment_2024"), "Jobs in 2024, thousands."),
    ("employment_2034_thousands", outlook("employment_2034"), "Projected for 2034, thousands."),
    ("employment_change_percent", outlook("change_percent"), "Projected change, percent."),
    ("annual_openings_thousands", outlook("annual_openings"), "Openings a year, thousands."),
    ("typical_education", outlook("typical_education"), "Typical entry-level education (BLS)."),
    ("outlook_source", lambda row: row["projection"] and row["projection"].SOURCE, "Its source."),
    ("outlook_period", lambda row: row["projection"] and row["projection"].PERIOD, "Its years."),
    ("last_reviewed", "", "When an editor last reviewed the guide."),
])  # fmt: skip


def published_count(outer: str):
    """How many published programs a school or career has, as a subquery."""
    programs = Program.objects.published().filter(**{outer: OuterRef("pk")}).order_by()
    return Subquery(programs.values(outer).annotate(n=Count("pk")).values("n"))


def program_rows(chunk_size, site):
    programs = Program.objects.published().annotate(cost_basis=cost_basis_expression())
    fields = [
        "pk",
        "school__unitid", "school__name", "school__city", "school__state", "school__zip_code",
        "career__slug", "career__title", "cip_code", "cip_title", "credential_level",
        "total_cost", "tuition_and_fees", "books_and_supplies", "cost_basis", "cost_gap",
        "school__tuition_in_state_per_year", "school__tuition_out_of_state_per_year", "length",
        "length_unit", "months_to_complete", "graduates_per_year", "graduates_by_year",
        "outcome_flag", "school__sector", "school__federal_aid_eligible",
        "school__distance_education", "school__evening_weekend", "school__open_admission",
        "accreditor", "accreditation_verified_on", "is_offered", "data_source", "data_year",
        "last_verified", "school__last_verified",
    ]  # fmt: skip
    url = page_url(site, "programs:program_detail", "pk")
    for row in programs.order_by("pk").values(*fields).iterator(chunk_size=chunk_size):
        row["url"] = url(row)
        yield row


def school_rows(chunk_size, site):
    schools = School.objects.with_published_programs().annotate(
        published_programs=published_count("school")
    )
    fields = [
        "unitid", "slug", "name", "address", "city", "state", "zip_code", "latitude", "longitude",
        "website", "net_price_calculator_url", "sector", "sector_detail", "distance_education",
        "all_programs_distance", "open_admission", "evening_weekend", "federal_aid_eligible",
        "tuition_in_state_per_year", "tuition_out_of_state_per_year", "published_programs",
        "data_source", "data_year", "last_verified",
    ]  # fmt: skip
    url = page_url(site, "programs:school_detail", "unitid", "slug")
    for row in schools.order_by("unitid").values(*fields).iterator(chunk_size=chunk_size):
        row["url"] = url(row)
        yield row


def career_rows(chunk_size, site):
    careers = Career.objects.published().annotate(published_programs=published_count("career"))
    wages = {w.soc_code: w for w in WageEstimate.objects.national()}
    projections = {p.soc_code: p for p in Projection.objects.all()}
    fields = ["slug", "title", "soc_code", "cip_codes", "summary", "published_programs",
              "last_reviewed"]  # fmt: skip
    url = page_url(site, "careers:career_detail", "slug")
    for row in careers.order_by("order", "title", "pk").values(*fields).iterator(chunk_size):
        row.update(url=url(row), wage=wages.get(row["soc_code"]),
                   projection=projections.get(row["soc_code"]))  # fmt: skip
        yield row


def page_url(site, name, *keys) -> Callable[[dict], str]:
    """The address of a row's page (after `site`, "" for a path): reversed once, then filled in
    per row (fast at 1M rows)."""
    if keys == ("pk",):
        before, after = reverse(name, kwargs={"pk": URL_PLACEHOLDER}).split(str(URL_PLACEHOLDER))
        return lambda row: f"{site}{before}{row['pk']}{after}"
    return lambda row: site + reverse(name, kwargs={key: row[key] for key in keys})


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    columns: list[Column]
    rows: Callable[[int, str], Iterator[dict]]
    public_count: Callable[[], int] = field(repr=False, default=None)  # the listing's count


DATASETS = [
    Dataset("programs", "Every published program: one row per school, field and award level.",
            PROGRAM_COLUMNS, program_rows, lambda: Program.objects.published().count()),
    Dataset("schools", "Every school with at least one published program.",
            SCHOOL_COLUMNS, school_rows, lambda: School.objects.with_published_programs().count()),
    Dataset("careers", "Every published career guide, with national pay and outlook.",
            CAREER_COLUMNS, career_rows, lambda: Career.objects.published().count()),
]  # fmt: skip
DATASET_NAMES = {dataset.name: dataset for dataset in DATASETS}
FILE_NAMES = {f"{d.name}.{ext}" for d in DATASETS for ext in FORMATS}  # what may be served


def content_type(name: str) -> str:
    return MANIFEST_TYPE if name == MANIFEST else FORMATS[name.rsplit(".", 1)[1]]


def read_manifest(root=None) -> dict | None:
    """The last build's manifest, or None when there is none (or it can't be read)."""
    try:
        manifest = json.loads((Path(root or settings.DOWNLOADS_ROOT) / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    return manifest


def manifest_entry(manifest: dict, name: str) -> dict | None:
    for entry in manifest["files"]:
        if isinstance(entry, dict) and entry.get("name") == name and name in FILE_NAMES:
            return entry
    return None
