"""No import of our own code hides inside a function (issue #13): a lazy import is how a
cycle between modules stays unseen. The one exception is AppConfig.ready(), where Django
requires that models be imported only once the registry is loaded."""

import ast
from pathlib import Path

import answerable

ROOT = Path(answerable.__file__).parent
# Lazy imports still to mend, by module: none since issue #13.
KNOWN_LAZY: set[str] = set()


def _lazy_imports(source: str) -> list[str]:
    """The lines and modules of each import of our own code made inside a function."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready":
            continue
        for node in ast.walk(function):
            module = ""
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
            elif isinstance(node, ast.Import):
                module = node.names[0].name
            if module == "answerable" or module.startswith("answerable."):
                found.append(f"{node.lineno} {module}")
    return found


def _app_modules() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    ]


def test_no_function_imports_our_own_code_outside_app_ready():
    found = [
        f"{name}:{place}"
        for path in _app_modules()
        if (name := path.relative_to(ROOT).as_posix()) not in KNOWN_LAZY
        for place in _lazy_imports(path.read_text())
    ]
    assert found == []


def test_every_known_lazy_import_is_still_there():
    """Once one is mended, strike it off KNOWN_LAZY so it cannot come back unnoticed."""
    assert {name for name in KNOWN_LAZY if not _lazy_imports((ROOT / name).read_text())} == set()


def test_a_lazy_import_is_found_and_one_in_ready_is_not():
    source = (
        "class Config:\n"
        "    def ready(self):\n"
        "        from answerable.core import checks\n"
        "def page():\n"
        "    import json\n"
        "    from answerable.workforce.selectors import coverage\n"
    )
    assert _lazy_imports(source) == ["6 answerable.workforce.selectors"]
