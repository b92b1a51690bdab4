"""The fields the importer knows and how a file's columns are matched to them."""

import re

from answerable.imports.fields import ImportField

FIELDS = (
    ImportField("source", "Source title", required=True),
    ImportField(
        "source_kind",
        "Type of source",
        hint="Inquiry, inspection, review, audit or coroner. Inspection if empty.",
    ),
    ImportField("publisher", "Publisher", hint="'Not recorded' if empty."),
    ImportField("published_on", "Publication date", hint="For example, 31/12/2024."),
    ImportField("source_url", "Web address of the report"),
    ImportField("deadline_rule", "Statutory deadline", hint="none, s55, iicsa or pfd."),
    ImportField("reference", "Reference as published", required=True),
    ImportField("text", "Full text of the recommendation", required=True),
    ImportField(
        "finding_type",
        "Finding type",
        hint="Recommendation, cause of concern or area for improvement (AFI).",
    ),
    ImportField("addressees", "Addressed to"),
    ImportField("themes", "Themes", hint="Separated by commas."),
    ImportField("owner", "Action owner", hint="Organisation names, separated by semicolons."),
    ImportField(
        "action_description", "What the owner will do", hint="The recommendation's text if empty."
    ),
    ImportField("target_on", "Action target date", hint="For example, 31/12/2024."),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
SYNONYMS = {
    "title": "source",
    "sourcetitle": "source",
    "report": "source",
    "reporttitle": "source",
    "kind": "source_kind",
    "sourcetype": "source_kind",
    "typeofsource": "source_kind",
    "publicationdate": "published_on",
    "published": "published_on",
    "url": "source_url",
    "link": "source_url",
    "webaddress": "source_url",
    "sourcelink": "source_url",
    "sourceurl": "source_url",
    "deadline": "deadline_rule",
    "statutorydeadline": "deadline_rule",
    "number": "reference",
    "ref": "reference",
    "no": "reference",
    "recommendationnumber": "reference",
    "recommendationreference": "reference",
    "recommendation": "text",
    "recommendationtext": "text",
    "fulltext": "text",
    "type": "finding_type",
    "finding": "finding_type",
    "addressedto": "addressees",
    "addressee": "addressees",
    "theme": "themes",
    "ownerorganisation": "owner",
    "organisation": "owner",
    "actionowner": "owner",
    "actionowners": "owner",
    "owners": "owner",
    "action": "action_description",
    "description": "action_description",
    "targetdate": "target_on",
    "target": "target_on",
    "duedate": "target_on",
    "dueon": "target_on",
}


def _normalise(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header).casefold()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Match each importer field to a header, ignoring case, spaces and underscores."""
    by_name = {_normalise(h): h for h in reversed(headers)}
    mapping = {}
    used: set[str] = set()
    for name in FIELD_NAMES:
        header = by_name.get(_normalise(name))
        if header is None:
            header = next(
                (h for h in headers if SYNONYMS.get(_normalise(h)) == name and h not in used), None
            )
        if header is not None and header not in used:
            mapping[name] = header
            used.add(header)
    return mapping


def mapping_errors(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Problems with a mapping: unknown fields, missing columns or unmapped required fields."""
    problems = [
        f"{name} is not a field the importer knows" for name in mapping if name not in FIELD_NAMES
    ]
    problems += [
        f"The file has no column called {column}"
        for name, column in mapping.items()
        if column and column not in headers
    ]
    problems += [
        f"Select the column that holds the {f.label.lower()} ({f.name})"
        for f in FIELDS
        if f.required and not mapping.get(f.name)
    ]
    return problems
