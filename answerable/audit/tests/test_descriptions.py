"""Every audit event the services write reads as words on the audit trail."""

import re
from pathlib import Path

from answerable.audit.descriptions import DESCRIPTIONS, describe

APP_ROOT = Path(__file__).resolve().parents[2]
# action="entity.verb" in audit_record calls, or a code passed on to one as a string.
CODE = re.compile(r'(?:action|event)="([a-z_]+\.[a-z_]+)"|, "([a-z_]+\.[a-z_]+ed)"\)$', re.M)


def _codes_written_by_services() -> set[str]:
    codes = set()
    for path in APP_ROOT.rglob("*.py"):
        if "tests" in path.parts or path.name == "descriptions.py":
            continue
        for match in CODE.finditer(path.read_text()):
            codes.add(match.group(1) or match.group(2))
    return codes


def test_every_code_the_services_write_has_a_description():
    codes = _codes_written_by_services()
    assert {"assessment.recorded", "public_narrative.rejected", "user.deactivated"} <= codes
    assert sorted(codes - DESCRIPTIONS.keys()) == []


def test_an_unknown_code_still_reads_as_words():
    assert describe("assessment.recorded") == "Assurance assessment recorded"
    assert describe("new_thing.happened") == "New thing happened"
