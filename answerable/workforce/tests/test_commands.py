"""`manage.py workforce_refresh_figures`: stores figures for snapshots imported without them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from answerable.audit.models import AuditEvent
from answerable.workforce import coverage, services
from answerable.workforce.models import CohortFigure, CoverageFigure
from answerable.workforce.tests.factories import (
    CompletionFactory,
    CourseAudienceFactory,
    CourseFactory,
    SnapshotFactory,
    StaffRecordFactory,
)


@pytest.fixture
def course(force):
    course = CourseFactory(owner=force, code="CSE")
    CourseAudienceFactory(course=course, workforce_type="officer")
    return course


def _snapshot(force, course, **kwargs):
    """A snapshot written row by row, as before figures were stored: none are stored."""
    snapshot = SnapshotFactory(organisation=force, **kwargs)
    trained = StaffRecordFactory(snapshot=snapshot, command="CID")
    CompletionFactory(staff_record=trained, course=course)
    StaffRecordFactory(snapshot=snapshot, command="Response", rank_or_grade="")
    services.completions_mark_latest(snapshot=snapshot)
    return snapshot


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("workforce_refresh_figures", *args, stdout=out)
    return out.getvalue()


def test_the_command_fills_a_snapshot_that_had_no_figures(force, course):
    snapshot = _snapshot(force, course)
    other = CourseFactory(owner=force, code="OTHER")
    CourseAudienceFactory(course=other, workforce_type="staff")
    assert coverage.coverage_summary_stored(course=course, snapshot=snapshot) is None
    output = _run("--snapshot", str(snapshot.pk))
    assert "2 courses counted" in output
    stored = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    assert stored == coverage.coverage_summary_live(course=course, snapshot=snapshot)
    assert (stored.overall.required, stored.overall.in_date) == (2, 1)
    assert {c.key: (c.required, c.in_date) for c in stored.by_dimension["command"]} == {
        "CID": (1, 1),
        "Response": (1, 0),
    }
    assert CoverageFigure.objects.get(snapshot=snapshot, course=course).in_date == 1
    assert coverage.coverage_summary_stored(course=other, snapshot=snapshot) is not None
    [event] = AuditEvent.objects.filter(action="workforce.figures_refreshed")
    assert event.changes == {"courses": [None, ["CSE", "OTHER"]]}


def test_the_command_counts_every_snapshot_again_and_is_safe_to_rerun(force, course):
    first = _snapshot(force, course, taken_on=datetime.date(2025, 2, 28))
    second = _snapshot(force, course, taken_on=datetime.date(2025, 3, 31))
    assert "Figures stored for 2 snapshots" in _run()
    rows = CohortFigure.objects.count()
    assert rows > 0
    _run()
    assert CohortFigure.objects.count() == rows
    for snapshot in (first, second):
        assert coverage.coverage_summary_stored(course=course, snapshot=snapshot) is not None


def test_an_unknown_snapshot_is_named(db):
    with pytest.raises(CommandError, match="There is no workforce snapshot 999"):
        _run("--snapshot", "999")
