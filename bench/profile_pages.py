"""In-process time, SQL queries and the costliest functions of one uncached public page.

Runs Django in this process (directory.settings.test unless DJANGO_SETTINGS_MODULE says
otherwise, the page cache off: PAGE_CACHE_SECONDS=0) on the database DATABASE_URL names, and
GETs the page as a new anonymous visitor each time (one django.test.Client, as one server
process, its cookies cleared before each request): a first request (templates compiled, cached
fragments made; its time and queries are printed too), then N timed requests (median, min and
max, with the SQL queries of the last one), then --profile-runs more under cProfile, with the
top functions by cumulative time. With --cold the cache is emptied before each timed request,
as right after an edit. An on-demand script for finding what to cut, not a test:
nothing is asserted. The request log line is switched off.

Usage, from the repository root (on a copy of the real data, so the running site is left alone):

    DATABASE_URL=sqlite:////tmp/copy.sqlite3 .venv/bin/python bench/profile_pages.py program
    .venv/bin/python bench/profile_pages.py guide school --repeat 50 --top 40
    .venv/bin/python bench/profile_pages.py /careers/ekg-technician/ --sort tottime --queries
    .venv/bin/python bench/profile_pages.py program guide --no-profile --save /tmp/pages  # to diff

Pages: program (the first program the medical-assistant listing shows), school (that program's
school), guide (/careers/medical-assistant/), home, or any path starting with "/".
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAMED = {
    "guide": "/careers/medical-assistant/",
    "home": "/",
    "program": None,  # found on the data: the listing's first program
    "school": None,  # that program's school
}


def setup():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings.test")
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import logging

    import django

    django.setup()
    # The one-line request log would drown the report; its cost is not what is measured here.
    logging.getLogger("directory.requests").disabled = True


CLIENT = None


def get(path):
    """GET `path` as a new anonymous visitor: no cookies. One Client (one request handler, its
    middleware loaded once, as in a server process) with its cookies cleared each time."""
    global CLIENT
    if CLIENT is None:
        from django.test import Client

        CLIENT = Client()
    CLIENT.cookies.clear()
    response = CLIENT.get(path)
    body = b"".join(response) if response.streaming else response.content
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return body


def resolve(name):
    if name.startswith("/"):
        return name
    if name not in NAMED:
        raise SystemExit(f"unknown page {name!r}: one of {', '.join(NAMED)} or a path")
    if NAMED[name] is None:
        listing = get("/programs/?career=medical-assistant")
        NAMED["program"] = re.search(rb'href="(/programs/\d+/)"', listing)[1].decode()
        program = get(NAMED["program"])
        NAMED["school"] = re.search(rb'href="(/schools/\d+/[^"]+/)"', program)[1].decode()
    return NAMED[name]


def measure(path, repeat, cold=False):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first_queries:
        start = time.perf_counter()
        get(path)  # warm-up: templates compiled, cached fragments made
        first = ((time.perf_counter() - start) * 1000, len(first_queries.captured_queries))
    times = []
    for _ in range(repeat):
        if cold:  # as after an edit: no kept record nor rendered fragment is current
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            body = get(path)
            times.append((time.perf_counter() - start) * 1000)
    return first, times, queries.captured_queries, body


def profile(path, top, sort, runs):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="program, school, guide, home or a path")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests (default 30)")
    parser.add_argument("--top", type=int, default=30, help="functions listed (default 30)")
    parser.add_argument("--sort", default="cumulative", help="pstats order (default cumulative)")
    parser.add_argument("--profile-runs", type=int, default=20, help="requests profiled")
    parser.add_argument("--no-profile", action="store_true", help="timing and queries only")
    parser.add_argument("--queries", action="store_true", help="print each SQL query")
    parser.add_argument(
        "--cold", action="store_true", help="empty the cache before each timed request"
    )
    parser.add_argument("--save", metavar="DIR", help="write each page's HTML there, to diff")
    args = parser.parse_args()
    setup()
    for name in args.pages:
        path = resolve(name)
        first, times, queries, body = measure(path, args.repeat, cold=args.cold)
        print(
            f"{name} {path}: median {statistics.median(times):.2f} ms "
            f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)}), "
            f"{len(queries)} queries, {len(body):,} bytes; "
            f"first request {first[0]:.1f} ms, {first[1]} queries"
        )
        if args.save:
            filename = re.sub(r"[^\w.-]+", "_", path.strip("/")) or "home"
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{filename}.html").write_bytes(body)
        if args.queries:
            for query in queries:
                print(f"  [{float(query['time']) * 1000:.2f} ms] {query['sql'][:300]}")
        if not args.no_profile:
            print(f"cProfile over {args.profile_runs} requests (times are their sum, in s):")
            print(profile(path, args.top, args.sort, args.profile_runs))


if __name__ == "__main__":
    main()
