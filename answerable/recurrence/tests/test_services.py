"""The office confirms or dismisses a suggested pair: checked, stored and audited."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from answerable.audit.models import AuditEvent
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations.models import RecommendationLink
from answerable.recommendations.tests.factories import RecommendationFactory
from answerable.recurrence import selectors, services
from answerable.recurrence.models import PairDecision

SHARING = "Partners should share information about children at risk of exploitation"


@pytest.fixture
def pair(office):
    earlier = RecommendationFactory(source__owner=office, text=SHARING)
    later = RecommendationFactory(source__owner=office, text=f"{SHARING} in schools")
    services.refresh_vectors()
    return earlier, later


def _suggested(user, recommendation) -> list[tuple[int, bool]]:
    page = selectors.similar_list(user=user, recommendation=recommendation)
    return [(item.recommendation.pk, item.is_confirmed) for item in page.similar]


def test_confirming_links_the_pair_as_overlapping_and_audits_it(pair, scrutiny_officer, office):
    earlier, later = pair

    services.pair_confirm(actor=scrutiny_officer, recommendation=later, other=earlier)

    link = RecommendationLink.objects.get()
    assert (link.from_recommendation, link.to_recommendation, link.kind) == (
        later,
        earlier,
        RecommendationLink.Kind.OVERLAPS,
    )
    [event] = AuditEvent.objects.filter(action="recurrence_pair.confirmed")
    assert (event.actor, event.organisation, event.target_id) == (
        scrutiny_officer,
        office,
        str(later.pk),
    )
    assert event.changes["similar_recommendation"] == [None, earlier.pk]
    assert AuditEvent.objects.filter(action="recommendation.linked").count() == 1
    assert _suggested(scrutiny_officer, later) == [(earlier.pk, True)]
    assert _suggested(scrutiny_officer, earlier) == [(later.pk, True)]


def test_a_dismissed_pair_is_never_suggested_again_and_is_audited(pair, scrutiny_officer):
    earlier, later = pair

    services.pair_dismiss(actor=scrutiny_officer, recommendation=later, other=earlier)

    assert _suggested(scrutiny_officer, later) == []
    assert _suggested(scrutiny_officer, earlier) == []
    assert not RecommendationLink.objects.exists()
    [event] = AuditEvent.objects.filter(action="recurrence_pair.dismissed")
    assert event.changes["decision"] == [None, "dismissed"]
    services.refresh_vectors(recommendation_ids=[earlier.pk, later.pk])
    assert _suggested(scrutiny_officer, later) == []


def test_a_pair_decided_once_cannot_be_decided_again(pair, scrutiny_officer):
    earlier, later = pair
    services.pair_dismiss(actor=scrutiny_officer, recommendation=later, other=earlier)

    with pytest.raises(ValidationError, match="already dismissed"):
        services.pair_confirm(actor=scrutiny_officer, recommendation=earlier, other=later)

    assert not RecommendationLink.objects.exists()
    assert PairDecision.objects.get().decision == PairDecision.Decision.DISMISSED


@pytest.mark.parametrize("role", [Membership.Role.VIEWER, Membership.Role.ADMINISTRATOR])
def test_only_a_scrutiny_officer_of_the_office_decides(pair, office, role):
    earlier, later = pair
    someone = member(office, role)

    for decide in (services.pair_confirm, services.pair_dismiss):
        with pytest.raises(PermissionDenied):
            decide(actor=someone, recommendation=later, other=earlier)

    assert not PairDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="recurrence_pair").exists()


def test_a_partner_lead_officer_cannot_decide(pair, force_lead):
    earlier, later = pair

    with pytest.raises(PermissionDenied):
        services.pair_confirm(actor=force_lead, recommendation=later, other=earlier)
    assert not PairDecision.objects.exists()


def test_a_recommendation_the_officer_cannot_see_cannot_be_paired(
    pair, scrutiny_officer, other_office_recommendation
):
    _earlier, later = pair

    with pytest.raises(PermissionDenied):
        services.pair_confirm(
            actor=scrutiny_officer, recommendation=later, other=other_office_recommendation
        )
    assert not RecommendationLink.objects.exists()


@pytest.fixture
def other_office_recommendation(db):
    return RecommendationFactory(text=SHARING)


def test_the_command_computes_new_and_changed_texts_and_rebuilds_on_request(office):
    from io import StringIO

    from django.core.management import call_command

    for text in ("Train officers on stalking", "Buy body-worn video", "Publish the budget"):
        RecommendationFactory(source__owner=office, text=text)
    out = StringIO()
    call_command("recurrence_index", stdout=out)
    call_command("recurrence_index", stdout=out)
    call_command("recurrence_index", "--rebuild", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("lexical: 3 vectors computed")
    assert lines[1].startswith("lexical: 0 vectors computed")
    assert lines[2].startswith("lexical: 3 vectors and 3 themes")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one connection write at a time, so two decisions can never overlap",
)
@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_pair_at_once_give_one_decision_and_a_message(
    pair, scrutiny_officer, office
):
    """Issue #11: the second decision used to meet the unique constraint (a server error)."""
    earlier, later = pair
    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Col League")
    first_decided, may_commit = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def decide(name, decide_with, actor, *, hold):
        try:
            with transaction.atomic():
                decide_with(actor=actor, recommendation=later, other=earlier)
                if hold:  # keep the decision uncommitted until the other is waiting
                    first_decided.set()
                    may_commit.wait(timeout=10)
            outcome[name] = "decided"
        except ValidationError as refused:
            outcome[name] = refused.messages[0]
        finally:
            connection.close()

    first = threading.Thread(
        target=decide,
        args=("first", services.pair_confirm, scrutiny_officer),
        kwargs={"hold": True},
    )
    second = threading.Thread(
        target=decide, args=("second", services.pair_dismiss, colleague), kwargs={"hold": False}
    )
    first.start()
    try:
        assert first_decided.wait(timeout=10)
        second.start()
        second.join(timeout=1)  # it waits for the first decision's lock
        assert second.is_alive()
    finally:
        may_commit.set()
        first.join(timeout=10)
        second.join(timeout=10)
    assert outcome == {
        "first": "decided",
        "second": "These recommendations were already confirmed as the same ask",
    }
    assert PairDecision.objects.get().decision == PairDecision.Decision.CONFIRMED
    assert AuditEvent.objects.filter(action__startswith="recurrence_pair.").count() == 1
