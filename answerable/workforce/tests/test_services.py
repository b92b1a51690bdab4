"""The import service and its checks: every bad row named, nothing written, one audit event."""

import datetime
import hashlib
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.meetings.tests.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.workforce import importing, services
from answerable.workforce.models import Completion, Course, CoverageLink, Snapshot, StaffRecord
from answerable.workforce.services import snapshots
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import (
    COMPLETION_ROWS,
    ROSTER_ROWS,
    completions,
    csv_bytes,
    roster,
    table,
)

TAKEN_ON = datetime.date(2025, 3, 31)


@pytest.fixture
def course(force):
    course = CourseFactory(owner=force, code="CSE")
    CourseAudienceFactory(course=course, workforce_type="officer")
    return course


def _mapping(roster_table=None, completions_table=None):
    return {
        "roster": importing.guess_mapping((roster_table or roster()).headers(), "roster"),
        "completions": importing.guess_mapping(
            (completions_table or completions()).headers(), "completions"
        ),
    }


def _import(actor, organisation, roster_table=None, completions_table=None, **kwargs):
    roster_table = roster_table or roster()
    completions_table = completions_table or completions()
    return services.snapshot_import(
        actor=actor,
        organisation=organisation,
        taken_on=kwargs.pop("taken_on", TAKEN_ON),
        roster=roster_table,
        completions=completions_table,
        roster_sha256=hashlib.sha256(roster_table.content).hexdigest(),
        completions_sha256=hashlib.sha256(completions_table.content).hexdigest(),
        mapping=kwargs.pop("mapping", None) or _mapping(roster_table, completions_table),
    )


def _nothing_written():
    return not (
        Snapshot.objects.exists()
        or StaffRecord.objects.exists()
        or Completion.objects.exists()
        or AuditEvent.objects.filter(action="workforce.snapshot_imported").exists()
    )


def _messages(invalid):
    return [str(error) for error in invalid.value.log.listed]


def test_the_usual_headers_are_matched_to_fields():
    assert _mapping() == {
        "roster": {
            "staff_id": "Staff ID",
            "workforce_type": "Workforce type",
            "rank_or_grade": "Rank",
            "command": "Command",
            "location": "Location",
            "started_on": "Start date",
            "left_on": "Leaving date",
        },
        "completions": {
            "staff_id": "Staff ID",
            "course_code": "Course code",
            "completed_on": "Completed on",
            "expires_on": "Expires on",
        },
    }


def test_an_import_writes_the_snapshot_with_one_audit_event(force, force_lead, course):
    snapshot = _import(force_lead, force)
    assert StaffRecord.objects.filter(snapshot=snapshot).count() == 5
    # P004's first-aid course is not set up, so it is left out; "cse" matches CSE.
    assert Completion.objects.filter(snapshot=snapshot).count() == 3
    p005 = snapshot.staff.get(staff_id="P005")
    assert (p005.workforce_type, p005.left_on) == ("officer", datetime.date(2025, 1, 31))
    [event] = AuditEvent.objects.filter(action="workforce.snapshot_imported")
    assert event.actor == force_lead
    assert event.organisation == force
    assert event.changes["staff"] == [None, 5]
    assert event.changes["completions"] == [None, 3]
    assert event.changes["completions_left_out"] == [None, 1]
    assert event.changes["roster_sha256"] == [
        None,
        hashlib.sha256(roster().content).hexdigest(),
    ]
    assert event.changes["staff_by_type"][1] == {"officer": 3, "pcso": 1, "staff": 1}


def test_categories_spelt_differently_are_one_cohort(force, force_lead, course):
    rows = [
        ["S1", "Special", "Special Constable", "Local  Policing", "Worcester", "2020-01-01", ""],
        ["S2", "Special", "special constable ", "local policing", "worcester", "2020-01-01", ""],
        ["S3", "PCSO", "pcso", "LOCAL POLICING", "Worcester", "2020-01-01", ""],
    ]
    snapshot = _import(force_lead, force, roster(rows), completions([]))
    staff = snapshot.staff.order_by("staff_id")
    assert [(s.rank_or_grade, s.command, s.location) for s in staff] == [
        ("Special constable", "Local Policing", "Worcester"),
        ("Special constable", "Local Policing", "Worcester"),
        ("PCSO", "Local Policing", "Worcester"),
    ]


def test_writes_go_in_batches_and_keep_every_row(force, force_lead, course, monkeypatch):
    """A national roster is written a batch at a time; no row is lost or written twice at a
    batch's edge."""
    monkeypatch.setattr(snapshots, "BATCH_SIZE", 2)
    monkeypatch.setattr(importing.completions, "WRITE_BATCH", 2)
    written: list[tuple[str, int]] = []
    real_insert, real_writer = snapshots.bulk_insert_rows, snapshots._completions_writer

    def counted_insert(model, names, rows, **kwargs):  # the real writer, each batch noted
        if model.__name__ == "StaffRecord":
            written.append((model.__name__, len(rows)))
        return real_insert(model, names, rows, **kwargs)

    @contextmanager
    def counted_writer(**kwargs):
        with real_writer(**kwargs) as write:

            def counted(rows, is_latest):
                written.append(("Completion", len(rows)))
                write(rows, is_latest)

            yield counted

    monkeypatch.setattr(snapshots, "bulk_insert_rows", counted_insert)
    monkeypatch.setattr(snapshots, "_completions_writer", counted_writer)
    rows = [[f"P{n:03d}", "Officer", "", "CID", "", "2020-01-01", ""] for n in range(7)]
    done = [[f"P{n:03d}", "CSE", "2024-01-01", ""] for n in range(7)]
    done += [[f"P{n:03d}", "CSE", "2021-01-01", ""] for n in range(5)]  # earlier, not latest
    snapshot = _import(force_lead, force, roster(rows), completions(done))
    assert written == [("StaffRecord", n) for n in (2, 2, 2, 1)] + [
        ("Completion", n) for n in (2, 2, 1, 2, 2, 2, 1)
    ]
    assert (snapshot.staff_count, snapshot.completion_count) == (7, 12)
    assert sorted(snapshot.staff.values_list("staff_id", flat=True)) == [r[0] for r in rows]
    assert sorted(
        snapshot.completions.values_list("staff_record__staff_id", "completed_on", "is_latest")
    ) == sorted(
        [(r[0], datetime.date(2024, 1, 1), True) for r in rows]
        + [(r[0], datetime.date(2021, 1, 1), False) for r in rows[:5]]
    )


def test_a_deleted_snapshot_takes_its_completions_and_a_course_in_use_stays(
    force, force_lead, course
):
    """Completions have no foreign keys in the database (ADR 21): Django still cascades and
    protects."""
    snapshot = _import(force_lead, force)
    assert snapshot.completions.exists()
    with pytest.raises(ProtectedError), transaction.atomic():
        Course.objects.filter(pk=course.pk).delete()
    Snapshot.objects.filter(pk=snapshot.pk).delete()
    assert not Completion.objects.filter(snapshot_id=snapshot.pk).exists()
    assert not StaffRecord.objects.filter(snapshot_id=snapshot.pk).exists()
    assert Course.objects.filter(pk=course.pk).exists()


@pytest.mark.parametrize(
    ("roster_rows", "completion_rows", "expected"),
    [
        (
            [*ROSTER_ROWS, ["P9", "Officer", "", "CID", "", "2020-13-01", "next week"]],
            None,
            [
                "roster.csv, row 7, Start date: Enter a real date, like 31/12/2024",
                "roster.csv, row 7, Leaving date: Enter a real date, like 31/12/2024",
            ],
        ),
        (
            [*ROSTER_ROWS, ["P9", "Detective", "", "CID", "", "2020-01-01", ""]],
            None,
            [
                "roster.csv, row 7, Workforce type: Detective is not a workforce type. "
                "Enter officer, staff, PCSO, special or volunteer"
            ],
        ),
        (
            [*ROSTER_ROWS, ["P002", "Officer", "", "CID", "", "2020-01-01", ""]],
            None,
            ["roster.csv, row 7, Staff ID: Staff ID P002 is also on row 3"],
        ),
        (
            [*ROSTER_ROWS, ["P9", "Officer", "", "CID", "", "2020-01-01", "2019-12-31"]],
            None,
            [
                "roster.csv, row 7, Leaving date: The leaving date must be the same as or "
                "after the start date"
            ],
        ),
        (
            None,
            [*COMPLETION_ROWS, ["P777", "CSE", "2024-01-01", ""]],
            ["completions.csv, row 6, Staff ID: Staff ID P777 is not in the staff roster"],
        ),
        (
            None,
            [*COMPLETION_ROWS, ["P001", "cse", "01/05/2024", ""]],
            [
                "completions.csv, row 6: This row repeats an earlier one: staff ID P001 "
                "completed cse on 1 May 2024 already"
            ],
        ),
        (
            None,
            [*COMPLETION_ROWS, ["P001", "CSE", "2025-04-01", ""]],
            [
                "completions.csv, row 6, Completion date: The completion date must be on or "
                "before the date of the snapshot, 31 March 2025"
            ],
        ),
        (
            None,
            [*COMPLETION_ROWS, ["P001", "CSE", "2024-01-01", "2023-01-01"]],
            [
                "completions.csv, row 6, Expiry date: The expiry date must be the same as or "
                "after the completion date"
            ],
        ),
        (
            None,
            [*COMPLETION_ROWS, ["P001", "CSE", "", ""]],
            ["completions.csv, row 6, Completion date: Enter the completion date"],
        ),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(
    force, force_lead, course, roster_rows, completion_rows, expected
):
    with pytest.raises(importing.ImportInvalid) as invalid:
        _import(force_lead, force, roster(roster_rows), completions(completion_rows))
    assert _messages(invalid) == expected
    assert _nothing_written()


def test_a_bad_row_after_rows_already_written_leaves_nothing(
    force, force_lead, course, monkeypatch
):
    """Rows are written while the file is checked; a bad row later still refuses it all."""
    monkeypatch.setattr(importing.completions, "WRITE_BATCH", 2)
    rows = [[f"P{n:03d}", "Officer", "", "CID", "", "2020-01-01", ""] for n in range(5)]
    done = [[f"P{n:03d}", "CSE", f"202{year}-01-01", ""] for n in range(5) for year in (1, 2, 3)]
    with pytest.raises(importing.ImportInvalid) as invalid:
        _import(
            force_lead,
            force,
            roster(rows),
            completions([*done, ["P001", "CSE", "2099-01-01", ""]]),
        )
    assert _messages(invalid) == [
        "completions.csv, row 17, Completion date: The completion date must be on or before "
        "the date of the snapshot, 31 March 2025"
    ]
    assert _nothing_written()


def test_the_preview_lists_problems_in_both_files_at_once(force, course):
    roster_rows = [*ROSTER_ROWS, ["P9", "Officer", "", "CID", "", "bad", ""]]
    completion_rows = [*COMPLETION_ROWS, ["P777", "CSE", "2024-01-01", ""]]
    plan = importing.import_plan(
        roster=roster(roster_rows),
        completions=completions(completion_rows),
        mapping=_mapping(),
        courses=services.course_codes(organisation=force),
        taken_on=TAKEN_ON,
    )
    assert [e.row for e in plan.errors.listed] == [7, 6]
    assert plan.staff_count == 5
    assert plan.completion_count == 3
    assert plan.skipped_courses == {"FIRSTAID": 1}
    assert _nothing_written()


def test_an_import_is_refused_to_anyone_but_the_forces_lead_officer(
    force, council, course, council_lead, scrutiny_officer
):
    force_viewer = member(force, Membership.Role.VIEWER)
    for actor in (council_lead, scrutiny_officer, force_viewer):
        with pytest.raises(PermissionDenied):
            _import(actor, force)
    council_own_lead = member(council, Membership.Role.LEAD_OFFICER)
    with pytest.raises(PermissionDenied):
        _import(council_own_lead, council)  # a council is not a police force
    assert _nothing_written()


def test_a_mapping_without_a_required_column_is_refused(force, force_lead, course):
    mapping = _mapping()
    del mapping["roster"]["started_on"]
    with pytest.raises(ValidationError) as error:
        _import(force_lead, force, mapping=mapping)
    assert "Select the column of the staff roster that holds the start date" in error.value.messages
    assert _nothing_written()


@pytest.mark.parametrize(
    ("headers", "row", "expected"),
    [
        (
            ["Staff ID", "Workforce type", "Surname"],
            ["P1", "Officer", "Smith"],
            "Column 3 'Surname' of f.csv looks like a name: the system holds no directly "
            "identifying data. Remove it and upload again",
        ),
        (
            ["Staff ID", "Email address"],
            ["P1", "x"],
            "Column 2 'Email address' of f.csv looks like an email address",
        ),
        (
            ["Staff ID", "DOB"],
            ["P1", "1980-01-01"],
            "Column 2 'DOB' of f.csv looks like a date of birth",
        ),
        (
            ["Staff ID", "NI number"],
            ["P1", ""],
            "Column 2 'NI number' of f.csv looks like a National Insurance number",
        ),
        (
            ["Staff ID", "Home address"],
            ["P1", ""],
            "Column 2 'Home address' of f.csv looks like an address",
        ),
        (
            ["Staff ID", "Notes"],
            ["P1", "jo.bloggs@police.example"],
            "Column 2 'Notes' of f.csv holds what looks like an email address in row 2",
        ),
        (
            ["Reference", "Workforce type"],
            ["JH 12 34 56 C", "Officer"],
            "Column 1 'Reference' of f.csv holds what looks like a National Insurance number",
        ),
    ],
)
def test_columns_that_look_identifying_are_refused(headers, row, expected):
    problems = importing.identifying_column_errors(table(csv_bytes(headers, [row]), "f.csv"))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_ordinary_columns_are_not_mistaken_for_identifying_data():
    headers = ["Staff ID", "Course name", "Command name", "Location", "Start date"]
    rows = [["AB123", "CSE awareness", "Local Policing", "Worcester", "2020-01-01"]]
    assert importing.identifying_column_errors(table(csv_bytes(headers, rows))) == []


# --- courses and links ----------------------------------------------------------------------


def test_a_lead_officer_sets_up_a_course_with_an_audit_event(force, force_lead):
    course = services.course_create(
        actor=force_lead,
        owner=force,
        code="CSE",
        title="CSE awareness",
        target_percent=90,
        refresh_months=36,
        workforce_types=["officer", "pcso"],
        commands=[],
    )
    assert [str(a) for a in course.audiences.all()] == [
        "Police officer in every command",
        "PCSO in every command",
    ]
    [event] = AuditEvent.objects.filter(action="course.created")
    assert event.changes["code"] == [None, "CSE"]
    with pytest.raises(ValidationError):
        services.course_create(
            actor=force_lead,
            owner=force,
            code="cse",
            title="Again",
            target_percent=90,
            refresh_months=None,
            workforce_types=["officer"],
            commands=[],
        )
    assert Course.objects.count() == 1


def test_only_the_forces_lead_officer_sets_up_its_courses(force, scrutiny_officer):
    with pytest.raises(PermissionDenied):
        services.course_create(
            actor=scrutiny_officer,
            owner=force,
            code="CSE",
            title="CSE awareness",
            target_percent=90,
            refresh_months=36,
            workforce_types=["officer"],
            commands=[],
        )
    assert not Course.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_forces_lead_links_coverage_to_a_recommendation_it_has_an_action_on(
    force_lead, course, force_action
):
    link = services.coverage_link_create(
        actor=force_lead, course=course, recommendation=force_action.recommendation, note="x"
    )
    [event] = AuditEvent.objects.filter(action="coverage_link.created")
    assert event.target_id == str(link.pk)
    with pytest.raises(ValidationError):
        services.coverage_link_create(
            actor=force_lead, course=course, recommendation=force_action.recommendation
        )
    assert CoverageLink.objects.count() == 1


def test_coverage_cannot_be_linked_by_those_who_may_not(
    course, council_lead, council_action, force_action, force
):
    force_viewer = member(force, Membership.Role.VIEWER)
    for actor, recommendation in (
        (council_lead, council_action.recommendation),
        (force_viewer, force_action.recommendation),
    ):
        with pytest.raises(PermissionDenied):
            services.coverage_link_create(actor=actor, course=course, recommendation=recommendation)
    assert not CoverageLink.objects.exists()


def test_a_new_course_is_counted_at_the_forces_earlier_snapshots(force, force_lead, course):
    from answerable.workforce import coverage

    _import(force_lead, force)
    first_aid = services.course_create(
        actor=force_lead,
        owner=force,
        code="FIRSTAID",
        title="First aid",
        target_percent=90,
        refresh_months=36,
        workforce_types=["staff"],
        commands=[],
    )
    assert audited("course.created", target=first_aid).actor == force_lead
    [point] = coverage.coverage_trend(course=first_aid)
    # P004 is police staff, trained in January 2024, but the import left that completion out
    # because the course did not exist yet.
    assert (point.required, point.in_date, point.taken_on) == (1, 0, TAKEN_ON)
    [point] = coverage.coverage_trend(course=course)
    assert (point.required, point.in_date) == (2, 1)  # officers P001 and P002; P005 has left


# --- coverage on meeting agenda items ---------------------------------------------------------


@pytest.fixture
def agenda_item(office, force):
    """An item on a meeting the office runs and the force attends."""
    meeting = MeetingFactory(office=office, title="Holding to account: training")
    AttendeeFactory(meeting=meeting, organisation=force)
    return AgendaItemFactory(meeting=meeting, title="Training to spot exploitation")


def _link_events():
    return AuditEvent.objects.filter(action__startswith="coverage_link.")


def test_the_offices_scrutiny_officer_links_coverage_to_an_agenda_item(
    scrutiny_officer, course, force_action, agenda_item
):
    link = services.coverage_link_create(
        actor=scrutiny_officer, course=course, agenda_item=agenda_item, note=" For item 2 "
    )
    assert (link.agenda_item, link.recommendation, link.note) == (agenda_item, None, "For item 2")
    [event] = _link_events()
    assert event.action == "coverage_link.created"
    assert (event.actor, event.organisation, event.target_id) == (
        scrutiny_officer,
        course.owner,
        str(link.pk),
    )
    assert event.changes["agenda_item"] == [
        None,
        f"{agenda_item.meeting}: 2. Training to spot exploitation",
    ]
    with pytest.raises(ValidationError) as error:
        services.coverage_link_create(
            actor=scrutiny_officer, course=course, agenda_item=agenda_item
        )
    assert error.value.message_dict == {
        "agenda_item": ["This coverage is already linked to that agenda item"]
    }
    assert CoverageLink.objects.count() == 1
    assert _link_events().count() == 1


def test_the_forces_lead_links_coverage_to_an_item_of_a_meeting_the_force_attends(
    force_lead, course, agenda_item
):
    link = services.coverage_link_create(actor=force_lead, course=course, agenda_item=agenda_item)
    assert link.created_by == force_lead
    assert audited("coverage_link.created", target=link).actor == force_lead


def test_coverage_is_not_linked_to_an_agenda_item_by_those_who_may_not(
    force, office, course, force_action, agenda_item, scrutiny_officer, council_lead, force_lead
):
    not_attended = AgendaItemFactory(meeting=MeetingFactory(office=office))
    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    other_offices_meeting = MeetingFactory(office=other_office)
    AttendeeFactory(meeting=other_offices_meeting, organisation=force)
    other_offices_item = AgendaItemFactory(meeting=other_offices_meeting)
    # The other office also oversees the force, so its officer sees the coverage.
    ActionFactory(recommendation=RecommendationFactory(source__owner=other_office), owner=force)
    other_scrutiny = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    refused = [
        (member(force, Membership.Role.VIEWER), agenda_item),  # a viewer links nothing
        (member(office, Membership.Role.VIEWER), agenda_item),
        (council_lead, agenda_item),  # cannot see the force's coverage
        (force_lead, not_attended),  # the force does not attend that meeting
        (scrutiny_officer, other_offices_item),  # another office's meeting
        (other_scrutiny, agenda_item),  # sees the coverage, not this office's meeting
        (scrutiny_officer, agenda_item.meeting.items.get(is_action_review=True)),
    ]
    for actor, item in refused:
        with pytest.raises(PermissionDenied):
            services.coverage_link_create(actor=actor, course=course, agenda_item=item)
    assert not CoverageLink.objects.exists()
    assert not _link_events().exists()


@pytest.mark.parametrize("targets", ["both", "neither"])
def test_a_link_has_exactly_one_target(
    scrutiny_officer, course, force_action, agenda_item, targets
):
    both = targets == "both"
    with pytest.raises(ValidationError) as error:
        services.coverage_link_create(
            actor=scrutiny_officer,
            course=course,
            recommendation=force_action.recommendation if both else None,
            agenda_item=agenda_item if both else None,
        )
    assert error.value.messages == [
        "Link the coverage to either a recommendation or an agenda item"
    ]
    assert not CoverageLink.objects.exists()
    assert not _link_events().exists()


@pytest.mark.parametrize("targets", ["both", "neither"])
def test_the_database_refuses_a_link_without_exactly_one_target(
    scrutiny_officer, course, force_action, agenda_item, targets
):
    both = targets == "both"
    link = CoverageLink(
        course=course,
        recommendation=force_action.recommendation if both else None,
        agenda_item=agenda_item if both else None,
        created_by=scrutiny_officer,
    )
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()
    assert not CoverageLink.objects.exists()


def test_the_same_course_links_once_to_each_item_and_each_recommendation(
    scrutiny_officer, course, force_action, agenda_item
):
    recommendation = force_action.recommendation
    CoverageLink.objects.create(course=course, agenda_item=agenda_item, created_by=scrutiny_officer)
    CoverageLink.objects.create(
        course=course, recommendation=recommendation, created_by=scrutiny_officer
    )
    for target in ({"agenda_item": agenda_item}, {"recommendation": recommendation}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CoverageLink.objects.create(course=course, created_by=scrutiny_officer, **target)


def test_whoever_may_link_may_remove_the_link_with_an_audit_event(
    scrutiny_officer, force_lead, course, force_action, agenda_item
):
    link = services.coverage_link_create(
        actor=scrutiny_officer, course=course, agenda_item=agenda_item, note="Spring"
    )
    pk = link.pk
    services.coverage_link_delete(actor=force_lead, link=link)
    assert not CoverageLink.objects.exists()
    event = AuditEvent.objects.get(action="coverage_link.deleted")
    assert (event.actor, event.target_id) == (force_lead, str(pk))
    assert event.changes["note"] == ["Spring", None]
    assert event.changes["agenda_item"][1] is None


def test_a_link_is_not_removed_by_those_who_may_not(
    scrutiny_officer, force, council_lead, course, force_action, agenda_item
):
    link = services.coverage_link_create(
        actor=scrutiny_officer, course=course, agenda_item=agenda_item
    )
    for actor in (member(force, Membership.Role.VIEWER), council_lead):
        with pytest.raises(PermissionDenied):
            services.coverage_link_delete(actor=actor, link=link)
    assert CoverageLink.objects.filter(pk=link.pk).exists()
    assert not AuditEvent.objects.filter(action="coverage_link.deleted").exists()


# --- changing a course recounts its stored figures --------------------------------------------


def _update(actor, course, **changes):
    fields = {
        "title": course.title,
        "target_percent": course.target_percent,
        "refresh_months": course.refresh_months,
        "workforce_types": sorted({a.workforce_type for a in course.audiences.all()}),
        "commands": sorted({a.command for a in course.audiences.all() if a.command}),
    }
    return services.course_update(
        actor=actor, course=course, expected_version=course.version, **{**fields, **changes}
    )


def test_a_new_audience_recounts_the_stored_figures(force, force_lead, course):
    from answerable.workforce import coverage

    snapshot = _import(force_lead, force)
    before = coverage.coverage_summary(course=course, snapshot=snapshot)
    assert (before.overall.required, before.overall.in_date) == (2, 1)
    course = _update(force_lead, course, workforce_types=["officer", "pcso"])
    stored = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    assert stored == coverage.coverage_summary_live(course=course, snapshot=snapshot)
    # P003, a PCSO trained in January 2024 with an expiry in 2027, joins the audience.
    assert (stored.overall.required, stored.overall.in_date) == (3, 2)
    assert _figures_by_type(stored) == {"officer": (2, 1), "pcso": (1, 1)}
    [point] = coverage.coverage_trend(course=course)
    assert (point.required, point.in_date) == (3, 2)
    [event] = AuditEvent.objects.filter(action="course.updated")
    assert event.changes == {
        "audience": [
            ["Police officer in every command"],
            ["PCSO in every command", "Police officer in every command"],
        ]
    }


def test_a_shorter_refresh_period_recounts_who_is_in_date(force, force_lead, course):
    from answerable.workforce import coverage

    snapshot = _import(force_lead, force)
    # P001 completed on 1 May 2024: in date for 36 months, not for 6.
    course = _update(force_lead, course, refresh_months=6)
    stored = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    assert (stored.overall.required, stored.overall.in_date) == (2, 0)
    assert stored == coverage.coverage_summary_live(course=course, snapshot=snapshot)


def test_a_new_target_or_title_needs_no_recount(force, force_lead, course):
    from answerable.workforce.models import CohortFigure

    _import(force_lead, force)
    stored = set(CohortFigure.objects.values_list("pk", flat=True))
    course = _update(force_lead, course, target_percent=75, title="CSE awareness (2025)")
    assert (course.target_percent, course.title) == (75, "CSE awareness (2025)")
    assert set(CohortFigure.objects.values_list("pk", flat=True)) == stored
    [event] = AuditEvent.objects.filter(action="course.updated")
    assert event.changes["target_percent"] == [90, 75]
    _update(force_lead, course)  # nothing changed: nothing recorded
    assert AuditEvent.objects.filter(action="course.updated").count() == 1


def test_only_the_forces_lead_officer_changes_a_course(force, force_lead, course, scrutiny_officer):
    from answerable.workforce.models import CohortFigure

    _import(force_lead, force)
    stored = list(CohortFigure.objects.values_list("pk", "required", "in_date"))
    for actor in (scrutiny_officer, member(force, Membership.Role.VIEWER)):
        with pytest.raises(PermissionDenied):
            _update(actor, course, workforce_types=["staff"], target_percent=10)
    course.refresh_from_db()
    assert course.target_percent == 90
    assert [str(a) for a in course.audiences.all()] == ["Police officer in every command"]
    assert list(CohortFigure.objects.values_list("pk", "required", "in_date")) == stored
    assert not AuditEvent.objects.filter(action="course.updated").exists()


def test_a_course_change_without_an_audience_is_refused(force, force_lead, course):
    with pytest.raises(ValidationError):
        _update(force_lead, course, workforce_types=[])
    assert [str(a) for a in course.audiences.all()] == ["Police officer in every command"]
    assert not AuditEvent.objects.filter(action="course.updated").exists()


def _figures_by_type(summary):
    return {c.key: (c.required, c.in_date) for c in summary.by_dimension["workforce_type"]}


def test_the_import_stores_cohort_figures_for_every_course(force, force_lead, course):
    from answerable.workforce import coverage
    from answerable.workforce.models import CohortFigure

    snapshot = _import(force_lead, force)
    assert CohortFigure.objects.filter(snapshot=snapshot, course=course).exists()
    stored = coverage.coverage_summary_stored(course=course, snapshot=snapshot)
    assert stored == coverage.coverage_summary_live(course=course, snapshot=snapshot)
    assert _figures_by_type(stored) == {"officer": (2, 1)}


def test_a_failed_import_stores_no_figures(force, force_lead, course):
    from answerable.workforce.models import CohortFigure, CoverageFigure

    with pytest.raises(importing.ImportInvalid):
        _import(
            force_lead,
            force,
            completions_table=completions([*COMPLETION_ROWS, ["P777", "CSE", "", ""]]),
        )
    assert not CohortFigure.objects.exists()
    assert not CoverageFigure.objects.exists()


def test_a_course_change_drawn_from_an_older_version_is_refused_and_writes_nothing(
    force, force_lead, course
):
    colleague = member(force, Membership.Role.LEAD_OFFICER)
    opened = Course.objects.get(pk=course.pk)  # both open the edit page at version 1
    _update(colleague, course, target_percent=75)
    with pytest.raises(ValidationError) as refused:
        _update(force_lead, opened, title="Renamed by the second editor")
    assert refused.value.messages == [
        "Someone else changed this course while you were editing it. "
        "Check their changes below and make yours again."
    ]
    course.refresh_from_db()
    assert (course.title, course.target_percent, course.version) == (opened.title, 75, 2)
    [event] = AuditEvent.objects.filter(action="course.updated")
    assert event.changes == {"target_percent": [90, 75]}
