"""Snapshots: import a force's roster and completions, and count the figures coverage reads."""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.bulk_insert import bulk_copy_text, bulk_insert_rows
from answerable.imports.progress import import_progress
from answerable.organisations.models import Organisation
from answerable.workforce import coverage, coverage_page, importing, selectors
from answerable.workforce.models import (
    CohortFigure,
    Completion,
    Course,
    CoverageFigure,
    Snapshot,
    StaffRecord,
)
from answerable.workforce.tables import StoredTable

BATCH_SIZE = 5000
# The columns each row is written with, in order: plain rows rather than model instances,
# which cost more to build than to write (issue #12).
STAFF_COLUMNS = (
    "snapshot",
    "staff_id",
    "workforce_type",
    "rank_or_grade",
    "command",
    "location",
    "started_on",
    "left_on",
)
COMPLETION_COLUMNS = (
    "snapshot",
    "staff_record",
    "course",
    "completed_on",
    "expires_on",
    "is_latest",
)
T = TypeVar("T")


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    """The items in lists of BATCH_SIZE, read when called, so a whole file is never in memory."""
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def course_codes(*, organisation: Organisation) -> dict[str, int]:
    """The organisation's current course codes, ignoring case, with each course's ID."""
    return {
        code.casefold(): pk
        for code, pk in Course.objects.filter(owner=organisation, is_archived=False).values_list(
            "code", "pk"
        )
    }


@transaction.atomic
def snapshot_import(
    *,
    actor: User,
    organisation: Organisation,
    taken_on: datetime.date,
    roster: StoredTable,
    completions: StoredTable,
    roster_sha256: str,
    completions_sha256: str,
    mapping: dict[str, dict[str, str]],
) -> Snapshot:
    """Write a dated snapshot of the force's roster and completions, or raise and write nothing.

    Both files are checked again as they are written, in batches inside one transaction: any
    bad row raises `ImportInvalid` naming every bad row, and the transaction is rolled back.
    `workforce.snapshot_imported` records the files' names, SHA-256s and the counts.
    """
    if not selectors.can_upload(user=actor, organisation=organisation):
        raise PermissionDenied("Only a lead officer of the force can upload workforce data")
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "The date of the snapshot must be today or earlier"})
    problems = importing.mapping_errors(
        mapping.get(importing.ROSTER, {}), roster.headers(), importing.ROSTER
    ) + importing.mapping_errors(
        mapping.get(importing.COMPLETIONS, {}), completions.headers(), importing.COMPLETIONS
    )
    if problems:
        raise ValidationError(problems)
    snapshot = Snapshot.objects.create(
        organisation=organisation,
        taken_on=taken_on,
        roster_file_name=roster.name[:255],
        roster_sha256=roster_sha256,
        completions_file_name=completions.name[:255],
        completions_sha256=completions_sha256,
        imported_by=actor,
    )
    errors = importing.ErrorLog()
    known: set[str] = set()
    by_type: Counter[str] = Counter()
    rows = importing.roster_rows(roster, mapping[importing.ROSTER], errors, known)
    progress = import_progress()  # counted in memory; written by `imports.progress`
    for batch in _batches(rows):
        progress.advance(len(batch))
        by_type.update(row.workforce_type for row in batch)
        if not errors.count:
            bulk_insert_rows(
                StaffRecord,
                STAFF_COLUMNS,
                [
                    (
                        snapshot.pk,
                        row.staff_id,
                        row.workforce_type,
                        row.rank_or_grade,
                        row.command,
                        row.location,
                        row.started_on,
                        row.left_on,
                    )
                    for row in batch
                ],
            )
    if errors.count:
        raise importing.ImportInvalid(errors)
    staff_pks = dict(snapshot.staff.values_list("staff_id", "pk"))
    skipped: Counter[str] = Counter()
    codes = course_codes(organisation=organisation)
    # Written as they are checked; each person's latest completion of each course last,
    # marked (issue #12). A bad row stops the writing, and the transaction is rolled back.
    # No query may run in this block: the connection is busy with the COPY.
    with _completions_writer(snapshot_pk=snapshot.pk) as write:
        checked = importing.completions_check(
            completions,
            mapping[importing.COMPLETIONS],
            errors,
            staff=staff_pks,
            courses=codes,
            taken_on=taken_on,
            skipped=skipped,
            advance=progress.advance,
            write=write,
        )
        if errors.count:
            raise importing.ImportInvalid(errors)
    completion_count = len(checked)
    del checked
    _refresh_planner_statistics()
    courses = list(Course.objects.filter(owner=organisation).prefetch_related("audiences"))
    for course in courses:
        coverage_figures_record(course=course, snapshots=[snapshot])
    snapshot.staff_count = len(staff_pks)
    snapshot.completion_count = completion_count
    snapshot.save(update_fields=["staff_count", "completion_count", "updated_at"])
    # Drawn once the rows are committed: the figures can be read at once, and the drawing
    # (about half a second a course) holds no lock. A page opened first draws its own.
    course_ids = [course.pk for course in courses]
    transaction.on_commit(
        lambda: coverage_page.coverage_charts_draw(course_ids=course_ids), robust=True
    )
    audit_record(
        actor=actor,
        action="workforce.snapshot_imported",
        target=snapshot,
        organisation=organisation,
        note=f"{roster.name}; {completions.name}",
        changes={
            "taken_on": [None, taken_on],
            "roster_file": [None, roster.name],
            "roster_sha256": [None, roster_sha256],
            "completions_file": [None, completions.name],
            "completions_sha256": [None, completions_sha256],
            "staff": [None, snapshot.staff_count],
            "staff_by_type": [None, dict(sorted(by_type.items()))],
            "completions": [None, completion_count],
            "completions_left_out": [None, sum(skipped.values())],
        },
    )
    return snapshot


class _DateText(dict[int, str | None]):
    """A date ordinal's ISO text, worked out once: what SQLite stores and what PostgreSQL's
    COPY reads; 0, no date, is `none`."""

    def __init__(self, none: str | None) -> None:
        super().__init__({0: none})

    def __missing__(self, ordinal: int) -> str:
        self[ordinal] = text = datetime.date.fromordinal(ordinal).isoformat()
        return text


@contextmanager
def _completions_writer(*, snapshot_pk: int) -> Iterator[importing.Write]:
    """A function writing checked completion rows (`importing.completions_check`'s) to the
    snapshot: on PostgreSQL, into one COPY the database reads while the file is checked."""
    if connection.vendor != "postgresql":
        dates = _DateText(None)

        def insert(rows: importing.CompletionRows, is_latest: bool) -> None:
            bulk_insert_rows(
                Completion,
                COMPLETION_COLUMNS,
                [(snapshot_pk, s, c, dates[d], dates[e], is_latest) for s, c, d, e in rows],
                prepared=True,
            )

        yield insert
        return
    texts = _DateText("\\N")
    with bulk_copy_text(Completion, COMPLETION_COLUMNS) as copy:

        def write(rows: importing.CompletionRows, is_latest: bool) -> None:
            end = "\tt\n" if is_latest else "\tf\n"
            copy(
                "".join(
                    [f"{snapshot_pk}\t{s}\t{c}\t{texts[d]}\t{texts[e]}{end}" for s, c, d, e in rows]
                )
            )

        yield write


def _refresh_planner_statistics() -> None:
    """Let PostgreSQL see the rows just written before querying them in the same transaction.

    Without fresh statistics the planner takes the new tables for empty and chooses nested
    loops that take minutes over a few hundred thousand rows. ANALYZE counts the current
    transaction's own inserts, and may run inside a transaction. SQLite needs nothing.

    A sample of 3,000 rows a table (a statistics target of 10, not 100) is enough for the
    counts that follow, and took ANALYZE from 0.4 s to under 0.1 s (issue #12); autovacuum
    reads a fuller sample once the rows are committed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('default_statistics_target', '10', true)")
            cursor.execute("ANALYZE workforce_staffrecord, workforce_completion")
            cursor.execute("RESET default_statistics_target")


def completions_mark_latest(*, snapshot: Snapshot) -> int:
    """Mark each person's latest completion of each course in the snapshot, in one statement.

    Coverage judges only the latest completion, so marking it once at import keeps every
    coverage query to an index range scan. Returns how many completions were marked.
    """
    later = Completion.objects.filter(
        snapshot_id=snapshot.pk,
        course_id=OuterRef("course_id"),
        staff_record_id=OuterRef("staff_record_id"),
        completed_on__gt=OuterRef("completed_on"),
    )
    return (
        Completion.objects.filter(snapshot_id=snapshot.pk, is_latest=False)
        .filter(~Exists(later))
        .update(is_latest=True)
    )


def coverage_figures_record(*, course: Course, snapshots: list[Snapshot]) -> None:
    """Count and keep the course's coverage at each snapshot: overall, and by each cohort.

    One grouped query counts every snapshot; the overall figure feeds the trend by month and
    the cohort figures the coverage page. Whatever was stored before for these snapshots is
    replaced, so a changed course is counted afresh.
    """
    counted = coverage.cohort_count(course=course, snapshots=snapshots)
    CoverageFigure.objects.filter(course=course, snapshot__in=snapshots).delete()
    CohortFigure.objects.filter(course=course, snapshot__in=snapshots).delete()
    CoverageFigure.objects.bulk_create(
        CoverageFigure(
            snapshot_id=pk,
            course=course,
            required=totals[coverage.ALL][""][0],
            in_date=totals[coverage.ALL][""][1],
        )
        for pk, totals in counted.items()
    )
    CohortFigure.objects.bulk_create(
        CohortFigure(
            snapshot_id=pk,
            course=course,
            dimension=dimension,
            cohort=cohort,
            required=required,
            in_date=in_date,
        )
        for pk, totals in counted.items()
        for dimension, cohorts in totals.items()
        for cohort, (required, in_date) in cohorts.items()
    )


@transaction.atomic
def snapshot_figures_refresh(*, snapshot: Snapshot, actor: User | None = None) -> int:
    """Count and store every course's figures at the snapshot again; return how many courses.

    For snapshots imported before cohort figures were stored, and after any change to how
    coverage is counted. Recorded as `workforce.figures_refreshed`.
    """
    courses = list(
        Course.objects.filter(owner_id=snapshot.organisation_id)
        .prefetch_related("audiences")
        .order_by("pk")
    )
    for course in courses:
        coverage_figures_record(course=course, snapshots=[snapshot])
    audit_record(
        actor=actor,
        action="workforce.figures_refreshed",
        target=snapshot,
        organisation=snapshot.organisation,
        changes={"courses": [None, [course.code for course in courses]]},
    )
    return len(courses)
