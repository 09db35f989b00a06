"""Response times and SQL query counts of the program listing (/programs/) on the real data.

Builds a throwaway database loaded with the real data from fixtures/ (a temporary SQLite file by
default, or a fresh PostgreSQL database that is dropped at the end) and runs ANALYZE on it, so the
query planner has the table statistics a live database has; then, in a subprocess with
Django configured for that database (directory.settings.test, DEBUG off), requests each listing
URL through Django's test client: in-process, so no HTTP server or network is involved. Each URL
gets one warm-up request, then N timed requests; each is timed with time.perf_counter (through
the last byte of the body, including the streamed CSV) and its queries are counted with
CaptureQueriesContext. A benchmark run on demand, not a test: nothing is asserted.

Usage, from the repository root:

    .venv/bin/python bench/listing.py                                  # SQLite, print the table
    .venv/bin/python bench/listing.py --database postgres --repeat 50  # PostgreSQL, 50 each
    .venv/bin/python bench/listing.py --write docs/performance.md      # ... and record it

Options:
    --database NAME   sqlite (default: a temporary file) or postgres (a fresh database
                      bench_listing_<random> created and dropped through --postgres-url)
    --postgres-url U  server to create the database on (default
                      postgres://postgres@127.0.0.1:5432/postgres, or BENCH_POSTGRES_URL)
    --repeat N        timed requests per URL after the warm-up (default: 30)
    --no-analyze      skip ANALYZE after loading: measure a database without planner statistics
                      (on PostgreSQL with autovacuum off, the filtered listing then takes seconds)
    --write PATH      write (or replace) this database's section of a Markdown file, between
                      <!-- listing-benchmark:<database>:start --> and ...:end -->, keeping the
                      rest of the file; the file is created with a title if it does not exist

Exit status: 0 on success, 2 when the database could not be built or a URL could not be
measured. Standard library only (Django runs in the measuring subprocess).
"""

import argparse
import csv
import io
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
SETTINGS = "directory.settings.test"
DEFAULT_REPEAT = 30
DEFAULT_POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DATABASE_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
SETUP_COMMANDS = (
    ("migrate", "--noinput"),
    ("seed_content",),
    ("import_bls",),
    ("import_zips",),
    ("import_ipeds",),
)
# Table statistics for the query planner, which a live database has (PostgreSQL's autovacuum
# gathers them) and a freshly loaded one lacks: without them PostgreSQL picks nested loops that
# rescan the schools once per program, and the filtered listing takes seconds.
ANALYZE_COMMAND = (
    "shell",
    "-c",
    "from django.db import connection; connection.cursor().execute('ANALYZE')",
)
# (label, URL) in the order they are measured and reported.
URLS = (
    ("unfiltered first page", "/programs/"),
    ("career + state", "/programs/?career=medical-assistant&state=ca"),
    (
        "near a ZIP + 3 filters + sort by distance",
        "/programs/?zip=60601&radius=50&career=medical-assistant&sector=private-for-profit"
        "&federal_aid=1&sort=distance",
    ),
    ("sort by cost, page 5", "/programs/?sort=cost&page=5"),
    (
        "cost and yearly-tuition limits, unknowns let in",
        "/programs/?cost_max=10000&cost_unknown=1&tuition_max=6000&sort=cost",
    ),
    ("keyword", "/programs/?q=community+college"),
    ("CSV export of a state", "/programs/export.csv?state=tx"),
)
TITLE = "# Performance"
INTRO = (
    "Measured timings of the site. Each section below is written by the script it names and is "
    "replaced in place, between its HTML comment markers, when that script runs again: edit "
    "outside the markers only. Figures depend on the machine and its load at the time."
)
# Creates or drops one database; run with the project's interpreter, which has psycopg.
POSTGRES_ADMIN_SCRIPT = """
import sys

import psycopg
from psycopg import sql

url, action, name = sys.argv[1:4]
with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
    if action == "create":
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
"""


class BenchError(Exception):
    """The database could not be built or a URL could not be measured; the message says why."""


# --- the throwaway database ---------------------------------------------------------------------


def bench_environment(database_url):
    """Test settings on database_url; local-memory cache, page cache off; request logs (INFO)
    silenced."""
    env = os.environ.copy()
    env.pop("REDIS_URL", None)  # local memory is enough in one process: no Redis needed
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database_url,
        PAGE_CACHE_SECONDS="0",  # every request runs the view (bench/load.py measures the cache)
        EXPORT_RATE_LIMIT="1000000/h",  # the export is measured many times from one address
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_quietly(command, env=None, what=None):
    """Run a command from the repository root; return its stdout, or raise with its output."""
    result = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"{what or ' '.join(map(str, command))} failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def load_data(env, analyze):
    """Migrate the empty database, load the real data and (if asked) ANALYZE, printing how long
    each step took."""
    for command in (*SETUP_COMMANDS, ANALYZE_COMMAND) if analyze else SETUP_COMMANDS:
        label = "ANALYZE" if command == ANALYZE_COMMAND else command[0]
        started = time.monotonic()
        run_quietly([str(PYTHON), "manage.py", *command], env, f"manage.py {label}")
        print(f"  {label:<13} {time.monotonic() - started:5.1f} s", flush=True)


def postgres_admin(admin_url, action, name):
    """Create or drop (after ending its sessions) the database `name` on admin_url's server."""
    run_quietly(
        [str(PYTHON), "-c", POSTGRES_ADMIN_SCRIPT, admin_url, action, name],
        what=f"{action} PostgreSQL database {name}",
    )


def with_database_name(url, name):
    """url (postgres://user@host:port/anything) pointing at database `name` instead."""
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def measure_on_new_database(args, tmpdir):
    """Build the throwaway database, measure in a subprocess; return (results, timings)."""
    if args.database == "sqlite":
        return build_and_measure(f"sqlite:///{Path(tmpdir) / 'bench.sqlite3'}", args, tmpdir)
    name = f"bench_listing_{secrets.token_hex(4)}"
    print(f"Creating PostgreSQL database {name}", flush=True)
    postgres_admin(args.postgres_url, "create", name)
    try:
        return build_and_measure(with_database_name(args.postgres_url, name), args, tmpdir)
    finally:
        print(f"Dropping PostgreSQL database {name}", flush=True)
        postgres_admin(args.postgres_url, "drop", name)


def build_and_measure(database_url, args, tmpdir):
    env = bench_environment(database_url)
    steps = [command[0] for command in SETUP_COMMANDS] + (["ANALYZE"] if args.analyze else [])
    print("Loading the real data: " + ", ".join(steps), flush=True)
    started = time.monotonic()
    load_data(env, args.analyze)
    loaded = time.monotonic()
    results_path = Path(tmpdir) / "results.json"
    print(f"Measuring ({args.repeat} timed requests per URL after a warm-up)", flush=True)
    result = subprocess.run(
        [
            str(PYTHON),
            str(Path(__file__).resolve()),
            "--repeat",
            str(args.repeat),
            "--measure-into",
            str(results_path),
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0 or not results_path.exists():
        raise BenchError(f"the measuring subprocess failed (exit {result.returncode}); see above")
    timings = {"load": loaded - started, "measure": time.monotonic() - loaded}
    return json.loads(results_path.read_text()), timings


# --- in the measuring subprocess (Django configured by the environment) -------------------------


def measure_in_this_process(repeat, results_path):
    """Request every URL (warm-up, then `repeat` timed) and write the results as JSON."""
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="testserver")
    measurements = []
    for label, url in URLS:
        result_count = warm_up(client, url)
        samples_ms, query_counts = [], []
        for _ in range(repeat):
            elapsed_ms, queries = timed_request(client, url)
            samples_ms.append(elapsed_ms)
            query_counts.append(queries)
        measurements.append(
            {
                "label": label,
                "url": url,
                "samples_ms": samples_ms,
                "queries": query_counts,
                "results": result_count,
            }
        )
        print(
            f"  {label:<42} median {statistics.median(samples_ms):7.1f} ms, "
            f"{query_counts[0]} queries",
            flush=True,
        )
    report = {"measurements": measurements, "site": describe_site()}
    Path(results_path).write_text(json.dumps(report))


def warm_up(client, url):
    """One request with template instrumentation on; return the result count it shows.

    The instrumentation (what makes response.context available) copies every template context,
    so it is switched on for the warm-up only, never for the timed requests.
    """
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        response = client.get(url)
        body = body_of(response)
    finally:
        teardown_test_environment()
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}")
    if response.streaming:  # the CSV export: count its data rows
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    context = response.context
    filterset = context.get("filter") if context else None
    if filterset is not None and filterset.form.errors:
        raise BenchError(f"{url} has invalid filter values: {filterset.form.errors.as_json()}")
    return context["paginator"].count if context and "paginator" in context else None


def timed_request(client, url):
    """(wall-clock milliseconds to the last byte of the body, number of SQL queries)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log keeps 9,000 queries; the context counts only what it adds
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        body_of(response)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(f"{url} answered {response.status_code}")
    return elapsed * 1000, len(captured)


def body_of(response):
    """The whole body, consuming a streaming response the way a WSGI server would."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def describe_site():
    """Versions and data size, from inside the configured Django."""
    import django
    from django.db import connection

    from careers.models import ZipCode
    from programs.models import Program, School

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
            cursor.execute("SHOW autovacuum")
            database = f"PostgreSQL {version} (autovacuum {cursor.fetchone()[0]})"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "programs": Program.objects.published().count(),
        "all_programs": Program.objects.count(),
        "schools": School.objects.count(),
        "zip_codes": ZipCode.objects.count(),
    }


# --- summarising --------------------------------------------------------------------------------


def p95(samples):
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def is_listing_page(url):
    return urllib.parse.urlsplit(url).path == "/programs/"


def summarise(measurement):
    samples, queries = measurement["samples_ms"], measurement["queries"]
    low, high = min(queries), max(queries)
    return {
        "label": measurement["label"],
        "url": measurement["url"],
        "median": statistics.median(samples),
        "p95": p95(samples),
        "min": min(samples),
        "queries": str(low) if low == high else f"{low}-{high}",
        "queries_constant": low == high,
        "queries_max": high,
        # Programs matched by an HTML listing page (the CSV's rows are one state's, not counted).
        "matched": measurement["results"] if is_listing_page(measurement["url"]) else None,
        "results": "n/a" if measurement["results"] is None else f"{measurement['results']:,}",
    }


def interpretation(rows):
    """Two sentences read off the numbers: the slowest URL, and whether query counts held."""
    slowest = max(rows, key=lambda row: row["median"])
    fastest = min(rows, key=lambda row: row["median"])
    ratio = slowest["median"] / fastest["median"] if fastest["median"] else float("inf")
    text = (
        f"The slowest URL is {slowest['label']} (median {slowest['median']:.1f} ms, "
        f"{ratio:.1f}x the fastest, {fastest['label']} at {fastest['median']:.1f} ms). "
    )
    varying = [row["label"] for row in rows if not row["queries_constant"]]
    counts = [row["queries_max"] for row in rows]
    matched = [row["matched"] for row in rows if row["matched"] is not None]
    if varying:
        text += (
            "The query count changed between repeats of the same URL for: "
            + ", ".join(varying)
            + "."
        )
    else:
        text += (
            "Every URL ran the same number of queries on every repeat, "
            + (
                f"between {min(counts)} and {max(counts)} per request depending on the filters"
                if min(counts) != max(counts)
                else f"{max(counts)} per request"
            )
            + (
                f", whether {min(matched):,} or {max(matched):,} programs matched."
                if len(set(matched)) > 1
                else "."
            )
        )
    return text


def load_note(load_average):
    """A warning when other work competed for the CPU during the run."""
    cores = os.cpu_count() or 1
    if load_average < cores:
        return ""
    return (
        f" The machine was busy when this run started (load average {load_average:.2f} on "
        f"{cores} cores), so these medians are higher and the p95 column wider than on an idle "
        "machine: compare URLs within this table rather than across runs."
    )


def print_table(rows):
    print(
        f"\n{'URL':<42} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'queries':>8} {'results':>8}"
    )
    for row in rows:
        print(
            f"{row['label']:<42} {row['median']:>10.1f} {row['p95']:>8.1f} {row['min']:>8.1f} "
            f"{row['queries']:>8} {row['results']:>8}"
        )


# --- the Markdown section -----------------------------------------------------------------------


def command_output(command):
    try:
        result = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, check=False, timeout=60
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def machine_description(load_average):
    cores = command_output(["nproc"]) or str(os.cpu_count())
    return (
        f"{platform.machine()} (`uname -m`), {cores} cores (`nproc`), "
        f"load average {load_average:.2f} when the run started"
    )


def code_version():
    commit = command_output(["git", "rev-parse", "--short", "HEAD"])
    if not commit:
        return "unknown (not a git checkout)"
    changed = command_output(["git", "status", "--porcelain", "--untracked-files=no"])
    return f"commit `{commit}`" + (" with uncommitted changes" if changed else "")


def markers(database):
    return (
        f"<!-- listing-benchmark:{database}:start -->",
        f"<!-- listing-benchmark:{database}:end -->",
    )


def reproduce_command(args):
    command = f".venv/bin/python bench/listing.py --database {args.database}"
    if args.repeat != DEFAULT_REPEAT:
        command += f" --repeat {args.repeat}"
    if not args.analyze:
        command += " --no-analyze"
    if args.write:
        path = Path(args.write).resolve()
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        command += f" --write {shown}"
    return command


def render_section(args, report, rows, started_at, load_average, timings):
    site = report["site"]
    start, end = markers(args.database)
    label = DATABASE_LABELS[args.database]
    where = (
        "a temporary SQLite file"
        if args.database == "sqlite"
        else "a fresh PostgreSQL database (created for the run and dropped after it)"
    )
    unpublished = site["all_programs"] - site["programs"]
    programs = f"{site['programs']:,} published programs" + (
        f" ({unpublished:,} more unpublished)" if unpublished else ""
    )
    planner = (
        "then `ANALYZE`d so the query planner has the table statistics a live database has "
        "(PostgreSQL's autovacuum gathers them)"
        if args.analyze
        else "and not `ANALYZE`d (`--no-analyze`), so the query planner has no table statistics"
    )
    lines = [
        start,
        f"## Program listing (`/programs/`) on {label}",
        "",
        "Server-side time of the program listing on the real data, measured in-process with "
        "Django's test client (`django.test.Client`), so no HTTP server, network or browser is "
        f"involved: `{SETTINGS}` (DEBUG off, local-memory cache, page cache off) on {where} "
        "loaded with "
        "`migrate`, `seed_content`, `import_bls`, `import_zips` and `import_ipeds`, "
        f"{planner}. Each URL gets one warm-up request (which also computes and caches the "
        f"listing's facet counts for its filters), then {args.repeat} timed requests in a "
        "row; a request is timed with `time.perf_counter` from the call to the last byte of the "
        "body (the CSV is streamed and read to the end), and its SQL queries are counted with "
        "`CaptureQueriesContext`. The test client keeps the database connection open between "
        "requests, as a persistent connection would.",
        "",
        f"Reproduce: `{reproduce_command(args)}`",
        "",
        f"- Date: {started_at.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine_description(load_average)}",
        f"- Python {site['python']}, Django {site['django']}, {site['database']}",
        f"- Code: {code_version()}",
        f"- Data: {programs}, {site['schools']:,} schools, {site['zip_codes']:,} ZIP codes",
        f"- Run time: {timings['total']:.0f} s ({timings['load']:.0f} s loading the data, "
        f"{timings['measure']:.0f} s measuring)",
        "",
        "| URL | request | median ms | p95 ms | min ms | queries per request | results |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | `{row['url']}` | {row['median']:.1f} | {row['p95']:.1f} "
            f"| {row['min']:.1f} | {row['queries']} | {row['results']} |"
        )
    lines += [
        "",
        "Results are the listing's total match count (all pages), or the data rows of the CSV. "
        "The CSV is made on the warm-up request and then served from the export cache (per "
        "filter combination and content version), as in production.",
        "",
        interpretation(rows),
        "",
        "These figures vary with the machine and its load and from run to run; they are recorded "
        "here, not asserted by tests. The tests assert query counts instead "
        f"(`tests/test_listing.py`).{load_note(load_average)}",
        end,
    ]
    return "\n".join(lines)


def with_section(text, database, section):
    """text with this database's section replaced, or appended if it has none yet."""
    start, end = markers(database)
    if text is None:
        return f"{TITLE}\n\n{INTRO}\n\n{section}\n"
    has_start, has_end = start in text, end in text
    if has_start and has_end and text.index(start) < text.index(end):
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        return f"{before}{section}{after}"
    if has_start or has_end:
        raise BenchError(f"found only one of {start} and {end} (or in the wrong order)")
    return f"{text.rstrip()}\n\n{section}\n"


def write_section(path, database, section):
    """Write through a temporary file beside path, so a reader never sees half a file."""
    text = path.read_text() if path.exists() else None
    new_text = with_section(text, database, section)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as temp:
            temp.write(new_text)
        os.chmod(temp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# --- main ---------------------------------------------------------------------------------------


def positive_int(value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Time the program listing in-process on the real data and count its queries."
    )
    parser.add_argument("--database", choices=tuple(DATABASE_LABELS), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help=f"server to create the throwaway database on (default {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument(
        "--repeat",
        type=positive_int,
        default=DEFAULT_REPEAT,
        help=f"timed requests per URL (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="skip ANALYZE after loading (measure without planner statistics)",
    )
    parser.add_argument(
        "--write", metavar="PATH", help="write this database's section of a Markdown file"
    )
    # Internal: the measuring subprocess (this script again, with Django configured).
    parser.add_argument("--measure-into", metavar="PATH", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def stop_on_sigterm(signum, frame):
    sys.exit(128 + signum)  # unwinds through the finally blocks: temp files, the database


def main(argv=None):
    args = parse_args(argv)
    if args.measure_into:
        try:
            measure_in_this_process(args.repeat, args.measure_into)
        except BenchError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0

    write_path = Path(args.write).resolve() if args.write else None
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started_at = datetime.now(UTC)
    load_average = os.getloadavg()[0]
    started = time.monotonic()
    try:
        if not PYTHON.exists():
            raise BenchError(f"missing {PYTHON} (run `make setup` first)")
        with tempfile.TemporaryDirectory(prefix="bench-listing-") as tmpdir:
            report, timings = measure_on_new_database(args, tmpdir)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    timings["total"] = time.monotonic() - started

    rows = [summarise(measurement) for measurement in report["measurements"]]
    print_table(rows)
    print(f"\n{interpretation(rows)}")
    print(f"\nTook {timings['total']:.0f} s ({timings['load']:.0f} s loading the data).")
    if write_path:
        section = render_section(args, report, rows, started_at, load_average, timings)
        try:
            write_section(write_path, args.database, section)
        except BenchError as error:
            print(f"error: {write_path}: {error}", file=sys.stderr)
            return 2
        print(f"Wrote the {DATABASE_LABELS[args.database]} section of {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
