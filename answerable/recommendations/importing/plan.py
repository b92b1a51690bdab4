"""Check every row of a table against the register and plan what an import would create."""

from collections import defaultdict
from functools import cached_property

from django.db.models import Count, Max

from answerable.core.forms import TEXT_MAX_LENGTH
from answerable.core.tables import cell_text
from answerable.imports.progress import import_progress
from answerable.organisations.models import Organisation, organisation_name_key
from answerable.organisations.selectors import (
    organisation_alias_map,
    organisation_list,
    organisation_names_stamp,
)
from answerable.recommendations.importing.owners import (
    OwnerDecisions,
    UnknownOwner,
    owner_names,
    suggest,
)
from answerable.recommendations.importing.planned import (
    PREVIEW_ROWS,
    RECOMMENDATION_FIELDS,
    SOURCE_FIELDS,
    TEXT_REQUIRED,
    ImportPlan,
    PlannedAction,
    PlannedOrganisation,
    PlannedRecommendation,
    PlannedSource,
    RowError,
)
from answerable.recommendations.importing.row_values import (
    Row,
    recommendation_values,
    source_values,
)
from answerable.recommendations.models import Recommendation, Source, Theme
from answerable.recommendations.selectors.themes import theme_key, theme_lookup
from answerable.recommendations.tables import Table


class _Organisations:
    """Every organisation, read once, found by name, short name, this import's decisions or
    the office's remembered aliases, ignoring case."""

    def __init__(self, office: Organisation, decisions: OwnerDecisions) -> None:
        self.all = list(organisation_list(include_archived=True))
        self.by_id = {organisation.pk: organisation for organisation in self.all}
        self.by_name: dict[str, Organisation] = {}
        self.by_short: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in self.all:
            self.by_name[organisation.name.strip().casefold()] = organisation
            if organisation.short_name.strip():
                self.by_short[organisation.short_name.strip().casefold()].append(organisation)
        self.office = office
        self.decisions = decisions
        self.new: dict[str, Organisation] = {}
        for planned in decisions.new_organisations:
            organisation = Organisation(
                name=planned.name.strip(),
                short_name=planned.short_name.strip(),
                kind=planned.kind,
                office=office,
            )
            self.new[organisation_name_key(organisation.name)] = organisation
            self.by_name.setdefault(organisation.name.casefold(), organisation)
        self.unknown: dict[str, UnknownOwner] = {}
        self.new_used: dict[str, PlannedOrganisation] = {}
        self.learnt: dict[tuple[str, str], tuple[str, Organisation]] = {}

    @cached_property
    def aliases(self) -> dict[str, list[Organisation]]:
        """The office's remembered names, read only once a name is not an organisation's."""
        return organisation_alias_map(office=self.office)

    def find(self, name: str, row: int) -> tuple[list[Organisation], str]:
        """The organisations the name means, or none and why; an unknown name is noted."""
        key = organisation_name_key(name)
        organisation = self.by_name.get(name.casefold())
        short = self.by_short.get(name.casefold(), [])
        if organisation is None and len(short) == 1:
            organisation = short[0]
        if organisation is not None:
            found = [organisation]
        else:
            found = self._decided(name, key, row) or list(self.aliases.get(key, []))
        if not found:
            problem = (
                f"{name} is the short name of more than one organisation"
                if short
                else f"{name} is not an organisation in Answerable"
            )
            unknown = self.unknown.setdefault(key, UnknownOwner(key, name, [], problem))
            if row not in unknown.rows:
                unknown.rows.append(row)
            return [], ""
        for organisation in found:
            if organisation.is_archived:
                return [], f"{organisation.name} is archived"
            if organisation.pk is None:
                self.new_used.setdefault(organisation.name, PlannedOrganisation(row, organisation))
        return found, ""

    def _decided(self, name: str, key: str, row: int) -> list[Organisation]:
        """What the office chose for the name in this import, noted to be remembered."""
        chosen = [
            self.by_id[pk] for pk in self.decisions.existing.get(key, []) if pk in self.by_id
        ] + [
            self.new[organisation_name_key(new)]
            for new in self.decisions.created.get(key, [])
            if organisation_name_key(new) in self.new
        ]
        for organisation in chosen:
            already = organisation.pk is not None and organisation in self.aliases.get(key, [])
            if not already:
                self.learnt.setdefault((key, organisation.name), (name, organisation))
        return chosen

    def unknown_owners(self) -> list[UnknownOwner]:
        unknown = list(self.unknown.values())  # in the order the file names them
        suggest(unknown, self.all, self.aliases)
        return unknown


def _actions(row: Row, organisations: _Organisations) -> list[PlannedAction]:
    """One action per owner named in the row; an empty description means the text's."""
    names = owner_names(row.text("owner"))
    description = row.text(
        "action_description", max_length=TEXT_MAX_LENGTH, label="The action description"
    )
    target_on = row.date("target_on")
    if not names:
        if description or target_on:
            row.error("owner", "Enter the organisation that owns the action")
        return []
    owners: list[Organisation] = []
    for name in names:
        found, problem = organisations.find(name, row.number)
        if problem:
            row.error("owner", problem)
        owners += [owner for owner in found if owner not in owners]
    return [PlannedAction(row.number, owner, description, target_on) for owner in owners]


class _Planner:
    """Groups rows into sources, recommendations and actions, checking each against the rest."""

    def __init__(self, office: Organisation, decisions: OwnerDecisions, titles: set[str]) -> None:
        self.organisations = _Organisations(office, decisions)
        self.existing_sources = {
            s.title.strip().casefold(): s for s in Source.objects.filter(owner=office)
        }
        # Only the sources the file names can clash: an office's register has thousands of
        # references, and a file of new sources needs none of them.
        named = [s.pk for title, s in self.existing_sources.items() if title in titles]
        self.existing_references = (
            {
                (source_id, reference.strip().casefold())
                for source_id, reference in Recommendation.objects.filter(
                    source__in=named
                ).values_list("source_id", "reference")
            }
            if named
            else set()
        )
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.sources: dict[str, PlannedSource] = {}
        self.recommendations: dict[tuple[str, str], PlannedRecommendation] = {}

    def add(self, row: Row) -> None:
        source_fields = source_values(row)
        values = recommendation_values(row)
        title, reference = str(source_fields["title"]), str(values["reference"])
        if not title:
            row.error("source", "Enter the title of the source")
        if not reference:
            row.error("reference", "Enter the reference as published, like R3")
        actions = _actions(row, self.organisations)
        if not title or not reference:
            if not values["text"]:
                row.error("text", TEXT_REQUIRED)
            return
        source = self._source(row, title, source_fields)
        recommendation = self._recommendation(
            row, source, reference, values, adds_actions=bool(row.text("owner"))
        )
        if recommendation is None:
            return
        for action in actions:
            action.description = action.description or str(recommendation.values["text"])
            if any(
                a.owner == action.owner and a.description == action.description
                for a in recommendation.actions
            ):
                row.error("owner", f"{action.owner.name} already has this action on {reference}")
            else:
                recommendation.actions.append(action)

    def _source(self, row: Row, title: str, values: dict[str, object]) -> PlannedSource:
        """The source the row belongs to: planned by an earlier row, existing, or new."""
        key = title.casefold()
        planned = self.sources.get(key)
        if planned is None:
            existing = self.existing_sources.get(key)
            if existing is not None and existing.is_archived:
                row.error("source", f"{existing.title} is archived")
            elif existing is not None:
                self.warnings.append(
                    RowError(
                        row.number,
                        "source",
                        f"{existing.title} is already in the register: its recommendations are "
                        "added to it and its details are not changed",
                    )
                )
            planned = self.sources[key] = PlannedSource(row.number, values, existing)
        elif planned.existing is None:
            for name, model_name in SOURCE_FIELDS.items():
                if row.text(name) and values[model_name] != planned.values[model_name]:
                    self.warnings.append(
                        RowError(
                            row.number,
                            name,
                            f"Differs from row {planned.row}; "
                            f"the value in row {planned.row} is used",
                        )
                    )
        return planned

    def _recommendation(
        self,
        row: Row,
        source: PlannedSource,
        reference: str,
        values: dict[str, object],
        *,
        adds_actions: bool,
    ) -> PlannedRecommendation | None:
        """The row's recommendation: new, or an earlier row's when this row adds actions to it.

        A repeated row may leave the recommendation's columns empty; any it fills must match.
        """
        key = (str(source.values["title"]).casefold(), reference.casefold())
        if source.existing is not None and (source.existing.pk, key[1]) in (
            self.existing_references
        ):
            row.error("reference", f"{reference} already exists in {source.existing.title}")
            return None
        first = self.recommendations.get(key)
        if first is None:
            if not values["text"]:
                row.error("text", TEXT_REQUIRED)
            first = self.recommendations[key] = PlannedRecommendation(row.number, values)
            source.recommendations.append(first)
            return first
        if not adds_actions:
            row.error(
                "reference",
                f"{reference} appears more than once in {source.values['title']} "
                f"(first in row {first.row})",
            )
            return None
        for name in RECOMMENDATION_FIELDS:
            if row.text(name) and values[name] != first.values[name]:
                row.error(name, f"Differs from row {first.row}, which has the same reference")
        return first


def import_plan_stamp(*, office: Organisation) -> tuple[object, ...]:
    """Changes whenever anything `import_plan` reads for the office changes, so a plan made
    before the import's transaction is made again inside it only if it may be stale."""
    sources = Source.objects.filter(owner=office).aggregate(n=Count("pk"), at=Max("updated_at"))
    recommendations = Recommendation.objects.filter(source__owner=office).aggregate(
        n=Count("pk"), at=Max("updated_at")
    )
    themes = Theme.objects.filter(office=office).aggregate(n=Count("pk"), at=Max("updated_at"))
    return (
        *organisation_names_stamp(office=office),
        *(part[key] for part in (sources, recommendations, themes) for key in ("n", "at")),
    )


def import_plan(
    *,
    table: Table,
    mapping: dict[str, str],
    office: Organisation,
    owners: OwnerDecisions | None = None,
) -> ImportPlan:
    """Check every row of the table against the register and say what an import would create.

    `owners` holds the office's answers for owner names no organisation answers to; each name
    still unknown is one error, at the first row naming it, and is listed with suggestions.

    Runs a fixed number of queries whatever the file's length. A source's details come from
    the first row naming it; a source the office already has is reused unchanged. Rows that
    repeat a source and reference add their owners' actions to the first row's recommendation.
    """
    columns = {
        name: table.headers.index(header)
        for name, header in mapping.items()
        if header in table.headers
    }
    title_column = columns.get("source")
    titles = (
        {cell_text(cells[title_column]).casefold() for _, cells in table.rows}
        if title_column is not None
        else set()
    )
    planner = _Planner(office, owners or OwnerDecisions(), titles)
    preview: list[dict[str, str]] = []
    progress = import_progress()  # counted in memory; written by `imports.progress`
    progress.start(total=len(table.rows))
    for number, cells in table.rows:
        progress.advance(1)
        row = Row(number, {name: cells[index] for name, index in columns.items()}, planner.errors)
        if len(preview) < PREVIEW_ROWS:
            preview.append({"row": str(number)} | {name: row.text(name) for name in columns})
        planner.add(row)
    organisations = planner.organisations
    unknown = organisations.unknown_owners()
    errors = planner.errors + [
        RowError(
            owner.rows[0],
            "owner",
            f"{owner.problem}. Match it to one or more organisations"
            + (f" (it is in {owner.rows_text})" if len(owner.rows) > 1 else ""),
        )
        for owner in unknown
    ]
    sources = list(planner.sources.values())
    return ImportPlan(
        sources=sources,
        errors=sorted(errors, key=lambda e: e.row),
        warnings=planner.warnings,
        preview=preview,
        row_count=len(table.rows),
        unknown_owners=unknown,
        new_organisations=list(organisations.new_used.values()),
        aliases=list(organisations.learnt.values()),
        new_themes=_new_themes(sources, office),
    )


def _new_themes(sources: list[PlannedSource], office: Organisation) -> list[str]:
    """The theme names in the plan that match none of the office's themes, each once."""
    named: dict[str, str] = {}
    for planned_source in sources:
        for planned in planned_source.recommendations:
            for name in planned.values["themes"]:  # type: ignore[attr-defined]
                named.setdefault(theme_key(str(name)), " ".join(str(name).split()))
    if not named:  # no query for a file without themes
        return []
    known = theme_lookup(office=office)
    return [name for key, name in named.items() if key not in known]
