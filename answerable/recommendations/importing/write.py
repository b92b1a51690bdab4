"""Write a checked import in one transaction: sources through their service, rows in bulk."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Count

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.bulk_insert import bulk_insert
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, scrutiny_office_for
from answerable.organisations.services import organisation_alias_add, organisation_partner_create
from answerable.recommendations import selectors, services
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.importing.blank import Blank
from answerable.recommendations.importing.fields import FIELD_NAMES, mapping_errors
from answerable.recommendations.importing.owners import OwnerDecisions
from answerable.recommendations.importing.plan import import_plan, import_plan_stamp
from answerable.recommendations.importing.planned import (
    ImportPlan,
    PlannedAction,
    PlannedSource,
    RowError,
)
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.tables import Table
from answerable.recommendations.tallies import (
    action_counted,
    partners_add,
    recommendation_counted,
    tally_add,
)

T = TypeVar("T")
# Rows a statement: well under SQLite's 32,766 variables for the widest of these tables.
BATCH = 500

# Where a service's error names a model field, the importer field the user knows it by.
MODEL_FIELDS = {
    "title": "source",
    "kind": "source_kind",
    "url": "source_url",
    "description": "action_description",
}


class ImportInvalid(ValidationError):
    """The file has errors; nothing was written."""

    def __init__(self, row_errors: list[RowError]) -> None:
        self.row_errors = row_errors
        super().__init__([str(e) for e in row_errors])


@dataclass(frozen=True)
class ImportResult:
    sources_created: int
    sources_reused: int
    recommendations_created: int
    actions_created: int

    @classmethod
    def of(cls, plan: ImportPlan) -> "ImportResult":
        return cls(
            sources_created=plan.new_source_count,
            sources_reused=plan.reused_source_count,
            recommendations_created=plan.recommendation_count,
            actions_created=plan.action_count,
        )

    def __str__(self) -> str:
        return (
            f"{_count(self.recommendations_created, 'recommendation')} and "
            f"{_count(self.actions_created, 'action')} in "
            f"{_count(self.sources_created, 'new source')} and "
            f"{_count(self.sources_reused, 'existing source')}"
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _write(row: int, service: Callable[..., T], **kwargs: Any) -> T:
    """Call a register service; a ValidationError becomes the row's error, undoing the import."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ImportInvalid(
                [
                    RowError(row, MODEL_FIELDS.get(name, name if name in FIELD_NAMES else ""), msg)
                    for name, messages in error.message_dict.items()
                    for msg in messages
                ]
            ) from error
        raise ImportInvalid([RowError(row, "", msg) for msg in error.messages]) from error


def recommendations_import(
    *,
    actor: User,
    office: Organisation,
    table: Table,
    mapping: dict[str, str],
    file_name: str,
    file_sha256: str,
    owners: OwnerDecisions | None = None,
) -> ImportResult:
    """Write every source, recommendation and action in the table, or raise and write nothing.

    On SQLite the file is checked against the register before the transaction and checked
    again inside it only if what the check read has changed since (`import_plan_stamp`), so
    rows added since are caught without its one writer being held while 3,000 rows are read;
    on PostgreSQL, whose reads block no writer, it is checked once, inside the transaction. New
    sources are made as `source_create` makes them and written together, each with its own
    `source.created` event (`sources_import`). Recommendations and actions, checked by
    the plan as their services would, are inserted in bulk, so other writes do not wait long
    (issue #11, High 2). One `import.completed` event records the file's name, SHA-256, the
    counts, the ids written and a digest of their values.

    `owners` are the office's answers for owner names no organisation answers to: the
    organisations it chose to create are created first, and each name is remembered as an
    alias, through the organisations' services, so each is audited and undone with the rest.
    """
    if not access_for(actor).has_role(Membership.Role.SCRUTINY_OFFICER, office.pk):
        raise PermissionDenied("Only a scrutiny officer of the office can import recommendations")
    problems = mapping_errors(mapping, table.headers)
    if problems:
        raise ValidationError(problems)
    checked = None
    # SQLite's transaction takes its one writer at once, so the file is checked before and
    # again inside only if stale. PostgreSQL's reads hold nothing a writer waits for: the
    # check is made once, inside, and neither stamp is read.
    if connection.vendor != "postgresql":
        stamp = import_plan_stamp(office=office)
        checked = _checked(table=table, mapping=mapping, office=office, owners=owners)
    with transaction.atomic():
        if checked is None or import_plan_stamp(office=office) != stamp:
            checked = _checked(table=table, mapping=mapping, office=office, owners=owners)
        plan, rows = checked
        return _write_plan(
            actor=actor,
            office=office,
            plan=plan,
            rows=rows,
            file_name=file_name,
            file_sha256=file_sha256,
        )


def _checked(
    *, table: Table, mapping: dict[str, str], office: Organisation, owners: OwnerDecisions | None
) -> tuple[ImportPlan, "_Rows"]:
    """The file's plan and the rows it writes; raise ImportInvalid if it has errors."""
    plan = import_plan(table=table, mapping=mapping, office=office, owners=owners)
    if plan.errors:
        raise ImportInvalid(plan.errors)
    return plan, _Rows.built(plan)


def _write_plan(
    *,
    actor: User,
    office: Organisation,
    plan: ImportPlan,
    rows: "_Rows",
    file_name: str,
    file_sha256: str,
) -> ImportResult:
    created = _write_owners(actor=actor, office=office, plan=plan)
    written = _write_rows(actor=actor, office=office, plan=plan, rows=rows)
    result = ImportResult.of(plan)
    audit_record(
        actor=actor,
        action="import.completed",
        organisation=office,
        note=file_name,
        changes={
            "file": [None, file_name],
            "sha256": [None, file_sha256],
            "rows": [None, plan.row_count],
            "sources_created": [None, result.sources_created],
            "sources_reused": [None, result.sources_reused],
            "recommendations_created": [None, result.recommendations_created],
            "actions_created": [None, result.actions_created],
            "recommendation_ids": [None, [r.pk for r in written.recommendations]],
            "action_ids": [None, [a.pk for a in written.actions]],
            "rows_sha256": [None, written.digest()],
            "organisations_created": [None, [o.pk for o in created]],
            "aliases_added": [None, len(plan.aliases)],
            "themes_created": [None, plan.new_themes],
        },
    )
    return result


@dataclass
class _Written:
    recommendations: list[Recommendation]
    actions: list[Action]

    def digest(self) -> str:
        """SHA-256 of what was written, so the event vouches for the rows, not only the file."""
        rows = [
            [r.pk, r.source_id, r.reference, r.text, r.finding_type, r.addressees, r.deadline_on]
            for r in self.recommendations
        ] + [
            [a.pk, a.recommendation_id, a.owner_id, a.description, a.target_on]
            for a in self.actions
        ]
        encoded = json.dumps(rows, cls=DjangoJSONEncoder, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()


def _write_owners(*, actor: User, office: Organisation, plan: ImportPlan) -> list[Organisation]:
    """Create the organisations the office chose to add and remember the names it answered.

    The plan's actions hold the new organisations unsaved; each is swapped for the saved one.
    """
    created: dict[str, Organisation] = {}
    for planned in plan.new_organisations:
        new = planned.organisation
        try:
            created[new.name] = organisation_partner_create(
                actor=actor,
                office=office,
                name=new.name,
                kind=new.kind,
                short_name=new.short_name,
            )
        except ValidationError as error:
            raise ImportInvalid(
                [RowError(planned.row, "owner", message) for message in error.messages]
            ) from error
    for planned_source in plan.sources:
        for recommendation in planned_source.recommendations:
            for action in recommendation.actions:
                if action.owner.pk is None:
                    action.owner = created[action.owner.name]
    for name, organisation in plan.aliases:
        organisation_alias_add(
            actor=actor,
            office=office,
            organisation=created.get(organisation.name, organisation),
            name=name,
        )
    return list(created.values())


@dataclass
class _Rows:
    """An import's recommendations and actions, built before SQLite's transaction: inside it
    they only get their source, position and new ids (building 20,000 instances held its one
    writer for a second)."""

    by_source: list[tuple[PlannedSource, list[Recommendation]]]
    themes: list[tuple[Recommendation, list[str]]]
    actions: list[tuple[Recommendation, PlannedAction, Action]]

    @classmethod
    def built(cls, plan: ImportPlan) -> "_Rows":
        rows = cls([], [], [])
        new_recommendation, new_action = Blank(Recommendation).new, Blank(Action).new
        for planned_source in plan.sources:
            recommendations = []
            for planned in planned_source.recommendations:
                values = planned.values
                text = str(values["text"]).strip()
                recommendation = new_recommendation(
                    reference=str(values["reference"]).strip(),
                    text=text,
                    finding_type=str(
                        values["finding_type"] or Recommendation.FindingType.RECOMMENDATION
                    ),
                    addressees=str(values["addressees"]).strip(),
                    deadline_on=deadline_from_text(text),
                )
                recommendations.append(recommendation)
                rows.themes.append((recommendation, _names(values["themes"])))
                rows.actions += [
                    (
                        recommendation,
                        action,
                        new_action(
                            description=action.description.strip(),
                            target_on=action.target_on or recommendation.deadline_on,
                        ),
                    )
                    for action in planned.actions
                ]
            rows.by_source.append((planned_source, recommendations))
        return rows


def _write_rows(*, actor: User, office: Organisation, plan: ImportPlan, rows: _Rows) -> _Written:
    themes = _themes(actor=actor, office=office, plan=plan)
    sources: dict[int, Source] = {}
    for planned_source, _ in rows.by_source:
        if not planned_source.existing:
            values = cast(dict[str, Any], planned_source.values)
            source = services.source_new(owner=office, **values)
            # As source_create checks it; the database holds the one-title-per-office rule,
            # which the plan has checked against the register. The owner is the office the
            # actor was just found to work for: checking it again is a query a source.
            _write(
                planned_source.row, source.full_clean, exclude=["owner"], validate_constraints=False
            )
            sources[planned_source.row] = source
    services.sources_import(actor=actor, owner=office, sources=list(sources.values()))
    recommendations: list[Recommendation] = []
    positions = _positions([planned.existing for planned, _ in rows.by_source])
    for planned_source, in_source in rows.by_source:
        source = planned_source.existing or sources[planned_source.row]
        position = positions.get(source.pk, 0) if planned_source.existing else 0
        for number, recommendation in enumerate(in_source, start=position + 1):
            recommendation.source = source
            recommendation.position = number
        recommendations += in_source
    bulk_insert(recommendations)
    Recommendation.themes.through.objects.bulk_create(
        [
            Recommendation.themes.through(recommendation_id=r.pk, theme_id=theme_id)
            for r, names in rows.themes
            # "Training, training" is one theme, as theme_get_or_create matches names.
            for theme_id in {themes[selectors.theme_key(name)] for name in names}
        ],
        batch_size=BATCH,
    )
    actions = []
    for recommendation, planned, action in rows.actions:
        action.recommendation_id = recommendation.pk
        action.source = recommendation.source  # as a row, for its tallies
        # The organisations the office chose to create exist only now (`_write_owners`).
        action.owner_id = planned.owner.pk
        actions.append(action)
    bulk_insert(actions)
    tally_add(recommendation_counted(r) for r in recommendations)
    tally_add(action_counted(a) for a in actions)
    partners_add((a.owner_id, r) for r, _planned, a in rows.actions)
    return _Written(recommendations, actions)


def _positions(existing: list[Source | None]) -> dict[int, int]:
    """How many recommendations each existing source the file adds to has, in one query."""
    ids = [source.pk for source in existing if source is not None]
    if not ids:
        return {}
    return dict(
        Recommendation.objects.filter(source__in=ids)
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )


def _names(value: object) -> list[str]:
    names = value if isinstance(value, list | tuple) else []
    return [str(name).strip() for name in names if str(name).strip()]


def _themes(*, actor: User, office: Organisation, plan: ImportPlan) -> dict[str, int]:
    """The id of every theme the file names, by `theme_key`, adding the office's new ones."""
    names = [
        name
        for planned_source in plan.sources
        for planned in planned_source.recommendations
        for name in _names(planned.values["themes"])
    ]
    if not names:
        return {}
    services.theme_get_or_create(actor=actor, office=office, names=names)
    return {key: theme.pk for key, theme in selectors.theme_lookup(office=office).items()}


def import_office_for(user: User) -> Organisation | None:
    """The office an import writes to, as a source added by hand goes to."""
    return scrutiny_office_for(user=user)
