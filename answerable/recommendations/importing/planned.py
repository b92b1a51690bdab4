"""What an import would create, as the planner leaves it for the preview and the write."""

import datetime
from dataclasses import dataclass, field

from answerable.organisations.models import Organisation
from answerable.recommendations.importing.owners import UnknownOwner
from answerable.recommendations.models import Source

PREVIEW_ROWS = 20
SOURCE_FIELDS = {
    "source_kind": "kind",
    "publisher": "publisher",
    "published_on": "published_on",
    "source_url": "url",
    "deadline_rule": "deadline_rule",
}
RECOMMENDATION_FIELDS = ("text", "finding_type", "addressees", "themes")
DATE_HELP = "Enter a real date, like 31/12/2024"
TEXT_REQUIRED = "Enter the full text of the recommendation"
# Source.publisher is required, but published lists of recommendations rarely name it.
PLACEHOLDER_PUBLISHER = "Not recorded"


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"Row {self.row}, {self.field}: {self.message}"
            if self.field
            else (f"Row {self.row}: {self.message}")
        )


@dataclass
class PlannedAction:
    row: int
    owner: Organisation
    description: str
    target_on: datetime.date | None


@dataclass
class PlannedRecommendation:
    row: int
    values: dict[str, object]
    actions: list[PlannedAction] = field(default_factory=list)


@dataclass
class PlannedSource:
    row: int
    values: dict[str, object]
    existing: Source | None
    recommendations: list[PlannedRecommendation] = field(default_factory=list)


@dataclass
class PlannedOrganisation:
    """An organisation the office chose to create with the import, unsaved until the write."""

    row: int
    organisation: Organisation


@dataclass
class ImportPlan:
    sources: list[PlannedSource]
    errors: list[RowError]
    warnings: list[RowError]
    preview: list[dict[str, str]]
    row_count: int
    # Owner names no organisation answers to: the office must say what they mean.
    unknown_owners: list[UnknownOwner] = field(default_factory=list)
    new_organisations: list[PlannedOrganisation] = field(default_factory=list)
    # (name as the file writes it, organisation) for each name to remember as an alias.
    aliases: list[tuple[str, Organisation]] = field(default_factory=list)
    # Theme names the office has no theme for yet, as the file first writes each: the import
    # adds them to the office's themes (issue #17).
    new_themes: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def new_source_count(self) -> int:
        return sum(1 for s in self.sources if s.existing is None)

    @property
    def reused_source_count(self) -> int:
        return sum(1 for s in self.sources if s.existing is not None)

    @property
    def recommendation_count(self) -> int:
        return sum(len(s.recommendations) for s in self.sources)

    @property
    def action_count(self) -> int:
        return sum(len(r.actions) for s in self.sources for r in s.recommendations)
