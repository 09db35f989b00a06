"""What a flood of distinct query strings leaves in the page cache (Redis keys and bytes).

Requests N distinct URLs, made from a fixed seed, of the kinds a crawler or a fuzzing bot sends
to the public pages that take a query string, each once, as a visitor without a session (so
every one could be stored), through Django's test client in this process. Counts the page
cache's keys in Redis (`<KEY_PREFIX>:1:page:*`) and their MEMORY USAGE before and after, and
how many responses of each kind were stored (X-Page-Cache: miss). A measurement run on demand,
not a test: nothing is asserted. Use a Redis database of its own, and a copy of a database with
the real data (`make setup` fills db.sqlite3):

    cp db.sqlite3 /tmp/flood.sqlite3
    DATABASE_URL=sqlite:////tmp/flood.sqlite3 REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/pagecache_flood.py --count 10000

Options: --count N (default 10000), --seed S (default 12).
"""

import argparse
import os
import random
import string
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CAREERS = [
    "medical-assistant", "phlebotomy-technician", "pharmacy-technician", "ekg-technician",
    "licensed-practical-nurse", "surgical-technologist", "medical-administrative-assistant",
    "medical-billing-and-coding-specialist",
]  # fmt: skip
STATES = ["ca", "tx", "il", "ny", "fl", "oh", "pa", "wa", "ga", "nc"]
SORTS = ["distance", "cost", "length", "graduates", "name"]


def word(rng, low=3, high=10):
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high)))


def words(rng):
    return "+".join(word(rng) for _ in range(rng.randint(1, 3)))


# Each kind: (label, a function of the random generator giving one URL).
KINDS = [
    ("unknown parameter", lambda r: f"/programs/?utm_source={word(r)}&state={r.choice(STATES)}"),
    ("unknown parameter", lambda r: f"/?ref={word(r)}"),
    ("free text, once each", lambda r: f"/search/?q={words(r)}"),
    ("free text, once each", lambda r: f"/programs/?q={words(r)}"),
    ("random state or career", lambda r: f"/programs/?state={word(r, 2, 3)}"),
    ("random state or career", lambda r: f"/programs/?career={word(r)}"),
    ("random cost limit", lambda r: f"/programs/?cost_max={r.randint(1, 999_999)}"),
    ("random page number", lambda r: f"/programs/?page={r.randint(1, 50_000)}"),
    ("random ZIP code", lambda r: f"/careers/{r.choice(CAREERS)}/?zip={r.randint(0, 99_999):05d}"),
    (
        "valid filters, shuffled or repeated",
        lambda r: (
            "/programs/?"
            + "&".join(
                r.sample(
                    [
                        f"career={r.choice(CAREERS)}",
                        f"state={r.choice(STATES)}",
                        f"sort={r.choice(SORTS[1:])}",
                        f"state={r.choice(STATES).upper()}",
                        f"page={r.randint(1, 9)}",
                    ],
                    k=r.randint(2, 5),
                )
            )
        ),
    ),
]


def flood_urls(count, seed):
    rng = random.Random(seed)
    urls = {}
    while len(urls) < count:
        label, make = rng.choice(KINDS)
        urls.setdefault(make(rng), label)
    return urls


def keys_by_kind(client, prefix):
    """{kind: (keys, bytes)} of the cache's keys: "page", "facets", "template.cache" (the
    listing's filter form), ..."""
    found = Counter(), Counter()
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        kind = key.decode().removeprefix(prefix).split(":")[0].split(".listing")[0]
        found[0][kind] += 1
        found[1][kind] += client.memory_usage(key) or 0
    return {kind: (found[0][kind], found[1][kind]) for kind in found[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL to a Redis database of its own (e.g. redis://127.0.0.1:6379/6).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    redis = cache._cache.get_client()
    prefix = cache.make_key("")
    urls = flood_urls(args.count, args.seed)
    before = keys_by_kind(redis, prefix)
    client, sent, stored, statuses = Client(), Counter(), Counter(), Counter()
    started = time.monotonic()
    for url, label in urls.items():
        response = client.get(url)
        sent[label] += 1
        statuses[response.status_code] += 1
        stored[label] += response.get("X-Page-Cache") == "miss"
    after = keys_by_kind(redis, prefix)
    print(
        f"{len(urls):,} distinct URLs in {time.monotonic() - started:.0f} s "
        f"(PAGE_CACHE_SECONDS={settings.PAGE_CACHE_SECONDS}); answers: "
        + ", ".join(f"{status}: {n:,}" for status, n in sorted(statuses.items()))
    )
    print(f"{'kind':<38}{'requests':>10}{'stored':>10}")
    for label in dict.fromkeys(label for label, _ in KINDS):
        print(f"{label:<38}{sent[label]:>10,}{stored[label]:>10,}")
    print(f"\n{'keys in Redis':<38}{'before':>10}{'after':>10}{'MB after':>10}")
    for kind in sorted(after.keys() | before.keys()):
        count, size = after.get(kind, (0, 0))
        print(f"{kind:<38}{before.get(kind, (0, 0))[0]:>10,}{count:>10,}{size / 1e6:>10.1f}")


if __name__ == "__main__":
    main()
