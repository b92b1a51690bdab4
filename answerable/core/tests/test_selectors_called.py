"""Every selector is read by the app (issue #13): one read only by its own tests is dead code
that still looks like a rule someone relies on."""

import ast
import re
from collections import Counter
from pathlib import Path

import answerable

ROOT = Path(answerable.__file__).parent
CALLERS = [ROOT, ROOT.parent / "config", ROOT.parent / "bench"]


def _selector_modules() -> list[Path]:
    found = [*ROOT.glob("*/selectors*.py"), *ROOT.glob("*/selectors/*.py")]
    return [path for path in found if path.name != "__init__.py"]


def _words_used() -> Counter[str]:
    """Each word of the app's code and templates, without tests, migrations or re-exports."""
    texts = []
    for folder in CALLERS:
        for path in folder.rglob("*"):
            relative = set(path.relative_to(folder).parts)
            if path.suffix not in {".py", ".html", ".txt"} or {"tests", "migrations"} & relative:
                continue
            if path.name == "__init__.py" and path.parent.name == "selectors":
                continue
            texts.append(path.read_text())
    return Counter(re.findall(r"\w+", "\n".join(texts)))


def test_every_selector_has_a_caller_outside_the_tests():
    words = _words_used()
    unused = []
    for module in _selector_modules():
        for node in ast.parse(module.read_text()).body:
            is_public = isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            if is_public and words[node.name] <= 1:  # its own `def`
                unused.append(f"{module.relative_to(ROOT)}: {node.name}")
    assert unused == []
