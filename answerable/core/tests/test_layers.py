"""Apps depend one way (docs/STYLE.md, issue #13): each imports only the apps beneath it.

Every import counts, inside functions too, where a lazy import used to hide a cycle; only
imports made for type checking alone are left out. The few known to point upwards are
listed, with where they are, so a new one fails here and an old one, once mended, must be
struck off.
"""

import ast
from pathlib import Path

import answerable

LAYERS = [
    "core",
    "audit",
    "accounts",
    "organisations",
    "imports",
    "recommendations",
    "recurrence",
    "extraction",
    "meetings",
    "workforce",
    "indicators",
    "publishing",
    "reports",
    "demo",
    "operations",
]
# Upward imports still to mend (issue #13), as (module, app it imports).
KNOWN_UPWARD = {
    ("core/testing.py", "accounts"),  # the tests' sign-in helper, never imported by the app
    ("meetings/selectors.py", "workforce"),  # coverage linked to agenda items
    ("recommendations/views.py", "workforce"),  # coverage linked to a recommendation
}
ROOT = Path(answerable.__file__).parent


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):  # drop `if TYPE_CHECKING:` blocks
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    apps = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "answerable" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def _upward_imports() -> set[tuple[str, str]]:
    found = set()
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if {"tests", "migrations"} & set(relative.parts):
                continue
            for other in _imported_apps(path):
                if other in LAYERS and LAYERS.index(other) > LAYERS.index(app):
                    found.add((relative.as_posix(), other))
    return found


def test_no_app_imports_an_app_above_it_except_the_known_few():
    assert _upward_imports() - KNOWN_UPWARD == set()


def test_every_known_upward_import_is_still_there():
    """Once one is mended, strike it off KNOWN_UPWARD so it cannot come back unnoticed."""
    assert KNOWN_UPWARD - _upward_imports() == set()
