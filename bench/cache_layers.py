"""Which cache layers pay: each layer switched on and off on the real data, page by page.

The layers, and the pages each one serves:

- page: whole public pages in the shared cache (core/pagecache.py), as a visitor without a
  session gets them; "off" is the page made by its view (PAGE_CACHE_SECONDS=0).
- recent-pages: the page cache's per-process tier (core.pagecache.recent_pages), which saves
  reading and decompressing a hot page from the shared cache; "off" reads it every time.
- facets: the listing's facet counts in the shared cache (finder/facets.py).
- filter-form: the listing's rendered filter form, a `{% compressed_cache %}` fragment
  (templates/finder/program_list.html, keyed by Facets.form_cache_key).
- corrections-form: the footer corrections form rendered once per process
  (corrections/templatetags/corrections.py).
- markdown: guide sections' Markdown rendered once per process (core/markdown.py).
- export: the finished CSV of /programs/export.csv in the shared cache (programs/export.py).

Every layer but `page` is measured with the page cache off, so the view runs on every request.
A layer whose code is gone is reported as removed. For each layer and page: warm-up requests
with the layer on and off, then N rounds, each one request with the layer on and one with it
off (in alternating order, so drift in the machine's speed falls on both), timed with
time.perf_counter to the last byte; the medians are compared. In-process, through Django's test
client, like bench/listing.py; nothing is asserted.

The data: --database sqlite copies db.sqlite3 (the real data as the site runs it) to a
temporary file and migrates it; --database postgres builds a fresh database loaded like
bench/listing.py's and drops it afterwards. The cache is local memory, or Redis with
--redis-url (the content version is moved at the start, so nothing stored before is read; no
key is deleted). Both get ANALYZE.

Usage, from the repository root:

    .venv/bin/python bench/cache_layers.py --database sqlite
    .venv/bin/python bench/cache_layers.py --database postgres \\
        --redis-url redis://127.0.0.1:6379/9 --write docs/performance.md

--repeat N (default 40) sets the rounds; --write PATH writes the section of that database
between <!-- cache-layers-benchmark:<database>:start --> and ...:end -->.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import listing  # bench/listing.py: the database loading and the Markdown helpers

REPO = listing.REPO
PYTHON = listing.PYTHON
DEFAULT_REPEAT = 40
PAGES = {
    "listing": "/programs/",
    "heavy listing": "/programs/?career=medical-assistant&zip=60601&radius=50"
    "&sector=private-for-profit&federal_aid=1&sort=distance",
    "program": None,  # the first published program's page, found in the measuring process
    "guide": "/careers/medical-assistant/",
    "search": "/search/?q=phlebotomy",
    "CSV export": "/programs/export.csv?state=tx",
}
HTML_PAGES = ["listing", "heavy listing", "program", "guide", "search"]
# (layer, what it holds, the pages it serves)
LAYERS = [
    ("page", "whole pages, shared cache", HTML_PAGES),
    ("recent-pages", "page cache's per-process tier", HTML_PAGES),
    ("facets", "facet counts, shared cache", ["listing", "heavy listing"]),
    (
        "filter-form",
        "rendered filter form, shared cache and per process",
        ["listing", "heavy listing"],
    ),
    ("corrections-form", "footer form, per process", HTML_PAGES),
    ("markdown", "guide Markdown, per process", ["guide"]),
    ("export", "finished CSV, shared cache", ["CSV export"]),
]
# A layer pays on a page when it saves at least this share of the page's time without it.
PAYS_SHARE = 0.10


class BenchError(Exception):
    pass


# --- in the measuring subprocess ----------------------------------------------------------------


def switches():
    """{layer: (on, off)}: callables that put the layer in place or take it out of this
    process; a layer whose code is gone is missing."""
    from django.conf import settings
    from django.core.cache.backends.dummy import DummyCache

    from core import pagecache
    from core.recent import Recent

    found = {}

    def page_cache(seconds):
        return lambda: setattr(settings, "PAGE_CACHE_SECONDS", seconds)

    found["page"] = (page_cache(600), page_cache(0))
    if hasattr(pagecache, "recent_pages"):
        kept, none = pagecache.recent_pages, Recent(size=0)
        found["recent-pages"] = (
            lambda: setattr(pagecache, "recent_pages", kept),
            lambda: setattr(pagecache, "recent_pages", none),
        )
    found |= swapped("facets", "finder.facets", "cache", DummyCache("off", {}))
    found |= swapped("export", "finder.export", "cache", DummyCache("off", {}))
    from finder.facets import Facets

    if hasattr(Facets, "form_cache_key"):
        key = Facets.form_cache_key
        found["filter-form"] = (
            lambda: setattr(Facets, "form_cache_key", key),
            lambda: setattr(Facets, "form_cache_key", None),
        )
    corrections = "corrections.templatetags.corrections"
    found |= unwrapped("corrections-form", corrections, "blank_correction_form")
    found |= unwrapped("markdown", "careers.models.guides", "render_markdown")
    return found


def swapped(layer, module_name, name, replacement):
    import importlib

    module = importlib.import_module(module_name)
    if not hasattr(module, name):
        return {}
    kept = getattr(module, name)
    return {
        layer: (
            lambda: setattr(module, name, kept),
            lambda: setattr(module, name, replacement),
        )
    }


def unwrapped(layer, module_name, name):
    """A function memoised with functools.cache or lru_cache, and the function it wraps."""
    import importlib

    module = importlib.import_module(module_name)
    function = getattr(module, name, None)
    if not hasattr(function, "__wrapped__"):
        return {}
    return {
        layer: (
            lambda: setattr(module, name, function),
            lambda: setattr(module, name, function.__wrapped__),
        )
    }


def request(client, url):
    """(milliseconds to the last byte, SQL queries)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries; the context counts only what it adds
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}")
    return elapsed, len(queries)


def on_and_off(client, url, on, off, repeat):
    """Medians (ms) and query counts of `url` with the layer on and off: warm-up requests both
    ways (which fill the layer), then `repeat` rounds of one request each way, the order
    alternating from round to round. What the layer saves is the median of the rounds'
    differences, so a change in the machine's speed during the run falls on both sides."""
    queries, samples = {}, {True: [], False: []}
    for state in (True, False, True, False, True):
        (on if state else off)()
        queries[state] = request(client, url)[1]
    for round_ in range(repeat):
        for state in (True, False) if round_ % 2 else (False, True):
            (on if state else off)()
            samples[state].append(request(client, url)[0])
    return {
        "on_ms": statistics.median(samples[True]),
        "off_ms": statistics.median(samples[False]),
        "saved_ms": statistics.median(
            without - with_ for with_, without in zip(samples[True], samples[False], strict=True)
        ),
        "on_queries": queries[True],
        "off_queries": queries[False],
    }


def measure_in_this_process(repeat, results_path):
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from core.tags import pages_changed
    from programs.models import Program

    pages_changed()  # nothing stored before this run is read
    pages = dict(
        PAGES, program=Program.objects.published().order_by("pk").first().get_absolute_url()
    )
    available = switches()
    page_on, page_off = available["page"]
    client = Client(HTTP_HOST="testserver")
    results = []
    for layer, holds, served in LAYERS:
        if layer not in available:
            results.append({"layer": layer, "holds": holds, "removed": True})
            print(f"  {layer:<17} removed", flush=True)
            continue
        on, off = available[layer]
        for page in served:
            url = pages[page]
            if layer == "recent-pages":
                page_on()  # the tier sits in front of the page cache
            elif layer != "page":
                page_off()
            row = {"layer": layer, "holds": holds, "page": page, "url": url}
            try:
                row |= on_and_off(client, url, on, off, repeat)
            except Exception as error:  # a page that fails is reported, the others measured
                row["error"] = f"{type(error).__name__}: {error}"[:200]
                print(f"  {layer:<17} {page:<14} failed: {row['error']}", flush=True)
            else:
                print(
                    f"  {layer:<17} {page:<14} on {row['on_ms']:7.1f} ms  "
                    f"off {row['off_ms']:7.1f} ms  "
                    f"queries {row['on_queries']}/{row['off_queries']}",
                    flush=True,
                )
            finally:
                on()
            results.append(row)
    page_on()
    vendor = connection.vendor
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    Path(results_path).write_text(
        json.dumps({"results": results, "database": vendor, "cache": cache, "repeat": repeat})
    )


# --- the throwaway database ---------------------------------------------------------------------


def environment(database_url, redis_url):
    env = listing.bench_environment(database_url)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env["EXPORT_RATE_LIMIT"] = "1000000/h"  # the export is measured many times from one address
    return env


def sqlite_copy(tmpdir):
    """db.sqlite3 copied, migrated (a newer checkout may have migrations it lacks), ANALYZEd."""
    source = REPO / "db.sqlite3"
    if not source.exists():
        raise BenchError("no db.sqlite3 (see README.md to load the real data)")
    target = Path(tmpdir) / "real.sqlite3"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def prepare(env, *, load):
    steps = (
        (*listing.SETUP_COMMANDS, listing.ANALYZE_COMMAND)
        if load
        else (
            ("migrate", "--noinput"),
            listing.ANALYZE_COMMAND,
        )
    )
    for command in steps:
        label = "ANALYZE" if command == listing.ANALYZE_COMMAND else command[0]
        started = time.monotonic()
        listing.run_quietly([str(PYTHON), "manage.py", *command], env, f"manage.py {label}")
        print(f"  {label:<13} {time.monotonic() - started:5.1f} s", flush=True)


def run(args, tmpdir):
    if args.database == "sqlite":
        env = environment(sqlite_copy(tmpdir), args.redis_url)
        prepare(env, load=False)
        return measure(env, args, tmpdir)
    name = f"bench_cache_{secrets.token_hex(4)}"
    print(f"Creating PostgreSQL database {name}", flush=True)
    listing.postgres_admin(args.postgres_url, "create", name)
    try:
        env = environment(listing.with_database_name(args.postgres_url, name), args.redis_url)
        prepare(env, load=True)
        return measure(env, args, tmpdir)
    finally:
        print(f"Dropping PostgreSQL database {name}", flush=True)
        listing.postgres_admin(args.postgres_url, "drop", name)


def measure(env, args, tmpdir):
    results_path = Path(tmpdir) / "results.json"
    print(f"Measuring ({args.repeat} rounds of on/off per layer and page)", flush=True)
    command = [str(PYTHON), str(Path(__file__).resolve()), "--repeat", str(args.repeat)]
    completed = subprocess.run(
        [*command, "--measure-into", str(results_path)], cwd=REPO, env=env, check=False
    )
    if completed.returncode != 0 or not results_path.exists():
        raise BenchError(f"the measuring subprocess failed (exit {completed.returncode})")
    return json.loads(results_path.read_text())


# --- the report ---------------------------------------------------------------------------------


def verdict(row):
    saved = row["saved_ms"]
    share = saved / row["off_ms"] if row["off_ms"] else 0
    return saved, share, share >= PAYS_SHARE


def table(report):
    lines = [
        "| layer | holds | page | on: median ms | off: median ms | saved | queries on / off "
        "| pays |",
        "|---|---|---|--:|--:|--:|--|---|",
    ]
    for row in report["results"]:
        if row.get("removed"):
            lines.append(f"| {row['layer']} | {row['holds']} | | | | | | removed |")
            continue
        if row.get("error"):
            lines.append(
                f"| {row['layer']} | {row['holds']} | {row['page']} | | | | "
                f"| failed: {row['error']} |"
            )
            continue
        saved, share, pays = verdict(row)
        lines.append(
            f"| {row['layer']} | {row['holds']} | {row['page']} | {row['on_ms']:.1f} "
            f"| {row['off_ms']:.1f} | {saved:.1f} ms ({share:.0%}) "
            f"| {row['on_queries']} / {row['off_queries']} | {'yes' if pays else 'no'} |"
        )
    return lines


def summary(report):
    """One line per layer: the pages it pays on and what it saves; it stays if it pays on at
    least one of the pages it serves."""
    lines = ["| layer | pays on | saves | verdict |", "|---|---|---|---|"]
    for layer, _, served in LAYERS:
        rows = [row for row in report["results"] if row["layer"] == layer]
        if any(row.get("removed") for row in rows):
            lines.append(f"| {layer} | | | removed |")
            continue
        measured = [row for row in rows if "saved_ms" in row]
        paying = [row["page"] for row in measured if verdict(row)[2]]
        saved = [row["saved_ms"] for row in measured]
        shares = [verdict(row)[1] for row in measured]
        saves = (
            f"{min(saved):.1f}–{max(saved):.1f} ms ({min(shares):.0%}–{max(shares):.0%})"
            if measured
            else ""
        )
        lines.append(
            f"| {layer} | {len(paying)} of {len(served)} pages | {saves} "
            f"| {'keep' if paying else 'remove'} |"
        )
    return lines


def section(args, report, started_at, load_average, seconds):
    start, end = markers(args.database)
    command = f".venv/bin/python bench/cache_layers.py --database {args.database}"
    if args.redis_url:
        command += f" --redis-url {args.redis_url}"
    if args.repeat != DEFAULT_REPEAT:
        command += f" --repeat {args.repeat}"
    if args.write:
        command += f" --write {args.write}"
    data = (
        "a copy of `db.sqlite3`, migrated"
        if args.database == "sqlite"
        else "a fresh database loaded like bench/listing.py's (`migrate`, `seed_content`, "
        "`import_bls`, `import_zips`, `import_ipeds`)"
    )
    return "\n".join(
        [
            start,
            f"### {DATABASES[report['database']]} with {CACHES[report['cache']]}",
            "",
            f"Each layer on and off, page by page, on {data} and `ANALYZE`d; in-process through "
            "Django's test client (`directory.settings.test`, DEBUG off). Every layer but `page` "
            "is measured with the page cache off, so the view runs on every request. "
            f"{report['repeat']} rounds per row, each one request with the layer on and one "
            "with it off, in alternating order; the medians of each, and what the layer saved: "
            "the median of the rounds' differences. A layer pays on a page when it saves "
            f"at least {PAYS_SHARE:.0%} of the page's time without it.",
            "",
            f"Reproduce: `{command}`",
            "",
            f"- Date: {started_at.strftime('%Y-%m-%d %H:%M UTC')}",
            f"- Machine: {listing.machine_description(load_average)}",
            f"- Code: {code_version(args.write)}",
            f"- Run time: {seconds:.0f} s",
            "",
            *summary(report),
            "",
            *table(report),
            end,
        ]
    )


DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CACHES = {"LocMemCache": "local memory", "RedisCache": "Redis"}


def code_version(written):
    """The commit measured, and whether files other than the one being written differ."""
    commit = listing.command_output(["git", "rev-parse", "--short", "HEAD"])
    if not commit:
        return "unknown (not a git checkout)"
    exclude = [f":(exclude){written}"] if written else []
    changed = listing.command_output(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *exclude]
    )
    return f"commit `{commit}`" + (" with uncommitted changes" if changed else "")


def markers(database):
    return (
        f"<!-- cache-layers-benchmark:{database}:start -->",
        f"<!-- cache-layers-benchmark:{database}:end -->",
    )


def write_section(path, database, text):
    start, end = markers(database)
    current = path.read_text() if path.exists() else f"{listing.TITLE}\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        current = f"{before}{text}{after}"
    else:
        current = f"{current.rstrip()}\n\n{text}\n"
    path.write_text(current)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=listing.DEFAULT_POSTGRES_URL)
    parser.add_argument("--redis-url", help="use Redis (this database) instead of local memory")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--write", metavar="PATH")
    parser.add_argument("--measure-into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_into:
        measure_in_this_process(args.repeat, args.measure_into)
        return 0
    started_at, load_average, started = datetime.now(UTC), os.getloadavg()[0], time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cache-layers-") as tmpdir:
            report = run(args, tmpdir)
    except (BenchError, listing.BenchError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(["", *table(report), "", *summary(report)]))
    if args.write:
        text = section(args, report, started_at, load_average, time.monotonic() - started)
        write_section(Path(args.write), args.database, text)
        print(f"Wrote the {args.database} section of {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
