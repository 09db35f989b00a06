"""PostgreSQL stops under load and comes back: what visitors see, and that no note is lost.

Builds its own throwaway PostgreSQL cluster (never the shared server) with the real data, starts
gunicorn on production settings (2 workers) against it with Redis database 5 as the cache, puts
the site under steady load, stops PostgreSQL, starts it again, and checks that:

- pages that need the database answer 503 with the maintenance page and Retry-After, never 500;
- a page in the page cache still answers 200 from the cache; /healthz reports the outage;
- a correction sent during the outage gets a 503 saying it was not saved, with its text shown
  back, and is not stored;
- when PostgreSQL is back the same gunicorn workers answer 200 within seconds, and a correction
  sent then is stored.

Usage, from the repository root (PostgreSQL binaries installed, run as root, Redis running):

    .venv/bin/python bench/faults.py [--write docs/faults.md]

Exit status 0 when every check passes. Standard library only; everything it starts it stops.
"""

import argparse
import datetime
import glob
import html
import json
import os
import platform
import pwd
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 5
MAINTENANCE = "The directory is briefly unavailable"
NOT_SAVED = "What you just sent was not saved"
GUIDE = "/careers/medical-assistant/"
LISTING = "/programs/?career=medical-assistant&state=il"
OUTAGE_SECONDS = 6
RECOVERY_LIMIT = 5  # seconds from PostgreSQL accepting connections to uncached pages answering 200

lines = []


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flush_redis_db():
    """FLUSHDB on our Redis database only (RESP over a socket: no client library needed)."""
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=5) as s:
        s.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(REDIS_DB))}\r\n{REDIS_DB}\r\n".encode())
        s.sendall(b"*1\r\n$7\r\nFLUSHDB\r\n")
        reply = b""
        while reply.count(b"\r\n") < 2:
            reply += s.recv(100)
    if reply != b"+OK\r\n+OK\r\n":
        sys.exit(f"Redis did not flush database {REDIS_DB}: {reply!r}")


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, run as the postgres OS user."""

    def __init__(self, root):
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4])
        )
        if not versions:
            sys.exit("PostgreSQL is not installed (apt-get install -y postgresql)")
        self.bin = Path(versions[-1])
        self.root = Path(root)
        self.data = self.root / "data"
        self.port = free_port()
        account = pwd.getpwnam("postgres")
        os.chown(self.root, account.pw_uid, account.pw_gid)

    def run(self, tool, *args, check=True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", self.bin / tool, *args],
            capture_output=True,
            text=True,
            check=check,
        )

    def init(self):
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync",
                 "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", options, "-w", "start")

    def stop(self, mode="immediate", check=True):
        return self.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=check)

    def psql(self, sql, database="directory"):
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies kept by hand (they are Secure, and we speak plain HTTP
    behind a pretend HTTPS proxy) and the Origin header Django's CSRF check expects."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None):
        url = f"http://127.0.0.1:{self.port}{path}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://127.0.0.1:{self.port}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=15)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and value != '""':
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, response.headers, response.read().decode()


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def save_to_shortlist(browser, program_url):
    """Save a program to the visitor's shortlist, which gives them a session."""
    _, _, page = browser.request(program_url)
    browser.request("/shortlist/update/", {
        "csrfmiddlewaretoken": csrf_token(page), "program": program_url.split("/")[2],
        "action": "add", "next": "/shortlist/",
    })  # fmt: skip
    if "sessionid" not in browser.cookies:
        raise RuntimeError("saving to the shortlist gave no session")


class Load:
    """Threads asking for pages without pause; every answer is kept with its time."""

    def __init__(self, port, program_url):
        self.port = port
        self.program_url = program_url
        self.started = time.monotonic()
        self.results = []  # (start, end, kind, path, status, maintenance page with Retry-After)
        self.stopping = threading.Event()
        self.threads = []

    def now(self):
        return time.monotonic() - self.started

    def visitor_with_a_shortlist(self):
        """A visitor who saved a program has a session, so no page comes from the page cache."""
        browser = Browser(self.port)
        save_to_shortlist(browser, self.program_url)
        paths = [GUIDE, LISTING, self.program_url]
        n = 0
        while not self.stopping.is_set():
            self.ask(browser, "uncached", paths[n % len(paths)])
            n += 1

    def visitor_without_cookies(self):
        while not self.stopping.is_set():
            self.ask(Browser(self.port), "cached", self.program_url)

    def ask(self, browser, kind, path):
        start = self.now()
        try:
            status, headers, page = browser.request(path)
        except OSError as error:
            status, headers, page = f"error ({type(error).__name__})", {}, ""
        maintenance = MAINTENANCE in page and headers.get("Retry-After") == "60"
        if kind == "cached" and status == 200 and headers.get("X-Page-Cache") != "hit":
            kind = "cached (miss)"
        self.results.append((start, self.now(), kind, path, status, maintenance))

    def start(self):
        for target in [self.visitor_with_a_shortlist] * 3 + [self.visitor_without_cookies]:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def gunicorn_workers(pid):
    try:
        return sorted(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return []


def check(results, label, ok, detail=""):
    results.append(ok)
    say(f"{'PASS' if ok else 'FAIL'}  {label}{f'  ({detail})' if detail else ''}")


def statuses(results, kind=None, since=0.0, until=float("inf")):
    return Counter(
        r[4] for r in results if (kind is None or r[2] == kind) and since <= r[0] and r[1] <= until
    )


def timeline_table(load, events):
    say("Second by second (answers finished in that second; uncached = visitors with a session):")
    say(f"{'t (s)':>5}  {'uncached 200':>12}  {'uncached 503':>12}  {'cached 200':>10}  "
        f"{'other':>5}  event")  # fmt: skip
    last = int(max(r[1] for r in load.results)) + 1
    for second in range(last):
        rows = [r for r in load.results if second <= r[1] < second + 1]
        count = Counter((r[2], r[4]) for r in rows)
        other = len(rows) - count["uncached", 200] - count["uncached", 503] - count["cached", 200]
        happened = "; ".join(text for at, text in events if second <= at < second + 1)
        say(f"{second:>5}  {count['uncached', 200]:>12}  {count['uncached', 503]:>12}  "
            f"{count['cached', 200]:>10}  {other:>5}  {happened}".rstrip())  # fmt: skip


def run(cluster, port, program_url, program_id, server):
    results, events = [], []
    load = Load(port, program_url)

    def event(text):
        events.append((load.now(), text))
        say(f"  {load.now():6.2f}s  {text}")

    say("Timeline:")
    # 1. One page in the page cache: asked for without cookies, a miss, then a hit.
    first = Browser(port).request(program_url)[1].get("X-Page-Cache")
    second = Browser(port).request(program_url)[1].get("X-Page-Cache")
    event(f"warmed {program_url} in the page cache (X-Page-Cache: {first}, then {second})")
    workers_before = gunicorn_workers(server.pid)
    probe = Browser(port)  # a visitor with a session, so nothing comes from the page cache
    save_to_shortlist(probe, program_url)

    load.start()
    time.sleep(3)
    event("load running: 3 visitors with a session, 1 without cookies")
    before = statuses(load.results)

    cluster.stop("immediate")
    stopped = load.now()
    event("PostgreSQL stopped (pg_ctl stop -m immediate)")
    time.sleep(1)

    outage = {}
    for path in (GUIDE, LISTING, program_url):
        status, headers, page = probe.request(path)
        outage[path] = (status, headers.get("Retry-After"), MAINTENANCE in page)
    status, headers, page = Browser(port).request(program_url)
    cached = (status, headers.get("X-Page-Cache"))
    health = Browser(port).request("/healthz")
    event(f"probed pages, the cached page and /healthz: {json.loads(health[2])}")

    # A visitor reads the (cached) program page, whose form carries a fresh CSRF token, and
    # sends a correction.
    sender = Browser(port)
    _, headers, page = sender.request(program_url)
    lost_text = f"Tuition is $4,200 <per year> & fees, outage note {secrets.token_hex(4)}"
    note = {
        "csrfmiddlewaretoken": csrf_token(page), "page_url": program_url,
        "target": f"program:{program_id}", "target_field": "", "field": "Tuition",
        "proposed_value": lost_text, "evidence": "the school's 2025 catalog", "website": "",
    }  # fmt: skip
    sent_status, sent_headers, sent_page = sender.request("/corrections/", note)
    event(f"correction sent during the outage: {sent_status}")

    time.sleep(max(0, stopped + OUTAGE_SECONDS - load.now()))
    restarting = load.now()
    cluster.start()
    back = load.now()
    event("PostgreSQL started again (pg_ctl start -w returned)")

    recovered = None
    while load.now() < back + 15:
        done = [r for r in load.results if r[2] == "uncached" and r[0] >= back and r[4] == 200]
        if done:
            recovered = min(r[1] for r in done)
            break
        time.sleep(0.1)
    if recovered is not None:
        event(f"first uncached page answered 200, {recovered - back:.2f}s after PostgreSQL was up")
    time.sleep(3)

    sender = Browser(port)
    _, _, page = sender.request(program_url)
    kept_text = f"Tuition is $4,300 a year, recovery note {secrets.token_hex(4)}"
    note = {**note, "csrfmiddlewaretoken": csrf_token(page), "proposed_value": kept_text}
    kept_status, kept_headers, _ = sender.request("/corrections/", note)
    event(f"correction sent after the outage: {kept_status} to {kept_headers.get('Location')}")
    load.stop()
    event("load stopped")
    workers_after = gunicorn_workers(server.pid)

    say()
    timeline_table(load, events)
    say()
    say("Checks:")
    everything = statuses(load.results)
    check(results, "warmed page: a miss, then a hit from the page cache",
          (first, second) == ("miss", "hit"), f"{first}, {second}")  # fmt: skip
    check(results, "before the outage every page answered 200",
          set(before) == {200} and before[200] > 0, dict(before))  # fmt: skip
    during = [r for r in load.results if r[2] == "uncached" and r[0] >= stopped + 0.2
              and r[1] <= restarting]  # fmt: skip
    during_statuses = Counter(r[4] for r in during)
    check(results, "during the outage uncached pages answered 503 with the maintenance page and "
          "Retry-After: 60", bool(during) and all(r[4] == 503 and r[5] for r in during)
          and all(s == 503 and retry == "60" and text for s, retry, text in outage.values()),
          f"load {dict(during_statuses)}; probes "
          f"{ {p: s for p, (s, _, _) in outage.items()} }")  # fmt: skip
    cached_during = Counter(
        (r[2], r[4]) for r in load.results
        if r[2].startswith("cached") and r[0] >= stopped and r[1] <= restarting
    )  # fmt: skip
    check(results, "during the outage the cached page still answered 200 from the cache",
          cached == (200, "hit") and set(cached_during) == {("cached", 200)},
          f"probe {cached[0]} X-Page-Cache: {cached[1]}; load {dict(cached_during)}")  # fmt: skip
    health_body = json.loads(health[2])
    check(results, "/healthz answered 503 and named the database",
          health[0] == 503 and health_body["database"].startswith("unavailable")
          and health_body["cache"] == "ok", f"{health[0]} {health_body}")  # fmt: skip
    shown = html.escape(lost_text, quote=True) in sent_page
    check(results, "a correction sent during the outage: 503, told it was not saved, text shown",
          sent_status == 503 and NOT_SAVED in sent_page and shown
          and sent_headers.get("Retry-After") == "60",
          f"{sent_status}, 'not saved' shown: {NOT_SAVED in sent_page}, "
          f"text shown back: {shown}")  # fmt: skip
    check(results, "no 500 (nor any answer but 200 or 503) at any time",
          set(everything) <= {200, 503}, dict(everything))  # fmt: skip
    check(results, f"pages answered 200 again within {RECOVERY_LIMIT}s, without restarting "
          "gunicorn", recovered is not None and recovered - back <= RECOVERY_LIMIT
          and workers_before == workers_after and len(workers_after) == 2,
          f"{'never' if recovered is None else f'{recovered - back:.2f}s'}; workers "
          f"{' '.join(workers_before)} before, {' '.join(workers_after)} after")  # fmt: skip
    settled = [r for r in load.results if r[0] >= (recovered or back) + 0.5]
    check(results, "after recovery every answer was 200",
          bool(settled) and all(r[4] == 200 for r in settled),
          dict(Counter(r[4] for r in settled)))  # fmt: skip
    stored = {
        text: cluster.psql(
            "SELECT count(*) FROM programs_correction WHERE proposed_value = "
            f"'{text.replace(chr(39), chr(39) * 2)}'"
        )
        for text in (lost_text, kept_text)
    }
    check(results, "the outage correction is not in the database",
          stored[lost_text] == "0", f"{stored[lost_text]} rows")  # fmt: skip
    check(results, "a correction sent after recovery: 302 to thanks, and stored",
          kept_status == 302 and "/corrections/thanks/" in (kept_headers.get("Location") or "")
          and stored[kept_text] == "1", f"{kept_status}, {stored[kept_text]} row")  # fmt: skip
    say()
    say(f"{sum(results)} of {len(results)} checks passed; {len(load.results)} requests in "
        f"{load.now():.0f}s")  # fmt: skip
    return all(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", metavar="FILE", help="also write the results to FILE (Markdown)")
    arguments = parser.parse_args()

    root = tempfile.mkdtemp(prefix="faults-")
    cluster = Cluster(root)
    static_root = Path(root) / "static"
    settings_dir = Path(root) / "settings"
    settings_dir.mkdir()
    # Production settings, with static files collected into the temporary directory.
    (settings_dir / "faults_settings.py").write_text(
        f"from directory.settings.production import *  # noqa\nSTATIC_ROOT = {str(static_root)!r}\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(REPO)]),
        "DJANGO_SETTINGS_MODULE": "faults_settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/directory",
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "CORRECTIONS_RATE_LIMIT": "20/h",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    started = time.monotonic()
    try:
        say(f"PostgreSQL {cluster.bin.parent.name} cluster of our own on port {cluster.port}, "
            f"Redis database {REDIS_DB}")  # fmt: skip
        cluster.init()
        cluster.start()
        cluster.psql("CREATE DATABASE directory", database="postgres")
        flush_redis_db()
        say("Loading the real data (migrate, seed_content, import_bls, import_onet, import_zips, "
            "import_ipeds) and collecting static files…")  # fmt: skip
        manage(env, "migrate", "--noinput")
        for command in ("seed_content", "import_bls", "import_onet", "import_zips"):
            manage(env, command)
        manage(env, "import_ipeds", "--noinput")
        manage(env, "collectstatic", "--noinput")
        program = cluster.psql(
            "SELECT p.id FROM programs_program p JOIN careers_career c ON c.id = p.career_id "
            "WHERE p.status = 'published' AND c.status = 'published' ORDER BY p.id LIMIT 1"
        )
        program_url = f"/programs/{program}/"
        flush_redis_db()  # the imports moved the content version: start from an empty cache
        port = free_port()
        server = subprocess.Popen(
            [GUNICORN, "directory.wsgi:application", "--workers", "2", "--bind",
             f"127.0.0.1:{port}"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        say(f"gunicorn (2 workers, production settings) on port {port}; ready after "
            f"{time.monotonic() - started:.0f}s")  # fmt: skip
        say()
        ok = run(cluster, port, program_url, program, server)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.stop("immediate", check=False)
        shutil.rmtree(root, ignore_errors=True)
        flush_redis_db()
    if arguments.write:
        write(Path(arguments.write), ok)
    return 0 if ok else 1


def write(path, ok):
    uname = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    machine = f"{uname or platform.machine()}, {nproc or os.cpu_count()} CPUs"
    output = "\n".join(lines)
    path.write_text(f"""# PostgreSQL down under load

Issue 8, item 7: with PostgreSQL stopped under load, pages answer 503 with the maintenance page
(cached pages may still serve), and when it returns the site recovers without a restart; a
submission is either stored or the visitor is told it was not.

Run on {datetime.date.today().isoformat()}, {machine} (`uname -m`, `nproc`), with:

```sh
.venv/bin/python {shlex.join(sys.argv)}
```

The script makes a PostgreSQL cluster of its own (the shared server is never touched), loads the
real data, and starts gunicorn with 2 workers on production settings, with Redis as the cache.
Three visitors who saved a program to their shortlist ask for a guide, a listing and a program
page without pause. They have a session, so every page they get needs the database. A fourth
visitor without cookies asks for the program page, which is in the page cache. Then the script
stops PostgreSQL (`pg_ctl stop -m immediate`, like a crash), waits {OUTAGE_SECONDS} seconds and
starts it again. It never restarts gunicorn.

## Result: {"every check passed" if ok else "SOME CHECKS FAILED"}

```text
{output}
```

## What the checks show

- **Pages that need the database answer 503, never 500.** The error reaches
  `DatabaseUnavailableMiddleware`, which renders the maintenance page with `Retry-After: 60`. If
  the visitor's session can't be read either (sessions are kept in the database), the page is
  rendered without it.
- **Cached pages still answer 200.** A visitor without a session gets whole pages from the page
  cache in Redis. Serving them runs no SQL, so they work while PostgreSQL is down. The CSRF token
  on a cached page is new for each visitor, so its form can still be sent.
- **/healthz says 503** with `"database": "unavailable (OperationalError)"`, so a load balancer
  can see the outage.
- **A correction sent during the outage is never acknowledged and lost.** The answer is a 503
  that says "What you just sent was not saved" and shows back the text the visitor typed, in
  read-only boxes they can copy from. Passwords, tokens and the spam trap field are never shown.
  The database has no copy, and the page never says it was received.
- **The site recovers by itself.** A connection that failed is closed at the end of its
  request (Django closes a connection that had errors and no longer answers). The next request
  opens a new one, which works as soon as PostgreSQL is back. `CONN_HEALTH_CHECKS = True` makes
  Django test a kept connection before it reuses it, so a connection that died while idle is
  replaced instead of failing a request. The same gunicorn workers keep running throughout.
- **A correction sent after recovery is stored** (302 to the thanks page, and the row is in the
  database).

What is cached: whole public pages (home, guides, listings, programs, schools, certifications)
for visitors without a session, for `PAGE_CACHE_SECONDS` (10 minutes by default). A page that was
not cached, or whose copy expires during a long outage, answers 503. Rate-limit counters are in
Redis too. Pages for visitors with a session, search, forms and the admin always need the
database.
""")
    say(f"Wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
