"""One file row's cells read as the register's values, each problem noted against the row."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Choices

from answerable.core.forms import TEXT_MAX_LENGTH
from answerable.core.tables import Cell, cell_date, cell_text
from answerable.recommendations.importing.planned import DATE_HELP, PLACEHOLDER_PUBLISHER, RowError
from answerable.recommendations.models import Recommendation, Source


def choice_value(
    text: str, choices: Sequence[tuple[str, object]], aliases: dict[str, str]
) -> str | None:
    wanted = text.casefold()
    for value, label in choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    return aliases.get(wanted)


class Row:
    """One file row's values under importer field names, collecting its errors."""

    def __init__(self, number: int, cells: dict[str, Cell], errors: list[RowError]) -> None:
        self.number, self.cells, self.errors = number, cells, errors
        # Each cell read once: checking a row reads some fields several times.
        self.texts: dict[str, str] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.number, name, message))

    def text(self, name: str, *, max_length: int = 0, label: str = "") -> str:
        value = self.texts.get(name)
        if value is None:
            value = self.texts[name] = cell_text(self.cells.get(name))
        if max_length and len(value) > max_length:
            self.error(name, f"{label} must be {max_length} characters or fewer")
        return value

    def date(self, name: str) -> datetime.date | None:
        try:
            return cell_date(self.cells.get(name))
        except ValueError:
            self.error(name, DATE_HELP)
            return None

    def choice(
        self,
        name: str,
        choices: type[Choices],
        *,
        default: str,
        message: str,
        aliases: dict[str, str] | None = None,
    ) -> str:
        text = self.text(name)
        if not text:
            return default
        # Read the choices only for a cell that names one: their labels are translated.
        value = choice_value(text, choices.choices, aliases or {})
        if value is None:
            self.error(name, message)
            return default
        return value


def source_values(row: Row) -> dict[str, object]:
    url = row.text("source_url", max_length=500, label="The web address")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            row.error(
                "source_url",
                "Enter a web address in the correct format, like https://www.example.org",
            )
    return {
        "title": row.text("source", max_length=500, label="The source title"),
        "kind": row.choice(
            "source_kind",
            Source.Kind,
            default=Source.Kind.INSPECTION,
            message="Enter inquiry, inspection, review, audit or coroner",
            aliases={"coroner's report": Source.Kind.CORONER, "pfd": Source.Kind.CORONER},
        ),
        "publisher": row.text("publisher", max_length=200, label="The publisher")
        or PLACEHOLDER_PUBLISHER,
        "published_on": row.date("published_on"),
        "url": url,
        "deadline_rule": row.choice(
            "deadline_rule",
            Source.DeadlineRule,
            default=Source.DeadlineRule.NONE,
            message="Enter none, s55, iicsa or pfd",
        ),
    }


def recommendation_values(row: Row) -> dict[str, object]:
    themes = [
        t.strip()
        for t in row.text("themes", max_length=1_000, label="The themes").split(",")
        if t.strip()
    ]
    for theme in themes:
        if len(theme) > 100:
            row.error("themes", "Each theme must be 100 characters or fewer")
    return {
        "reference": row.text("reference", max_length=50, label="The reference"),
        "text": row.text("text", max_length=TEXT_MAX_LENGTH, label="The text"),
        "finding_type": row.choice(
            "finding_type",
            Recommendation.FindingType,
            default=Recommendation.FindingType.RECOMMENDATION,
            message="Enter recommendation, cause of concern or area for improvement",
            aliases={
                "afi": Recommendation.FindingType.AREA_FOR_IMPROVEMENT,
                "coc": Recommendation.FindingType.CAUSE_OF_CONCERN,
            },
        ),
        "addressees": row.text("addressees", max_length=500, label="The addressees"),
        "themes": themes,
    }
