"""The register's counts are kept by the services as the register changes (issue #12)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from answerable.recommendations import selectors, services
from answerable.recommendations.models import (
    Action,
    ActionTally,
    AssuranceStatus,
    DeliveryStatus,
    PartnerRecommendationTally,
    RecommendationTally,
    SourceActionTally,
)
from answerable.recommendations.tallies import tally_differences
from answerable.recommendations.tests.test_importing import run_import


def action_tallies() -> dict[tuple[str, str, str], int]:
    """(owner, delivery status, assurance status): total, for every tally above zero."""
    return {
        (tally.owner.name, tally.delivery_status, tally.assurance_status): tally.total
        for tally in ActionTally.objects.filter(total__gt=0).select_related("owner")
    }


def recommendation_tallies() -> dict[str, int]:
    return dict(
        RecommendationTally.objects.filter(total__gt=0).values_list("assurance_status", "total")
    )


def test_adding_updating_and_assessing_keeps_every_tally_exact(
    scrutiny_officer, source, force, force_lead
):
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="R1", text="Train every officer."
    )
    action = services.action_create(
        actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Train"
    )
    assert action_tallies() == {(force.name, "not_started", "not_assessed"): 1}
    assert recommendation_tallies() == {"not_assessed": 1}

    services.update_post(
        actor=force_lead, action=action, narrative="Done", status=DeliveryStatus.COMPLETED
    )
    services.assessment_record(
        actor=scrutiny_officer, action=action, verdict="assured", rationale="Seen the records"
    )
    services.assessment_record(
        actor=scrutiny_officer,
        recommendation=recommendation,
        verdict="partly_assured",
        rationale="One partner to go",
    )
    assert action_tallies() == {(force.name, "completed", "assured"): 1}
    assert recommendation_tallies() == {"partly_assured": 1}

    services.assurance_reopen(actor=scrutiny_officer, action=action, reason="New evidence")
    assert action_tallies() == {(force.name, "completed", "reopened"): 1}
    assert tally_differences() == []


def test_an_update_with_no_new_status_moves_no_tally(force_action, force_lead, force):
    services.update_post(actor=force_lead, action=force_action, narrative="Still going")
    assert action_tallies() == {(force.name, "not_started", "not_assessed"): 1}


def test_an_assessment_decided_on_an_old_copy_counts_the_status_saved_since(
    force_action, force_lead, scrutiny_officer, force
):
    """A page read before the owner's update still assesses the action as it now stands."""
    services.update_post(
        actor=force_lead, action=force_action, narrative="Ready", status="ready_for_assessment"
    )
    assert force_action.delivery_status == DeliveryStatus.NOT_STARTED  # the old copy
    services.assessment_record(
        actor=scrutiny_officer, action=force_action, verdict="assured", rationale="Checked"
    )
    assert action_tallies() == {(force.name, "ready_for_assessment", "assured"): 1}
    assert tally_differences() == []


def test_a_refused_change_leaves_the_tallies_as_they_were(force_action, force_lead, force):
    with pytest.raises(ValidationError):
        services.update_post(
            actor=force_lead, action=force_action, narrative="", status="completed"
        )
    assert action_tallies() == {(force.name, "not_started", "not_assessed"): 1}


def test_an_import_counts_what_it_wrote(scrutiny_officer, office, force, council):
    rows = [
        ["Inspection", "1", "Train staff.", force.name, ""],
        ["Inspection", "1", "Train staff.", council.name, ""],
        ["Inspection", "2", "Share intelligence.", force.name, ""],
    ]
    run_import(scrutiny_officer, office, rows)
    assert action_tallies() == {
        (force.name, "not_started", "not_assessed"): 2,
        (council.name, "not_started", "not_assessed"): 1,
    }
    assert recommendation_tallies() == {"not_assessed": 2}
    assert tally_differences() == []


def test_an_import_of_more_reports_than_one_statement_holds_counts_each(
    scrutiny_officer, office, force
):
    # 250 sources: more tallies than one upsert's parameters hold on SQLite (999).
    rows = [[f"Inspection {n}", "1", "Train staff.", force.name, ""] for n in range(250)]
    run_import(scrutiny_officer, office, rows)
    totals = SourceActionTally.objects.filter(source__owner=office).values_list("total", flat=True)
    assert sorted(totals) == [1] * 250
    assert tally_differences() == []
    # A second recommendation in each report: every tally is found and added to.
    run_import(
        scrutiny_officer,
        office,
        [[title, "2", text, owner, ""] for title, _r, text, owner, _on in rows],
    )
    assert set(SourceActionTally.objects.values_list("total", flat=True)) == {2}
    assert tally_differences() == []


def test_the_command_finds_a_change_made_outside_the_services_and_counts_again(force_action, force):
    Action.objects.filter(pk=force_action.pk).update(assurance_status=AssuranceStatus.ASSURED)
    # The action's old and new status in the action, source and partner's source tallies.
    with pytest.raises(CommandError, match="6 tallies do not match"):
        call_command("register_tallies")
    call_command("register_tallies", "--rebuild")
    assert action_tallies() == {(force.name, "not_started", "assured"): 1}
    call_command("register_tallies")  # now matches: no error


def test_the_overdue_count_adds_earlier_months_tallies_to_this_months_actions(
    scrutiny_officer, recommendation, force, force_lead
):
    today = datetime.date(2026, 3, 15)

    def add(target_on: datetime.date) -> Action:
        return services.action_create(
            actor=scrutiny_officer,
            recommendation=recommendation,
            owner=force,
            description=f"Due {target_on}",
            target_on=target_on,
        )

    last_year = add(datetime.date(2025, 11, 30))
    this_month = add(datetime.date(2026, 3, 2))
    add(datetime.date(2026, 3, 20))  # due soon, not overdue
    done = add(datetime.date(2026, 1, 5))
    services.update_post(actor=force_lead, action=done, narrative="Done", status="completed")

    def overdue() -> int:
        return selectors.dashboard_summary(user=scrutiny_officer, today=today).overdue_count

    assert overdue() == 2
    this_month = services.action_target_date_change(
        actor=force_lead,
        action=this_month,
        new_on=datetime.date(2026, 2, 27),
        reason="Moved",
        expected_version=this_month.version,
    )
    assert overdue() == 2  # now counted in February's tally
    services.update_post(actor=force_lead, action=last_year, narrative="Done", status="completed")
    assert overdue() == 1
    services.action_target_date_change(
        actor=force_lead,
        action=this_month,
        new_on=None,
        reason="No date agreed yet",
        expected_version=this_month.version,
    )
    assert overdue() == 0
    assert selectors.dashboard_summary(user=scrutiny_officer, today=today).due_soon_count == 1
    assert tally_differences() == []


def test_a_partners_counts_by_assurance_follow_what_it_acts_on_elsewhere(
    scrutiny_officer, source, force, force_lead
):
    """A force sees the office's recommendations it has an action on: counted once however
    many actions it has, still after one is archived, moved by assurance, gone when archived."""

    def by_assurance() -> dict[str, int]:
        summary = selectors.dashboard_summary(user=force_lead)
        return {row["assurance_status"]: row["count"] for row in summary.by_assurance}

    def source_row() -> list[tuple[int, str, dict[str, int]]]:
        """The force's live actions under the office's source, by their assurance."""
        return selectors.dashboard_summary(user=force_lead).source_matrix

    first, second = (
        services.recommendation_create(
            actor=scrutiny_officer, source=source, reference=f"R{n}", text="Train officers."
        )
        for n in (1, 2)
    )
    assert by_assurance() == {}
    actions = [
        services.action_create(
            actor=scrutiny_officer, recommendation=first, owner=force, description=text
        )
        for text in ("Train", "Audit")
    ]
    assert by_assurance() == {"not_assessed": 1}
    services.action_archive(actor=scrutiny_officer, action=actions[1], reason="Merged")
    services.action_create(
        actor=scrutiny_officer, recommendation=second, owner=force, description="Train"
    )
    assert by_assurance() == {"not_assessed": 2}
    assert source_row() == [(source.pk, source.title, {"not_assessed": 2})]
    services.assessment_record(
        actor=scrutiny_officer, action=actions[0], verdict="not_assured", rationale="No plan"
    )
    assert source_row() == [(source.pk, source.title, {"not_assured": 1, "not_assessed": 1})]
    services.assessment_record(
        actor=scrutiny_officer, recommendation=first, verdict="assured", rationale="Seen it"
    )
    assert by_assurance() == {"assured": 1, "not_assessed": 1}
    services.recommendation_archive(actor=scrutiny_officer, recommendation=second, reason="Gone")
    assert by_assurance() == {"assured": 1}
    assert source_row() == [(source.pk, source.title, {"not_assured": 1})]
    services.recommendation_restore(actor=scrutiny_officer, recommendation=second)
    assert by_assurance() == {"assured": 1, "not_assessed": 1}
    assert tally_differences() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_writers_adding_a_partners_actions_to_one_recommendation_count_it_once(
    scrutiny_officer, recommendation, force
):
    """The second waits for the first to commit, then finds the force already counted."""
    first_written, first_may_commit = threading.Event(), threading.Event()

    def add_action(description: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.action_create(
                    actor=scrutiny_officer,
                    recommendation=recommendation,
                    owner=force,
                    description=description,
                )
                if hold:
                    first_written.set()
                    first_may_commit.wait(timeout=30)
        finally:
            connection.close()

    first = threading.Thread(target=add_action, args=("Train",), kwargs={"hold": True})
    first.start()
    try:
        assert first_written.wait(timeout=10)
        second = threading.Thread(target=add_action, args=("Audit",), kwargs={"hold": False})
        second.start()
        second.join(timeout=1)  # time to count the recommendation, were it not locked
    finally:
        first_may_commit.set()
        first.join(timeout=10)
    second.join(timeout=10)
    assert Action.objects.filter(recommendation=recommendation, owner=force).count() == 2
    assert PartnerRecommendationTally.objects.get(owner=force).total == 1
    assert tally_differences() == []
