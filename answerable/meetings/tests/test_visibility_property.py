"""Meetings' visibility rule, checked against random worlds (issue #13).

The rule, as `meetings/selectors/scope.py` writes it: the office that runs a meeting sees all
of it; another organisation sees a meeting it attends, is asked a question at or owns an
action from; of a meeting it sees, every agenda item not held in closed session, and a
closed-session item only where it was questioned on it. A person sees through each of their
organisations that is not archived.

Each example draws meetings with attendees, items (some closed-session), questions and
actions, and people with memberships, and checks the meeting list, the single meeting and the
visible items against that rule written out again in plain Python, inside a transaction rolled
back afterwards.
"""

import pytest
from django.db import transaction
from django.http import Http404
from hypothesis import example, given
from hypothesis import strategies as st

from answerable.core.tests.strategies import WORLDS
from answerable.meetings import selectors
from answerable.meetings.models import AgendaItem
from answerable.meetings.tests.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    MeetingActionFactory,
    MeetingFactory,
    QuestionFactory,
)
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

ORGANISATIONS = 4
organisation = st.integers(0, ORGANISATIONS - 1)
worlds = st.fixed_dictionaries(
    {
        "archived": st.sets(organisation, max_size=1),
        "people": st.lists(st.sets(organisation, max_size=2), min_size=1, max_size=3),
        "meetings": st.lists(
            st.fixed_dictionaries(
                {
                    "office": st.integers(0, 1),
                    "attending": st.sets(organisation, max_size=2),
                    "actions": st.lists(organisation, max_size=2),
                    "items": st.lists(
                        st.fixed_dictionaries(
                            {
                                "sensitive": st.booleans(),
                                "asked": st.lists(st.none() | organisation, max_size=2),
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


def _build(spec: dict):  # type: ignore[no-untyped-def]
    organisations = [
        OrganisationFactory(
            kind=Organisation.Kind.PCC_OFFICE if n < 2 else Organisation.Kind.POLICE_FORCE,
            is_archived=n in spec["archived"],
        )
        for n in range(ORGANISATIONS)
    ]
    people = []
    for memberships in spec["people"]:
        user = UserFactory()
        for n in memberships:
            MembershipFactory(user=user, organisation=organisations[n], role=Membership.Role.VIEWER)
        # Seen from: their organisations that are not archived.
        people.append(
            (
                user,
                {organisations[n].pk for n in memberships}
                - {organisations[n].pk for n in spec["archived"]},
            )
        )
    meetings = []
    for meeting_spec in spec["meetings"]:
        meeting = MeetingFactory(office=organisations[meeting_spec["office"]])
        for n in meeting_spec["attending"]:
            AttendeeFactory(meeting=meeting, organisation=organisations[n])
        for n in meeting_spec["actions"]:
            MeetingActionFactory(meeting=meeting, owner=organisations[n])
        items = []
        for item_spec in meeting_spec["items"]:
            item = AgendaItemFactory(meeting=meeting, is_sensitive=item_spec["sensitive"])
            asked = {organisations[n].pk for n in item_spec["asked"] if n is not None}
            for n in item_spec["asked"]:
                QuestionFactory(item=item, addressed_to=None if n is None else organisations[n])
            items.append((item, asked))
        involved = (
            {organisations[n].pk for n in meeting_spec["attending"]}
            | {organisations[n].pk for n in meeting_spec["actions"]}
            | set().union(*(asked for _, asked in items))
        )
        meetings.append((meeting, involved, items))
    return people, meetings


@pytest.mark.django_db
@WORLDS
@given(spec=worlds)
# A partner questioned on a closed-session item, another only attending.
@example(
    spec={
        "archived": set(),
        "people": [{2}, {3}, {0}],
        "meetings": [
            {
                "office": 0,
                "attending": {2, 3},
                "actions": [],
                "items": [
                    {"sensitive": True, "asked": [2]},
                    {"sensitive": False, "asked": [None]},
                ],
            }
        ],
    }
)
def test_meetings_and_their_items_show_exactly_what_the_rule_allows(spec):
    with transaction.atomic():
        people, meetings = _build(spec)
        for user, mine in people:
            seen = {
                meeting.pk
                for meeting, involved, _ in meetings
                if meeting.office_id in mine or involved & mine
            }
            listed = set(selectors.meeting_list(user=user).values_list("pk", flat=True))
            assert listed == seen
            for meeting, _, items in meetings:
                try:
                    selectors.meeting_get_for_user(user=user, pk=meeting.pk)
                    found = True
                except Http404:
                    found = False
                assert found == (meeting.pk in seen)
                if not found:
                    continue
                # With the item a new meeting is given for reviewing earlier actions.
                asked_on = {item.pk: asked for item, asked in items}
                expected = {
                    item.pk
                    for item in AgendaItem.objects.filter(meeting=meeting)
                    if not item.is_sensitive
                    or meeting.office_id in mine
                    or asked_on.get(item.pk, set()) & mine
                }
                shown = {item.pk for item in selectors.meeting_agenda_for_user(
                    meeting=meeting, user=user
                )}  # fmt: skip
                assert shown == expected
        transaction.set_rollback(True)
