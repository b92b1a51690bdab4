"""Keep a report PDF's items for review, correct them, and import them into the register.

Every change is one audited transaction. The import builds the register's import table from
the kept items and calls the register's own importer (`recommendations_import`), so the
same checks apply and nothing is written when one item is wrong; inside the same transaction
each new recommendation is given its origin: the PDF's SHA-256 and the item's page.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.extraction.models import ExtractedItem, ExtractedReport, RecommendationOrigin
from answerable.extraction.reports import Extraction
from answerable.extraction.selectors import can_review
from answerable.organisations.models import Organisation
from answerable.recommendations.importing import ImportResult, recommendations_import
from answerable.recommendations.models import Recommendation
from answerable.recommendations.selectors.source_title import recommendation_list_by_source_title
from answerable.recommendations.tables import Table

SPLIT_MARK = "---"
ITEM_FIELDS = ("reference", "finding_type", "text", "owner")
IMPORT_COLUMNS = ["source", "reference", "text", "finding_type", "addressees", "owner"]


def _check(actor: User, report: ExtractedReport) -> None:
    if not can_review(user=actor, report=report):
        raise PermissionDenied(_("Only the office's scrutiny officers may review this report"))
    if report.imported_at is not None:
        raise ValidationError(_("These items have been imported and can no longer be changed"))


def _renumber(report: ExtractedReport) -> None:
    """Number the items 1, 2, 3… in their order, as the review page and errors name them."""
    items = list(report.items.order_by("position", "pk"))
    for number, item in enumerate(items, start=1):
        item.position = number
    ExtractedItem.objects.bulk_update(items, ["position"])


def _locked_item(actor: User, item: ExtractedItem, *, expected_version: int) -> ExtractedItem:
    """The item as saved now, locked, if the actor may change it and it is still at the
    version their form was drawn from."""
    _check(actor, item.report)
    item = locked_for_edit(
        ExtractedItem.objects.select_related("report"),
        pk=item.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this item while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )
    _check(actor, item.report)  # as it is now: imported since the form was drawn?
    return item


def _values(item: ExtractedItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in (*ITEM_FIELDS, "page", "is_dropped")}


@transaction.atomic
def extracted_report_create(
    *, actor: User, office: Organisation, extraction: Extraction
) -> ExtractedReport:
    """Keep what was found in a report PDF for the office to review."""
    report = ExtractedReport(
        organisation=office,
        uploaded_by=actor,
        file_name=extraction.file.name[:255],
        file_sha256=extraction.file.sha256,
        title=extraction.title[:500],
        page_texts={str(page): text for page, text in extraction.pages.items()},
    )
    if not can_review(user=actor, report=report):
        raise PermissionDenied(_("Only a scrutiny officer of the office can read a report"))
    report.full_clean()
    report.save()
    ExtractedItem.objects.bulk_create(
        ExtractedItem(
            report=report,
            position=number,
            reference=re.sub(r"\s+", " ", item.reference)[:50],
            finding_type=item.finding_type,
            text=item.text,
            page=item.page,
            deadline_on=item.deadline_on,
            owner_suggestion="; ".join(item.addressees)[:500],
        )
        for number, item in enumerate(extraction.items, start=1)
    )
    audit_record(
        actor=actor,
        action="extracted_report.created",
        target=report,
        organisation=office,
        changes={
            "file": [None, report.file_name],
            "sha256": [None, report.file_sha256],
            "items": [None, len(extraction.items)],
        },
    )
    return report


@transaction.atomic
def extracted_item_change(
    *,
    actor: User,
    item: ExtractedItem,
    expected_version: int,
    reference: str,
    finding_type: str,
    text: str,
    owner: str = "",
) -> ExtractedItem:
    """Correct an item's reference, type, text or owner.

    `expected_version` is the version the form was drawn from: if someone else changed the
    item since, nothing is saved and the officer is asked to make their change again.
    """
    item = _locked_item(actor, item, expected_version=expected_version)
    before = _values(item)
    item.reference, item.finding_type = reference.strip(), finding_type
    item.text, item.owner = text.strip(), owner.strip()
    item.version += 1
    item.full_clean()
    item.save()
    after = _values(item)
    audit_record(
        actor=actor,
        action="extracted_item.changed",
        target=item,
        organisation=item.report.organisation,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return item


@transaction.atomic
def extracted_item_drop(*, actor: User, item: ExtractedItem, is_dropped: bool) -> ExtractedItem:
    """Leave the item out of the import, or put it back."""
    item = ExtractedItem.objects.select_for_update().select_related("report").get(pk=item.pk)
    _check(actor, item.report)
    previous = item.is_dropped
    item.is_dropped = is_dropped
    item.save(update_fields=["is_dropped", "updated_at"])
    audit_record(
        actor=actor,
        action="extracted_item.dropped" if is_dropped else "extracted_item.restored",
        target=item,
        organisation=item.report.organisation,
        changes={"is_dropped": [previous, is_dropped]},
    )
    return item


@transaction.atomic
def extracted_item_split(
    *, actor: User, item: ExtractedItem, expected_version: int, text: str
) -> tuple[ExtractedItem, ExtractedItem]:
    """Split the item in two where `text` has a line holding only "---": the first part keeps
    the item, the second becomes a new item after it, on the same page, with a reference to
    correct. A split drawn from an older version of the item is refused, as a change is."""
    _check(actor, item.report)
    parts = re.split(r"^[ \t]*---[ \t]*$", text.replace("\r\n", "\n"), flags=re.MULTILINE)
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise ValidationError(
            {
                "text": _(
                    "Put one line holding only --- where the item splits, with text above "
                    "and below it"
                )
            }
        )
    item = _locked_item(actor, item, expected_version=expected_version)
    before = item.text
    item.text = parts[0].strip()
    item.version += 1
    item.full_clean()
    item.save()
    ExtractedItem.objects.filter(report=item.report, position__gt=item.position).update(
        position=F("position") + 1
    )
    second = ExtractedItem(
        report=item.report,
        position=item.position + 1,
        reference=f"{item.reference} (2)"[:50],
        finding_type=item.finding_type,
        text=parts[1].strip(),
        page=item.page,
        owner=item.owner,
        owner_suggestion=item.owner_suggestion,
    )
    second.full_clean()
    second.save()
    audit_record(
        actor=actor,
        action="extracted_item.split",
        target=item,
        organisation=item.report.organisation,
        changes={"text": [before, item.text], "new_item": [None, second.pk]},
        note=second.text[:200],
    )
    return item, second


@transaction.atomic
def extracted_item_merge(*, actor: User, item: ExtractedItem) -> ExtractedItem:
    """Join the next item's text to this one's and remove the next item; the merged item
    keeps this one's reference, type, page and owner."""
    item = ExtractedItem.objects.select_for_update().select_related("report").get(pk=item.pk)
    _check(actor, item.report)
    following = (
        ExtractedItem.objects.select_for_update()
        .filter(report=item.report, position__gt=item.position)
        .order_by("position", "pk")
        .first()
    )
    if following is None:
        raise ValidationError(_("The last item has no next item to merge with"))
    before = item.text
    item.text = f"{item.text}\n\n{following.text}"
    item.version += 1  # a change page open on the item now shows the text before the merge
    item.full_clean()
    item.save()
    merged = _values(following)
    following.delete()  # a draft row: the event keeps what it held
    _renumber(item.report)
    audit_record(
        actor=actor,
        action="extracted_item.merged",
        target=item,
        organisation=item.report.organisation,
        changes={"text": [before, item.text], "merged_item": [merged, None]},
    )
    return item


@transaction.atomic
def extracted_item_add(
    *,
    actor: User,
    report: ExtractedReport,
    reference: str,
    finding_type: str,
    text: str,
    owner: str = "",
    page: int | None = None,
) -> ExtractedItem:
    """Add an item the reading missed, after the others."""
    report = ExtractedReport.objects.select_for_update().get(pk=report.pk)
    _check(actor, report)
    last = report.items.order_by("-position").values_list("position", flat=True).first()
    item = ExtractedItem(
        report=report,
        position=(last or 0) + 1,
        reference=reference.strip(),
        finding_type=finding_type,
        text=text.strip(),
        owner=owner.strip(),
        page=page,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="extracted_item.added",
        target=item,
        organisation=report.organisation,
        changes={k: [None, v] for k, v in _values(item).items()},
    )
    return item


def import_table(report: ExtractedReport, *, source: str) -> Table:
    """The kept items as the register's import reads a file: one row per item, numbered as
    the review page numbers the items, so an error names the item."""
    rows: list[tuple[int, list[str | None]]] = [
        (
            item.position,
            [
                source,
                item.reference,
                item.text,
                item.finding_type,
                item.owner_suggestion,
                item.owner,
            ],
        )
        for item in report.items.filter(is_dropped=False).order_by("position", "pk")
    ]
    return Table(headers=list(IMPORT_COLUMNS), rows=rows)  # type: ignore[arg-type]


@transaction.atomic
def extracted_report_import(
    *, actor: User, report: ExtractedReport, source: str
) -> tuple[ImportResult, list[Recommendation]]:
    """Import the kept items under the source title `source`, all or nothing, and record
    where each new recommendation came from.

    Raises the importer's `ImportInvalid`, whose row numbers are item numbers, when an item
    is wrong: an owner no organisation answers to is one such error (the office corrects the
    item's owner or leaves it blank, to assign owners later in the register).
    """
    report = ExtractedReport.objects.select_for_update().get(pk=report.pk)
    _check(actor, report)
    source = " ".join(source.split())
    if not source:
        raise ValidationError({"source": _("Enter the source title")})
    kept = list(report.items.filter(is_dropped=False).order_by("position", "pk"))
    if not kept:
        raise ValidationError(_("Every item is dropped: restore or add one to import"))
    in_source = recommendation_list_by_source_title(owner=report.organisation, title=source)
    existing = set(in_source.values_list("pk", flat=True))
    result = recommendations_import(
        actor=actor,
        office=report.organisation,
        table=import_table(report, source=source),
        mapping={name: name for name in IMPORT_COLUMNS},
        file_name=report.file_name,
        file_sha256=report.file_sha256,
    )
    # Each kept reference names a recommendation this import created (the importer refuses
    # one already in the source); items repeating a reference are one recommendation.
    created = {
        _key(r.reference): r for r in in_source.exclude(pk__in=existing).select_related("source")
    }
    origins: dict[int, RecommendationOrigin] = {}
    for item in kept:
        recommendation = created[_key(item.reference)]
        origins.setdefault(
            recommendation.pk,
            RecommendationOrigin(
                recommendation=recommendation,
                report=report,
                file_name=report.file_name,
                file_sha256=report.file_sha256,
                page=item.page,
            ),
        )
    RecommendationOrigin.objects.bulk_create(origins.values())
    report.imported_at = timezone.now()
    report.source_title = source
    report.save(update_fields=["imported_at", "source_title", "updated_at"])
    audit_record(
        actor=actor,
        action="extracted_report.imported",
        target=report,
        organisation=report.organisation,
        changes={
            "source": [None, source],
            "sha256": [None, report.file_sha256],
            "origins": [None, {str(pk): o.page for pk, o in origins.items()}],
        },
    )
    recommendations = sorted((o.recommendation for o in origins.values()), key=lambda r: r.position)
    return result, recommendations


def _key(reference: str) -> str:
    return " ".join(reference.split()).casefold()
