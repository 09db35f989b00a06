"""Load benchmark: the site against the fastest this stack serves on the same machine.

Serves the site with gunicorn (production settings, 2 workers, PostgreSQL, Redis) and drives it
with wrk from the same machine. For the program listing at its heaviest (near a ZIP code, three
filters, facets, sorted by distance), a program page, a guide page and a search it measures
requests per second and p50/p99 latency, uncached (page cache off) and from the shared page
cache, and the ceiling: the same page's HTML saved as a static file and served by the same
gunicorn and WhiteNoise. Each page's ratio to its ceiling comes from the same run; the table
holds the median of --runs runs. SQL queries per page are counted in-process.

Then the scale part: databases of 10k, 100k and 1M SYNTHETIC programs (`bench/scale_data.py`,
each in a database of its own, never the real one) are served the same way and single
requests to the listing and search are timed, against the same requests on the real data.

Usage, from the repository root (PostgreSQL and Redis running locally; apt-get install wrk):

    .venv/bin/python bench/load.py --write docs/performance.md

--runs, --duration, --sizes and --reuse-databases shorten or repeat a run; --help lists them.
Standard library only; everything it starts it stops. It drops and re-creates the databases it
names (bench_real, bench_scale_*), and uses Redis databases 8 and 9.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
REAL_DB, REAL_REDIS_DB, SCALE_REDIS_DB = "bench_real", 8, 9
CEILING_DIR = REPO / "staticfiles" / "bench-ceiling"
START, END = "<!-- load-benchmark:start -->", "<!-- load-benchmark:end -->"

# In the canonical order of the filter form's fields (the one URL the page cache stores a
# listing under): a URL in another order is always made afresh.
HEAVY = (
    "/programs/?career=medical-assistant&zip=60601&radius=50&sector=private-for-profit"
    "&federal_aid=1&sort=distance"
)
PAGES = {  # name -> path; the program page's path is found on the real data
    "listing": HEAVY,
    "program": None,
    "guide": "/careers/medical-assistant/",
    "search": "/search/?q=phlebotomy",
}
LABELS = {
    "listing": "Listing: near 60601 + 3 filters + facets, by distance",
    "program": "Program page",
    "guide": "Guide page (Medical Assistant)",
    "search": "Search (“phlebotomy”)",
}
SCALE_URLS = {
    "heavy listing": HEAVY,
    "unfiltered first page": "/programs/",
    "search": "/search/?q=phlebotomy",
}
TARGETS = {  # (page, mode) -> lowest ratio to the ceiling
    ("listing", "uncached"): 0.10,
    ("listing", "cached"): 0.70,
    ("program", "uncached"): 0.25,
}

QUERY_COUNTER = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(), {}
for path in json.loads(sys.argv[1]):
    seen = []
    for _ in range(2):  # the first request fills the facet cache, the second reads it
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        assert status == 200, (path, status)
        seen.append(len(queries))
    counts[path] = seen
print(json.dumps(counts))
"""


def say(text=""):
    print(text, flush=True)


def run(command, env=None):
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def psql(sql):
    run(["psql", f"{POSTGRES}/postgres", "-qc", sql])


def database_exists(name):
    sql = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    return run(["psql", f"{POSTGRES}/postgres", "-Atc", sql]).strip() == "1"


def site_env(database, redis_db, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "directory.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": f"{REDIS}/{redis_db}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def build_database(name, commands, reuse):
    if reuse and database_exists(name):
        say(f"  reusing database {name}")
        return
    say(f"  building database {name}: {', '.join(' '.join(c) for c in commands)}")
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')
    env = site_env(name, SCALE_REDIS_DB)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    for command in commands:  # manage.py commands, and bench/scale_data.py as "scale_data"
        if command[0] == "scale_data":
            run([PYTHON, "bench/scale_data.py", *command[1:]], env)
        else:
            run([PYTHON, "manage.py", *command], env)


def flush_redis(db):
    host, port = REDIS.removeprefix("redis://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
        connection.recv(100)


class Server:
    """gunicorn with production settings, 2 workers, in its own process group."""

    def __init__(self, database, redis_db, **extra):
        self.redis_db = redis_db
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(REPO / "staticfiles" / f"bench-gunicorn-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "directory.wsgi:application", "--workers", "2", "--timeout", "120",
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO, env=site_env(database, redis_db, **extra), stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                if fetch(self.url("/healthz"))[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        log = Path(self.log.name).read_text()[-3000:]  # stop() removes the log
        self.stop()
        sys.exit(f"gunicorn did not start:\n{log}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        try:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, 9)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def fetch(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def timed(url):
    started = time.perf_counter()
    status, _, _ = fetch(url)
    if status != 200:
        sys.exit(f"{url} answered {status}")
    return (time.perf_counter() - started) * 1000


UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections):
    out = run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
               "-H", "X-Forwarded-Proto: https", url])  # fmt: skip
    if "Non-2xx or 3xx responses" in out:
        sys.exit(f"wrk got error answers from {url}:\n{out}")
    latency = {
        p: float(v) * UNIT[u] for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", out)
    }
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency["50"],
        "p99": latency["99"],
    }


def query_counts(database, paths):
    env = site_env(database, 0, DJANGO_SETTINGS_MODULE="directory.settings.test",
                   PAGE_CACHE_SECONDS="0")  # fmt: skip
    env.pop("REDIS_URL")  # local memory: the counts don't depend on what Redis holds
    return json.loads(run([PYTHON, "-c", QUERY_COUNTER, json.dumps(paths)], env).splitlines()[-1])


def throughput(args):
    """The wrk table on the real data: rows of (page, mode, median rps, p50, p99, ratio)."""
    say("Real data")
    build_database(REAL_DB, [["seed_content"], ["import_bls"], ["import_onet"], ["import_zips"],
                             ["import_ipeds", "--noinput"]], args.reuse_databases)  # fmt: skip
    flush_redis(REAL_REDIS_DB)
    uncached = Server(REAL_DB, REAL_REDIS_DB, PAGE_CACHE_SECONDS="0")
    try:
        _, _, page = fetch(uncached.url("/programs/?career=medical-assistant"))
        PAGES["program"] = re.search(rb'href="(/programs/\d+/)"', page)[1].decode()
        CEILING_DIR.mkdir(parents=True, exist_ok=True)
        for name, path in PAGES.items():  # the HTML each page serves, saved as static files
            (CEILING_DIR / f"{name}.html").write_bytes(fetch(uncached.url(path))[2])
    finally:
        uncached.stop()
    # WhiteNoise finds static files when it starts: start the servers after saving them.
    uncached = Server(REAL_DB, REAL_REDIS_DB, PAGE_CACHE_SECONDS="0")
    cached = Server(REAL_DB, REAL_REDIS_DB)
    runs = []
    try:
        for number in range(1, args.runs + 1):
            say(f"  run {number} of {args.runs}")
            results = {}
            for name, path in PAGES.items():
                targets = {
                    "ceiling": uncached.url(f"/static/bench-ceiling/{name}.html"),
                    "uncached": uncached.url(path),
                    "cached": cached.url(path),
                }
                for mode, url in targets.items():
                    for _ in range(3):  # warm: connections, facet counts, the page cache
                        fetch(url)
                    results[name, mode] = wrk(url, args.duration, args.connections)
                    say(f"    {name:8} {mode:9} {results[name, mode]['rps']:8.0f} req/s")
            runs.append(results)
        counts = query_counts(REAL_DB, list({*PAGES.values(), *SCALE_URLS.values()}))
        single = {label: single_requests(uncached, path, 20) for label, path in SCALE_URLS.items()}
    finally:
        uncached.stop()
        cached.stop()
        shutil.rmtree(CEILING_DIR, ignore_errors=True)
    rows = []
    for name in PAGES:
        for mode in ("uncached", "cached", "ceiling"):
            ratios = [r[name, mode]["rps"] / r[name, "ceiling"]["rps"] for r in runs]
            rows.append({
                "page": name, "mode": mode,
                "rps": statistics.median(r[name, mode]["rps"] for r in runs),
                "p50": statistics.median(r[name, mode]["p50"] for r in runs),
                "p99": statistics.median(r[name, mode]["p99"] for r in runs),
                "ratio": statistics.median(ratios), "ratios": ratios,
                "queries": counts[PAGES[name]] if mode == "uncached" else None,
            })  # fmt: skip
    return rows, single, counts


def single_requests(server, path, repeat):
    """(first request after the caches were emptied, median of the next `repeat`) in ms."""
    flush_redis(server.redis_db)
    cold = timed(server.url(path))
    return cold, statistics.median(timed(server.url(path)) for _ in range(repeat))


def scale_part(args):
    """Per synthetic size: single-request times and query counts of SCALE_URLS."""
    results = []
    for size in [int(n) for n in args.sizes.split(",") if n]:
        name = f"bench_scale_{size}"
        say(f"Synthetic data: {size:,} programs")
        build_database(name, [["seed_content"], ["import_zips"],
                              ["scale_data", "--programs", str(size)]],
                       args.reuse_databases)  # fmt: skip
        server = Server(name, SCALE_REDIS_DB, PAGE_CACHE_SECONDS="0")
        try:
            times = {}
            for label, path in SCALE_URLS.items():
                times[label] = single_requests(server, path, 3 if label == "search" else 10)
                say(f"  {label:22} first {times[label][0]:8.1f} ms, then {times[label][1]:8.1f} ms")
        finally:
            server.stop()
        counts = query_counts(name, list(SCALE_URLS.values()))
        results.append({"size": size, "times": times, "queries": counts})
    return results


def machine(load_average):
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    postgres = run(["psql", f"{POSTGRES}/postgres", "-Atc", "SHOW server_version"]).strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[:2]
    commit = run(["git", "rev-parse", "--short", "HEAD"]).strip()
    dirty = " with uncommitted changes" if run(["git", "status", "--porcelain"]).strip() else ""
    return [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"load average {load_average:.2f} when the run started",
        f"Python {platform.python_version()}, PostgreSQL {postgres}, "
        f"{' '.join(wrk_version)}, gunicorn 2 sync workers",
        f"Code: commit `{commit}`{dirty}",
    ]


def render(args, rows, real, scale, load_average, seconds):
    real_single, real_counts = real
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "bench/load.py " + " ".join(sys.argv[1:])
    lines = [
        "## Load: the site against the static-file ceiling",
        "",
        f"Written by `.venv/bin/python {command}` on {now}; the run took {seconds / 60:.0f} min.",
        "",
        *[f"- {line}" for line in machine(load_average)],
        f"- wrk: 2 threads, {args.connections} connections, {args.duration} s per measurement, "
        f"on the same 2 cores as the server; median of {args.runs} runs, each ratio taken "
        "within its run",
        "- Uncached: the page cache off (`PAGE_CACHE_SECONDS=0`), so every request runs the view "
        "and renders the page; the listing's facet counts and its rendered filter form come from "
        "the shared cache after the first request for that filter combination, as in production. "
        "Cached: served from the page cache in Redis, as for any visitor without a session. "
        "Ceiling: the same page's HTML as a static file, served by the same gunicorn and "
        "WhiteNoise.",
        "",
        "| page | served | req/s | p50 ms | p99 ms | ratio to ceiling | target | SQL queries |",
        "|---|---|--:|--:|--:|--:|--:|--|",
    ]
    for row in rows:
        target = TARGETS.get((row["page"], row["mode"]))
        verdict = ""
        if target:
            verdict = f"≥ {target:.0%} " + ("met" if row["ratio"] >= target else "**missed**")
        queries = ""
        if row["queries"]:
            first, then = row["queries"]
            queries = f"{then}" if first == then else f"{first} first, then {then}"
        lines.append(
            f"| {LABELS[row['page']]} | {row['mode']} | {row['rps']:,.0f} | {row['p50']:.1f} | "
            f"{row['p99']:.1f} | {row['ratio']:.1%} | {verdict} | {queries} |"
        )
    lines += [
        "",
        "Per-run ratios: "
        + "; ".join(
            f"{row['page']} {row['mode']} " + ", ".join(f"{r:.1%}" for r in row["ratios"])
            for row in rows
            if row["mode"] != "ceiling"
        )
        + ".",
        "",
        "### Growth with the number of programs",
        "",
        "One request at a time to gunicorn (same settings, page cache off). *First*: the first "
        "request after the shared cache was emptied, so the facet counts are computed; *then*: "
        "the median of the next 10 requests (3 for search). The sizes are SYNTHETIC programs "
        "made by `bench/scale_data.py`, each in a database of its own; the first row "
        "is the real data.",
        "",
        "| programs | heavy listing first / then ms | × real | unfiltered first page first / "
        "then ms | × real | search first / then ms | × real | SQL queries (listing, first page, "
        "search) |",
        "|---|--:|--:|--:|--:|--:|--:|--|",
    ]
    table = [("real data (6,196)", real_single, real_counts)]
    table += [(f"{s['size']:,} synthetic", s["times"], s["queries"]) for s in scale]
    for label, times, counts in table:
        cells = []
        for key in SCALE_URLS:
            first, then = times[key]
            cells.append(f"{first:,.0f} / {then:,.0f}")
            cells.append(f"{then / real_single[key][1]:.1f}x")
        lines.append(f"| {label} | {' | '.join(cells)} | {format_counts(counts)} |")
    lines += ["", *verdicts(real_single, scale)]
    return "\n".join(lines)


def format_counts(counts):
    if not counts:
        return ""
    return ", ".join(
        f"{c[0]}→{c[1]}" if c[0] != c[1] else str(c[0])
        for c in (counts[path] for path in SCALE_URLS.values())
    )


def verdicts(real_single, scale):
    """Sentences on the 1M targets: <= 3x the real data's time, and the heavy listing <= 100 ms."""
    biggest = max(scale, key=lambda s: s["size"], default=None)
    if biggest is None:
        return []
    lines = []
    for key in ("heavy listing", "unfiltered first page"):
        then, real = biggest["times"][key][1], real_single[key][1]
        ok = then <= 3 * real and (key != "heavy listing" or then <= 100)
        limit = " and ≤ 100 ms" if key == "heavy listing" else ""
        lines.append(
            f"- {key} at {biggest['size']:,} programs: {then:.0f} ms against {real:.0f} ms on "
            f"the real data ({then / real:.1f}x; target ≤ 3x{limit}): "
            + ("met." if ok else "**missed**.")
        )
    return lines


def write(path, report):
    text = path.read_text() if path.exists() else "# Performance\n"
    block = f"{START}\n{report}\n{END}"
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
    say(f"Written to {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk measurement")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="synthetic program counts; '' skips the scale part")  # fmt: skip
    parser.add_argument("--reuse-databases", action="store_true",
                        help="keep bench_* databases that exist")  # fmt: skip
    parser.add_argument("--write", type=Path, help="put the results in this Markdown file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    started = time.time()
    load_average = os.getloadavg()[0]
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        site_env(REAL_DB, REAL_REDIS_DB))  # fmt: skip
    rows, real_single, real_counts = throughput(args)
    scale = scale_part(args)
    report = render(args, rows, (real_single, real_counts), scale, load_average,
                    time.time() - started)  # fmt: skip
    say(report)
    if args.write:
        write(args.write, report)


if __name__ == "__main__":
    main()
