"""Lighthouse scores for the main page types, served the way production serves them.

Builds a throwaway site (production settings, a temporary SQLite database loaded with the real
data from fixtures/, collectstatic, gunicorn with 2 workers on a free local port), runs Lighthouse
(mobile emulation, Debian's Chromium) on each page and prints the four category scores.

Usage, from the repository root:

    .venv/bin/python bench/lighthouse.py                           # all nine pages, print scores
    .venv/bin/python bench/lighthouse.py --write docs/quality.md   # ... and write docs/quality.md

What CI runs (accessibility, best practices and SEO at 100 on these pages):

  .venv/bin/python bench/lighthouse.py \
      --pages guide,listing,home-es,guide-es,listing-es,program-es \
      --gate accessibility,best-practices,seo

Options:
    --pages NAMES   comma-separated subset of: home, guide, listing, program, school, and home-es,
                    guide-es, listing-es, program-es in Spanish (default: all)
    --write PATH    write a Markdown report to PATH
    --keep-json DIR also keep Lighthouse's full JSON report of each page in DIR (as <page>.json)
    --gate CATS     comma-separated categories (accessibility, best-practices, seo) that must score
                    100 on every audited page; exit 1 otherwise. Performance is never gated.

Needs node_modules/ (npm install: lighthouse, pinned in package.json) and /usr/bin/chromium (or
CHROME_PATH). Exit status: 0 on success, 1 when a gated category is below 100, 2 when the site or
Lighthouse could not be run. Standard library only.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
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
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# What other scripts write at the end of the report's file, kept when it is written again.
KEPT_SECTION = "<!-- readability:start -->"
REPORT_COMMAND = ".venv/bin/python bench/lighthouse.py --write docs/quality.md"
GATE_COMMAND = (
    "--pages guide,listing,home-es,guide-es,listing-es,program-es "
    "--gate accessibility,best-practices,seo"
)

CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    " --disable-background-networking --disable-component-update --disable-sync"
    " --no-first-run --disable-quic"
)
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
GATEABLE = ("accessibility", "best-practices", "seo")
# Page name -> fixed path; program and school are looked up in the site's database.
PAGES = {
    "home": "/",
    "guide": "/careers/medical-assistant/",
    "listing": "/programs/?career=medical-assistant&state=ca",
    "program": None,
    "school": None,
    # The same pages in Spanish (issue 17: SEO 100 on the Spanish home, guide, listing, program).
    "home-es": "/es/",
    "guide-es": "/es/careers/medical-assistant/",
    "listing-es": "/es/programs/?career=medical-assistant&state=ca",
    "program-es": None,
}
# collectstatic first: it needs no database, and with the manifest storage anything that calls
# static() while loading the URLconf (which every other command's system checks do) needs it.
SETUP_COMMANDS = (
    ("collectstatic", "--noinput"),
    ("migrate", "--noinput"),
    ("seed_content",),
    ("import_bls",),
    ("import_zips",),
    ("import_ipeds",),
)
DETAIL_URLS_SCRIPT = """
from programs.models import Program
program = (
    Program.objects.published()
    .filter(career__slug="medical-assistant", total_cost__isnull=False)
    .select_related("school")
    .order_by("pk")
    .first()
)
print(program.get_absolute_url())
print(program.school.get_absolute_url())
"""
PERFORMANCE_METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "Speed Index",
}
SERVER_START_TIMEOUT = 30
LIGHTHOUSE_TIMEOUT = 240
LIGHTHOUSE_ATTEMPTS = 3
DETAIL_ITEMS_SHOWN = 5


class BenchError(Exception):
    """The site or Lighthouse could not be run; the message says why."""


# --- the throwaway site -------------------------------------------------------------------------


def site_environment(tmpdir):
    """Production settings on a fresh SQLite file in tmpdir, no HTTPS redirect, local hosts."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="directory.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="False",
        DATABASE_URL=f"sqlite:///{Path(tmpdir) / 'lh.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_manage(env, *args):
    """Run a manage.py command quietly; return its stdout, or raise with its output on failure."""
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def build_site(env):
    for command in SETUP_COMMANDS:
        run_manage(env, *command)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, log_path):
    """Start gunicorn (2 workers) in the background, its output going to log_path."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [
                str(GUNICORN),
                "directory.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until_serving(server, base_url, log_path, timeout=SERVER_START_TIMEOUT):
    """Poll / until it answers 200; raise (with gunicorn's log) on exit or timeout."""
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(
                f"gunicorn exited with {server.returncode}:\n{Path(log_path).read_text()}"
            )
        try:
            with urllib.request.urlopen(base_url + "/", timeout=5) as response:
                if response.status == 200:
                    return
                last_problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last_problem = f"HTTP {error.code}"
        except OSError as error:
            last_problem = str(error)
        time.sleep(0.25)
    raise BenchError(
        f"{base_url}/ did not answer 200 within {timeout} s ({last_problem}):\n"
        f"{Path(log_path).read_text()}"
    )


def stop_server(server):
    """Terminate gunicorn (graceful), then kill it if it has not stopped after 10 s."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def resolve_page_paths(env, names):
    """URL path per page name, asking the site's database for the program and school pages."""
    paths = {name: PAGES[name] for name in names}
    if any(path is None for path in paths.values()):
        lines = run_manage(env, "shell", "-c", DETAIL_URLS_SCRIPT).split()
        if len(lines) < 2 or not all(line.startswith("/") for line in lines[-2:]):
            raise BenchError(f"Could not find a program and school URL in: {lines!r}")
        program_path, school_path = lines[-2:]
        looked_up = {
            "program": program_path,
            "school": school_path,
            "program-es": "/es" + program_path,
        }
        paths = {name: looked_up.get(name, path) for name, path in paths.items()}
    return paths


# --- Lighthouse ---------------------------------------------------------------------------------


def run_lighthouse(url, output_path):
    """Run Lighthouse (default mobile form factor) on url and return the parsed JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output_path}",
        "--only-categories=performance,accessibility,best-practices,seo",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROME_PATH}
    # Own process group, so a hung run can be stopped together with the Chromium it started.
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise BenchError(f"Lighthouse timed out after {LIGHTHOUSE_TIMEOUT} s on {url}") from None
    if process.returncode != 0 or not Path(output_path).exists():
        raise BenchError(f"Lighthouse failed on {url} (exit {process.returncode}):\n{output}")
    report = json.loads(Path(output_path).read_text())
    if report.get("runtimeError"):
        raise BenchError(f"Lighthouse runtime error on {url}: {report['runtimeError']}")
    return report


def run_lighthouse_with_retry(url, output_path, attempts=LIGHTHOUSE_ATTEMPTS):
    """Lighthouse occasionally fails to record a trace (NO_NAVSTART) on a busy machine: retry."""
    for attempt in range(1, attempts + 1):
        try:
            return run_lighthouse(url, output_path)
        except BenchError as error:
            if attempt == attempts:
                raise
            reason = str(error).splitlines()[-1] if str(error) else ""
            print(f"  attempt {attempt} failed, retrying: {reason}", flush=True)
            Path(output_path).unlink(missing_ok=True)
    raise AssertionError("unreachable")


def category_scores(report):
    """Category id -> 0-100 integer (None when Lighthouse could not score it)."""
    scores = {}
    for category_id in CATEGORIES:
        score = report["categories"].get(category_id, {}).get("score")
        scores[category_id] = None if score is None else round(score * 100)
    return scores


def failing_audits(report, category_id):
    """The weighted audits of a category that scored below 1: the reasons it is below 100."""
    failures = []
    for ref in report["categories"].get(category_id, {}).get("auditRefs", []):
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            failures.append(
                {
                    "id": audit["id"],
                    "title": audit["title"],
                    "score": audit["score"],
                    "display_value": audit.get("displayValue", ""),
                    "explanation": audit.get("explanation", ""),
                    "items": detail_items(audit.get("details") or {}),
                }
            )
    return failures


def detail_items(details):
    """Short descriptions of the first few items (failing nodes, URLs, ...) of an audit."""
    items = details.get("items") or []
    if details.get("type") == "list":  # a list of tables: flatten one level
        items = [row for table in items for row in table.get("items", [])]
    described = []
    for item in items:
        text = describe_item(item)
        if text:
            described.append(text)
    shown = described[:DETAIL_ITEMS_SHOWN]
    if len(described) > DETAIL_ITEMS_SHOWN:
        shown.append(f"... and {len(described) - DETAIL_ITEMS_SHOWN} more")
    return shown


def describe_item(item):
    if not isinstance(item, dict):
        return str(item)
    node = item.get("node")
    if isinstance(node, dict) and node.get("type") == "node":
        parts = [node.get("snippet", "")]
        if node.get("selector"):
            parts.append(f"selector: {node['selector']}")
        if node.get("explanation"):
            parts.append(flatten_explanation(node["explanation"]))
        return " | ".join(part for part in parts if part)
    parts = []
    for key, value in item.items():
        if key in ("subItems", "node", "entity") or value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            value = value.get("url") or value.get("value") or value.get("text") or ""
            if not value:
                continue
        parts.append(f"{key}: {value}")
    return "; ".join(str(part) for part in parts)


def flatten_explanation(text):
    """axe's multi-line 'Fix any of the following:' explanation as one line, reasons by ';'."""
    joined = ""
    for line in (line.strip() for line in text.splitlines()):
        if line:
            separator = "" if not joined else " " if joined.endswith(":") else "; "
            joined += separator + line
    return joined


def performance_metrics(report):
    """Metric short name -> Lighthouse's display value (e.g. '1.2 s')."""
    return {
        label: report["audits"].get(audit_id, {}).get("displayValue", "n/a")
        for audit_id, label in PERFORMANCE_METRICS.items()
    }


# --- output -------------------------------------------------------------------------------------


def format_score(score):
    return "n/a" if score is None else str(score)


def print_scores(results):
    header = f"{'page':<9} {'path':<48} " + " ".join(f"{c:>14}" for c in CATEGORIES)
    print(header)
    for result in results:
        cells = " ".join(f"{format_score(result['scores'][c]):>14}" for c in CATEGORIES)
        print(f"{result['name']:<9} {result['path']:<48} {cells}")


def print_failures(results):
    for result in results:
        for category_id in CATEGORIES:
            score = result["scores"][category_id]
            if score is not None and score >= 100:
                continue
            print(f"\n{result['name']} ({result['path']}): {category_id} {format_score(score)}")
            for audit in result["failures"][category_id]:
                shown = f" ({audit['display_value']})" if audit["display_value"] else ""
                print(f"  - {audit['id']}: {audit['title']} [score {audit['score']}]{shown}")
                if audit["explanation"]:
                    print(f"      {audit['explanation']}")
                for item in audit["items"]:
                    print(f"      {item}")


def gate_failures(results, gated):
    """Messages for each (page, category) in the gate that scored below 100."""
    return [
        f"{result['name']}: {category_id} {format_score(result['scores'][category_id])}"
        for result in results
        for category_id in gated
        if result["scores"][category_id] is None or result["scores"][category_id] < 100
    ]


def command_output(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return ""
    return result.stdout


def chromium_version():
    output = command_output([CHROME_PATH, "--version"])
    match = re.search(r"Chromium [\d.]+", output)
    return match.group(0) if match else output.strip() or "unknown"


def machine_description():
    cores = command_output(["nproc"]).strip() or str(os.cpu_count())
    return f"{platform.machine()} (`uname -m`), {cores} cores (`nproc`)"


def code(text, in_table=True):
    """A Markdown code span that survives backticks (and, in a table cell, pipes)."""
    text = " ".join(str(text).split())
    if in_table:
        text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_report(results, lighthouse_version, elapsed):
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Lighthouse quality report",
        "",
        "Lighthouse scores for each page type, measured against a throwaway copy of the site "
        "served the way production serves it. Produced by "
        f"`{REPORT_COMMAND}` (this run took {elapsed:.0f} s).",
        "",
        f"- Date: {now}",
        f"- Machine: {machine_description()}",
        f"- Lighthouse {lighthouse_version}, {chromium_version()} (headless)",
        "- Settings: `directory.settings.production` (DEBUG off, WhiteNoise with compressed, "
        "hashed static files; HTTPS redirect off for local HTTP), gunicorn with 2 workers on "
        "127.0.0.1, SQLite loaded with the real data (`seed_content`, `import_bls`, "
        "`import_zips`, `import_ipeds`), Lighthouse's default mobile emulation (simulated slow "
        "4G, 4x CPU slowdown).",
        "",
        "| page | URL path | Performance | Accessibility | Best practices | SEO |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        cells = " | ".join(format_score(result["scores"][c]) for c in CATEGORIES)
        lines.append(f"| {result['name']} | {code(result['path'])} | {cells} |")
    lines += [
        "",
        "Performance is timing-dependent: it is measured on a shared 2-core machine that also runs "
        "the server and the browser, so it moves from run to run and is recorded, not gated. CI "
        "gates accessibility, best practices and SEO at 100 on the guide and the listing "
        f"(`.venv/bin/python bench/lighthouse.py {GATE_COMMAND}`).",
        "",
        "Performance metrics (simulated mobile):",
        "",
        "| page | " + " | ".join(PERFORMANCE_METRICS.values()) + " |",
        "|---|" + "---|" * len(PERFORMANCE_METRICS),
    ]
    for result in results:
        lines.append(f"| {result['name']} | " + " | ".join(result["metrics"].values()) + " |")
    lines += ["", "## Audits that did not pass", ""]
    lines += render_failures(results)
    return "\n".join(lines) + "\n"


def render_failures(results):
    """Per page, the weighted accessibility, best-practices and SEO audits below 1, or 'none'."""
    lines = []
    for result in results:
        page_lines = []
        for category_id in GATEABLE:
            for audit in result["failures"][category_id]:
                shown = f" ({audit['display_value']})" if audit["display_value"] else ""
                page_lines.append(
                    f"- {CATEGORIES[category_id]}: `{audit['id']}`: {audit['title']}"
                    f" (score {audit['score']}){shown}"
                )
                if audit["explanation"]:
                    page_lines.append(f"  - {code(audit['explanation'], in_table=False)}")
                page_lines += [f"  - {code(item, in_table=False)}" for item in audit["items"]]
        if page_lines:
            lines += [f"### {result['name']} ({code(result['path'])})", "", *page_lines, ""]
    if not lines:
        return ["None: every accessibility, best-practices and SEO audit passed on every page."]
    return lines[:-1]


# --- main ---------------------------------------------------------------------------------------


def comma_list(allowed):
    def parse(value):
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"expected a comma-separated subset of {', '.join(allowed)}; got {value!r}"
            )
        return names

    return parse


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Lighthouse scores for the site's main pages on production settings."
    )
    parser.add_argument(
        "--pages",
        type=comma_list(tuple(PAGES)),
        default=list(PAGES),
        help="comma-separated pages to audit (default: all): " + ",".join(PAGES),
    )
    parser.add_argument("--write", metavar="PATH", help="write a Markdown report to PATH")
    parser.add_argument(
        "--keep-json", metavar="DIR", help="also keep Lighthouse's full JSON reports in DIR"
    )
    parser.add_argument(
        "--gate",
        type=comma_list(GATEABLE),
        default=[],
        help="categories that must score 100 on every page, else exit 1: " + ",".join(GATEABLE),
    )
    return parser.parse_args(argv)


def check_tools():
    missing = [str(path) for path in (PYTHON, GUNICORN, LIGHTHOUSE) if not path.exists()]
    if not shutil.which(CHROME_PATH):
        missing.append(CHROME_PATH)
    if missing:
        raise BenchError("Missing: " + ", ".join(missing) + " (see the module docstring).")


def audit_pages(args, tmpdir):
    """Build the site, serve it, run Lighthouse on each page; return the per-page results."""
    env = site_environment(tmpdir)
    print("Building the site (collectstatic, migrate, load the data)...", flush=True)
    build_site(env)
    paths = resolve_page_paths(env, args.pages)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(tmpdir) / "gunicorn.log"
    server = start_server(env, port, log_path)
    try:
        wait_until_serving(server, base_url, log_path)
        results = []
        for name, path in paths.items():
            print(f"Lighthouse: {name} {path}", flush=True)
            report = run_lighthouse_with_retry(base_url + path, Path(tmpdir) / f"lh-{name}.json")
            if args.keep_json:
                shutil.copy(Path(tmpdir) / f"lh-{name}.json", Path(args.keep_json) / f"{name}.json")
            results.append(
                {
                    "name": name,
                    "path": path,
                    "scores": category_scores(report),
                    "failures": {c: failing_audits(report, c) for c in CATEGORIES},
                    "metrics": performance_metrics(report),
                    "lighthouse_version": report.get("lighthouseVersion", "unknown"),
                }
            )
        return results
    finally:
        stop_server(server)


def main(argv=None):
    args = parse_args(argv)
    write_path = Path(args.write).resolve() if args.write else None
    if args.keep_json:
        args.keep_json = Path(args.keep_json).resolve()
        args.keep_json.mkdir(parents=True, exist_ok=True)
    os.chdir(REPO)
    started = time.monotonic()
    try:
        check_tools()
        with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmpdir:
            results = audit_pages(args, tmpdir)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started

    print()
    print_scores(results)
    print_failures(results)
    print(f"\nTook {elapsed:.0f} s.")
    if write_path:
        report = render_report(results, results[0]["lighthouse_version"], elapsed)
        write_path.parent.mkdir(parents=True, exist_ok=True)
        kept = write_path.read_text() if write_path.exists() else ""
        if KEPT_SECTION in kept:  # bench/readability.py's section
            report = report.rstrip("\n") + "\n\n" + kept[kept.index(KEPT_SECTION) :]
        write_path.write_text(report)
        print(f"Wrote {args.write}")
    failures = gate_failures(results, args.gate)
    if failures:
        print("\nGate failed (must be 100): " + ", ".join(failures), file=sys.stderr)
        return 1
    if args.gate:
        print(f"Gate passed: {', '.join(args.gate)} at 100 on {', '.join(args.pages)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
