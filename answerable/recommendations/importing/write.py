"""Write a checked import through the register's services, in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations import services
from answerable.recommendations.importing.fields import FIELD_NAMES, mapping_errors
from answerable.recommendations.importing.plan import ImportPlan, RowError, import_plan
from answerable.recommendations.tables import Table

T = TypeVar("T")

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


@transaction.atomic
def recommendations_import(
    *,
    actor: User,
    office: Organisation,
    table: Table,
    mapping: dict[str, str],
    file_name: str,
    file_sha256: str,
) -> ImportResult:
    """Write every source, recommendation and action in the table, or raise and write nothing.

    The file is validated again inside the transaction, so rows added since the preview are
    caught. Each object is written by its own service and audited; `import.completed` records
    the file's name, SHA-256 and the counts.
    """
    if not access_for(actor).has_role(Membership.Role.SCRUTINY_OFFICER, office.pk):
        raise PermissionDenied("Only a scrutiny officer of the office can import recommendations")
    problems = mapping_errors(mapping, table.headers)
    if problems:
        raise ValidationError(problems)
    plan = import_plan(table=table, mapping=mapping, office=office)
    if plan.errors:
        raise ImportInvalid(plan.errors)
    for planned_source in plan.sources:
        source = planned_source.existing or _write(
            planned_source.row,
            services.source_create,
            actor=actor,
            owner=office,
            **planned_source.values,
        )
        for planned in planned_source.recommendations:
            recommendation = _write(
                planned.row,
                services.recommendation_create,
                actor=actor,
                source=source,
                **planned.values,
            )
            for action in planned.actions:
                _write(
                    action.row,
                    services.action_create,
                    actor=actor,
                    recommendation=recommendation,
                    owner=action.owner,
                    description=action.description,
                    target_on=action.target_on,
                )
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
        },
    )
    return result


def import_office_for(user: User) -> Organisation | None:
    """The office an import writes to: the user's scrutiny-officer organisation, as sources use."""
    offices = access_for(user).organisations_with_role(Membership.Role.SCRUTINY_OFFICER)
    return Organisation.objects.get(pk=min(offices)) if offices else None
