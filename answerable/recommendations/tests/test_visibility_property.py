"""The register's visibility rule, checked against random worlds (issue #13).

The rule, as `recommendations/selectors/scope.py` writes it: an organisation sees every source
it owns and everything under it; it sees a source it does not own, and a recommendation there,
only where it has an action, and of that source's actions only its own. A person sees through
each organisation they belong to that is not archived, whatever their role there; a person
whose account is switched off sees nothing.

Each example draws organisations, people with memberships, sources, recommendations and actions
(some archived), and checks every register selector a page or another app reads through
against that rule written out again here in plain Python. Examples are built inside a
transaction rolled back afterwards, so they do not see each other's rows.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.http import Http404
from hypothesis import example, given
from hypothesis import strategies as st

from answerable.accounts.models import User
from answerable.core.tests.strategies import WORLDS
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from answerable.recommendations import selectors
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.selectors.scope import visible_actions_q
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

ORGANISATIONS = 4
ROLES = [role for role, _ in Membership.Role.choices]

memberships = st.lists(
    st.tuples(st.integers(0, ORGANISATIONS - 1), st.sampled_from(ROLES)), max_size=3
)
worlds = st.fixed_dictionaries(
    {
        "archived_organisations": st.sets(st.integers(0, ORGANISATIONS - 1), max_size=1),
        "people": st.lists(
            st.fixed_dictionaries({"active": st.booleans(), "memberships": memberships}),
            min_size=1,
            max_size=4,
        ),
        "sources": st.lists(
            st.fixed_dictionaries(
                {
                    "owner": st.integers(0, ORGANISATIONS - 1),
                    "archived": st.booleans(),
                    "recommendations": st.lists(
                        st.fixed_dictionaries(
                            {
                                "archived": st.booleans(),
                                "actions": st.lists(
                                    st.tuples(
                                        st.integers(0, ORGANISATIONS - 1),  # the owner
                                        st.booleans(),  # archived
                                    ),
                                    max_size=3,
                                ),
                            }
                        ),
                        max_size=3,
                    ),
                }
            ),
            max_size=3,
        ),
    }
)


@dataclass
class World:
    people: list[User]
    sources: list[Source]
    recommendations: list[Recommendation]
    actions: list[Action]


def _build(spec: dict) -> World:
    organisations = [
        OrganisationFactory(
            kind=Organisation.Kind.PCC_OFFICE if n < 2 else Organisation.Kind.POLICE_FORCE,
            is_archived=n in spec["archived_organisations"],
        )
        for n in range(ORGANISATIONS)
    ]
    people = []
    for person in spec["people"]:
        user = UserFactory(is_active=person["active"])
        for organisation, role in set(person["memberships"]):
            MembershipFactory(user=user, organisation=organisations[organisation], role=role)
        people.append(user)
    world = World(people, [], [], [])
    for source_spec in spec["sources"]:
        source = SourceFactory(
            owner=organisations[source_spec["owner"]], is_archived=source_spec["archived"]
        )
        world.sources.append(source)
        for recommendation_spec in source_spec["recommendations"]:
            recommendation = RecommendationFactory(
                source=source, is_archived=source.is_archived or recommendation_spec["archived"]
            )
            world.recommendations.append(recommendation)
            for owner, archived in recommendation_spec["actions"]:
                world.actions.append(
                    ActionFactory(
                        recommendation=recommendation,
                        owner=organisations[owner],
                        is_archived=recommendation.is_archived or archived,
                    )
                )
    return world


def _organisations_of(user: User) -> set[int]:
    """Where the person sees from: the organisations they belong to that are not archived."""
    if not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation__is_archived=False).values_list(
            "organisation_id", flat=True
        )
    )


def _rule(world: World, user: User) -> tuple[set[int], set[int], set[int]]:
    """The ids of the sources, recommendations and actions the rule lets the user see."""
    mine = _organisations_of(user)
    acting_on = [action for action in world.actions if action.owner_id in mine]
    sources = {s.pk for s in world.sources if s.owner_id in mine} | {
        action.source_id for action in acting_on
    }
    recommendations = {r.pk for r in world.recommendations if r.source.owner_id in mine} | {
        action.recommendation_id for action in acting_on
    }
    actions = {a.pk for a in world.actions if a.owner_id in mine or a.source.owner_id in mine}
    return sources, recommendations, actions


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _found(get, user: User, pk: int) -> bool:
    try:
        get(user=user, pk=pk)
    except Http404:
        return False
    return True


def _live(objects) -> set[int]:
    return {obj.pk for obj in objects if not obj.is_archived}


@pytest.mark.django_db
@WORLDS
@given(spec=worlds)
# A partner with an action under another office's source, beside that office's own people.
@example(
    spec={
        "archived_organisations": set(),
        "people": [
            {"active": True, "memberships": [(2, "lead_officer")]},
            {"active": True, "memberships": [(0, "scrutiny_officer")]},
            {"active": False, "memberships": [(0, "scrutiny_officer")]},
        ],
        "sources": [
            {
                "owner": 0,
                "archived": False,
                "recommendations": [
                    {"archived": False, "actions": [(2, False), (3, False)]},
                    {"archived": False, "actions": [(3, False)]},
                ],
            },
            {"owner": 1, "archived": False, "recommendations": []},
        ],
    }
)
def test_every_register_selector_shows_exactly_what_the_rule_allows(spec):
    with transaction.atomic():
        world = _build(spec)
        for user in world.people:
            sources, recommendations, actions = _rule(world, user)
            in_world = {s.pk for s in world.sources}
            assert _ids(selectors.source_list(user=user)) & in_world == sources & _live(
                world.sources
            )
            assert _ids(selectors.source_choice_list(user=user)) & in_world == sources & _live(
                world.sources
            )
            live = _live(world.recommendations)
            assert _ids(selectors.recommendation_list(user=user)) == recommendations & live
            parts = selectors.recommendation_visible_parts(user=user)
            whole = _ids(
                Recommendation.objects.filter(source_id__in=parts.whole_sources, is_archived=False)
            )
            others = _ids(parts.other_recommendations)
            assert whole.isdisjoint(others)
            assert whole | others == recommendations & live
            # A list by source reads a few sources at a time, the rule read for those alone.
            groups = selectors.recommendation_groups(user=user, filters={})
            assert groups is not None
            assert groups.rows is not None
            sources_in_world = [s.pk for s in world.sources]
            for among in ([], sources_in_world[:1], sources_in_world[1:]):
                under = {r.pk for r in world.recommendations if r.source_id in among}
                expected = recommendations & live & under
                assert _ids(selectors.recommendation_list(user=user, sources=among)) == expected
                assert _ids(groups.rows(among)) == expected
            assert _ids(selectors.action_list(user=user)) == actions & _live(world.actions)
            # The dashboard's hashed form of the rule (a plain IN) allows the same actions.
            organisations = access_for(user).organisation_ids
            hashed = Action.objects.filter(visible_actions_q(organisations, hashed=True))
            assert _ids(hashed) & {a.pk for a in world.actions} == actions
            for source in world.sources:
                found = _found(selectors.source_get_for_user, user, source.pk)
                assert found == (source.pk in sources), source
            for recommendation in world.recommendations:
                found = _found(selectors.recommendation_get_for_user, user, recommendation.pk)
                assert found == (recommendation.pk in recommendations), recommendation
            for action in world.actions:
                found = _found(selectors.action_get_for_user, user, action.pk)
                assert found == (action.pk in actions), action
        transaction.set_rollback(True)
