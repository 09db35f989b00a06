"""Where an uncached page's time goes: in-process timing and a profile of repeated requests.

Requests each URL through Django's test client as an anonymous visitor (no cookies kept), with
the page cache off (PAGE_CACHE_SECONDS=0) but every other cache warm: one warm-up request, then
N timed ones, as the load benchmark's uncached rows see them. Prints, per URL, the median and
the spread of the times (time.perf_counter through the last byte), the SQL queries of one
request (CaptureQueriesContext), and with --profile the functions with the most cumulative
time over the timed requests (cProfile + pstats). A tool run on demand, not a test: nothing is
asserted.

Usage, from the repository root, against a database that holds the real data (`make data`):

    DATABASE_URL=sqlite:////tmp/copy.sqlite3 .venv/bin/python bench/profile_listing.py
    .venv/bin/python bench/profile_listing.py --repeat 100 --profile 30 --queries
    .venv/bin/python bench/profile_listing.py /search/?q=phlebotomy

Options:
    URL ...          the pages to measure (default: the heavy listing and a search)
    --repeat N       timed requests per URL after the warm-up (default 50)
    --profile K      also profile the timed requests and print the top K functions by
                     cumulative time (0, the default: no profile)
    --sort KEY       pstats sort key for --profile (default: cumulative; tottime is useful too)
    --queries        print the SQL of one request per URL
    --settings MOD   Django settings module (default directory.settings.test: DEBUG off)

DATABASE_URL and REDIS_URL are read as the site reads them (local memory cache without Redis).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URLS = (
    "/programs/?career=medical-assistant&zip=60601&radius=50&sector=private-for-profit"
    "&federal_aid=1&sort=distance",
    "/search/?q=phlebotomy",
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="*", default=list(DEFAULT_URLS))
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--settings", default="directory.settings.test")
    args = parser.parse_args(argv)

    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not one request log line per request
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()  # a fresh visitor each time: the cookies it is sent are dropped below

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
        body = b"".join(response) if response.streaming else response.content
        client.cookies.clear()
        return body

    for url in args.urls:
        get(url)  # warm: facet counts, vocabulary, templates, the content version
        reset_queries()  # as request_started does: the count starts from an empty log
        with CaptureQueriesContext(connection) as queries:
            body = get(url)
        queries = queries.captured_queries  # now: later requests reset the connection's log
        times = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            get(url)
            times.append((time.perf_counter() - start) * 1000)
            if profiler:
                profiler.disable()
        quartiles = statistics.quantiles(times, n=4) if len(times) > 1 else times * 3
        print(
            f"{url}\n  median {statistics.median(times):.2f} ms"
            f" (quartiles {quartiles[0]:.2f}-{quartiles[2]:.2f}, min {min(times):.2f}),"
            f" {len(queries)} queries, {len(body):,} bytes, {args.repeat} requests"
            f"{' (profiled: slower)' if profiler else ''}"
        )
        if args.queries:
            for query in queries:
                print(f"    {query['time']}s  {query['sql'][:300]}")
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
