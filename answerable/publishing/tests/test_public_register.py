"""The public register (issue #14): nothing of a source is public until its office publishes
it, withdrawing it takes it off at once, and only statuses and dates leave the register."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors, services
from answerable.recommendations.models import Recommendation
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def public(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


@pytest.fixture
def published(scrutiny_officer, source):
    return services.source_publish(actor=scrutiny_officer, source=source)


def test_a_source_is_public_only_from_publication_until_withdrawal(
    scrutiny_officer, source, force_action
):
    recommendation_page = reverse(
        "publishing:public_recommendation", args=[force_action.recommendation_id]
    )
    source_page = reverse("publishing:public_source", args=[source.pk])
    assert source.title not in public("/")[1]
    assert public(source_page)[0] == 404
    assert public(recommendation_page)[0] == 404

    services.source_publish(actor=scrutiny_officer, source=source)
    status, home = public("/")
    assert status == 200
    assert source.title in home
    assert public(source_page)[0] == 200
    assert public(recommendation_page)[0] == 200

    services.source_withdraw(actor=scrutiny_officer, source=source, reason="Published in error")
    assert source.title not in public("/")[1]
    assert public(source_page)[0] == 404
    assert public(recommendation_page)[0] == 404
    events = AuditEvent.objects.filter(action__in=["source.published", "source.withdrawn"])
    assert [e.action for e in events.order_by("id")] == ["source.published", "source.withdrawn"]
    assert events.get(action="source.withdrawn").note == "Published in error"


def test_the_public_sees_statuses_and_dates_never_internal_text(
    published, force_action, force_lead, scrutiny_officer, force
):
    force_action.description = "Internal plan naming Operation Nightjar"
    force_action.save()
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Internal narrative about a named victim",
        status="off_track",
    )
    services.assessment_record(
        actor=scrutiny_officer,
        action=force_action,
        verdict="not_assured",
        rationale="Internal rationale from the closed session",
    )
    pages = [
        public("/")[1],
        public(reverse("publishing:public_source", args=[published.pk]))[1],
        public(reverse("publishing:public_recommendation", args=[force_action.recommendation_id]))[
            1
        ],
    ]
    for page in pages:
        for internal in ("Operation Nightjar", "named victim", "closed session"):
            assert internal not in page
    assert force.name in pages[2]
    assert "Off track" in pages[2]
    assert "Not assured" in pages[2]


def test_an_archived_recommendation_is_never_public(published):
    archived = RecommendationFactory(source=published, reference="ARCH-1", is_archived=True)
    assert "ARCH-1" not in public(reverse("publishing:public_source", args=[published.pk]))[1]
    assert public(reverse("publishing:public_recommendation", args=[archived.pk]))[0] == 404


def test_only_a_scrutiny_officer_of_the_owning_office_publishes(source, force_lead, office):
    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    outsider = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    viewer = member(office, Membership.Role.VIEWER)
    for user in (force_lead, outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.source_publish(actor=user, source=source)
    source.refresh_from_db()
    assert source.public_since is None


def test_publishing_twice_or_withdrawing_without_a_reason_is_refused(published, scrutiny_officer):
    with pytest.raises(ValidationError, match="already public"):
        services.source_publish(actor=scrutiny_officer, source=published)
    with pytest.raises(ValidationError, match="Enter why"):
        services.source_withdraw(actor=scrutiny_officer, source=published, reason="  ")
    published.refresh_from_db()
    assert published.public_since is not None


def test_the_office_publishes_from_the_source_page(client, scrutiny_officer, source):
    sign_in(client, scrutiny_officer)
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Not on the public site" in page
    response = client.post(reverse("recommendations:source_publish", args=[source.pk]))
    assert response.status_code == 302
    page = client.get(source.get_absolute_url()).content.decode()
    assert "On the public site since" in page
    response = client.post(reverse("recommendations:source_withdraw", args=[source.pk]), {})
    assert "Enter why it is coming off the public site" in response.content.decode()


def test_the_signed_in_go_from_home_to_their_dashboard(client, force_lead):
    sign_in(client, force_lead)
    assert client.get("/")["Location"] == reverse("recommendations:dashboard")


def test_the_public_home_counts_each_reports_progress(
    published, force_action, council_action, force_lead
):
    RecommendationFactory(source=published)  # a second recommendation, no action yet
    services.update_post(
        actor=force_lead, action=force_action, narrative="Done", status="completed"
    )
    _status, home = public("/")
    row = home[home.index(published.title) :].split("</tr>")[0]
    cells = [cell.split(">")[-1].strip() for cell in row.split("</td>")[:-1]]
    assert cells[0] == str(Recommendation.objects.filter(source=published).count()) == "2"
    assert cells[-2] == "1 of 2"  # actions completed


def test_the_public_counts_of_overdue_actions_follow_the_day_they_are_read(
    published, force_action, council_action
):
    force_action.target_on = datetime.date(2026, 3, 1)
    force_action.save(update_fields=["target_on"])
    council_action.target_on = datetime.date(2026, 6, 1)
    council_action.save(update_fields=["target_on"])

    def overdue(today: datetime.date) -> tuple[int, int]:
        home = selectors.public_summaries(sources=[published], today=today)[published.pk]
        report = selectors.public_source_overview(source=published, today=today).summary
        return home.overdue, report.overdue

    # The same SQL each time, built once: each day is a parameter, never built into it.
    assert overdue(datetime.date(2026, 2, 1)) == (0, 0)
    assert overdue(datetime.date(2026, 4, 1)) == (1, 1)
    assert overdue(datetime.date(2026, 7, 1)) == (2, 2)


def test_the_public_search_finds_published_recommendations_by_their_words_or_report(
    published, office
):
    RecommendationFactory(source=published, reference="MC-1", text="Find missing children fast.")
    hidden = SourceFactory(owner=office, title="Unpublished review")
    RecommendationFactory(source=hidden, reference="MC-2", text="Find missing children too.")

    def found(query: str) -> set[str]:
        page = public(f"{reverse('publishing:public_search')}?q={query}")[1]
        return set(re.findall(r">([A-Z]+-\d+|R\d+): ", page))

    assert found("missing children") == {"MC-1"}
    words_of_title = published.title.split()[0]
    assert "MC-1" in found(words_of_title)
    assert found("Unpublished") == set()
    assert found("%00%22*") == set()  # no letters: nothing, and no error
    assert public(f"{reverse('publishing:public_search')}?q=" + "x" * 5000)[0] == 200


def test_the_public_selectors_hold_their_rule_whatever_they_are_given(published, office, force):
    """Asked about an unpublished source or an archived recommendation, they show nothing."""
    unpublished = SourceFactory(owner=office)
    archived = RecommendationFactory(source=published, is_archived=True)
    ActionFactory(recommendation=archived, owner=force)
    assert selectors.public_actions(recommendation_ids=[archived.pk]) == {archived.pk: []}
    assert set(selectors.public_summaries(sources=[published, unpublished])) == {published.pk}
