"""The house rules of docs/architecture.md: apps stand in layers and import only the layers
below them; nothing imports the benchmarks or the project package; no import cycles; each room
small enough to read."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Bottom to top: an app may import only the apps before it.
LAYERS = [
    "core",
    "careers",
    "programs",
    "finder",
    "representatives",
    "corrections",
    "search",
    "api",
]
PROJECT = "directory"  # settings, urls, wsgi: on top of everything, imported by nothing
BENCHMARKS = "bench"
FIRST_PARTY = {*LAYERS, PROJECT, BENCHMARKS}
MOST_LINES = 400


def python_files(folder):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, *, top_level_only=False):
    """(line, module) for every first-party import in a file; relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    package = package or module_name(path)
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
                names = [target] if node.module else [f"{base}.{a.name}" for a in node.names]
            else:
                names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in FIRST_PARTY:
                yield node.lineno, name


def test_each_app_imports_only_the_layers_below_it():
    wrong = []
    for layer, app in enumerate(LAYERS):
        allowed = set(LAYERS[: layer + 1])
        for path in python_files(app):
            for line, name in imports(path):
                if name.split(".")[0] not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == [], "upward or sideways imports:\n" + "\n".join(wrong)


def test_core_imports_no_app():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in python_files("core")
        for line, name in imports(path)
        if name.split(".")[0] != "core"
    ]
    assert found == []


@pytest.mark.parametrize("folder", [*LAYERS, PROJECT, "tests"])
def test_nothing_imports_the_benchmarks(folder):
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files(folder)
        for line, name in imports(path)
        if name.split(".")[0] == BENCHMARKS
    ]
    assert found == []


def test_no_app_imports_the_project_package():
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for app in LAYERS
        for path in python_files(app)
        for line, name in imports(path)
        if name.split(".")[0] == PROJECT
    ]
    assert found == []


def test_no_module_imports_itself_round_a_circle():
    """Module-level imports between our own modules form no cycle."""
    graph = {}
    for folder in [*LAYERS, PROJECT]:
        for path in python_files(folder):
            graph[module_name(path)] = {name for _, name in imports(path, top_level_only=True)}
    modules = set(graph)

    def resolve(name):  # "programs.models.Program" is a name inside programs.models
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    edges = {module: {resolve(n) for n in names} - {module, ""} for module, names in graph.items()}
    for module in list(edges):  # a package imports its own modules: not a cycle through it
        edges[module] = {target for target in edges[module] if not module.startswith(target + ".")}
    state, path, cycles = {}, [], []

    def visit(module):
        state[module] = "open"
        path.append(module)
        for target in edges.get(module, ()):
            if state.get(target) == "open":
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == []


def test_no_module_in_an_app_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for app in LAYERS
        for path in python_files(app)
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MOST_LINES
    ]
    assert long == []


def test_programs_is_under_3000_lines():
    lines = sum(
        len(path.read_text().splitlines())
        for path in python_files("programs")
        if "migrations" not in path.parts
    )
    assert lines < 3000


def test_the_project_package_holds_settings_urls_and_wsgi_only():
    held = {
        str(path.relative_to(ROOT / PROJECT))
        for path in (ROOT / PROJECT).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert held <= {
        "__init__.py", "urls.py", "wsgi.py", "asgi.py",
        "settings/__init__.py", "settings/base.py", "settings/local.py",
        "settings/test.py", "settings/production.py",
    }  # fmt: skip


def test_careers_holds_no_site_plumbing():
    """No middleware, cache or site-wide view code in the career guides' app."""
    names = {path.name for path in python_files("careers")}
    assert not names & {"middleware.py", "pagecache.py", "cache.py", "pages.py", "checks.py"}
    views = (ROOT / "careers" / "views.py").read_text()
    for site_wide in ("def healthz", "def favicon", "class PrivacyView", "MIDDLEWARE"):
        assert site_wide not in views
    assert not (ROOT / "careers" / "templatetags").exists()


def test_the_rules_are_the_ones_the_architecture_map_states():
    """docs/architecture.md names the same layers, bottom to top."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    positions = [text.index(f"`{app}/`") for app in LAYERS]
    assert positions == sorted(positions, reverse=True)  # the table runs top to bottom
