"""Load benchmark: the site against the fastest this stack serves on the same machine.

Serves the site with gunicorn (production settings, 2 workers, PostgreSQL, Redis) and drives it
with wrk from the same machine. For the program listing at its heaviest (near a ZIP code, three
filters, facets, sorted by distance), a program page, a guide page and a search it measures
requests per second and p50/p99 latency, uncached (page cache off) and from the shared page
cache, and the ceiling: the same page's HTML saved as a static file and served by the same
gunicorn and WhiteNoise. Then the same pages through nginx in front of the cached gunicorn,
as production runs it (docs/deploy.md, "nginx in front"; the config is bench/nginx.conf.template,
filled in here with a temporary directory and free ports): from nginx's own cache (checked to be
a HIT first), against the ceiling of the same HTML served by nginx as a static file; and both
again asking as a browser does, with `Accept-Encoding: gzip` (the page cache's gzipped bytes
against the static file's .gz beside it). Each page's
ratio to its ceiling comes from the same run; the table holds the median of --runs runs. SQL
queries per page are counted in-process.

Then the scale part: databases of 10k, 100k and 1M SYNTHETIC programs (`bench/scale_data.py`,
each in a database of its own, never the real one) are served the same way, with the tasks
run off the request by a `manage.py db_worker` as in production, and single requests to the
listing, search, the home page and a guide are timed, against the same requests on the real
data; then an editor saves one program and the first requests after the edit are timed.

Usage, from the repository root (PostgreSQL and Redis running locally; apt-get install wrk
nginx):

    .venv/bin/python bench/load.py --write docs/performance.md

--runs, --duration, --sizes and --reuse-databases shorten or repeat a run; --help lists them.
Standard library only; everything it starts it stops. It drops and re-creates the databases it
names (bench_real, bench_scale_*), and uses Redis databases 8 and 9.
"""

import argparse
import getpass
import gzip
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
import tempfile
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
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_TEMPLATE = REPO / "bench" / "nginx.conf.template"
# The values docs/deploy.md shows the template filled in with, between these markers.
NGINX_PRODUCTION = {
    "USER": "www-data",
    "RUN": "/run",
    "LOG": "/var/log/nginx",
    "TEMP": "/var/lib/nginx",
    "CACHE": "/var/cache/nginx/directory",
    "APP": "127.0.0.1:8000",
    "LISTEN": "80",
    "STATIC_ROOT": "/srv/directory/staticfiles",
}
DEPLOY_DOC = REPO / "docs" / "deploy.md"
NGINX_DOC_START, NGINX_DOC_END = "<!-- nginx-config:start -->", "<!-- nginx-config:end -->"
TASKS_DB = "django_tasks_db.DatabaseBackend"

# In the canonical order of the filter form's fields (the one URL the page cache stores a
# listing under): a URL in another order is always made afresh.
HEAVY = (
    "/programs/?career=medical-assistant&zip=60601&radius=50&sector=private-for-profit"
    "&federal_aid=1&sort=distance"
)
REAL_DATA = [["seed_content"], ["import_bls"], ["import_onet"], ["import_zips"],
             ["import_ipeds", "--noinput"]]  # fmt: skip
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
    "home page": "/",  # each career's program counts
    "guide": "/careers/medical-assistant/",  # its career's
}
MODES = ("uncached", "cached", "ceiling", "nginx cache", "nginx static", "nginx cache, gzip",
         "nginx static, gzip")  # fmt: skip
CEILINGS = ("ceiling", "nginx static", "nginx static, gzip")
CEILING_OF = {  # else "ceiling"
    "nginx cache": "nginx static", "nginx static": "nginx static",
    "nginx cache, gzip": "nginx static, gzip", "nginx static, gzip": "nginx static, gzip",
}  # fmt: skip
# What a browser sends (Chromium's): the "gzip" modes ask with it, the others without.
ACCEPT_GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}
TARGETS = {  # (page, mode) -> lowest ratio to its ceiling
    ("listing", "uncached"): 0.10,
    ("program", "uncached"): 0.25,
    ("guide", "uncached"): 0.10,
    ("search", "uncached"): 0.08,
    **{(page, "cached"): 0.85 for page in PAGES},
    **{(page, "nginx cache"): 0.95 for page in PAGES},
}
AFTER_EDIT_LIMIT_MS = 300  # at 1M programs, no visitor request over this after an edit
# An editor's save of one program through the ORM, so the signals fire as in the admin.
EDIT = """
from programs.models import Program
program = Program.objects.published().filter(career__slug="medical-assistant").order_by("pk")[0]
program.tuition_and_fees = (program.tuition_and_fees or 0) + 1
program.save()
print(program.pk)
"""

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(process):
    """Stop a process started with start_new_session=True, and everything it started."""
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=20)


def answers_healthz(url, process, pause):
    """Whether `url` answers 200 within 100 tries `pause` seconds apart, while `process` runs."""
    for _ in range(100):
        if process.poll() is not None:
            return False
        try:
            if fetch(url)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(pause)
    return False


class Server:
    """gunicorn with production settings, 2 workers, in its own process group."""

    def __init__(self, database, redis_db, **extra):
        self.redis_db, self.database = redis_db, database
        self.port = free_port()
        self.env = site_env(database, redis_db, **extra)
        self.log = open(REPO / "staticfiles" / f"bench-gunicorn-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "directory.wsgi:application", "--workers", "2", "--timeout", "120",
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if answers_healthz(self.url("/healthz"), self.process, pause=0.2):
            return
        log = Path(self.log.name).read_text()[-3000:]  # stop() removes the log
        self.stop()
        sys.exit(f"gunicorn did not start:\n{log}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        stop_group(self.process)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class Worker:
    """`manage.py db_worker` with a server's environment (TASKS_BACKEND=TASKS_DB), in its own
    process group: runs the tasks the server's requests enqueue (facet recounts, vocabulary)."""

    def __init__(self, server):
        assert server.env.get("TASKS_BACKEND") == TASKS_DB
        self.log = open(REPO / "staticfiles" / f"bench-db-worker-{server.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay"], cwd=REPO, env=server.env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        time.sleep(2)
        if self.process.poll() is not None:
            log = Path(self.log.name).read_text()[-3000:]
            self.stop()
            sys.exit(f"manage.py db_worker did not start:\n{log}")

    def stop(self):
        stop_group(self.process)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def nginx_config(values):
    """bench/nginx.conf.template with its @NAMES@ filled in from `values`."""
    text = NGINX_TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if left := re.findall(r"@[A-Z_]+@", text):
        sys.exit(f"{NGINX_TEMPLATE} names {', '.join(sorted(set(left)))}: not filled in")
    return text


def check_deploy_doc():
    """Warn when docs/deploy.md's nginx config is not the template filled in for production."""
    text = DEPLOY_DOC.read_text()
    shown = "```nginx\n" + nginx_config(NGINX_PRODUCTION) + "```"
    section = text.split(NGINX_DOC_START, 1)[-1].split(NGINX_DOC_END, 1)[0]
    if NGINX_DOC_START not in text or shown not in section:
        say(
            f"Warning: {DEPLOY_DOC.name}'s nginx config is not {NGINX_TEMPLATE.name} filled in "
            "with NGINX_PRODUCTION (bench/load.py): one of them changed without the other."
        )


class Nginx:
    """nginx with the production config (bench/nginx.conf.template) in front of `upstream`, not
    a daemon, in its own process group, everything it writes in a temporary directory."""

    def __init__(self, upstream):
        self.prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.port = free_port()
        prefix = str(self.prefix)
        config = self.prefix / "nginx.conf"
        config.write_text(nginx_config({
            "USER": getpass.getuser(), "RUN": prefix, "LOG": prefix, "TEMP": prefix,
            "CACHE": str(self.prefix / "cache"), "APP": f"127.0.0.1:{upstream.port}",
            "LISTEN": f"127.0.0.1:{self.port}", "STATIC_ROOT": str(REPO / "staticfiles"),
        }))  # fmt: skip
        self.error_log = self.prefix / "error.log"
        self.output = open(self.prefix / "output.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [NGINX, "-p", f"{prefix}/", "-c", str(config), "-e", str(self.error_log),
             "-g", "daemon off;"],
            cwd=self.prefix, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        if answers_healthz(self.url("/healthz"), self.process, pause=0.1):
            return
        log = self.errors()
        self.stop()
        sys.exit(f"nginx did not start:\n{log}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def errors(self):
        return "".join(
            path.read_text()[-3000:]
            for path in (self.error_log, self.prefix / "output.log")
            if path.exists()
        )

    def stop(self):
        stop_group(self.process)
        self.output.close()
        if errors := self.errors().strip():
            say(f"  nginx wrote to its error log:\n{errors}")
        shutil.rmtree(self.prefix, ignore_errors=True)


def warm_nginx_cache(url, request_headers=None):
    """Fetch `url` through nginx until nginx answers it from its cache (X-Cache-Status: HIT)."""
    seen = []
    for _ in range(10):
        status, headers, _ = fetch(url, request_headers)
        seen.append(f"{status} {headers.get('X-Cache-Status')}")
        if status == 200 and headers.get("X-Cache-Status") == "HIT":
            return
        time.sleep(0.2)
    sys.exit(
        f"nginx does not answer {url} from its cache: X-Cache-Status was {', '.join(seen)}; "
        f"the app sent Cache-Control: {headers.get('Cache-Control')!r}, "
        f"ETag: {headers.get('ETag')!r}, Vary: {headers.get('Vary')!r}, "
        f"Set-Cookie: {headers.get('Set-Cookie')!r}"
    )


def fetch(url, headers=None):
    # As wrk: no cookies (every request may be answered from a cache), X-Forwarded-Proto as the
    # load balancer in front would send it.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
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


def wrk(url, duration, connections, headers=None):
    sent = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
               "-H", "X-Forwarded-Proto: https", *sent, url])  # fmt: skip
    if "Non-2xx or 3xx responses" in out:
        answers = [fetch(url) for _ in range(10)]  # which errors, for the message
        errors = [f"{status}: {body[:300]!r}" for status, _, body in answers if status >= 400]
        seen = ", ".join(str(status) for status, _, _ in answers)
        sys.exit(
            f"wrk got error answers from {url}:\n{out}\nThen 10 requests answered {seen}\n"
            + "\n".join(errors[:2])
        )
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


def save_ceilings():
    """Find the program page on the real data (into PAGES) and save the HTML each page serves as
    a static file, gzipped beside it as collectstatic does for assets (nginx's gzip_static)."""
    flush_redis(REAL_REDIS_DB)
    uncached = Server(REAL_DB, REAL_REDIS_DB, PAGE_CACHE_SECONDS="0")
    try:
        _, _, page = fetch(uncached.url("/programs/?career=medical-assistant"))
        PAGES["program"] = re.search(rb'href="(/programs/\d+/)"', page)[1].decode()
        CEILING_DIR.mkdir(parents=True, exist_ok=True)
        for name, path in PAGES.items():
            html = fetch(uncached.url(path))[2]
            (CEILING_DIR / f"{name}.html").write_bytes(html)
            (CEILING_DIR / f"{name}.html.gz").write_bytes(gzip.compress(html, mtime=0))
    finally:
        uncached.stop()


def throughput(args):
    """The wrk table on the real data: rows of (page, mode, median rps, p50, p99, ratio)."""
    say("Real data")
    build_database(REAL_DB, REAL_DATA, args.reuse_databases)
    save_ceilings()
    # WhiteNoise finds static files when it starts: start the servers after saving them.
    uncached = Server(REAL_DB, REAL_REDIS_DB, PAGE_CACHE_SECONDS="0")
    cached = Server(REAL_DB, REAL_REDIS_DB)
    nginx = None
    runs = []
    try:
        nginx = Nginx(cached)  # in front of the cached server, as in production
        for number in range(1, args.runs + 1):
            say(f"  run {number} of {args.runs}")
            results = {}
            for name, path in PAGES.items():
                targets = {
                    "ceiling": uncached.url(f"/static/bench-ceiling/{name}.html"),
                    "uncached": uncached.url(path),
                    "cached": cached.url(path),
                    "nginx static": nginx.url(f"/static/bench-ceiling/{name}.html"),
                    "nginx cache": nginx.url(path),
                }
                targets["nginx static, gzip"] = targets["nginx static"]
                targets["nginx cache, gzip"] = targets["nginx cache"]
                for mode, url in targets.items():
                    headers = ACCEPT_GZIP if mode.endswith("gzip") else None
                    for _ in range(3):  # warm: connections, facet counts, the page cache
                        fetch(url, headers)
                    if mode.startswith("nginx cache"):
                        warm_nginx_cache(url, headers)
                    results[name, mode] = wrk(url, args.duration, args.connections, headers)
                    say(f"    {name:8} {mode:12} {results[name, mode]['rps']:8.0f} req/s")
            runs.append(results)
        counts = query_counts(REAL_DB, list({*PAGES.values(), *SCALE_URLS.values()}))
        single = {label: single_requests(uncached, path, 20) for label, path in SCALE_URLS.items()}
        single["new search"] = new_searches(uncached)
    finally:
        if nginx:
            nginx.stop()
        uncached.stop()
        cached.stop()
        shutil.rmtree(CEILING_DIR, ignore_errors=True)
    rows = []
    for name in PAGES:
        for mode in MODES:
            ceiling = CEILING_OF.get(mode, "ceiling")
            ratios = [r[name, mode]["rps"] / r[name, ceiling]["rps"] for r in runs]
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


def new_searches(server, word="phlebotomy", count=10):
    """Median ms of `count` searches for `word`, each spelled with other capitals: a query text
    not asked before, so its results are not kept (search/ranking.py `kept_search`) and the
    search runs in full, as for a query nobody made in the last hour."""
    spellings = [
        "".join(c.upper() if (n >> k) & 1 else c for k, c in enumerate(word))
        for n in range(1, count + 1)
    ]
    return statistics.median(timed(server.url(f"/search/?q={q}")) for q in spellings)


def pending_tasks(database):
    """Tasks enqueued and not finished (django_tasks_db's table)."""
    sql = (
        "SELECT count(*) FILTER (WHERE status IN ('READY', 'RUNNING')), count(*) "
        "FROM django_tasks_database_dbtaskresult"
    )
    pending, total = run(["psql", f"{POSTGRES}/{database}", "-Atc", sql]).strip().split("|")
    return int(pending), int(total)


def after_edit(server, rounds=3, wait=120):
    """An editor saves one program; then SCALE_URLS are asked for in turn, at least `rounds`
    times and until the worker has run every task the edit led to (at most `wait` s). Gives the
    slowest request per URL (ms), the tasks run and the seconds from the edit until they were."""
    for path in SCALE_URLS.values():  # as before an edit: counts and vocabulary kept
        timed(server.url(path))
    _, tasks_before = pending_tasks(server.database)
    run([PYTHON, "manage.py", "shell", "-c", EDIT], server.env)
    edited = time.perf_counter()
    slowest, done = dict.fromkeys(SCALE_URLS, 0.0), 0
    while True:
        for label, path in SCALE_URLS.items():
            slowest[label] = max(slowest[label], timed(server.url(path)))
        done += 1
        pending, total = pending_tasks(server.database)
        if (done >= rounds and not pending) or time.perf_counter() - edited > wait:
            break
    drained = None if pending else time.perf_counter() - edited
    return {"slowest": slowest, "tasks": total - tasks_before, "drained": drained, "rounds": done}


def scale_part(args):
    """Per synthetic size: single-request times and query counts of SCALE_URLS, and the slowest
    requests after an edit, with a db_worker running the tasks as in production."""
    results = []
    for size in [int(n) for n in args.sizes.split(",") if n]:
        name = f"bench_scale_{size}"
        say(f"Synthetic data: {size:,} programs")
        build_database(name, [["seed_content"], ["import_zips"],
                              ["scale_data", "--programs", str(size)]],
                       args.reuse_databases)  # fmt: skip
        server = Server(name, SCALE_REDIS_DB, PAGE_CACHE_SECONDS="0", TASKS_BACKEND=TASKS_DB)
        worker = None
        try:
            worker = Worker(server)
            times = {}
            for label, path in SCALE_URLS.items():
                times[label] = single_requests(server, path, 10)
                say(f"  {label:22} first {times[label][0]:8.1f} ms, then {times[label][1]:8.1f} ms")
            times["new search"] = new_searches(server)
            say(f"  new search             {times['new search']:8.1f} ms")
            edit = after_edit(server)
            drained = f"{edit['drained']:.1f} s" if edit["drained"] is not None else "not yet"
            say("  after an edit: slowest "
                + ", ".join(f"{label} {ms:.1f} ms" for label, ms in edit["slowest"].items())
                + f" ({edit['rounds']} rounds); {edit['tasks']} tasks run by the worker, "
                f"all done after {drained}")  # fmt: skip
        finally:
            if worker:
                worker.stop()
            server.stop()
        counts = query_counts(name, list(SCALE_URLS.values()))
        results.append({"size": size, "times": times, "queries": counts, "edit": edit})
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
        "- Uncached: the page cache off (`PAGE_CACHE_SECONDS=0`), as for a visitor with a session, "
        "so every request runs the view and renders the page; what the view reads comes from the "
        "shared cache and each process's recent copies after the first request, as in "
        "production, kept under the versions of what it shows: the listing's facet counts, rows, "
        "filter form and map per filter combination, a program's record and body, a guide's "
        "parts, a search's results once its query came twice (a new query's search is in the "
        "growth table below). "
        "Cached: served from the page cache in Redis, as for any visitor without a session. "
        "Ceiling: the same page's HTML as a static file, served by the same gunicorn and "
        "WhiteNoise.",
        "- nginx cache: the same URL through nginx in front of the cached gunicorn, with the "
        "config of [deploy.md](deploy.md#nginx-in-front) (`bench/nginx.conf.template`, "
        "`worker_processes auto`), answered from nginx's own cache (each page fetched until "
        "`X-Cache-Status: HIT` before it is timed; the app's `max-age=60` may lapse during a "
        "run, and nginx then revalidates in the background while it keeps answering). "
        "nginx static: the same HTML as a static file under nginx's `/static/`, its ceiling, "
        "with the security headers that location adds as the app does. "
        "The rows marked gzip ask as a browser does (`Accept-Encoding: gzip, deflate, br, "
        "zstd`): the page as the app gzipped it once, when storing it, against the same HTML's "
        "`.gz` beside the static file (`gzip_static`); the other rows ask without it, as the "
        "issue's ratios are defined. "
        "Requests carry no cookies, as from any visitor without a session.",
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
    rps = {(row["page"], row["mode"]): row["rps"] for row in rows}
    lines += [
        "",
        "Ratios are to the ceiling of the same server: gunicorn's static file for uncached and "
        "cached, nginx's static file (plain or gzipped) for nginx cache. nginx's static file "
        "against gunicorn's: "
        + ", ".join(
            f"{page} {rps[page, 'nginx static'] / rps[page, 'ceiling']:.1f}x" for page in PAGES
        )
        + ".",
        "",
        "Per-run ratios: "
        + "; ".join(
            f"{row['page']} {row['mode']} " + ", ".join(f"{r:.1%}" for r in row["ratios"])
            for row in rows
            if row["mode"] not in CEILINGS
        )
        + ".",
        "",
        "### Growth with the number of programs",
        "",
        "One request at a time to gunicorn (same settings, page cache off). *First*: the first "
        "request after the shared cache was emptied, so the counts are computed; *then*: "
        "the median of the next 10 requests: the listing's rows and a search's results asked for "
        "again are kept (finder/views.py `ListingRows`; search/ranking.py `kept_search`, once a "
        "worker process has seen the query before), so *then* is that path, while *first* and "
        "*after an edit* make them afresh. *New search*: the median of 10 searches for the "
        "same word spelled with other capitals, each a query text not asked before, so run in "
        "full. The sizes are "
        "SYNTHETIC programs "
        "made by `bench/scale_data.py`, each in a database of its own; the first row "
        "is the real data. On the synthetic sizes the tasks run off the request as in "
        f"production (`TASKS_BACKEND={TASKS_DB}` and a `manage.py db_worker`), and *after an "
        "edit* is the slowest request to that URL after an editor saved one program through "
        "the ORM (`manage.py shell`, so the signals fire): the URLs are asked for in turn, at "
        "least 3 times each and until the worker has run every task the edit led to (the "
        "listings' facet recounts, search's vocabulary, the career's program counts).",
        "",
        "| programs | "
        + "".join(f"{label} first / then / after an edit ms | × real | " for label in SCALE_URLS)
        + f"new search ms | tasks after the edit | SQL queries ({', '.join(SCALE_URLS)}) |",
        "|---|" + "--:|--:|" * len(SCALE_URLS) + "--:|--|--|",
    ]
    table = [("real data (6,196)", real_single, real_counts, None)]
    table += [(f"{s['size']:,} synthetic", s["times"], s["queries"], s["edit"]) for s in scale]
    for label, times, counts, edit in table:
        cells = []
        for key in SCALE_URLS:
            first, then = times[key]
            after = f"{edit['slowest'][key]:,.0f}" if edit else "–"
            cells.append(f"{first:,.0f} / {then:,.0f} / {after}")
            cells.append(f"{then / real_single[key][1]:.1f}x")
        cells.append(f"{times['new search']:,.0f}")
        tasks = ""
        if edit:
            done = f"done {edit['drained']:.1f} s" if edit["drained"] is not None else "not done"
            tasks = f"{edit['tasks']}, {done} after the edit"
        lines.append(f"| {label} | {' | '.join(cells)} | {tasks} | {format_counts(counts)} |")
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
    """Sentences on the 1M targets: <= 3x the real data's time and <= 100 ms, kept or not."""
    biggest = max(scale, key=lambda s: s["size"], default=None)
    if biggest is None:
        return []
    lines = []
    for key in ("heavy listing", "unfiltered first page"):
        then, real = biggest["times"][key][1], real_single[key][1]
        afresh = biggest["edit"]["slowest"][key]  # its rows read again, as after any edit
        ok = then <= 3 * real and max(then, afresh) <= 100
        lines.append(
            f"- {key} at {biggest['size']:,} programs: {then:.0f} ms with its rows kept, against "
            f"{real:.0f} ms on the real data ({then / real:.1f}x), and at most {afresh:.0f} ms "
            "with them read afresh after an edit (target ≤ 3x and ≤ 100 ms): "
            + ("met." if ok else "**missed**.")
        )
    slowest = biggest["edit"]["slowest"]
    worst = max(slowest, key=slowest.get)
    lines.append(
        f"- After an edit at {biggest['size']:,} programs: slowest request "
        f"{slowest[worst]:.0f} ms ({worst}; target: none over {AFTER_EDIT_LIMIT_MS} ms, the "
        "recount happening off the request): "
        + ("met." if slowest[worst] <= AFTER_EDIT_LIMIT_MS else "**missed**.")
    )
    return lines


def write_between(path, block, start, end, empty=""):
    """`block` (its markers included) in place of what stands from `start` to `end` in `path`,
    or at its end; the rest of the file is kept. bench/api.py and bench/readability.py too."""
    text = path.read_text(encoding="utf-8") if path.exists() else empty
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def write(path, report):
    write_between(path, f"{START}\n{report}\n{END}", START, END, empty="# Performance\n")
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
    if not Path(NGINX).exists():
        sys.exit("nginx is needed: apt-get install nginx")
    check_deploy_doc()
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
