"""Two app servers, one PostgreSQL, one Redis: what one server does, the other sees.

Builds a throwaway PostgreSQL database with the real data, starts two gunicorn instances on
production settings sharing it and Redis, and checks across them that:

1. a correction sent through server A appears in the admin through server B;
2. the corrections rate limit counts requests to both servers together;
3. a shortlist saved through A is seen through B;
4. an edit through B (applying that correction in the admin) is fresh at once through A, whose
   copy of the page was cached.

Usage, from the repository root (PostgreSQL and Redis running locally):

    .venv/bin/python bench/two_servers.py

Exit status 0 when every check passes. Standard library only; everything it starts it stops.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True
    )


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Browser:
    """Just enough of a browser: cookies kept by hand (they are Secure, we speak plain HTTP
    behind a pretend HTTPS proxy) and the Origin header Django's CSRF check expects."""

    def __init__(self):
        self.cookies = {}

    def request(self, server, path, data=None):
        url = f"http://127.0.0.1:{server}{path}"
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://127.0.0.1:{server}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read().decode()

    def token(self, server, path):
        _, _, page = self.request(server, path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(label, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'}  {label}{f'  ({detail})' if detail else ''}")
    return ok


def run_checks(a, b, program):
    results = []
    visitor = Browser()
    token = visitor.token(a, program["url"])
    status, _, _ = visitor.request(a, "/corrections/", {
        "csrfmiddlewaretoken": token, "page_url": program["url"],
        "target": f"program:{program['id']}", "target_field": "tuition_and_fees",
        "proposed_value": "12345", "evidence": "two-server check",
    })  # fmt: skip
    editor = Browser()
    token = editor.token(b, "/admin/login/")
    editor.request(b, "/admin/login/", {
        "csrfmiddlewaretoken": token, "username": "editor", "password": "two-servers-check",
        "next": "/admin/",
    })  # fmt: skip
    _, _, queue = editor.request(b, "/admin/programs/correction/")
    results.append(check("1. correction sent through A is in the admin through B",
                         status == 302 and "12345" in queue,
                         f"POST {status}"))  # fmt: skip

    limited = Browser()
    statuses = []
    for n in range(4):
        server = (a, b)[n % 2]
        token = limited.token(server, "/corrections/")
        statuses.append(limited.request(server, "/corrections/", {
            "csrfmiddlewaretoken": token, "page_url": "/", "field": f"note {n}",
            "proposed_value": "x",
        })[0])  # fmt: skip
    # Check 1 already sent one note from this address (through A): two more are allowed, then
    # both servers refuse, whichever one is asked.
    results.append(check("2. the rate limit (3 an hour) counts both servers together",
                         statuses == [302, 302, 429, 429], f"statuses {statuses}"))  # fmt: skip

    saver = Browser()
    token = saver.token(a, program["url"])
    saver.request(a, "/shortlist/update/", {
        "csrfmiddlewaretoken": token, "program": program["id"], "action": "add", "next": "/",
    })  # fmt: skip
    _, _, shortlist = saver.request(b, "/shortlist/")
    results.append(check("3. a shortlist saved through A is seen through B",
                         program["school"] in shortlist))  # fmt: skip

    stranger = Browser()
    stranger.request(a, program["url"])
    _, headers, _ = stranger.request(a, program["url"])
    cached = headers.get("X-Page-Cache") == "hit"
    correction = re.search(r'href="/admin/programs/correction/(\d+)/change/', queue).group(1)
    token = editor.token(b, "/admin/programs/correction/")
    editor.request(b, "/admin/programs/correction/", {
        "csrfmiddlewaretoken": token, "action": "apply", "_selected_action": correction,
    })  # fmt: skip
    _, headers, page = Browser().request(a, program["url"])
    detail = f"cached before: {cached}, after: {headers.get('X-Page-Cache')}"
    results.append(check("4. an edit through B is fresh at once through A's cached page",
                         cached and "$12,345" in page, detail))  # fmt: skip
    return all(results)


def main():
    database = f"two_servers_{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "directory.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS,
        "CORRECTIONS_RATE_LIMIT": "3/h",
        "LOG_LEVEL": "WARNING",
    }
    servers = []
    psql(f'CREATE DATABASE "{database}"')
    try:
        print("Loading the real data into a throwaway database…", flush=True)
        manage(env, "migrate", "--noinput")
        for command in ("seed_content", "import_bls", "import_zips"):
            manage(env, command)
        manage(env, "import_ipeds", "--noinput")
        manage(env, "collectstatic", "--noinput")
        found = manage(env, "shell", "-c", (
            "import json; from django.contrib.auth.models import User; "
            "from django.core.cache import cache; cache.clear(); "
            "User.objects.create_superuser('editor', 'e@example.org', 'two-servers-check'); "
            "from programs.models import Program; "
            "p = Program.objects.published().exclude(tuition_and_fees=None).order_by('pk')[0]; "
            "print(json.dumps({'id': p.pk, 'url': p.get_absolute_url(), 'school': p.school.name}))"
        ))  # fmt: skip
        program = json.loads(found.strip().splitlines()[-1])
        ports = [free_port(), free_port()]
        for port in ports:
            servers.append(subprocess.Popen(
                [GUNICORN, "directory.wsgi:application", "--workers", "2", "--bind",
                 f"127.0.0.1:{port}"],
                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
        for port in ports:
            for _ in range(60):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
        print(f"Server A on :{ports[0]}, server B on :{ports[1]}, sharing {database} and Redis")
        return 0 if run_checks(*ports, program) else 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        psql(f'DROP DATABASE IF EXISTS "{database}"')


if __name__ == "__main__":
    sys.exit(main())
