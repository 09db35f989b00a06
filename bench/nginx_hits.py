"""What nginx does per request to answer a page from its cache, against the same HTML as a static
file: instructions counted by valgrind (callgrind, user space) and system calls counted by
strace, per request.

bench/load.py measures requests a second, and on this machine kind's two shared cores one run to
the next moves its nginx rows by about ten points: a few points between nginx's cache and its
static file are lost in that noise there. Counts are not: the same binary, config and requests
give the same instructions whatever else the machine is doing. The kernel's share (the network
calls) is not in the instructions; it shows as system calls per request.

Each page of bench/load.py (its HTML saved as a static file, as there), plain and gzipped, is
answered three ways by nginx with the production config (bench/nginx.conf.template, one process):
- static: the file under /static/, the ceiling bench/load.py measures against;
- cached: from nginx's cache, stored with the headers the app sends (recorded from gunicorn on
  production settings, so every count stores the same bytes);
- cached, bare: from nginx's cache, stored with Content-Type, Content-Length, Content-Encoding and
  Cache-Control only, nginx adding the security headers as it does for /static/: what the cache
  itself costs with this config, whatever the app sent.
A count is the difference between two runs of nginx, one with more requests than the other, so
starting and stopping cancel out. The stored responses are replayed by a small upstream in this
process.

Usage, from the repository root (PostgreSQL and Redis running; apt-get install nginx valgrind
strace), about 5 minutes:

    .venv/bin/python bench/nginx_hits.py --write docs/performance.md
"""

import argparse
import contextlib
import getpass
import http.client
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from load import (  # bench/ is not a package: its folder is on sys.path
    ACCEPT_GZIP,
    NGINX,
    PAGES,
    PYTHON,
    REAL_DATA,
    REAL_DB,
    REAL_REDIS_DB,
    REPO,
    Server,
    build_database,
    fetch,
    free_port,
    nginx_config,
    run,
    save_ceilings,
    say,
    site_env,
    write_between,
)

START, END = "<!-- nginx-hits:start -->", "<!-- nginx-hits:end -->"
ENCODINGS = {"plain": {}, "gzip": ACCEPT_GZIP}
WAYS = ("static", "cached", "cached, bare")
PREFIX = {"cached": "/bench-app", "cached, bare": "/bench-bare"}  # in front of the page's path
BARE = ("Content-Type", "Content-Length", "Content-Encoding", "Cache-Control")
FORWARDED = {"X-Forwarded-Proto": "https"}  # as bench/load.py and the load balancer send


def recorded_responses():
    """(path, encoding) -> the raw response the replaying upstream sends, for both prefixes."""
    save_ceilings()
    server = Server(REAL_DB, REAL_REDIS_DB)
    try:
        responses = {}
        for path in PAGES.values():
            for encoding, headers in ENCODINGS.items():
                fetch(server.url(path), headers)  # the second answer comes from the page cache
                status, received, body = fetch(server.url(path), headers)
                if status != 200:
                    sys.exit(f"{path} answered {status}")
                stored = {
                    "cached": received.items(),
                    "cached, bare": [(k, v) for k, v in received.items() if k in BARE],
                }
                for way, lines in stored.items():
                    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines)
                    responses[PREFIX[way] + path, encoding] = (head + "\r\n").encode() + body
        return responses
    finally:
        server.stop()


class Replay(socketserver.ThreadingTCPServer):
    """An upstream answering each recorded path with its recorded bytes, keep-alive."""

    daemon_threads = allow_reuse_address = True

    def __init__(self, responses):
        self.responses = responses
        super().__init__(("127.0.0.1", 0), ReplayHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class ReplayHandler(socketserver.StreamRequestHandler):
    def handle(self):
        while request_line := self.rfile.readline():
            encoding = "plain"
            while (line := self.rfile.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"accept-encoding" and b"gzip" in value:
                    encoding = "gzip"
            path = request_line.split()[1].decode()
            self.wfile.write(
                self.server.responses.get((path, encoding))
                or b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nCache-Control: no-store\r\n\r\nok"
            )


def config(values):
    """The production config as one process, with a location for the bare responses: the app's
    location with the security headers the /static/ location adds."""
    text = nginx_config(values).replace("worker_processes auto;", "master_process off;")
    app = "        location / {"
    if "master_process off;" not in text or app not in text:
        sys.exit("bench/nginx.conf.template changed: update bench/nginx_hits.py's config()")
    static = text.split("location /static/ {", 1)[1].split("}", 1)[0]
    security = [line for line in static.splitlines() if "add_header" in line
                and "Cache-Control" not in line]  # fmt: skip
    app_block = text.split(app, 1)[1].split("        }", 1)[0]
    bare = f"        location {PREFIX['cached, bare']}/ {{{app_block}" + "\n".join(security)
    return text.replace(app, bare + "\n        }\n\n" + app, 1)


def nginx_run(tool, upstream, path, headers, count):
    """nginx under `tool`, asked `path` `count` times on one connection after it is stored."""
    prefix = tempfile.mkdtemp(prefix="bench-nginx-hits-")
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as out:
        out.write(config({
            "USER": getpass.getuser(), "RUN": prefix, "LOG": prefix, "TEMP": prefix,
            "CACHE": os.path.join(prefix, "cache"), "LISTEN": f"127.0.0.1:{port}",
            "APP": f"127.0.0.1:{upstream.server_address[1]}",
            "STATIC_ROOT": str(REPO / "staticfiles"),
        }))  # fmt: skip
    process = subprocess.Popen(
        [*tool, NGINX, "-p", f"{prefix}/", "-c", conf, "-g", "daemon off;"],
        cwd=prefix, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        connection = connect(port, process)
        sent = {**FORWARDED, **headers}
        for number in range(3 + count):  # stored, then a HIT, then counted
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            response.read()
            status = response.status, response.getheader("X-Cache-Status")
            if number == 2 and status != (200, None if path.startswith("/static/") else "HIT"):
                sys.exit(f"{path} answered {status}, not from nginx's cache")
        connection.close()
        stop(process, int(open(os.path.join(prefix, "nginx.pid")).read()))  # noqa: SIM115
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(prefix, ignore_errors=True)


def stop(process, nginx):
    """SIGTERM to nginx (under strace, not strace's own pid) until the tool exits: under
    valgrind a signal that arrives just as nginx goes back to wait for events can be left
    pending."""
    for _ in range(120):
        with contextlib.suppress(ProcessLookupError):
            os.kill(nginx, 15)
        try:
            return process.wait(1)
        except subprocess.TimeoutExpired:
            pass
    sys.exit("nginx did not stop")


def connect(port, process):
    for _ in range(600):  # valgrind starts nginx slowly
        if process.poll() is not None:
            sys.exit(f"nginx exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", "/static/bench-ceiling/search.html")
            connection.getresponse().read()
            return connection
        except OSError:
            time.sleep(0.1)
    sys.exit("nginx did not start")


def instructions(upstream, path, headers, count):
    """Instructions in total and by function for one nginx run."""
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        nginx_run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}"],
                  upstream, path, headers, count)  # fmt: skip
        listing = run(["callgrind_annotate", "--threshold=100", out.name])
    functions = Counter()
    for count_text, name in re.findall(r"^\s*([\d,]+) \([\s\d.]+%\)\s+(\S+)", listing, re.M):
        functions[name.split(":")[-1]] += int(count_text.replace(",", ""))
    total = functions.pop("PROGRAM", None) or sum(functions.values())
    return total, functions


def system_calls(upstream, path, headers, count):
    with tempfile.NamedTemporaryFile(suffix=".strace") as out:
        nginx_run(["strace", "-f", "-c", "-o", out.name], upstream, path, headers, count)
        summary = open(out.name).read()  # noqa: SIM115
    return int(re.search(r"^\s*100\.00\s+\S+\s+\S+\s+(\d+)", summary, re.M)[1])


def per_request(upstream, path, headers, fewer, more):
    low, low_functions = instructions(upstream, path, headers, fewer)
    high, high_functions = instructions(upstream, path, headers, more)
    calls = [system_calls(upstream, path, headers, count) for count in (fewer, more)]
    spread = more - fewer
    functions = {name: (high_functions[name] - low_functions[name]) / spread
                 for name in high_functions}  # fmt: skip
    return (high - low) / spread, (calls[1] - calls[0]) / spread, functions


def header_size(response):
    head = response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    return len(head), sum(len(line) + 2 for line in head)


def measure(args):
    build_database(REAL_DB, REAL_DATA, args.reuse_databases)
    responses = recorded_responses()
    upstream = Replay(responses)
    rows, functions = {}, {}
    for name, path in PAGES.items():
        for encoding, headers in ENCODINGS.items():
            for way in WAYS:
                url = PREFIX[way] + path if way in PREFIX else f"/static/bench-ceiling/{name}.html"
                rows[name, encoding, way] = per_request(upstream, url, headers, args.requests,
                                                        args.requests * 3)  # fmt: skip
                ins, calls, functions[name, encoding, way] = rows[name, encoding, way]
                say(f"  {name:8} {encoding:5} {way:13} {ins:8,.0f} instructions "
                    f"{calls:4.1f} system calls a request")  # fmt: skip
    upstream.shutdown()
    sizes = {way: header_size(responses[PREFIX[way] + PAGES["search"], "plain"]) for way in PREFIX}
    return rows, functions, sizes


def render(args, rows, functions, sizes):
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.split("/")[-1]
    valgrind = run(["valgrind", "--version"]).strip()
    lines = [
        START,
        "### nginx per request: its cache against a static file, counted",
        "",
        f"`bench/nginx_hits.py`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nginx {version.strip()}, "
        f"{valgrind}, the production config as one process. Instructions a request in nginx "
        "(user space, callgrind) and system calls a request (strace), each the difference "
        f"between a run of {args.requests} requests on one connection and one of "
        f"{args.requests * 3}, divided; in brackets, against the static file.",
        "",
        "| page | static file | cached, the app's headers | cached, bare headers |",
        "|---|---|---|---|",
    ]
    for name in PAGES:
        for encoding in ENCODINGS:
            static = rows[name, encoding, "static"][0]
            cells = [
                f"{ins:,.0f} ({ins / static:.1f}×), {calls:.0f} calls"
                for ins, calls, _ in (rows[name, encoding, way] for way in WAYS)
            ]
            lines.append(f"| {name}, {encoding} | " + " | ".join(cells) + " |")
    (app_lines, app_bytes), (bare_lines, bare_bytes) = sizes["cached"], sizes["cached, bare"]
    extra = Counter(functions["search", "plain", "cached"])
    extra.subtract(functions["search", "plain", "static"])
    named = [(name, count) for name, count in extra.most_common() if not name.startswith("0x")]
    top = ", ".join(f"`{name}` {count:,.0f}" for name, count in named[:8])
    total = rows["search", "plain", "cached"][0] - rows["search", "plain", "static"][0]
    lines += [
        "",
        f"Stored headers (search, plain): the app's {app_lines} lines, {app_bytes} bytes "
        f"(gunicorn's Server, Date and Connection among them); bare {bare_lines} lines, "
        f"{bare_bytes} bytes. What the cached search page costs beyond the static file, "
        f"{total:,.0f} instructions a request, by function (named ones; nginx's binary is "
        f"stripped of the rest): {top}.",
        END,
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="the smaller run's requests")
    parser.add_argument("--reuse-databases", action="store_true",
                        help="keep bench_real if it exists (as bench/load.py's)")  # fmt: skip
    parser.add_argument("--write", type=Path, help="put the table in this Markdown file")
    args = parser.parse_args()
    for tool in ("valgrind", "strace", "callgrind_annotate", NGINX):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install nginx valgrind strace")
    static = [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"]
    run(static, site_env(REAL_DB, REAL_REDIS_DB))
    report = render(args, *measure(args))
    say(report)
    if args.write:
        write_between(args.write, report, START, END)


if __name__ == "__main__":
    main()
