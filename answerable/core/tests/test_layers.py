"""Apps depend one way (docs/STYLE.md, issue #13): each imports only the apps beneath it.

Every import counts, inside functions too, where a lazy import used to hide a cycle; only
imports made for type checking alone are left out. The few known to point upwards are
listed, with where they are, so a new one fails here and an old one, once mended, must be
struck off.
"""

import ast
import tomllib
from pathlib import Path

import grimp
from importlinter.contracts.layers import LayersContract

import answerable

ROOT = Path(answerable.__file__).parent
IMPORT_LINTER = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
(LAYERS_CONTRACT,) = [c for c in IMPORT_LINTER["contracts"] if c["id"] == "layers"]
# The order lives once, in pyproject.toml (what `make lint` checks), lowest first here.
LAYERS = list(reversed(LAYERS_CONTRACT["layers"]))
# Upward imports still to mend, as (module, app it imports): none since issue #13. A page
# that must show what an app above knows takes a panel (core/panels.py, ADR 0020).
KNOWN_UPWARD: set[tuple[str, str]] = set()


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


def _layers_contract():
    """The contract `make lint` checks, read from pyproject.toml as import-linter reads it."""
    options = {k: v for k, v in LAYERS_CONTRACT.items() if k not in {"id", "name", "type"}}
    session = {**IMPORT_LINTER, "root_packages": [IMPORT_LINTER["root_package"]]}
    return LayersContract(name="layers", session_options=session, contract_options=options)


def _graph():
    return grimp.build_graph("answerable", exclude_type_checking_imports=True)


def test_the_import_linter_contract_holds_on_the_code_as_it_is():
    assert _layers_contract().check(_graph(), verbose=False).kept


def test_the_import_linter_contract_breaks_on_an_import_up_the_layers_even_inside_a_function():
    graph = _graph()
    # What `def f(): from answerable.reports import content` in core would add to the graph.
    graph.add_import(
        importer="answerable.core.tables",
        imported="answerable.reports.content",
        line_number=1,
        line_contents="from answerable.reports import content",
    )
    assert not _layers_contract().check(graph, verbose=False).kept
