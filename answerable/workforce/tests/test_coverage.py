"""Coverage figures against small cases worked out by hand, and the queries they cost."""

import datetime

import pytest

from answerable.workforce import coverage, selectors, services
from answerable.workforce.models import CohortFigure, CoverageFigure, WorkforceType
from answerable.workforce.tests.factories import (
    CompletionFactory,
    CourseAudienceFactory,
    CourseFactory,
    SnapshotFactory,
    StaffRecordFactory,
)

D = datetime.date(2025, 3, 31)
OFFICER, PCSO, STAFF = WorkforceType.OFFICER, WorkforceType.PCSO, WorkforceType.STAFF


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def course(force):
    course = CourseFactory(owner=force, code="CSE", refresh_months=36, target_percent=80)
    CourseAudienceFactory(course=course, workforce_type=OFFICER)
    CourseAudienceFactory(course=course, workforce_type=PCSO, command="Local Policing")
    return course


def _person(snapshot, staff_id, workforce_type, command, started, *, rank="Constable", left=None):
    return StaffRecordFactory(
        snapshot=snapshot,
        staff_id=staff_id,
        workforce_type=workforce_type,
        command=command,
        rank_or_grade=rank,
        started_on=_date(started),
        left_on=_date(left) if left else None,
    )


def _completed(staff, course, on, expires=None):
    return CompletionFactory(
        staff_record=staff,
        snapshot=staff.snapshot,
        course=course,
        completed_on=_date(on),
        expires_on=_date(expires) if expires else None,
    )


@pytest.fixture
def snapshot(force, course):
    """Twelve people; eight are required on 31 March 2025 and four of them are in date."""
    snapshot = SnapshotFactory(organisation=force, taken_on=D)
    other_course = CourseFactory(owner=force, code="OTHER")
    # In date: no expiry, completed after 31 March 2022 (36 months before D). Under 2 years.
    a = _person(snapshot, "A", OFFICER, "Local Policing", "2024-04-01")
    _completed(a, course, "2024-05-01")
    # Completed exactly 36 months before D: lapsed on D. Exactly 2 years' service: 2 to 5.
    b = _person(snapshot, "B", OFFICER, "Local Policing", "2023-03-31")
    _completed(b, course, "2022-03-31")
    # Completed a day later than B: still in date. A day short of 2 years: under 2.
    c = _person(snapshot, "C", OFFICER, "CID", "2023-04-01")
    _completed(c, course, "2022-04-01")
    # The latest completion expires on D, so not in date, even though an older one runs on.
    d = _person(snapshot, "D", OFFICER, "CID", "2015-03-31")
    _completed(d, course, "2020-01-01", "2026-01-01")
    _completed(d, course, "2024-01-01", "2025-03-31")
    # Expires the day after D: in date. Exactly 20 years' service: 20 or more.
    e = _person(snapshot, "E", OFFICER, "CID", "2005-03-31", rank="Sergeant")
    _completed(e, course, "2024-06-01", "2025-04-01")
    # Left on D: not required, even though trained.
    f = _person(snapshot, "F", OFFICER, "CID", "2010-01-01", left="2025-03-31")
    _completed(f, course, "2024-06-01")
    # Leaves the day after D: still required. Never trained. 14 years: 10 to 20.
    _person(snapshot, "G", OFFICER, "Response", "2010-04-01", left="2025-04-01")
    # Starts after D: not required yet.
    _person(snapshot, "H", OFFICER, "CID", "2025-04-01")
    # A PCSO in Local Policing is required; 7 years: 5 to 10.
    i = _person(snapshot, "I", PCSO, "Local Policing", "2018-01-01", rank="")
    _completed(i, course, "2024-01-01")
    # A PCSO in Response and police staff are not in the audience.
    _person(snapshot, "J", PCSO, "Response", "2018-01-01")
    k = _person(snapshot, "K", STAFF, "Local Policing", "2018-01-01")
    _completed(k, course, "2024-01-01")
    # Trained on another course only: not in date for this one. 25 years: 20 or more.
    ell = _person(snapshot, "L", OFFICER, "Local Policing", "2000-01-01")
    _completed(ell, other_course, "2024-01-01")
    services.completions_mark_latest(snapshot=snapshot)
    return snapshot


def _figures(cohorts):
    return {c.key: (c.in_date, c.required) for c in cohorts}


@pytest.fixture(params=["live", "stored"])
def summarise(request):
    """Count live from the staff rows, or store the figures as an import does and read them."""

    def summarise(course, snapshot):
        if request.param == "live":
            return coverage.coverage_summary_live(course=course, snapshot=snapshot)
        services.coverage_figures_record(course=course, snapshots=[snapshot])
        summary = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
        assert summary is not None
        return summary

    return summarise


def test_overall_coverage_counts_only_the_required_audience_on_the_date(
    course, snapshot, summarise
):
    summary = summarise(course, snapshot)
    assert (summary.overall.in_date, summary.overall.required) == (4, 8)
    assert summary.overall.percent == 50


def test_coverage_by_workforce_type_rank_and_command(course, snapshot, summarise):
    summary = summarise(course, snapshot)
    assert _figures(summary.by_dimension["workforce_type"]) == {"officer": (3, 7), "pcso": (1, 1)}
    assert _figures(summary.by_dimension["rank_or_grade"]) == {
        "Constable": (2, 6),
        "Sergeant": (1, 1),
        "": (1, 1),
    }
    assert _figures(summary.by_dimension["command"]) == {
        "CID": (2, 3),
        "Local Policing": (2, 4),
        "Response": (0, 1),
    }


def test_length_of_service_bands_put_each_anniversary_in_the_higher_band(
    course, snapshot, summarise
):
    summary = summarise(course, snapshot)
    bands = summary.by_dimension["service_band"]
    assert [c.key for c in bands] == ["under_2", "2_to_5", "5_to_10", "10_to_20", "20_plus"]
    assert _figures(bands) == {
        "under_2": (2, 2),
        "2_to_5": (0, 1),
        "5_to_10": (1, 1),
        "10_to_20": (0, 2),
        "20_plus": (1, 2),
    }


def test_a_rank_that_is_its_workforce_type_is_listed_once_below_target(force, course):
    snapshot = SnapshotFactory(organisation=force, taken_on=D)
    for staff_id in ("P1", "P2"):
        _person(snapshot, staff_id, PCSO, "Local Policing", "2020-01-01", rank="PCSO")
    services.coverage_figures_record(course=course, snapshots=[snapshot])
    summary = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    labels = [(c.dimension, c.label) for c in summary.below_target]
    assert ("workforce_type", "PCSO") in labels
    assert ("rank_or_grade", "PCSO") not in labels  # the same two people, listed once
    assert ("command", "Local Policing") in labels


def test_cohorts_furthest_below_target_come_first(course, snapshot, summarise):
    summary = summarise(course, snapshot)
    below = [(c.dimension, c.key) for c in summary.below_target]
    assert below[:3] == [
        ("service_band", "10_to_20"),
        ("command", "Response"),
        ("service_band", "2_to_5"),
    ]
    assert ("workforce_type", "pcso") not in below
    assert ("command", "CID") in below
    assert below.index(("rank_or_grade", "Constable")) < below.index(("command", "CID"))


def test_a_course_without_a_refresh_period_never_lapses(force, snapshot, summarise):
    course = CourseFactory(owner=force, code="ONCE", refresh_months=None)
    CourseAudienceFactory(course=course, workforce_type=OFFICER)
    b = snapshot.staff.get(staff_id="B")
    _completed(b, course, "1999-01-01")
    services.completions_mark_latest(snapshot=snapshot)
    summary = summarise(course, snapshot)
    assert (summary.overall.in_date, summary.overall.required) == (1, 7)


def test_the_gap_list_holds_required_staff_not_in_date_by_command(course, snapshot):
    gaps = coverage.coverage_gap_list(course=course, snapshot=snapshot)
    assert [(s.command, s.staff_id) for s in gaps] == [
        ("CID", "D"),
        ("Local Policing", "B"),
        ("Local Policing", "L"),
        ("Response", "G"),
    ]
    assert {s.staff_id: s.last_completed_on for s in gaps}["D"] == _date("2024-01-01")


def test_the_trend_takes_the_last_snapshot_of_each_month(force, course, snapshot):
    early = SnapshotFactory(organisation=force, taken_on=_date("2025-02-01"))
    late = SnapshotFactory(organisation=force, taken_on=_date("2025-02-28"))
    for staff_id in ("X", "Y"):
        person = _person(late, staff_id, OFFICER, "CID", "2020-01-01")
        _completed(person, course, "2022-03-01")  # in date on 28 February 2025 only
    _person(early, "Z", OFFICER, "CID", "2020-01-01")
    services.completions_mark_latest(snapshot=late)
    services.coverage_figures_record(course=course, snapshots=[early, late, snapshot])
    trend = coverage.coverage_trend(course=course)
    assert [(p.month, p.snapshot_id, p.in_date, p.required) for p in trend] == [
        (_date("2025-02-01"), late.pk, 2, 2),
        (_date("2025-03-01"), snapshot.pk, 4, 8),
    ]


def test_the_page_reads_the_latest_snapshot_with_the_trend_figures_of_its_course(
    force, course, snapshot
):
    earlier = SnapshotFactory(organisation=force, taken_on=_date("2025-02-28"))
    services.coverage_figures_record(course=course, snapshots=[earlier, snapshot])
    later = SnapshotFactory(organisation=force, taken_on=D)  # imported after `snapshot`
    other = CourseFactory(owner=force, code="OTHER-COURSE")
    CoverageFigure.objects.create(snapshot=later, course=other, required=1, in_date=1)
    snapshots = coverage.course_snapshots(course=course)
    assert snapshots[-1] == selectors.snapshot_latest(organisation=force) == later
    # March's last snapshot has no figure for this course, so the trend leaves March out.
    trend = coverage.coverage_trend(course=course, snapshots=snapshots)
    assert [(p.snapshot_id, p.in_date, p.required) for p in trend] == [(earlier.pk, 0, 0)]


def test_another_forces_snapshot_is_never_counted(course, snapshot, council):
    stranger = SnapshotFactory(taken_on=D)
    person = _person(stranger, "A", OFFICER, "CID", "2020-01-01")
    _completed(person, course, "2024-05-01")
    services.completions_mark_latest(snapshot=stranger)
    services.coverage_figures_record(course=course, snapshots=[snapshot, stranger])
    assert coverage.coverage_summary(course=course, snapshot=snapshot).overall.required == 8
    assert [p.snapshot_id for p in coverage.coverage_trend(course=course)] == [snapshot.pk]


@pytest.mark.parametrize("extra", [0, 40])
def test_coverage_costs_the_same_queries_whatever_the_size(
    course, snapshot, extra, django_assert_num_queries
):
    for n in range(extra):
        person = _person(snapshot, f"N{n}", OFFICER, f"Command {n % 7}", "2015-01-01")
        if n % 2:
            _completed(person, course, "2024-01-01")
    services.completions_mark_latest(snapshot=snapshot)
    course = type(course).objects.prefetch_related("audiences").get(pk=course.pk)
    with django_assert_num_queries(1):
        coverage.coverage_summary_live(course=course, snapshot=snapshot)
    # A snapshot without stored figures: one read finds none, then the live count.
    with django_assert_num_queries(2):
        coverage.coverage_summary(course=course, snapshot=snapshot)
    services.coverage_figures_record(course=course, snapshots=[snapshot])
    with django_assert_num_queries(1):
        summary = coverage.coverage_summary(course=course, snapshot=snapshot)
    assert summary.overall.required == 8 + extra
    with django_assert_num_queries(1):
        snapshots = coverage.course_snapshots(course=course)
    with django_assert_num_queries(0):
        assert [p.snapshot_id for p in coverage.coverage_trend(course=course, snapshots=snapshots)]
    with django_assert_num_queries(1):
        coverage.coverage_trend(course=course)
    with django_assert_num_queries(1):
        list(coverage.coverage_gap_list(course=course, snapshot=snapshot)[:50])


def test_stored_figures_are_the_live_count_exactly(course, snapshot):
    services.coverage_figures_record(course=course, snapshots=[snapshot])
    stored = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    assert stored == coverage.coverage_summary_live(course=course, snapshot=snapshot)
    assert coverage.coverage_summary(course=course, snapshot=snapshot) == stored
    [figure] = CoverageFigure.objects.filter(course=course, snapshot=snapshot)
    assert (figure.in_date, figure.required) == (4, 8)
    assert CohortFigure.objects.filter(course=course, snapshot=snapshot).count() == (
        1 + 2 + 3 + 3 + 5  # all, types, ranks, commands, bands
    )


def test_a_snapshot_without_stored_figures_is_counted_live(course, snapshot):
    assert coverage.coverage_summary_stored(course=course, snapshot=snapshot) is None
    summary = coverage.coverage_summary(course=course, snapshot=snapshot)
    assert (summary.overall.in_date, summary.overall.required) == (4, 8)


def test_figures_are_stored_even_when_no_one_is_required(force, snapshot):
    nobody = CourseFactory(owner=force, code="NOBODY")
    CourseAudienceFactory(course=nobody, workforce_type=WorkforceType.VOLUNTEER)
    services.coverage_figures_record(course=nobody, snapshots=[snapshot])
    summary = coverage.coverage_summary_stored(course=nobody, snapshot=snapshot)
    assert summary is not None
    assert (summary.overall.required, summary.below_target) == (0, [])
    assert all(cohorts == [] for cohorts in summary.by_dimension.values())


def test_counting_several_snapshots_at_once_bands_each_by_its_own_date(force, course, snapshot):
    """One query over several snapshots gives each the figures it gets on its own."""
    earlier = SnapshotFactory(organisation=force, taken_on=_date("2023-03-31"))
    # On 31 March 2023, X has exactly two years' service and Y a day less; both trained.
    for staff_id, started in (("X", "2021-03-31"), ("Y", "2021-04-01")):
        person = _person(earlier, staff_id, OFFICER, "CID", started)
        _completed(person, course, "2022-06-01")
    _person(earlier, "Z", PCSO, "Local Policing", "2003-03-31")
    services.completions_mark_latest(snapshot=earlier)
    together = coverage.cohort_count(course=course, snapshots=[earlier, snapshot])
    for each in (earlier, snapshot):
        assert together[each.pk] == coverage.cohort_count(course=course, snapshots=[each])[each.pk]
    assert together[earlier.pk]["service_band"] == {
        "2_to_5": [1, 1],
        "under_2": [1, 1],
        "20_plus": [1, 0],
    }
