"""The columns of a roster and a completions file: fields, guessed mapping, identifying data."""

import datetime
import re
from collections import Counter

from answerable.core.tables import cell_text
from answerable.imports.fields import ImportField
from answerable.workforce.models import WorkforceType
from answerable.workforce.tables import StoredTable

ROSTER, COMPLETIONS = "roster", "completions"
FILE_LABELS = {ROSTER: "staff roster", COMPLETIONS: "completions file"}


ROSTER_FIELDS = (
    ImportField("staff_id", "Staff ID", True, "The pseudonymised ID, as in the completions file."),
    ImportField(
        "workforce_type", "Workforce type", True, "Officer, staff, PCSO, special or volunteer."
    ),
    ImportField("rank_or_grade", "Rank or grade"),
    ImportField("command", "Command or department"),
    ImportField("location", "Location"),
    ImportField("started_on", "Start date", True, "For example, 31/12/2024."),
    ImportField("left_on", "Leaving date", hint="Empty for people still in post."),
)
COMPLETION_FIELDS = (
    ImportField("staff_id", "Staff ID", True, "The pseudonymised ID, as in the roster."),
    ImportField("course_code", "Course code", True),
    ImportField("completed_on", "Completion date", True, "For example, 31/12/2024."),
    ImportField("expires_on", "Expiry date", hint="If empty, the course's refresh period is used."),
)
FIELDS = {ROSTER: ROSTER_FIELDS, COMPLETIONS: COMPLETION_FIELDS}
# The downloadable templates' example rows, one per file, for the same made-up person
# (issue #17). A course code the force has not set up is left out, not refused.
TEMPLATE_EXAMPLES: dict[str, dict[str, object]] = {
    ROSTER: {
        "staff_id": "P000123",
        "workforce_type": "Officer",
        "rank_or_grade": "Constable",
        "command": "Response",
        "location": "Northtown",
        "started_on": datetime.date(2019, 9, 2),
        "left_on": "",
    },
    COMPLETIONS: {
        "staff_id": "P000123",
        "course_code": "CSE-01",
        "completed_on": datetime.date(2024, 3, 14),
        "expires_on": "",
    },
}
# The staff ID is in both files, under the same names.
STAFF_ID_SYNONYMS = {
    "id": "staff_id",
    "staffid": "staff_id",
    "pseudonymisedid": "staff_id",
    "employeeid": "staff_id",
    "personid": "staff_id",
    "staffnumber": "staff_id",
}
SYNONYMS = {
    ROSTER: {
        **STAFF_ID_SYNONYMS,
        "type": "workforce_type",
        "stafftype": "workforce_type",
        "employeetype": "workforce_type",
        "category": "workforce_type",
        "rank": "rank_or_grade",
        "grade": "rank_or_grade",
        "rankgrade": "rank_or_grade",
        "department": "command",
        "commanddepartment": "command",
        "bcu": "command",
        "unit": "command",
        "station": "location",
        "base": "location",
        "startdate": "started_on",
        "start": "started_on",
        "joined": "started_on",
        "joiningdate": "started_on",
        "dateofjoining": "started_on",
        "servicestart": "started_on",
        "leavingdate": "left_on",
        "leftdate": "left_on",
        "enddate": "left_on",
        "left": "left_on",
        "dateleft": "left_on",
    },
    COMPLETIONS: {
        **STAFF_ID_SYNONYMS,
        "course": "course_code",
        "code": "course_code",
        "coursecode": "course_code",
        "courseid": "course_code",
        "completed": "completed_on",
        "completiondate": "completed_on",
        "datecompleted": "completed_on",
        "passed": "completed_on",
        "expires": "expires_on",
        "expirydate": "expires_on",
        "expiry": "expires_on",
        "validuntil": "expires_on",
        "renewaldate": "expires_on",
    },
}
WORKFORCE_TYPE_ALIASES = {
    "police officer": WorkforceType.OFFICER,
    "officers": WorkforceType.OFFICER,
    "police staff": WorkforceType.STAFF,
    "police community support officer": WorkforceType.PCSO,
    "community support officer": WorkforceType.PCSO,
    "specials": WorkforceType.SPECIAL,
    "special constable": WorkforceType.SPECIAL,
    "special constabulary": WorkforceType.SPECIAL,
    "psv": WorkforceType.VOLUNTEER,
    "police support volunteer": WorkforceType.VOLUNTEER,
    "volunteers": WorkforceType.VOLUNTEER,
}
for _value, _label in WorkforceType.choices:
    WORKFORCE_TYPE_ALIASES[_value] = WorkforceType(_value)
    WORKFORCE_TYPE_ALIASES[str(_label).casefold()] = WorkforceType(_value)


def _normalise(header: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", header).casefold()


def guess_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """Match each field of the file kind to a header, ignoring case, spaces and punctuation."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for item in FIELDS[kind]:
        found = next((h for h in headers if _normalise(h) == _normalise(item.name)), None)
        found = found or next((h for h in headers if _normalise(h) == _normalise(item.label)), None)
        found = found or next(
            (
                h
                for h in headers
                if SYNONYMS[kind].get(_normalise(h)) == item.name and h not in used
            ),
            None,
        )
        if found is not None and found not in used:
            mapping[item.name] = found
            used.add(found)
    return mapping


def mapping_errors(mapping: dict[str, str], headers: list[str], kind: str) -> list[str]:
    """Problems with one file's mapping: unknown fields, missing columns, unmapped fields."""
    names = {item.name for item in FIELDS[kind]}
    label = FILE_LABELS[kind]
    problems = [f"{name} is not a field of the {label}" for name in mapping if name not in names]
    problems += [
        f"The {label} has no column called {column}"
        for column in mapping.values()
        if column and column not in headers
    ]
    problems += [
        f"Select the column of the {label} that holds the {item.label.lower()}"
        for item in FIELDS[kind]
        if item.required and not mapping.get(item.name)
    ]
    return problems


# --- identifying data -----------------------------------------------------------------------

IDENTIFYING_HEADERS = (
    (
        "a name",
        r"(fore|sur|first|last|given|middle|family|maiden|full|user|preferred)name|"
        r"^(name|names|staffname|employeename|officername|personname|knownas)$",
    ),
    ("an email address", r"e?mail"),
    ("a date of birth", r"birth|^dob$|^age$"),
    ("a National Insurance number", r"nationalinsurance|^nino$|^ni(number|no)$"),
    ("an address", r"address|postcode|street|^town$|^county$"),
    ("a telephone number", r"phone|mobile|^tel$"),
)
# (what, pattern, share of a column's sampled values that must match). One email address is
# enough to refuse a column; an ID that happens to look like a postcode is not.
IDENTIFYING_VALUES = (
    ("an email address", re.compile(r"[^@\s]+@[^@\s]+"), 0.0),
    (
        "a National Insurance number",
        re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D]", re.I),
        0.5,
    ),
    ("a postcode", re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", re.I), 0.5),
)
SAMPLE_ROWS = 200
IDENTIFYING_HELP = "the system holds no directly identifying data. Remove it and upload again"


def identifying_column_errors(table: StoredTable) -> list[str]:
    """Name every column whose header or sample values look like directly identifying data."""
    headers, rows = table.open()
    problems: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = _normalise(header)
        what = next((w for w, pattern in IDENTIFYING_HEADERS if re.search(pattern, key)), None)
        if what:
            problems[index] = (
                f"Column {index + 1} '{header}' of {table.name} looks like {what}: "
                f"{IDENTIFYING_HELP}"
            )
    filled: Counter[int] = Counter()
    matches: dict[tuple[int, str], list[int]] = {}
    for count, (number, cells) in enumerate(rows):
        if count >= SAMPLE_ROWS:
            break
        for index, cell in enumerate(cells):
            text = cell_text(cell)
            if not text:
                continue
            filled[index] += 1
            for what, pattern, _ in IDENTIFYING_VALUES:
                if pattern.fullmatch(text):
                    matches.setdefault((index, what), []).append(number)
    for (index, what), numbers in matches.items():
        share = next(s for w, _, s in IDENTIFYING_VALUES if w == what)
        if index not in problems and len(numbers) > share * filled[index]:
            problems[index] = (
                f"Column {index + 1} '{headers[index]}' of {table.name} holds what looks like "
                f"{what} in row {numbers[0]}: {IDENTIFYING_HELP}"
            )
    return [problems[index] for index in sorted(problems)]
