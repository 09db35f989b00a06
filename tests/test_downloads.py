"""The bulk downloads (api/downloads.py, manage.py build_downloads) and /downloads/<name>: the
whole public directory as CSV and JSON Lines, nothing a visitor can't see, row counts equal to
the public listing's, checksums that match, formula-safe cells, atomic replacement, and a view
that serves only the files the manifest lists, with ETag, Last-Modified and 304s."""

import csv
import hashlib
import io
import json
import stat

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils.http import http_date

from api import downloads
from api.management.commands import build_downloads
from careers.models import Career, PublishStatus
from programs.models import CredentialLevel, Program, School
from programs.quality import held_back_refresh
from programs.record_rules import seed_record_rules

from .factories import (
    CareerFactory,
    ProgramFactory,
    ProjectionFactory,
    SchoolFactory,
    WageEstimateFactory,
)

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/","Click")'
DATA_FILES = {f"{d}.{f}" for d in ("programs", "schools", "careers") for f in ("csv", "jsonl")}


@pytest.fixture
def root(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


@pytest.fixture
def records():
    """Two public programs (one at a school named like a formula), a draft, a held-back
    master's record, and a program of a draft career."""
    WageEstimateFactory()
    ProjectionFactory()
    public = ProgramFactory(school=SchoolFactory(name=FORMULA))
    other = ProgramFactory(
        school=SchoolFactory(name="Lakeview College", tuition_in_state_per_year=4000),
        tuition_and_fees=None,
        books_and_supplies=None,
        graduates_per_year=None,
    )
    draft = ProgramFactory(school=SchoolFactory(name="Draft School"), status=PublishStatus.DRAFT)
    held = ProgramFactory(
        school=SchoolFactory(name="Held School"), credential_level=CredentialLevel.MASTER
    )
    seed_record_rules()
    held_back_refresh()
    held.refresh_from_db()
    assert held.held_back
    hidden_career = CareerFactory(
        slug="draft-career", title="Draft Career", status=PublishStatus.DRAFT
    )
    of_draft_career = ProgramFactory(
        school=SchoolFactory(name="Draft Career School"), career=hidden_career
    )
    return {
        "public": [public, other],
        "hidden": [draft, held, of_draft_career],
        "hidden_schools": ["Draft School", "Held School", "Draft Career School"],
    }


def csv_rows(root, name):
    with open(root / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def jsonl_rows(root, name):
    return [json.loads(line) for line in (root / name).read_text(encoding="utf-8").splitlines()]


def test_the_build_writes_each_dataset_in_both_formats_and_a_manifest(root, records):
    call_command("build_downloads", stdout=io.StringIO())
    assert {path.name for path in root.iterdir() if not path.name.startswith(".")} == {
        *DATA_FILES,
        "manifest.json",
    }
    manifest = json.loads((root / "manifest.json").read_text())
    assert {entry["name"] for entry in manifest["files"]} == DATA_FILES
    assert manifest["built_at"].endswith("Z")
    for entry in manifest["files"]:
        assert entry["built_at"] == manifest["built_at"]
        assert entry["content_type"] == downloads.content_type(entry["name"])
    assert {"dataset": "programs", "source": "IPEDS", "year": "2023-24", "rows": 2} in manifest[
        "data_years"
    ]
    licences = {source["name"]: source["licence"] for source in manifest["sources"]}
    assert licences["IPEDS"].startswith("Public domain")
    assert licences["GeoNames"] == "CC BY 4.0"
    # Readable by the web server, which is not the user that built them.
    assert stat.S_IMODE((root / "programs.csv").stat().st_mode) == 0o644


def test_row_counts_equal_the_public_listings(root, records):
    manifest = build_downloads.build()
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    expected = {
        "programs": Program.objects.published().count(),
        "schools": School.objects.with_published_programs().count(),
        "careers": Career.objects.published().count(),
    }
    assert expected == {"programs": 2, "schools": 2, "careers": 1}
    for dataset, count in expected.items():
        assert dataset in downloads.DATASET_NAMES
        assert downloads.DATASET_NAMES[dataset].public_count() == count
        assert rows[f"{dataset}.csv"] == rows[f"{dataset}.jsonl"] == count
        assert len(csv_rows(root, f"{dataset}.csv")) == count
        assert len(jsonl_rows(root, f"{dataset}.jsonl")) == count


def test_drafts_held_back_records_and_their_schools_are_absent(root, records):
    build_downloads.build()
    public_ids = sorted(program.pk for program in records["public"])
    assert [int(row["program_id"]) for row in csv_rows(root, "programs.csv")] == public_ids
    assert [row["program_id"] for row in jsonl_rows(root, "programs.jsonl")] == public_ids
    for name in ("schools.csv", "schools.jsonl", "programs.csv", "programs.jsonl"):
        text = (root / name).read_text()
        for school in records["hidden_schools"]:
            assert school not in text
    careers = [row["slug"] for row in jsonl_rows(root, "careers.jsonl")]
    assert careers == ["medical-assistant"]
    assert "draft-career" not in (root / "careers.csv").read_text()


def test_nothing_personal_or_editorial_is_written(root, records):
    build_downloads.build()
    header = set(csv_rows(root, "programs.csv")[0]) | set(csv_rows(root, "schools.csv")[0])
    for private in ("email", "web_domain", "field_sources", "imported_values", "held_back",
                    "shown_despite_rules", "status", "missing_from_source"):  # fmt: skip
        assert not any(private in column for column in header), private


def test_the_manifests_checksums_sizes_and_counts_match_the_files(root, records):
    manifest = build_downloads.build()
    for entry in manifest["files"]:
        content = (root / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["rows"] == content.count(b"\n") - (entry["format"] == "csv")
    # The same data builds the same bytes: the checksums (ETags) change only with the data.
    again = build_downloads.build()
    assert [e["sha256"] for e in again["files"]] == [e["sha256"] for e in manifest["files"]]


def test_csv_cells_are_formula_safe_and_json_keeps_the_value(root, records):
    build_downloads.build()
    public = records["public"][0]
    program = next(r for r in csv_rows(root, "programs.csv") if r["program_id"] == str(public.pk))
    assert program["school_name"] == "'" + FORMULA
    school = next(
        r for r in csv_rows(root, "schools.csv") if r["unitid"] == str(public.school.unitid)
    )
    assert school["name"] == "'" + FORMULA
    assert school["longitude"] == "-87.6181"  # a negative number stays a number
    record = next(r for r in jsonl_rows(root, "programs.jsonl") if r["program_id"] == public.pk)
    assert record["school_name"] == FORMULA


def test_columns_say_cost_basis_credential_graduates_and_source(root, records):
    build_downloads.build()
    public, other = records["public"]
    rows = {row["program_id"]: row for row in jsonl_rows(root, "programs.jsonl")}
    row = rows[public.pk]
    assert row["url"] == f"/programs/{public.pk}/"
    assert (row["credential"], row["credential_label"]) == (
        "certificate-under-1-year",
        "Certificate (12 weeks to 1 year)",
    )
    assert (row["total_cost_usd"], row["cost_basis"], row["cost_gap"]) == (
        16200,
        "whole-program",
        None,
    )
    assert (row["length"], row["length_unit"], row["months_to_complete"]) == (720, "clock-hours", 9)
    assert (row["graduates_latest_year"], row["graduates_latest_count"]) == ("2023-24", 40)
    assert row["graduates_2022_23"] is None
    assert (row["federal_student_aid"], row["school_offers_distance_education"]) == (True, False)
    assert (row["data_source"], row["data_year"], row["last_verified"]) == (
        "IPEDS",
        "2023-24",
        None,
    )
    unknown = rows[other.pk]
    assert (unknown["total_cost_usd"], unknown["cost_basis"]) == (None, "school-year")
    assert unknown["school_tuition_in_state_per_year_usd"] == 4000
    csv_row = next(r for r in csv_rows(root, "programs.csv") if r["program_id"] == str(other.pk))
    assert (csv_row["total_cost_usd"], csv_row["graduates_latest_count"]) == ("", "")
    assert csv_row["federal_student_aid"] == "true"
    career = jsonl_rows(root, "careers.jsonl")[0]
    assert career["url"] == "/careers/medical-assistant/"
    assert (career["pay_annual_median_usd"], career["pay_period"]) == (44070, "May 2025")
    assert (career["employment_change_percent"], career["outlook_period"]) == (12.5, "2024–34")
    assert (career["cip_codes"], career["published_programs"]) == (["51.0801"], 2)
    assert csv_rows(root, "careers.csv")[0]["cip_codes"] == "51.0801"
    school = next(r for r in jsonl_rows(root, "schools.jsonl") if r["name"] == "Lakeview College")
    assert school["url"] == f"/schools/{other.school.unitid}/lakeview-college/"
    assert school["published_programs"] == 1


def test_a_site_url_makes_page_addresses_absolute(root, records):
    call_command("build_downloads", "--site-url", "https://example.org/", stdout=io.StringIO())
    row = jsonl_rows(root, "programs.jsonl")[0]
    assert row["url"] == f"https://example.org/programs/{row['program_id']}/"
    assert json.loads((root / "manifest.json").read_text())["site_url"] == "https://example.org"


def test_rows_are_streamed_in_chunks_with_the_same_result(root, records):
    first = build_downloads.build(chunk_size=1)
    second = build_downloads.build(chunk_size=1000)
    assert [e["sha256"] for e in first["files"]] == [e["sha256"] for e in second["files"]]


def test_a_failed_build_leaves_the_last_files_and_no_half_written_one(root, records, monkeypatch):
    build_downloads.build()
    before = {path.name: path.read_bytes() for path in root.iterdir()}

    def failing_rows(chunk_size, site):
        yield from downloads.career_rows(chunk_size, site)
        raise RuntimeError("the database went away")

    careers = downloads.Dataset("careers", "", downloads.CAREER_COLUMNS, failing_rows)
    monkeypatch.setattr(build_downloads, "DATASETS", [*downloads.DATASETS[:2], careers])
    ProgramFactory(school=SchoolFactory(name="New College"))
    with pytest.raises(RuntimeError):
        build_downloads.build()
    assert {path.name: path.read_bytes() for path in root.iterdir()} == before
    assert not list(root.glob("*.tmp")) and not list(root.glob(".*.tmp"))


# The view at /downloads/<name>


@pytest.fixture
def built(root, records):
    return build_downloads.build()


def entry(manifest, name):
    return next(e for e in manifest["files"] if e["name"] == name)


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("programs.csv", "text/csv; charset=utf-8"),
        ("schools.jsonl", "application/x-ndjson; charset=utf-8"),
        ("careers.csv", "text/csv; charset=utf-8"),
    ],
)
def test_a_file_is_served_whole_with_its_checksum_as_etag(client, root, built, name, content_type):
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (root / name).read_bytes()
    assert response["Content-Type"] == content_type
    assert response["ETag"] == f'"{entry(built, name)["sha256"]}"'
    assert response["Cache-Control"].startswith("public")
    assert response["Last-Modified"]
    assert response["Content-Length"] == str(entry(built, name)["bytes"])
    assert f'filename="{name}"' in response["Content-Disposition"]


def test_the_manifest_is_served_as_json(client, built):
    response = client.get(reverse("api:download", kwargs={"name": "manifest.json"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["built_at"] == built["built_at"]
    assert response["ETag"]
    again = client.get("/downloads/manifest.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_revalidation_answers_304_without_a_body(client, built):
    first = client.get("/downloads/programs.csv")
    response = client.get("/downloads/programs.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"].startswith("public")
    since = client.get("/downloads/programs.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    stale = client.get("/downloads/programs.csv", HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_head_is_answered_and_other_methods_are_not(client, built):
    assert client.head("/downloads/programs.csv").status_code == 200
    assert client.post("/downloads/programs.csv").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/downloads/secrets.csv",
        "/downloads/.build.lock",
        "/downloads/programs.csv.tmp",
        "/downloads/..",
        "/downloads/../manifest.json",
        "/downloads/..%2Fmanifest.json",
        "/downloads/..%2F..%2Fdb.sqlite3",
        "/downloads/%2Fetc%2Fpasswd",
        "/downloads/programs.csv%00",
        "/downloads/",
    ],
)
def test_unknown_names_and_traversal_attempts_are_404(client, built, path):
    assert client.get(path).status_code == 404


def test_only_files_the_manifest_lists_are_served(client, root, built):
    (root / "notes.csv").write_text("a,b\n")
    assert client.get("/downloads/notes.csv").status_code == 404
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["files"].append({"name": "../../pyproject.toml", "sha256": "x"})
    manifest["files"] = [e for e in manifest["files"] if e["name"] != "careers.jsonl"]
    (root / "manifest.json").write_text(json.dumps(manifest))
    assert client.get("/downloads/..%2F..%2Fpyproject.toml").status_code == 404
    assert client.get("/downloads/careers.jsonl").status_code == 404  # not in the manifest
    assert client.get("/downloads/careers.csv").status_code == 200


def test_nothing_is_served_before_a_build(client, root):
    assert client.get("/downloads/programs.csv").status_code == 404
    assert client.get("/downloads/manifest.json").status_code == 404


def test_last_modified_is_the_build_time(client, built):
    import datetime

    built_at = datetime.datetime.fromisoformat(built["built_at"].replace("Z", "+00:00"))
    response = client.get("/downloads/careers.jsonl")
    assert response["Last-Modified"] == http_date(built_at.timestamp())


def test_every_import_rebuilds_the_downloads(settings, tmp_path):
    """An import ends in after_bulk_load(); the api app rebuilds the files after it."""
    from core.datafiles import after_bulk_load

    settings.DOWNLOADS_ROOT = tmp_path
    settings.DOWNLOADS_AFTER_IMPORT = True
    ProgramFactory()
    with TestCase.captureOnCommitCallbacks(execute=True):
        after_bulk_load()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {entry["name"]: entry["rows"] for entry in manifest["files"]}["programs.csv"] == 1

    settings.DOWNLOADS_AFTER_IMPORT = False
    (tmp_path / "manifest.json").unlink()
    with TestCase.captureOnCommitCallbacks(execute=True):
        after_bulk_load()
    assert not (tmp_path / "manifest.json").exists()
