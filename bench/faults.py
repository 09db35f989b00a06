"""Three faults under a running site: PostgreSQL stops, Redis stops, the mail server is down.

Builds its own throwaway PostgreSQL cluster (never the shared server) with the real data, and
for each fault starts gunicorn on production settings (2 workers) against it, configured for
that fault, then checks what visitors see and that nothing they sent is lost:

1. PostgreSQL stops under load and comes back (Redis database 5 as the cache):
   - pages that need the database answer 503 with the maintenance page and Retry-After, never
     500; a page in the page cache still answers 200 from the cache; /healthz reports the outage;
   - a correction sent during the outage gets a 503 saying it was not saved, with its text shown
     back, and is not stored;
   - when PostgreSQL is back the same gunicorn workers answer 200 within seconds, and a correction
     sent then is stored.
2. Redis stops under load and comes back (a redis-server of the script's own, nothing saved):
   - every page still answers 200, made instead of served from the page cache, never 500;
     /healthz answers 503 naming the cache;
   - a correction sent meanwhile is stored (302 to the thanks page), a request to represent a
     school gets the usual "Check your email" page, and the corrections rate limit still refuses
     (429 with Retry-After, the text shown back), counted per process;
   - when Redis is back the page cache works again (a miss, then a hit) and /healthz answers 200,
     without restarting gunicorn.
3. The mail server is down (SMTP to a port where nothing listens):
   - a request to represent a school answers 200 with the same page whether or not the address
     qualifies for a sign-in link, never 500; the link's email is kept queued with its error;
   - once a mail server (a small SMTP sink of the script's own) listens, `manage.py
     send_queued_email` sends it, its body is erased, and the link signs the representative in.

Usage, from the repository root (PostgreSQL and redis-server installed, run as root, Redis
running):

    .venv/bin/python bench/faults.py [--write docs/faults.md]

Exit status 0 when every check passes. Standard library only; everything it starts it stops.
"""

import argparse
import datetime
import email
import email.policy
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
import socketserver
import statistics
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
CHECK_EMAIL = "Check your email"
GUIDE = "/careers/medical-assistant/"
LISTING = "/programs/?career=medical-assistant&state=il"
OUTAGE_SECONDS = 6
RECOVERY_LIMIT = 5  # seconds from PostgreSQL (or Redis) accepting connections to pages answering
CACHE_OUTAGE_LIMIT = "5/h"  # CORRECTIONS_RATE_LIMIT while Redis is down: reached in a few notes
LINK = re.compile(r"https?://\S+?(/schools/represent/[^/\s]+/)")

lines = []
sections = []  # (title, index in lines where its output starts)


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def section(title):
    sections.append((title, len(lines)))
    say(f"== {title} ==")


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


class RedisServer:
    """A redis-server of our own on a free port, keeping nothing on disk: stopped, it comes back
    empty, as a Redis that crashed without persistence does."""

    def __init__(self, root):
        if not shutil.which("redis-server"):
            sys.exit("redis-server is not installed (apt-get install -y redis-server)")
        self.root = root
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    if s.recv(100) == b"+PONG\r\n":
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self):
        """SIGKILL, like a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class SMTPSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend: each message is kept, none goes anywhere."""

    def reply(self, text):
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self.reply("220 faults sink ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            address = re.search(r"<([^>]*)>", command)
            if verb in ("EHLO", "HELO"):
                self.reply("250 faults sink")
            elif verb == "MAIL":
                sender, recipients = address.group(1) if address else "", []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(address.group(1) if address else "")
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(line[1:] if line.startswith(b".") else line)  # dot-unstuffing
                self.server.messages.append((sender, recipients, b"".join(data)))
                self.reply("250 OK kept")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 Command not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    """A mail server of our own on `port`, keeping (sender, recipients, message) in `messages`."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port):
        super().__init__(("127.0.0.1", port), SMTPSession)
        self.messages = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


def start_gunicorn(env):
    """gunicorn with 2 workers on a free port, once it answers /healthz (whatever it says)."""
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
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.5)
    return server, port


def stop_gunicorn(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def sql_text(text):
    return "'" + text.replace("'", "''") + "'"


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


def save_to_shortlist(browser, program_url):
    """Save a program to the visitor's shortlist, which gives them a session."""
    browser.request(program_url)  # the visitor is on the program's page
    browser.request("/shortlist/update/", {
        "program": program_url.split("/")[2],
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


POSTGRES_COLUMNS = [("uncached 200", "uncached", 200), ("uncached 503", "uncached", 503),
                    ("cached 200", "cached", 200)]  # fmt: skip
REDIS_COLUMNS = [("uncached 200", "uncached", 200), ("cache hit 200", "cached", 200),
                 ("cache miss 200", "cached (miss)", 200)]  # fmt: skip


def timeline_table(load, events, columns):
    """Answers per second in `columns` (heading, kind, status); "other" counts the rest."""
    say("Second by second (answers finished in that second; uncached = visitors with a session):")
    say("t (s)  " + "  ".join(heading for heading, _, _ in columns) + "  other  event")
    last = int(max(r[1] for r in load.results)) + 1
    for second in range(last):
        rows = [r for r in load.results if second <= r[1] < second + 1]
        count = Counter((r[2], r[4]) for r in rows)
        cells = [count[kind, status] for _, kind, status in columns]
        happened = "; ".join(text for at, text in events if second <= at < second + 1)
        row = "  ".join(f"{n:>{len(c[0])}}" for n, c in zip(cells, columns, strict=True))
        say(f"{second:>5}  {row}  {len(rows) - sum(cells):>5}  {happened}".rstrip())


def postgres_down(cluster, port, program_url, program_id, server):
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
        "page_url": program_url,
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
    note = {**note, "proposed_value": kept_text}
    kept_status, kept_headers, _ = sender.request("/corrections/", note)
    event(f"correction sent after the outage: {kept_status} to {kept_headers.get('Location')}")
    load.stop()
    event("load stopped")
    workers_after = gunicorn_workers(server.pid)

    say()
    timeline_table(load, events, POSTGRES_COLUMNS)
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
    return results


def median_ms(rows):
    return f"{statistics.median(r[1] - r[0] for r in rows) * 1000:.0f} ms" if rows else "none"


def redis_down(cluster, redis, port, program_url, program_id, school, server):
    results, events = [], []
    load = Load(port, program_url)
    unitid, slug, _ = school
    represent = f"/schools/{unitid}/{slug}/represent/"
    limit = int(CACHE_OUTAGE_LIMIT.split("/")[0])

    def event(text):
        events.append((load.now(), text))
        say(f"  {load.now():6.2f}s  {text}")

    say("Timeline:")
    first = Browser(port).request(program_url)[1].get("X-Page-Cache")
    second = Browser(port).request(program_url)[1].get("X-Page-Cache")
    event(f"warmed {program_url} in the page cache (X-Page-Cache: {first}, then {second})")
    workers_before = gunicorn_workers(server.pid)

    load.start()
    time.sleep(3)
    event("load running: 3 visitors with a session, 1 without cookies")
    before = Counter((r[2], r[4]) for r in load.results)

    redis.stop()
    stopped = load.now()
    event(f"Redis stopped (SIGKILL to redis-server on port {redis.port})")
    time.sleep(1)

    health = Browser(port).request("/healthz")
    event(f"/healthz: {health[0]} {json.loads(health[2])}")

    # A visitor reads the program page (made for them now, with a fresh CSRF token) and sends a
    # correction; then a representative asks for a sign-in link.
    sender = Browser(port)
    _, _, page = sender.request(program_url)
    kept_text = f"Tuition is $4,100 a year, cache outage note {secrets.token_hex(4)}"
    note = {
        "page_url": program_url,
        "target": f"program:{program_id}", "target_field": "", "field": "Tuition",
        "proposed_value": kept_text, "evidence": "the school's 2025 catalog", "website": "",
    }  # fmt: skip
    kept_status, kept_headers, _ = sender.request("/corrections/", note)
    event(f"correction sent while Redis is down: {kept_status} to {kept_headers.get('Location')}")
    visitor = Browser(port)
    _, _, page = visitor.request(represent)
    address = f"visitor-{secrets.token_hex(4)}@example.org"
    asked = visitor.request(represent, {"email": address})
    event(f"asked to represent school {unitid} as {address}: {asked[0]}")

    # The same client goes on sending notes: the first `limit` are accepted by whichever
    # worker takes them, and by note 2 * limit + 1 one worker has counted past its limit.
    answers, refused = [kept_status], None
    while len(answers) < 2 * limit + 1 and refused is None:
        text = f"Tuition is $4,1{len(answers):02} a year, note {secrets.token_hex(4)}"
        status, headers, page = sender.request("/corrections/", {**note, "proposed_value": text})
        answers.append(status)
        if status == 429:
            refused = (text, headers.get("Retry-After"), html.escape(text, quote=True) in page)
    event(f"{len(answers)} corrections sent from one client in all: "
          f"{', '.join(str(a) for a in answers)}")  # fmt: skip

    time.sleep(max(0, stopped + OUTAGE_SECONDS - load.now()))
    restarting = load.now()
    redis.start()
    back = load.now()
    event(f"Redis started again on port {redis.port} (empty)")

    recovered = None
    while load.now() < back + 15:
        if Browser(port).request("/healthz")[0] == 200:
            recovered = load.now()
            break
        time.sleep(0.1)
    if recovered is not None:
        event(f"/healthz answered 200, {recovered - back:.2f}s after Redis was up")
    time.sleep(2)
    # A page nobody asked for without cookies since Redis came back: made, then from the cache.
    after = [Browser(port).request(GUIDE)[1].get("X-Page-Cache") for _ in range(2)]
    event(f"asked twice for {GUIDE} without cookies: X-Page-Cache: {after[0]}, then {after[1]}")
    health_after = Browser(port).request("/healthz")
    load.stop()
    event("load stopped")
    workers_after = gunicorn_workers(server.pid)

    say()
    timeline_table(load, events, REDIS_COLUMNS)
    say()
    outage = [r for r in load.results if r[0] >= stopped + 0.2 and r[1] <= restarting]
    calm = [r for r in load.results if r[1] <= stopped]
    times = {
        (when, who): median_ms([r for r in rows if r[2].startswith(who)])
        for when, rows in (("before", calm), ("down", outage))
        for who in ("uncached", "cached")
    }
    say(f"Median answer time, before / while Redis was down: visitors with a session "
        f"{times['before', 'uncached']} / {times['down', 'uncached']}, without cookies "
        f"{times['before', 'cached']} / {times['down', 'cached']}")  # fmt: skip
    say()
    say("Checks:")
    everything = statuses(load.results)
    check(results, "warmed page: a miss, then a hit from the page cache",
          (first, second) == ("miss", "hit"), f"{first}, {second}")  # fmt: skip
    check(results, "before Redis stopped every page answered 200, cookie-less ones from the cache",
          bool(before) and set(before) <= {("uncached", 200), ("cached", 200)},
          dict(before))  # fmt: skip
    during = Counter((r[2], r[4]) for r in outage)
    check(results, "while Redis was down every page answered 200, made instead of served from "
          "the page cache", bool(outage) and set(during) == {("uncached", 200),
          ("cached (miss)", 200)}, dict(during))  # fmt: skip
    health_body = json.loads(health[2])
    check(results, "/healthz answered 503 and named the cache",
          health[0] == 503 and health_body.get("cache", "ok") != "ok"
          and health_body.get("database") == "ok", f"{health[0]} {health_body}")  # fmt: skip
    stored = {
        text: cluster.psql(
            f"SELECT count(*) FROM programs_correction WHERE proposed_value = {sql_text(text)}"
        )
        for text in [kept_text] + ([refused[0]] if refused else [])
    }
    check(results, "a correction sent while Redis was down: 302 to thanks, and stored",
          kept_status == 302 and "/corrections/thanks/" in (kept_headers.get("Location") or "")
          and stored[kept_text] == "1", f"{kept_status}, {stored[kept_text]} row")  # fmt: skip
    requests = cluster.psql(
        f"SELECT count(*) FROM programs_accessrequest WHERE email = {sql_text(address)}"
    )
    check(results, f"a request to represent a school while Redis was down: 200, \"{CHECK_EMAIL}\"",
          asked[0] == 200 and CHECK_EMAIL in asked[2] and requests == "1",
          f"{asked[0]}, '{CHECK_EMAIL}' shown: {CHECK_EMAIL in asked[2]}, access request rows: "
          f"{requests}")  # fmt: skip
    accepted = answers[: answers.index(429)] if 429 in answers else answers
    check(results, f"the corrections rate limit ({CACHE_OUTAGE_LIMIT}, counted per worker while "
          "Redis was down) still refused: 429 with Retry-After, text kept, not stored",
          refused is not None and limit <= len(accepted) <= 2 * limit
          and set(accepted) == {302} and (refused[1] or "").isdigit() and refused[2]
          and stored[refused[0]] == "0",
          f"{len(accepted)} accepted, then "
          + (f"429 with Retry-After: {refused[1]}, text shown back: {refused[2]}, "
             f"{stored[refused[0]]} rows" if refused else "never refused"))  # fmt: skip
    check(results, f"/healthz answered 200 within {RECOVERY_LIMIT}s of Redis starting again, "
          "without restarting gunicorn", recovered is not None
          and recovered - back <= RECOVERY_LIMIT and health_after[0] == 200
          and workers_before == workers_after and len(workers_after) == 2,
          f"{'never' if recovered is None else f'{recovered - back:.2f}s'}; workers "
          f"{' '.join(workers_before)} before, {' '.join(workers_after)} after")  # fmt: skip
    check(results, "the page cache works again: a miss, then a hit",
          after == ["miss", "hit"], ", ".join(str(a) for a in after))  # fmt: skip
    check(results, "no 500 (nor any answer but 200) at any time",
          set(everything) == {200}, dict(everything))  # fmt: skip
    say()
    say(f"{sum(results)} of {len(results)} checks passed; {len(load.results)} requests in "
        f"{load.now():.0f}s")  # fmt: skip
    return results


def mail_down(cluster, port, school, env, mail_port):
    results, answered = [], []
    unitid, slug, domain = school
    represent = f"/schools/{unitid}/{slug}/represent/"
    started = time.monotonic()

    def step(text):
        say(f"  {time.monotonic() - started:6.2f}s  {text}")

    def request(browser, path, data=None):
        answer = browser.request(path, data)
        answered.append(answer[0])
        return answer

    say("Timeline:")
    qualifying = f"admissions-{secrets.token_hex(3)}@{domain}"
    other = f"admissions-{secrets.token_hex(3)}@example.org"
    pages = {}
    for address in (qualifying, other):
        browser = Browser(port)
        _, _, page = request(browser, represent)
        asked = time.monotonic()
        form = {"email": address}
        status, _, page = request(browser, represent, form)
        pages[address] = (status, page)
        step(f"asked to represent school {unitid} as {address}: {status} in "
             f"{time.monotonic() - asked:.2f}s")  # fmt: skip

    # The email is tried once the response has gone out: wait for that try to be recorded.
    row = f'core_outgoingemail WHERE "to" = {sql_text(qualifying)}'
    queued = []
    for _ in range(100):
        queued = cluster.psql(f"SELECT status, attempts, last_error FROM {row}").split("|", 2)
        if len(queued) == 3 and queued[1] != "0":
            break
        time.sleep(0.1)
    wait = cluster.psql(f"SELECT round(extract(epoch FROM next_attempt_at - now())) FROM {row}")
    step(f"the sign-in email in core_outgoingemail: {'|'.join(queued)}; next try in {wait}s")
    requests = cluster.psql(
        f"SELECT count(*) FROM programs_accessrequest WHERE email = {sql_text(other)}"
    )
    other_emails = cluster.psql(f'SELECT count(*) FROM core_outgoingemail WHERE "to" = '
                                f"{sql_text(other)}")  # fmt: skip

    sink = SMTPSink(mail_port)
    try:
        step(f"a mail server (the script's SMTP sink) listens on port {mail_port}")
        cluster.psql(f"UPDATE {row.replace(' WHERE', ' SET next_attempt_at = now() WHERE')}")
        printed = manage(env, "send_queued_email").strip()
        step(f"manage.py send_queued_email: {printed}")
    finally:
        sink.stop()
    received = [
        email.message_from_bytes(data, policy=email.policy.default)
        for _, recipients, data in sink.messages
        if qualifying in recipients
    ]
    body = received[0].get_body(("plain",)).get_content() if received else ""
    link = LINK.search(body)
    step(f"the sink received {len(sink.messages)} message(s); "
         f"link: {link.group(1)[:40] + '…' if link else 'none'}")  # fmt: skip
    sent = cluster.psql(f"SELECT status, body FROM {row}")

    rep = Browser(port)
    opened = continued = home = None
    if link:
        opened = request(rep, link.group(1))
        continued = request(rep, link.group(1), {})
        step(f"opened the link ({opened[0]}), pressed Continue: {continued[0]} to "
             f"{continued[1].get('Location')}")  # fmt: skip
        if continued[0] == 302:
            home = request(rep, continued[1].get("Location"))
            step(f"{continued[1].get('Location')}: {home[0]}")

    say()
    say("Checks:")

    def same_page(address):
        status, page = pages[address]
        page = page.replace(html.escape(address, quote=True), "ADDRESS")
        return status, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", page)

    one, two = same_page(qualifying), same_page(other)
    check(results, f"both requests answered 200 with the same \"{CHECK_EMAIL}\" page (addresses "
          "and CSRF tokens taken out)", one == two and one[0] == 200 and CHECK_EMAIL in one[1],
          f"{one[0]} and {two[0]}, same page: {one[1] == two[1]}")  # fmt: skip
    check(results, "no 500 (nor any answer but 200 or 302) at any time",
          set(answered) <= {200, 302}, dict(Counter(answered)))  # fmt: skip
    check(results, "the sign-in email was kept: queued, tried, with its error",
          len(queued) == 3 and queued[0] == "queued" and int(queued[1] or 0) >= 1
          and queued[2] != "", " | ".join(queued))  # fmt: skip
    check(results, "the other address made an access request instead, and no email",
          requests == "1" and other_emails == "0",
          f"{requests} access request, {other_emails} emails")  # fmt: skip
    check(results, "send_queued_email with the mail server back printed \"1 sent\"",
          printed.startswith("1 sent"), printed)  # fmt: skip
    check(results, "the mail server received the email, with a /schools/represent/…/ link",
          len(received) == 1 and link is not None,
          f"{len(received)} message(s) to {qualifying}")  # fmt: skip
    status, _, stored_body = sent.partition("|")
    check(results, "the row is 'sent' and its body erased",
          status == "sent" and stored_body.startswith("[Erased") and "/schools/represent/"
          not in stored_body, f"{status}: {stored_body[:60]}")  # fmt: skip
    where = f"/school-updates/{unitid}/"
    check(results, f"the link, then Continue, signs the representative in (302 to {where})",
          opened is not None and opened[0] == 200 and continued[0] == 302
          and continued[1].get("Location") == where and home is not None and home[0] == 200,
          "no link" if opened is None else f"{opened[0]}, then {continued[0]} to "
          f"{continued[1].get('Location')}, which answered {home[0] if home else '—'}")  # fmt: skip
    say()
    say(f"{sum(results)} of {len(results)} checks passed")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", metavar="FILE", help="also write the results to FILE (Markdown)")
    arguments = parser.parse_args()

    root = tempfile.mkdtemp(prefix="faults-")
    cluster = Cluster(root)
    redis = RedisServer(root)
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
        # Emails into files in the temporary directory, except where the mail server is the fault.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(Path(root) / "sent-emails"),
    }
    mail_port = free_port()  # nothing listens there until the mail scenario starts its sink
    mail_env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "3",
    }
    server = None
    results = []
    started = time.monotonic()
    try:
        section("Setup")
        say(f"PostgreSQL {cluster.bin.parent.name} cluster of our own on port {cluster.port}")
        cluster.init()
        cluster.start()
        cluster.psql("CREATE DATABASE directory", database="postgres")
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
        # A school whose web domain no other school shares: its addresses get a sign-in link.
        school = tuple(cluster.psql(
            "SELECT unitid, slug, web_domain FROM programs_school s WHERE web_domain <> '' AND "
            "(SELECT count(*) FROM programs_school o WHERE o.web_domain = s.web_domain) = 1 "
            "ORDER BY unitid LIMIT 1"
        ).split("|"))  # fmt: skip
        say(f"Data loaded after {time.monotonic() - started:.0f}s; program {program_url}, school "
            f"{school[0]} ({school[2]}, shared with no other school)")  # fmt: skip

        section("1. PostgreSQL stops under load")
        flush_redis_db()  # the imports moved the content version: start from an empty cache
        server, port = start_gunicorn(env)
        say(f"gunicorn (2 workers, production settings) on port {port}, Redis database "
            f"{REDIS_DB} as the cache")  # fmt: skip
        say()
        results += postgres_down(cluster, port, program_url, program, server)
        stop_gunicorn(server)

        section("2. Redis stops under load")
        redis.start()
        server, port = start_gunicorn({
            **env, "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "CORRECTIONS_RATE_LIMIT": CACHE_OUTAGE_LIMIT,
        })  # fmt: skip
        say(f"gunicorn (2 workers, production settings) on port {port}, a redis-server of our "
            f"own on port {redis.port} as the cache, "
            f"CORRECTIONS_RATE_LIMIT={CACHE_OUTAGE_LIMIT}")  # fmt: skip
        say()
        results += redis_down(cluster, redis, port, program_url, program, school, server)
        stop_gunicorn(server)
        redis.stop()

        section("3. The mail server is down")
        flush_redis_db()
        server, port = start_gunicorn(mail_env)
        say(f"gunicorn (2 workers, production settings) on port {port}, emails by SMTP to "
            f"127.0.0.1:{mail_port} (nothing listens there), EMAIL_TIMEOUT=3")  # fmt: skip
        say()
        results += mail_down(cluster, port, school, mail_env, mail_port)
        stop_gunicorn(server)
    finally:
        if server is not None and server.poll() is None:
            stop_gunicorn(server)
        redis.stop()
        cluster.stop("immediate", check=False)
        shutil.rmtree(root, ignore_errors=True)
        flush_redis_db()
    ok = bool(results) and all(results)
    section("Total")
    say(f"In all: {sum(results)} of {len(results)} checks passed, in "
        f"{time.monotonic() - started:.0f}s")  # fmt: skip
    if arguments.write:
        write(Path(arguments.write), ok, sum(results), len(results))
    return 0 if ok else 1


def output(title):
    """The lines printed under section `title`, without its heading."""
    starts = [at for _, at in sections] + [len(lines)]
    at = [name for name, _ in sections].index(title)
    return "\n".join(lines[starts[at] + 1 : starts[at + 1]]).strip("\n")


def write(path, ok, passed, total):
    uname = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    machine = f"{uname or platform.machine()}, {nproc or os.cpu_count()} CPUs"
    path.write_text(f"""# Faults: PostgreSQL, Redis and the mail server down

Three things the site depends on can fail while visitors use it. Issue 8, item 7: with
PostgreSQL stopped under load, pages answer 503 with the maintenance page (cached pages may
still serve), and when it returns the site recovers without a restart; a submission is either
stored or the visitor is told it was not. Issue 12: with Redis down, pages are made instead of
served from the page cache and public forms still work, rate limits included; with the mail
server down, nobody is told anything different and no email is lost.

Run on {datetime.date.today().isoformat()}, {machine} (`uname -m`, `nproc`), with:

```sh
.venv/bin/python {shlex.join(sys.argv)}
```

The script makes a PostgreSQL cluster of its own (the shared server is never touched) and loads
the real data once. Each fault then gets its own gunicorn with 2 workers on production
settings, because each needs a different configuration: Redis database 5 of the shared Redis as
the cache for the first and third, a redis-server of the script's own for the second, and SMTP
to a port where nothing listens for the third (the others write emails to files). It never
restarts gunicorn during a fault.

```text
{output("Setup")}
```

## Result: {"every check passed" if ok else "SOME CHECKS FAILED"} ({passed} of {total})

## 1. PostgreSQL stops under load

Three visitors who saved a program to their shortlist ask for a guide, a listing and a program
page without pause. They have a session, so every page they get needs the database. A fourth
visitor without cookies asks for the program page, which is in the page cache. Then the script
stops PostgreSQL (`pg_ctl stop -m immediate`, like a crash), waits {OUTAGE_SECONDS} seconds and
starts it again.

```text
{output("1. PostgreSQL stops under load")}
```

What the checks show:

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
not cached, or whose copy expires during a long outage, answers 503. Pages for visitors with a
session, search, forms and the admin always need the database. Rate-limit counters are in Redis
too (section 2 shows what happens without it).

## 2. Redis stops under load

The same load as above, against a gunicorn whose cache is a redis-server of the script's own
(`redis-server --port <free port> --save "" --appendonly no`), so the shared Redis is never
stopped. The script kills that redis-server (SIGKILL, like a crash), sends a correction, asks to
represent a school, then keeps sending corrections from the same client until one is refused.
After {OUTAGE_SECONDS} seconds it starts redis-server again on the same port; with nothing saved,
it comes back empty. `CORRECTIONS_RATE_LIMIT` is {CACHE_OUTAGE_LIMIT} for this gunicorn, so the
limit is reached in a few notes.

```text
{output("2. Redis stops under load")}
```

What the checks show:

- **Every page still answers 200.** The default cache (`core.cache.RedisCache`) answers like
  an empty cache while Redis can't be reached: reads miss and writes are dropped. So a visitor
  without cookies gets the page made for them (`X-Page-Cache: miss`) instead of from the cache,
  and pages that never used the cache don't notice.
- **/healthz says 503** with the cache `unavailable (not storing)` and the database `ok`.
- **Public forms stay open.** Sessions and submissions are in PostgreSQL, so a correction is
  stored (302 to the thanks page) and a request to represent a school gets the usual
  "Check your email" page.
- **Rate limits still hold, per process.** Rate-limit counters use a cache of their own,
  `counters` (`core.cache.CountersCache`), which counts in each worker's local memory while
  Redis is down. One client can then send up to the limit to each worker (here 2 ×
  {CACHE_OUTAGE_LIMIT.split("/")[0]}) before a 429 with `Retry-After`, which shows back the text
  and stores nothing. Those local counts are dropped when Redis is back, where counting starts
  again from zero.
- **The cache comes back by itself.** redis-py opens a new connection on the next call after one
  failed, so the first calls after Redis starts again succeed. The page cache's content version
  was lost with Redis's data; a new one, higher than any before, is made, so a copy a worker
  kept in memory from before the outage is never served again. The same gunicorn workers keep
  running throughout.

What this does not show: here Redis runs on the same machine, so while it is down every
connection is refused at once and each cache call fails within a millisecond. A Redis host that
stops answering altogether (a network fault) would instead make each cache call wait for
redis-py's timeouts, 5 seconds by default (`CACHES` sets no `socket_connect_timeout` or
`socket_timeout`), and a page without cookies makes several cache calls.

## 3. The mail server is down

A gunicorn whose emails go by SMTP to a port where nothing listens (`EMAIL_BACKEND` SMTP,
`EMAIL_HOST=127.0.0.1`, `EMAIL_PORT` free, `EMAIL_USE_TLS=false`, `EMAIL_TIMEOUT=3`). Someone asks
to represent a school twice: once with an address on the school's own web domain, which no other
school shares (it qualifies for a sign-in link), once with another address (it becomes an access
request for editors). Then the script starts an SMTP sink of its own on that port, makes the
kept email due now (the first retry waits a minute) and runs `manage.py send_queued_email`, as
cron would.

```text
{output("3. The mail server is down")}
```

What the checks show:

- **The visitor is told the same thing either way.** Both addresses get the same "Check your
  email" page (once the address and the CSRF token are taken out), and nothing in it says
  whether an email was sent. Every email is stored in `core_outgoingemail` first and sent after
  the response has gone out (`core/mail.py`), so a mail server that can't be reached can't fail
  the request or change its answer. (The answer times in the timeline are one request each,
  not a timing comparison.)
- **No email is lost.** The failed try is recorded on the row (`attempts`, `last_error`) and the
  row stays `queued` with `next_attempt_at` set a minute later, then 2, 4, 8 … minutes, up to 10
  tries.
- **The retry sends it.** Once a mail server answers, `send_queued_email` (cron, every minute)
  sends what is due and prints what it did. The sign-in link's body is erased once sent, so the
  database keeps no usable link, and the link in the email signs the representative in: opening
  it shows a Continue button, and pressing it (a POST, so link scanners can't use it up) leads to
  the school's update pages.

What this does not show: here nothing listens on the mail port, so each try fails at once. A
mail server that accepts the connection and then stalls would keep the gunicorn worker that
answered busy for up to `EMAIL_TIMEOUT` (10 seconds by default) after the response; the visitor
already has their page, and a batch stops at its first failure, so that is one wait per request.
""")
    say(f"Wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
