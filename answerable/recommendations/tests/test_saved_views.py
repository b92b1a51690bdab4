"""Saving a list's filters under a name, for oneself or one's organisation (issue #17)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_filters import ActionFilterForm, RecommendationFilterForm
from answerable.recommendations.models import SavedView

RECOMMENDATIONS = SavedView.ListKind.RECOMMENDATIONS


@pytest.fixture
def colleague(office):
    return member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Col League")


@pytest.fixture
def outsider(db):
    other = OrganisationFactory(name="Other office", kind=Organisation.Kind.PCC_OFFICE)
    return member(other, Membership.Role.SCRUTINY_OFFICER, full_name="Out Sider")


def _save(user, *, name="Off track", query="delivery_status=off_track", shared=False):
    return services.saved_view_create(
        actor=user, list_kind=RECOMMENDATIONS, name=name, query=query, is_shared=shared
    )


def test_the_saved_parameters_are_the_filter_forms_own():
    assert set(services.SAVED_VIEW_PARAMETERS[RECOMMENDATIONS]) == set(
        RecommendationFilterForm.base_fields
    )
    assert set(services.SAVED_VIEW_PARAMETERS[SavedView.ListKind.ACTIONS]) == set(
        ActionFilterForm.base_fields
    )


def test_saving_keeps_only_the_lists_filters_and_is_audited(scrutiny_officer, office):
    saved = _save(
        scrutiny_officer,
        query="theme=3&after=abc&page=2&delivery_status=off_track&evil=1&q=",
    )
    assert saved.query == "delivery_status=off_track&theme=3"
    assert saved.organisation == office
    event = AuditEvent.objects.get(action="saved_view.created")
    assert event.actor == scrutiny_officer
    assert event.changes["query"] == [None, "delivery_status=off_track&theme=3"]


def test_a_private_view_is_its_makers_alone_and_a_shared_one_the_organisations(
    scrutiny_officer, colleague, outsider, force_lead
):
    private = _save(scrutiny_officer, name="Mine")
    shared = _save(scrutiny_officer, name="Ours", shared=True)
    seen = {
        user: list(selectors.saved_view_list(user=user, list_kind=RECOMMENDATIONS))
        for user in (scrutiny_officer, colleague, outsider, force_lead)
    }
    assert seen[scrutiny_officer] == [private, shared]
    assert seen[colleague] == [shared]
    assert seen[outsider] == []
    assert seen[force_lead] == []  # a partner in the office's area is not the office


def test_only_its_maker_deletes_a_view_audited(scrutiny_officer, colleague):
    shared = _save(scrutiny_officer, shared=True)
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(actor=colleague, saved_view=shared)
    services.saved_view_delete(actor=scrutiny_officer, saved_view=shared)
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.get(action="saved_view.deleted").changes["name"] == [
        "Off track",
        None,
    ]


def test_saving_the_current_view_from_the_list_page(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    list_url = reverse("recommendations:recommendation_list")
    page = client.get(list_url, {"assurance_status": "assured", "after": "x"}).content.decode()
    save_url = reverse("recommendations:saved_view_create", args=["recommendations"])
    assert f'href="{save_url}?assurance_status=assured' in page

    form = client.get(save_url, {"assurance_status": "assured"}).content.decode()
    assert 'value="assurance_status=assured"' in form
    response = client.post(
        save_url + "?assurance_status=assured",
        {"name": "Assured", "is_shared": "true", "query": "assurance_status=assured"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{list_url}?assurance_status=assured"
    saved = SavedView.objects.get()
    assert (saved.name, saved.is_shared) == ("Assured", True)
    listed = client.get(list_url).content.decode()
    assert f'href="{list_url}?assurance_status=assured">Assured</a>' in listed


def test_saving_a_view_without_a_name_shows_an_error(client, scrutiny_officer):
    save_url = reverse("recommendations:saved_view_create", args=["actions"])
    response = sign_in(client, scrutiny_officer).post(save_url, {"name": "", "is_shared": "false"})
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Enter a name for the view" in page
    assert not SavedView.objects.exists()


def test_a_view_of_another_person_cannot_be_deleted_through_the_page(
    client, scrutiny_officer, colleague
):
    shared = _save(scrutiny_officer, shared=True)
    url = reverse("recommendations:saved_view_delete", args=[shared.pk])
    assert sign_in(client, colleague).post(url).status_code == 404
    assert SavedView.objects.exists()
    response = sign_in(client, scrutiny_officer).post(url)
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_the_action_list_shows_its_saved_views(client, scrutiny_officer):
    services.saved_view_create(
        actor=scrutiny_officer,
        list_kind=SavedView.ListKind.ACTIONS,
        name="Overdue",
        query="due=overdue",
        is_shared=False,
    )
    page = sign_in(client, scrutiny_officer).get(reverse("recommendations:action_list"))
    assert ">Overdue</a>" in page.content.decode()
