"""Every lint exception in the app says why (issue #13): `# noqa: CODE - reason` on the line,
or a comment on the line above it."""

import re
from pathlib import Path

import answerable

ROOT = Path(answerable.__file__).parent
NOQA = re.compile(r"#\s*noqa(?::\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?(?P<rest>.*)$")


def _unexplained(text: str) -> list[int]:
    """The line numbers of `noqa` comments with no reason beside them or on the line above."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = NOQA.search(line)
        if match is None or match.group("rest").strip(" -—:()"):
            continue
        above = lines[number - 2].strip() if number > 1 else ""
        if not above.startswith("#"):
            found.append(number)
    return found


def test_every_noqa_in_the_app_says_why():
    unexplained = {
        path.relative_to(ROOT).as_posix(): lines
        for path in sorted(ROOT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and (lines := _unexplained(path.read_text()))
    }
    assert unexplained == {}


def test_a_bare_noqa_is_found_and_an_explained_one_is_not():
    source = (
        "a = 1  # noqa: E501\n"
        "b = 2  # noqa: S105 - a test value\n"
        "# The table name is ours.\n"
        "c = 3  # noqa: S608\n"
    )
    assert _unexplained(source) == [1]
