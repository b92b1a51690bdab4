"""No app queries another app's models but through that app's selectors or services (STYLE,
issue #13): in app code, `Name.objects` or `Name._default_manager` where Name is a model of
another app fails here, unless it is `.objects.none()` (an empty placeholder a form fills).

Tests, migrations, management commands and the demo data are left aside. The model names
come from Django's app registry; the few reads known to cross are listed, with where they
are, so a new one fails here and an old one, once mended, must be struck off.
"""

import ast
from pathlib import Path

from django.apps import apps

import answerable

ROOT = Path(answerable.__file__).parent
MANAGERS = {"objects", "_default_manager"}
SKIPPED_PARTS = {"tests", "migrations", "management"}
SKIPPED_APPS = {"demo"}
# Reads still to mend, as (module, model it queries): none since issue #13.
KNOWN_CROSSING: set[tuple[str, str]] = set()


def _model_apps() -> dict[str, str]:
    """Each of the project's model names, with the app that defines it."""
    return {
        model.__name__: model._meta.app_config.name.rpartition(".")[2]
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("answerable.")
    }


def _queried_models(source: str) -> set[tuple[int, str]]:
    """(line, name) of each `name.objects` / `name._default_manager` but `.objects.none()`."""
    tree = ast.parse(source)
    placeholders = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "none"
    }
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or node.attr not in MANAGERS:
            continue
        if id(node) in placeholders:
            continue
        base = node.value
        name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
        if name:
            found.add((node.lineno, name))
    return found


def _crossing_queries() -> dict[tuple[str, str], list[int]]:
    """Every query on another app's model, by (module, model), with its lines."""
    owners = _model_apps()
    found: dict[tuple[str, str], list[int]] = {}
    for app_dir in sorted(p.parent for p in ROOT.glob("*/apps.py")):
        if app_dir.name in SKIPPED_APPS:
            continue
        for path in sorted(app_dir.rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIPPED_PARTS & set(relative.parts):
                continue
            for line, name in _queried_models(path.read_text()):
                if name in owners and owners[name] != app_dir.name:
                    found.setdefault((relative.as_posix(), name), []).append(line)
    return found


def test_no_app_queries_another_apps_models_except_the_known_few():
    crossing = _crossing_queries()
    assert {key: crossing[key] for key in crossing.keys() - KNOWN_CROSSING} == {}


def test_every_known_crossing_query_is_still_there():
    """Once one is mended, strike it off KNOWN_CROSSING so it cannot come back unnoticed."""
    assert KNOWN_CROSSING - _crossing_queries().keys() == set()


def test_a_query_on_another_apps_model_is_found_but_not_an_empty_placeholder():
    source = (
        "from answerable.recommendations.models import Recommendation\n"
        "rows = Recommendation.objects.filter(is_archived=False)\n"
        "same = models.Recommendation._default_manager.all()\n"
        "empty = Recommendation.objects.none()\n"
    )
    assert _queried_models(source) == {(2, "Recommendation"), (3, "Recommendation")}
