"""Each office's themes: adding, renaming and merging them, the theme's page across sources,
the list's theme filter and themes written in imports and edits (issue #17)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.models import EditConflict
from answerable.core.testing import hidden_value, sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors, services
from answerable.recommendations.models import DeliveryStatus, Theme
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
    ThemeFactory,
)
from answerable.recommendations.tests.test_importing import HEADERS, plan_for, run_import


@pytest.fixture
def other_office(db) -> Organisation:
    return OrganisationFactory(name="Other office", kind=Organisation.Kind.PCC_OFFICE)


@pytest.fixture
def other_officer(other_office):
    return member(other_office, Membership.Role.SCRUTINY_OFFICER, full_name="Olly Other")


@pytest.fixture
def office_viewer(office):
    return member(office, Membership.Role.LEAD_OFFICER, full_name="Val Viewer")


def _tagged(theme: Theme, *recommendations) -> Theme:
    for recommendation in recommendations:
        recommendation.themes.add(theme)
    return theme


def _names(recommendation) -> list[str]:
    return sorted(t.name for t in recommendation.themes.all())


# --- services -----------------------------------------------------------------------------


def test_a_scrutiny_officer_adds_a_theme_to_their_office_audited(scrutiny_officer, office):
    theme = services.theme_create(actor=scrutiny_officer, office=office, name="  Vetting ")
    assert (theme.office, theme.name) == (office, "Vetting")
    event = AuditEvent.objects.get(action="theme.created")
    assert (event.actor, event.organisation, event.changes) == (
        scrutiny_officer,
        office,
        {"name": [None, "Vetting"]},
    )


def test_a_theme_named_like_another_of_the_office_is_refused(scrutiny_officer, office):
    ThemeFactory(office=office, name="Training & development")
    with pytest.raises(ValidationError) as error:
        services.theme_create(
            actor=scrutiny_officer, office=office, name="training AND Development"
        )
    assert error.value.message_dict["name"] == [
        "There is already a theme called Training & development"
    ]
    assert Theme.objects.count() == 1


def test_another_office_may_have_a_theme_of_the_same_name(other_officer, other_office, office):
    ThemeFactory(office=office, name="Training")
    theme = services.theme_create(actor=other_officer, office=other_office, name="Training")
    assert theme.office == other_office


@pytest.mark.parametrize("who", ["office_viewer", "other_officer", "force_lead"])
def test_only_the_offices_scrutiny_officers_change_its_themes(request, who, office):
    actor = request.getfixturevalue(who)
    theme, other = ThemeFactory(office=office), ThemeFactory(office=office)
    with pytest.raises(PermissionDenied):
        services.theme_create(actor=actor, office=office, name="New")
    with pytest.raises(PermissionDenied):
        services.theme_rename(actor=actor, theme=theme, name="New", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.theme_merge(actor=actor, theme=theme, into=other)
    assert not AuditEvent.objects.filter(action__startswith="theme.").exists()


def test_renaming_a_theme_is_audited_and_shows_on_its_recommendations(
    scrutiny_officer, office, recommendation
):
    theme = _tagged(ThemeFactory(office=office, name="Info sharing"), recommendation)
    services.theme_rename(
        actor=scrutiny_officer, theme=theme, name="Information sharing", expected_version=1
    )
    assert _names(recommendation) == ["Information sharing"]
    event = AuditEvent.objects.get(action="theme.renamed")
    assert event.changes == {"name": ["Info sharing", "Information sharing"]}


def test_a_rename_drawn_from_an_older_version_is_refused(scrutiny_officer, office):
    theme = ThemeFactory(office=office, name="Training")
    services.theme_rename(actor=scrutiny_officer, theme=theme, name="Learning", expected_version=1)
    with pytest.raises(EditConflict):
        services.theme_rename(
            actor=scrutiny_officer, theme=theme, name="Teaching", expected_version=1
        )
    theme.refresh_from_db()
    assert theme.name == "Learning"


def test_merging_moves_the_recommendations_and_archives_the_theme(scrutiny_officer, office):
    first, second, both = (RecommendationFactory(source__owner=office) for _ in range(3))
    merged = _tagged(ThemeFactory(office=office, name="Info sharing"), first, both)
    kept = _tagged(ThemeFactory(office=office, name="Information sharing"), second, both)

    assert services.theme_merge(actor=scrutiny_officer, theme=merged, into=kept) == kept

    assert [_names(r) for r in (first, second, both)] == [["Information sharing"]] * 3
    merged.refresh_from_db()
    assert (merged.is_archived, merged.merged_into) == (True, kept)
    event = AuditEvent.objects.get(action="theme.merged")
    assert event.changes["merged_into"] == [None, "Information sharing"]
    assert event.changes["recommendation_ids"] == [None, sorted([first.pk, both.pk])]


def test_a_theme_cannot_merge_into_itself_or_another_offices(
    scrutiny_officer, office, other_office
):
    theme = ThemeFactory(office=office)
    for into in (theme, ThemeFactory(office=other_office)):
        with pytest.raises(ValidationError):
            services.theme_merge(actor=scrutiny_officer, theme=theme, into=into)
    assert not Theme.objects.filter(is_archived=True).exists()


def test_a_name_merged_away_still_leads_to_the_theme_it_was_merged_into(
    scrutiny_officer, office, source
):
    old = ThemeFactory(office=office, name="Info sharing")
    kept = ThemeFactory(office=office, name="Information sharing")
    services.theme_merge(actor=scrutiny_officer, theme=old, into=kept)
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="R9", text="Share", themes=["info SHARING"]
    )
    assert list(recommendation.themes.all()) == [kept]


def test_a_theme_written_in_a_recommendation_is_the_offices_own(
    scrutiny_officer, office, other_office, source
):
    theirs = ThemeFactory(office=other_office, name="Training")
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="R9", text="Train", themes=["Training"]
    )
    [theme] = recommendation.themes.all()
    assert theme != theirs
    assert theme.office == office


# --- import -------------------------------------------------------------------------------


def test_an_imported_theme_matches_the_offices_theme_by_case_and_ampersand(
    scrutiny_officer, office, force
):
    known = ThemeFactory(office=office, name="Training and development")
    rows = [["Report", "R1", "Text", force.name, "", "TRAINING & Development, Vetting"]]
    plan = plan_for(office, rows, [*HEADERS, "themes"])
    assert plan.new_themes == ["Vetting"]

    run_import(scrutiny_officer, office, rows, [*HEADERS, "themes"])

    [recommendation] = known.recommendations.all()
    assert _names(recommendation) == ["Training and development", "Vetting"]
    assert Theme.objects.get(name="Vetting").office == office
    completed = AuditEvent.objects.get(action="import.completed")
    assert completed.changes["themes_created"] == [None, ["Vetting"]]


def test_the_check_page_names_the_themes_the_import_will_add(
    client, scrutiny_officer, office, force
):
    from answerable.recommendations.tests.test_importing import csv_bytes
    from answerable.recommendations.tests.test_views_import import MAPPING, PREVIEW, upload
    from answerable.recommendations.views_import import SESSION_KEY

    ThemeFactory(office=office, name="Training")
    sign_in(client, scrutiny_officer)
    upload(
        client,
        csv_bytes(
            [[*HEADERS, "themes"], ["Report", "R1", "Text", force.name, "", "training, Custody"]]
        ),
    )
    client.post(MAPPING, client.session[SESSION_KEY]["mapping"])
    page = client.get(PREVIEW).content.decode()
    assert re.search(r"New themes\s*</dt>\s*<dd[^>]*>\s*Custody\s*</dd>", page)


def test_an_import_that_fails_adds_no_theme(scrutiny_officer, office, force):
    rows = [
        ["Report", "R1", "Text", force.name, "", "Vetting"],
        ["Report", "R2", "Text", force.name, "not a date", "Custody"],
    ]
    with pytest.raises(ValidationError):
        run_import(scrutiny_officer, office, rows, [*HEADERS, "themes"])
    assert not Theme.objects.exists()


# --- selectors ----------------------------------------------------------------------------


def test_the_theme_list_counts_only_recommendations_the_user_may_see(
    office, force, council, force_lead, scrutiny_officer
):
    theme = ThemeFactory(office=office, name="Training")
    recommendations = [RecommendationFactory(source__owner=office) for _ in range(3)]
    _tagged(theme, *recommendations)
    ActionFactory(recommendation=recommendations[0], owner=force)
    ActionFactory(recommendation=recommendations[1], owner=council)

    [seen] = selectors.theme_list(user=scrutiny_officer)
    assert seen.recommendation_count == 3
    [seen] = selectors.theme_list(user=force_lead)
    assert seen.recommendation_count == 1


def test_another_office_sees_none_of_an_offices_themes(office, other_officer, recommendation):
    theme = _tagged(ThemeFactory(office=office), recommendation)
    assert list(selectors.theme_list(user=other_officer)) == []
    assert list(selectors.theme_choice_list(user=other_officer)) == []
    with pytest.raises(Http404):
        selectors.theme_get_for_user(user=other_officer, pk=theme.pk)


# --- pages --------------------------------------------------------------------------------


def _theme_page(client, user, theme) -> str:
    response = sign_in(client, user).get(reverse("recommendations:theme_detail", args=[theme.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_theme_page_lists_its_recommendations_by_source_earliest_first(
    client, scrutiny_officer, office, force
):
    import datetime

    later = SourceFactory(owner=office, title="PEEL 2023", published_on=datetime.date(2023, 5, 1))
    earlier = SourceFactory(owner=office, title="PEEL 2019", published_on=datetime.date(2019, 5, 1))
    theme = ThemeFactory(office=office, name="Training")
    first = RecommendationFactory(source=earlier, reference="E1")
    second = RecommendationFactory(source=later, reference="L1")
    RecommendationFactory(source=later, reference="NOT-ON-THEME")
    _tagged(theme, first, second)
    ActionFactory(recommendation=first, owner=force, delivery_status=DeliveryStatus.COMPLETED)
    ActionFactory(recommendation=second, owner=force, delivery_status=DeliveryStatus.OFF_TRACK)

    page = _theme_page(client, scrutiny_officer, theme)

    assert page.index("PEEL 2019") < page.index("PEEL 2023")
    assert "NOT-ON-THEME" not in page
    row = re.search(rf'id="recommendation-{first.pk}".*?</tr>', page, re.S)[0]
    assert "Completed: 1" in row
    assert "Not assessed" in row
    assert "Off track: 1" in re.search(rf'id="recommendation-{second.pk}".*?</tr>', page, re.S)[0]


def test_the_theme_page_shows_a_partner_only_what_it_may_see(
    client, office, force, council, force_lead
):
    theme = ThemeFactory(office=office)
    ours, theirs = (RecommendationFactory(source__owner=office) for _ in range(2))
    _tagged(theme, ours, theirs)
    ActionFactory(recommendation=ours, owner=force)
    ActionFactory(recommendation=ours, owner=council, delivery_status=DeliveryStatus.OFF_TRACK)
    ActionFactory(recommendation=theirs, owner=council)

    page = _theme_page(client, force_lead, theme)
    assert f"recommendation-{ours.pk}" in page
    assert f"recommendation-{theirs.pk}" not in page
    assert "Off track" not in page  # the council's action on it is not the force's to see


def test_the_theme_page_takes_the_same_queries_whatever_its_length(
    client, scrutiny_officer, office, force
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    theme = ThemeFactory(office=office)
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:theme_detail", args=[theme.pk])

    def queries_with(size: int) -> int:
        for _ in range(size):
            recommendation = RecommendationFactory(source=SourceFactory(owner=office))
            recommendation.themes.add(theme)
            ActionFactory(recommendation=recommendation, owner=force)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(20)


def test_another_office_cannot_open_a_theme_page(client, other_officer, office):
    theme = ThemeFactory(office=office)
    response = sign_in(client, other_officer).get(
        reverse("recommendations:theme_detail", args=[theme.pk])
    )
    assert response.status_code == 404


def test_the_themes_page_lists_the_offices_themes_with_counts(
    client, scrutiny_officer, office, recommendation
):
    _tagged(ThemeFactory(office=office, name="Training"), recommendation)
    ThemeFactory(office=office, name="Vetting")
    page = sign_in(client, scrutiny_officer).get(reverse("recommendations:theme_list"))
    text = page.content.decode()
    assert re.search(r">Training</a></td>\s*<td[^>]*>1</td>", text)
    assert re.search(r">Vetting</a></td>\s*<td[^>]*>0</td>", text)
    assert "Add a theme" in text


def test_a_lead_officer_sees_themes_but_no_way_to_change_them(
    client, office_viewer, office, recommendation
):
    theme = ThemeFactory(office=office)
    text = sign_in(client, office_viewer).get(reverse("recommendations:theme_list")).content
    assert b"Add a theme" not in text
    assert b"Rename" not in text
    for name in ("theme_rename", "theme_merge"):
        response = client.post(reverse(f"recommendations:{name}", args=[theme.pk]), {})
        assert response.status_code == 403
    assert client.post(reverse("recommendations:theme_create"), {"name": "X"}).status_code == 403


def test_adding_a_theme_without_a_name_shows_an_error(client, scrutiny_officer):
    response = sign_in(client, scrutiny_officer).post(
        reverse("recommendations:theme_create"), {"name": ""}
    )
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "Enter the name of the theme" in page
    assert not Theme.objects.exists()


def test_renaming_through_the_page(client, scrutiny_officer, office):
    theme = ThemeFactory(office=office, name="Training")
    url = reverse("recommendations:theme_rename", args=[theme.pk])
    form = sign_in(client, scrutiny_officer).get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Learning",
            "expected_version": hidden_value(form, "expected_version"),
            "drawn_values": hidden_value(form, "drawn_values"),
        },
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Learning"


def test_merging_through_the_page_refuses_a_theme_of_another_office(
    client, scrutiny_officer, office, other_office
):
    theme, into = ThemeFactory(office=office), ThemeFactory(office=office, name="Kept")
    foreign = ThemeFactory(office=other_office)
    url = reverse("recommendations:theme_merge", args=[theme.pk])
    page = sign_in(client, scrutiny_officer).post(url, {"into": foreign.pk}).content.decode()
    assert "Select one of your office&#x27;s themes" in page or "Select one of your office" in page
    assert "<title>Error: " in page
    response = client.post(url, {"into": into.pk})
    assert response.status_code == 302
    assert response["Location"] == into.get_absolute_url()


# --- the list's filter ----------------------------------------------------------------------


def test_the_recommendation_list_filters_by_theme(client, scrutiny_officer, office):
    theme = ThemeFactory(office=office, name="Training")
    on, off = (RecommendationFactory(source__owner=office) for _ in range(2))
    _tagged(theme, on)
    page = (
        sign_in(client, scrutiny_officer)
        .get(reverse("recommendations:recommendation_list"), {"theme": theme.pk})
        .content.decode()
    )
    assert f">{on.reference}<" in page
    assert f">{off.reference}<" not in page
    assert re.search(rf'<option value="{theme.pk}" selected>Training</option>', page)


def test_the_theme_filter_offers_only_the_users_offices_themes(
    client, scrutiny_officer, office, other_office
):
    ThemeFactory(office=office, name="Ours")
    theirs = ThemeFactory(office=other_office, name="Theirs")
    page = sign_in(client, scrutiny_officer).get(reverse("recommendations:recommendation_list"))
    assert ">Ours</option>" in page.content.decode()
    assert ">Theirs</option>" not in page.content.decode()
    response = client.get(reverse("recommendations:recommendation_list"), {"theme": theirs.pk})
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "Select one of your office" in text
