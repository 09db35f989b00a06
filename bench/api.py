"""How fast the API answers a page deep in a million programs (issue 18: at most 100 ms).

Builds (or, with --reuse-database, reuses) the PostgreSQL database bench_scale_<N> the way
bench/load.py does (migrate, seed_content, import_zips, N synthetic programs from
bench/scale_data.py), then, in a subprocess with Django on that database (test settings, DEBUG
off), asks the API through Django's test client, in-process: for each listed search, the first
page and the page after the row at --depth of the matching rows (a cursor made as the API makes
its own, from that row's sort values), each --repeat times after one warm-up, timed through the
last byte with time.perf_counter and its SQL queries counted. A benchmark run on demand, not a
test: nothing is asserted.

    .venv/bin/python bench/api.py --reuse-database                      # 1M programs
    .venv/bin/python bench/api.py --reuse-database --write docs/performance.md
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import POSTGRES, PYTHON, REPO, build_database, say, write_between

START, END = "<!-- api-benchmark:start -->", "<!-- api-benchmark:end -->"
SEARCHES = {
    "programs, default order": "/api/v1/programs/",
    "programs by cost": "/api/v1/programs/?sort=cost",
    "programs by length": "/api/v1/programs/?sort=length",
    "programs by graduates": "/api/v1/programs/?sort=graduates",
    "programs by name": "/api/v1/programs/?sort=name",
    "one career": "/api/v1/programs/?career=medical-assistant",
    "one state, by cost": "/api/v1/programs/?state=tx&sort=cost",
    "near 30303, by distance": "/api/v1/programs/?zip=30303&radius=100&sort=distance",
    "schools": "/api/v1/schools/",
}

MEASURE = r"""
import json, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from api import pagination, views

searches, depth, repeat = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
client = Client()


def ordered(path):
    # The queryset and cursor scope the view pages through (api/views.py).
    if path.startswith("/api/v1/schools/"):
        return views.school_list(), "schools"
    filterset = views.program_filterset(RequestFactory().get(path).GET)
    return filterset.qs, f"programs:{filterset.sort_key}"


def deep_cursor(path):
    queryset, scope = ordered(path)
    keys = pagination.sort_keys(queryset)
    annotated = queryset.annotate(
        **{f"{pagination.KEY_PREFIX}{i}": key.expression for i, key in enumerate(keys)}
    )
    total = annotated.count()
    position = max(0, int(total * depth) - 1)
    row = annotated[position]
    values = [getattr(row, f"{pagination.KEY_PREFIX}{i}") for i in range(len(keys))]
    return total, position + 1, pagination.make_cursor(values, scope)


def timed(url):
    client.get(url)  # warm-up
    samples, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            b"".join(response) if response.streaming else response.content
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        queries = len(captured)
    return {"median": statistics.median(samples), "max": max(samples), "queries": queries}


results = {}
for label, path in searches.items():
    total, after, cursor = deep_cursor(path)
    joiner = "&" if "?" in path else "?"
    results[label] = {
        "path": path,
        "rows": total,
        "after": after,
        "first": timed(path),
        "deep": timed(f"{path}{joiner}cursor={cursor}"),
    }
print(json.dumps(results))
"""


def measure(database, depth, repeat):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "directory.settings.test",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "API_RATE_LIMIT": "1000000/m",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [PYTHON, "-c", MEASURE, json.dumps(SEARCHES), str(depth), str(repeat)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        sys.exit(f"measuring failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results) -> str:
    lines = [
        "| search | matching rows | first page: median (max) | page after row … | "
        "that page: median (max) | SQL queries |",
        "|---|---|---|---|---|---|",
    ]
    for label, r in results.items():
        first, deep = r["first"], r["deep"]
        lines.append(
            f"| {label} (`{r['path']}`) | {r['rows']:,} | {first['median']:.1f} ms "
            f"({first['max']:.1f}) | {r['after']:,} | **{deep['median']:.1f} ms** "
            f"({deep['max']:.1f}) | {deep['queries']} |"
        )
    return "\n".join(lines)


def section(args, results) -> str:
    slowest = max(r["deep"]["median"] for r in results.values())
    command = f".venv/bin/python bench/api.py --programs {args.programs} --reuse-database"
    return "\n".join(
        [
            START,
            "## The API at scale (issue 18)",
            "",
            f"`{command} --write docs/performance.md`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{platform.machine()}, {os.cpu_count()} cores: PostgreSQL with "
            f"{args.programs:,} synthetic programs, Django's test client in-process (no HTTP "
            f"server), each page {args.repeat} times after a warm-up. A deep page is the one "
            f"after the row at {args.depth:.0%} of the matching rows, reached by the cursor the "
            "API would have given (keyset pagination: no OFFSET, no COUNT).",
            "",
            table(results),
            "",
            f"Target: a page deep in the list in at most 100 ms. Slowest deep page here: "
            f"**{slowest:.1f} ms** ({'met' if slowest <= 100 else 'missed'}). Queries per "
            "page are the same for the first and a deep page (the contract tests assert them "
            "constant in the number of rows).",
            END,
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=1_000_000)
    parser.add_argument("--depth", type=float, default=0.9, help="where the deep page starts")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--write", metavar="PATH", help="write the section into PATH")
    args = parser.parse_args(argv)
    database = f"bench_scale_{args.programs}"
    say(f"Database {database}")
    build_database(
        database,
        [["seed_content"], ["import_zips"], ["scale_data", "--programs", str(args.programs)]],
        args.reuse_database,
    )
    say("Measuring")
    results = measure(database, args.depth, args.repeat)
    print(table(results))
    if args.write:
        write_between(Path(args.write), section(args, results), START, END)
        print(f"Wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
