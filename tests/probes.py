"""The site run in a fresh Python process, for what one test process can't be: production
settings, or a database that can't be reached."""

import json
import os
import subprocess
import sys

from django.conf import settings

# A DATABASE_URL naming a closed port: every connection is refused, as when PostgreSQL is down.
CLOSED_DATABASE = "postgres://postgres@127.0.0.1:1/closed"

REQUESTS = """
import json, sys
import django
django.setup()
from django.test import Client
report = []
for method, path, data, cookies in json.loads(sys.argv[1]):
    client = Client(raise_request_exception=False)
    for name, value in cookies.items():
        client.cookies[name] = value
    response = getattr(client, method)(path, data)
    report.append({
        "status": response.status_code,
        "page": response.content.decode(),
        "retry_after": response.get("Retry-After"),
        "cache_control": response.get("Cache-Control", ""),
    })
print(json.dumps(report))
"""


def run_probe(script, env, *args):
    """Run `script` with `env`; what it printed last, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def during_outage(*requests):
    """Send (method, path, data, cookies) requests to the site while its database is down."""
    env = {**os.environ, "DATABASE_URL": CLOSED_DATABASE}
    return run_probe(REQUESTS, env, json.dumps(requests))
