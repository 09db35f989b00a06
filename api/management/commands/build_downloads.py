"""manage.py build_downloads: write the bulk downloads (api/downloads.py says what they hold)
into DOWNLOADS_ROOT, then their manifest.json. Every import queues it (api/apps.py, api/tasks.py).

Rows are read in chunks (.iterator) and written as they come, in one pass per dataset into its
CSV and its JSON Lines file, each under a temporary name in the same folder; only once every
file is complete are they renamed into place (os.replace: atomic, so a half-written file is
never served, and a failed build leaves the last one as it was), and the manifest last. Memory
stays flat however many programs there are.
"""

import csv
import datetime
import fcntl
import hashlib
import io
import json
import os
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import override

from api.downloads import (
    CHUNK_SIZE,
    DATASETS,
    DOWNLOADS_TAG,
    MANIFEST,
    SOURCES,
    WRITE_ROWS,
    Dataset,
    content_type,
)
from core.csvsafe import csv_safe
from core.tags import pages_changed


class Command(BaseCommand):
    help = "Write the bulk downloads (CSV and JSON Lines, and manifest.json) to DOWNLOADS_ROOT."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=getattr(settings, "SITE_URL", ""),
            help="The site's address (https://example.org) to make page URLs absolute; by "
            "default they are paths on the site (/programs/12/).",
        )
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args, site_url, chunk_size, **options):
        manifest = build(site=site_url, chunk_size=chunk_size)
        for entry in manifest["files"]:
            self.stdout.write(f"{entry['name']}: {entry['rows']} rows, {entry['bytes']} bytes")
        self.stdout.write(f"Built {manifest['built_at']} in {settings.DOWNLOADS_ROOT}.")


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return csv_safe(" ".join(map(str, value)))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return csv_safe(value)


def json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Output:
    """A file being written under a temporary name in `root`: bytes counted and hashed."""

    def __init__(self, root: Path, name: str):
        self.name, self.path = name, root / name
        fd, temp = tempfile.mkstemp(dir=root, prefix=f".{name}.", suffix=".tmp")
        self.temp, self.file = Path(temp), os.fdopen(fd, "wb")
        self.sha256, self.bytes, self.rows = hashlib.sha256(), 0, 0

    def write(self, data: bytes):
        self.file.write(data)
        self.sha256.update(data)
        self.bytes += len(data)

    def finish(self):
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.chmod(self.temp, 0o644)  # mkstemp makes it 0600; nginx must read it

    def discard(self):
        self.file.close()
        self.temp.unlink(missing_ok=True)


def write_dataset(dataset: Dataset, root: Path, chunk_size, site, years: Counter) -> list[Output]:
    """One pass over the rows, into the CSV and the JSON Lines file at once."""
    csv_out, jsonl_out = Output(root, f"{dataset.name}.csv"), Output(root, f"{dataset.name}.jsonl")
    outputs = [csv_out, jsonl_out]
    try:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.name for c in dataset.columns])
        lines = []
        for row in dataset.rows(chunk_size, site):
            values = [c.get(row) for c in dataset.columns]
            writer.writerow([csv_cell(v) for v in values])
            record = dict(zip((c.name for c in dataset.columns), values, strict=True))
            lines.append(
                json.dumps(record, default=json_value, ensure_ascii=False, separators=(",", ":"))
            )
            if "data_source" in row:
                years[(dataset.name, row["data_source"], row["data_year"])] += 1
            csv_out.rows += 1
            if len(lines) >= WRITE_ROWS:
                flush(buffer, lines, csv_out, jsonl_out)
        flush(buffer, lines, csv_out, jsonl_out)
        jsonl_out.rows = csv_out.rows
        for output in outputs:
            output.finish()
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    return outputs


def flush(buffer: io.StringIO, lines: list[str], csv_out: Output, jsonl_out: Output):
    csv_out.write(buffer.getvalue().encode())
    buffer.seek(0)
    buffer.truncate()
    if lines:
        jsonl_out.write(("\n".join(lines) + "\n").encode())
        lines.clear()


def build(root=None, site: str = "", chunk_size: int = CHUNK_SIZE) -> dict:
    """Write every file and then the manifest; returns the manifest. One build at a time (a
    lock file); nothing is replaced unless every file was written."""
    root = Path(root or settings.DOWNLOADS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    built_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    built = built_at.isoformat().replace("+00:00", "Z")
    with open(root / ".build.lock", "w") as lock, override("en"):
        fcntl.flock(lock, fcntl.LOCK_EX)
        site = site.rstrip("/")
        outputs, years = [], Counter()
        try:
            for dataset in DATASETS:
                outputs += write_dataset(dataset, root, chunk_size, site, years)
        except BaseException:
            for output in outputs:
                output.discard()
            raise
        for output in outputs:
            os.replace(output.temp, output.path)
        manifest = manifest_of(outputs, built, site, years)
        manifest_out = Output(root, MANIFEST)
        manifest_out.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n")
        manifest_out.finish()
        os.replace(manifest_out.temp, manifest_out.path)
    pages_changed(DOWNLOADS_TAG)
    return manifest


def manifest_of(outputs: list[Output], built: str, site: str, years: Counter) -> dict:
    return {
        "built_at": built,
        "site_url": site,
        "urls": "absolute" if site else "paths on the site (prefix the site's address)",
        "files": [
            {
                "name": output.name,
                "dataset": output.name.rsplit(".", 1)[0],
                "format": output.name.rsplit(".", 1)[1],
                "content_type": content_type(output.name),
                "built_at": built,
                "rows": output.rows,
                "bytes": output.bytes,
                "sha256": output.sha256.hexdigest(),
            }
            for output in outputs
        ],
        "data_years": [
            {"dataset": dataset, "source": source, "year": year, "rows": rows}
            for (dataset, source, year), rows in sorted(years.items())
        ],
        "sources": SOURCES,
        "columns": {d.name: {c.name: c.description for c in d.columns} for d in DATASETS},
    }
