"""The register's content: sources and recommendations read from the demo data files."""

import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from answerable.recommendations.models import Recommendation, Source

DATA_DIR = Path(__file__).resolve().parent / "data"
Response = Recommendation.Response


@dataclass(frozen=True)
class SourceSpec:
    key: str
    title: str
    kind: str
    publisher: str
    published_on: datetime.date | None
    deadline_rule: str
    url: str


# Keyed by the `source` column of recommendations.csv. Publication dates come from the data;
# where it gives none (the PEEL reports), the date is left empty rather than guessed.
SOURCES = {
    "HMICFRS (2023) An inspection of the effectiveness of the police and law enforcement "
    "bodies' response to group-based child sexual exploitation in England and Wales": SourceSpec(
        "gbcse",
        "An inspection of the effectiveness of the police and law enforcement bodies' response "
        "to group-based child sexual exploitation in England and Wales",
        Source.Kind.INSPECTION,
        "HMICFRS",
        datetime.date(2023, 12, 8),
        Source.DeadlineRule.S55,
        "https://hmicfrs.justiceinspectorates.gov.uk/publication-html/effectiveness-of-police-"
        "and-law-enforcement-response-to-group-based-child-sexual-exploitation/",
    ),
    "HMIC PEEL: Police effectiveness, efficiency and legitimacy 2018/19 - West Mercia Police": (
        SourceSpec(
            "peel",
            "PEEL: Police effectiveness, efficiency and legitimacy 2018/19 – West Mercia Police",
            Source.Kind.INSPECTION,
            "HMICFRS",
            None,
            Source.DeadlineRule.S55,
            "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2018/west-mercia/",
        )
    ),
    "HMIC PEEL 2018/19 Cause of Concern tracker - West Mercia Police": SourceSpec(
        "coc",
        "PEEL 2018/19 causes of concern tracker – West Mercia Police",
        Source.Kind.INSPECTION,
        "HMICFRS",
        None,
        Source.DeadlineRule.S55,
        "https://www.inquirytracker.uk/sources/hmicfrs/report/coc-tracker-2018-19-west-mercia/",
    ),
    "HMICFRS PEEL Victim Service Assessment revisit - West Mercia Police (items as listed in "
    "OPCC Assurance & Accountability agenda, 11 Dec 2023)": SourceSpec(
        "vsa",
        "PEEL victim service assessment revisit – West Mercia Police",
        Source.Kind.INSPECTION,
        "HMICFRS",
        None,
        Source.DeadlineRule.S55,
        "https://www.westmercia-pcc.gov.uk/assurance-accountability-performance-agenda-"
        "december-2023/",
    ),
    "IICSA Final Report (20 Oct 2022) - concluding recommendations": SourceSpec(
        "iicsa_final",
        "The Report of the Independent Inquiry into Child Sexual Abuse (final report)",
        Source.Kind.INQUIRY,
        "Independent Inquiry into Child Sexual Abuse",
        datetime.date(2022, 10, 20),
        Source.DeadlineRule.IICSA,
        "https://www.iicsa.org.uk/reports-recommendations/publications/inquiry/final-report/ii-"
        "inquirys-conclusions-and-recommendations-change/part-k-summary-inquirys-recommendations/"
        "k10-recommendations-better-protect-children-sexual-abuse.html",
    ),
    # The data gives only the month ("April 2018", "March 2020"); the day is the inquiry's
    # publication date, not in the data set: check it before relying on the deadline shown.
    "IICSA Interim Report (April 2018)": SourceSpec(
        "iicsa_interim",
        "Interim report of the Independent Inquiry into Child Sexual Abuse",
        Source.Kind.INQUIRY,
        "Independent Inquiry into Child Sexual Abuse",
        datetime.date(2018, 4, 25),
        Source.DeadlineRule.IICSA,
        "https://www.iicsa.org.uk/recommendations/recommendations-interim-report",
    ),
    "IICSA The Internet Investigation Report (March 2020)": SourceSpec(
        "iicsa_internet",
        "The Internet Investigation Report",
        Source.Kind.INQUIRY,
        "Independent Inquiry into Child Sexual Abuse",
        datetime.date(2020, 3, 12),
        Source.DeadlineRule.IICSA,
        "https://www.iicsa.org.uk/reports-recommendations/publications/investigation/internet/"
        "part-g-conclusions-and-recommendations/g3-recommendations.html",
    ),
    "National Audit on Group-based Child Sexual Exploitation and Abuse (Baroness Casey, "
    "16 June 2025)": SourceSpec(
        "casey",
        "National Audit on Group-based Child Sexual Exploitation and Abuse",
        Source.Kind.REVIEW,
        "Baroness Casey of Blackstock (for the Home Office)",
        datetime.date(2025, 6, 16),
        Source.DeadlineRule.NONE,
        "https://www.gov.uk/government/publications/national-audit-on-group-based-child-sexual-"
        "exploitation-and-abuse/government-response-to-the-national-audit-on-group-based-child-"
        "sexual-exploitation-and-abuse-report",
    ),
    "Independent Inquiry - Telford Child Sexual Exploitation (IITCSE), Chair Tom Crowther "
    "QC/KC, report 12 July 2022": SourceSpec(
        "telford",
        "Independent Inquiry into Telford Child Sexual Exploitation",
        Source.Kind.INQUIRY,
        "Independent Inquiry into Telford Child Sexual Exploitation (chair: Tom Crowther KC)",
        datetime.date(2022, 7, 12),
        Source.DeadlineRule.NONE,
        "https://itv.com/news/central/2022-07-12/what-are-the-recommendations-from-telford-"
        "child-sex-abuse-inquiry",
    ),
}


@dataclass(frozen=True)
class Row:
    """One line of recommendations.csv, with its source and published reference resolved."""

    source: SourceSpec
    reference: str
    number: str
    text: str
    owner_text: str
    status_reported: str
    status_as_of: str
    position: int


def read_rows() -> list[Row]:
    """Read the recommendations in file order. Rows without a number become "Item 1", …"""
    rows: list[Row] = []
    positions: dict[str, int] = {}
    unnumbered: dict[str, int] = {}
    with (DATA_DIR / "recommendations.csv").open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            spec = SOURCES[line["source"]]
            number = line["number"].strip()
            if number.isdigit():
                reference = f"R{number}"
            elif number:
                reference = number
            else:
                unnumbered[spec.key] = unnumbered.get(spec.key, 0) + 1
                reference = f"Item {unnumbered[spec.key]}"
            positions[spec.key] = positions.get(spec.key, 0) + 1
            rows.append(
                Row(
                    spec,
                    reference,
                    number,
                    line["text"].strip(),
                    line["owner_organisation"].strip(),
                    line["status_reported"].strip(),
                    line["status_as_of"].strip(),
                    positions[spec.key],
                )
            )
    return rows


def finding_type(row: Row) -> str:
    """Areas for improvement and causes of concern are named in the text, number or source."""
    if row.text.lower().startswith("area for improvement") or "AFI" in row.number:
        return Recommendation.FindingType.AREA_FOR_IMPROVEMENT
    if "CoC" in row.number or row.source.key == "coc":
        return Recommendation.FindingType.CAUSE_OF_CONCERN
    return Recommendation.FindingType.RECOMMENDATION


THEME_WORDS = (
    ("Training", ("training",)),
    (
        "Data and intelligence",
        (" data", "problem profile", "record management", "strategic assessment"),
    ),
    (
        "Information sharing",
        (
            "information-sharing",
            "information sharing",
            "share information",
            "sharing of information",
            "information must be shared",
        ),
    ),
    ("Licensing", ("licens", "taxi")),
    ("Online safety", ("internet", "online", "upload", "indecent images", "age verification")),
    ("Victims and survivors", ("victim", "survivor", "counselling", "redress")),
    ("Investigation", ("investigat",)),
    ("Complaints", ("complaint",)),
    ("Workforce", ("workforce", "skills", "staff")),
    ("Legislation", ("legislation", "the law ", "statutory requirement", "children act")),
)


def themes_for(text: str) -> list[str]:
    lowered = f" {text.lower()} "
    return [theme for theme, words in THEME_WORDS if any(word in lowered for word in words)]


def local_owners(owner_text: str) -> list[str]:
    """Which partnership members get an action. National-only owners get none: the office
    tracks those recommendations without a partner action."""
    text = owner_text.lower().replace("national police chiefs' council", "")
    if "all relevant agencies" in text or "statutory safeguarding partners" in text:
        return ["police", "council", "icb"]
    owners = []
    if "police" in text or "chief constable" in text:
        owners.append("police")
    if "telford & wrekin council" in text or "joint cse review group" in text:
        owners.append("council")
    if "nhs" in text or "icb" in text or "ccg" in text:
        owners.append("icb")
    return owners


# --- responses -----------------------------------------------------------------------------


def _parse_date(value: str) -> datetime.date:
    """Read "2023-05-22", or "2018-12" as the first of that month (the data gives no day)."""
    parts = [int(part) for part in value.split("-")]
    return datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


# Which recommendations each item of recommendation_responses.json is about:
# (its `source`, the start of its `recommendation`) → (source key, references; None for all).
RESPONSE_ITEMS = {
    ("IICSA Interim Report (April 2018)", "Joint inspection"): (
        "iicsa_interim",
        ("Victims' Code inspection",),
    ),
    ("IICSA The Internet Investigation Report (March 2020)", "1:"): ("iicsa_internet", ("R1",)),
    ("IICSA The Internet Investigation Report (March 2020)", "2:"): ("iicsa_internet", ("R2",)),
    ("IICSA Final Report (20 Oct 2022)", "All 20"): ("iicsa_final", None),
    ("HMICFRS group-based CSE inspection (published 2023-12-08)", "2:"): ("gbcse", ("R2",)),
}
# How the addressee responded, where the data says (IICSA final report: the Government accepted
# the need to act on 19 of 20, rejected R5 and did not adopt R2 as proposed).
RESPONSE_KINDS = {
    ("iicsa_final", "R2"): Response.PARTIALLY_ACCEPTED,
    ("iicsa_final", "R5"): Response.NOT_ACCEPTED,
    ("iicsa_final", "R13"): Response.ACCEPTED,
    ("iicsa_final", "R19"): Response.ACCEPTED,
    ("iicsa_internet", "R2"): Response.ACCEPTED,
    ("gbcse", "R2"): Response.ACCEPTED,
}


@dataclass(frozen=True)
class ResponseEntry:
    response: str
    responded_on: datetime.date
    text: str


def response_history(rows: list[Row]) -> dict[tuple[str, str], list[ResponseEntry]]:
    """Dated responses per (source key, reference), oldest first, so the latest is current."""
    by_source: dict[str, list[Row]] = {}
    for row in rows:
        by_source.setdefault(row.source.key, []).append(row)
    history: dict[tuple[str, str], list[ResponseEntry]] = {}
    items = json.loads((DATA_DIR / "recommendation_responses.json").read_text(encoding="utf-8"))
    for item in items["items"]:
        target = next(
            (
                value
                for (source, start), value in RESPONSE_ITEMS.items()
                if item["source"] == source and item["recommendation"].startswith(start)
            ),
            None,
        )
        if target is None:
            continue  # not one of the demo's recommendations, or used as an action's update
        source_key, references = target
        entries = sorted(item["responses"], key=lambda entry: _parse_date(entry["date"]))
        for row in by_source[source_key]:
            if references is not None and row.reference not in references:
                continue
            for index, entry in enumerate(entries):
                # A report-wide item's later entries apply only to the recommendations the data
                # dates to them (IICSA final report: R15 and R19 were updated in January 2024).
                if references is None and index > 0 and entry["date"] != row.status_as_of:
                    continue
                text = f"{entry['by']}: {entry['summary']}"
                if references is None and row.status_reported:
                    text += f" This recommendation: {row.status_reported}."
                key = (source_key, row.reference)
                history.setdefault(key, []).append(
                    ResponseEntry(
                        RESPONSE_KINDS.get(key, Response.ACCEPTED_IN_PRINCIPLE),
                        _parse_date(entry["date"]),
                        text,
                    )
                )
    for row in rows:
        key = (row.source.key, row.reference)
        if key in history or not row.status_reported.lower().startswith("accepted"):
            continue
        if len(row.status_as_of) != len("2025-06-16"):
            continue
        kind = (
            Response.ACCEPTED_IN_PRINCIPLE
            if "in principle" in row.status_reported.lower()
            else Response.ACCEPTED
        )
        history[key] = [ResponseEntry(kind, _parse_date(row.status_as_of), row.status_reported)]
    return history
