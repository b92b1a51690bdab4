"""What apps above meetings do when a meeting is held.

Apps depend one way (core/tests/test_layers.py): meetings never imports the apps built on
it. An app that must act when a meeting is held, such as indicators fixing the figures
linked to its agenda, registers a listener in its AppConfig.ready().
"""

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from answerable.accounts.models import User
    from answerable.meetings.models import AccountabilityMeeting


class HeldListener(Protocol):
    def __call__(self, *, actor: "User", meeting: "AccountabilityMeeting") -> object: ...


_HELD: list[HeldListener] = []


def meeting_held_register(*, listener: HeldListener) -> None:
    """Call `listener` whenever a meeting is marked held; registering it again changes nothing."""
    if listener not in _HELD:
        _HELD.append(listener)


def meeting_held_notify(*, actor: "User", meeting: "AccountabilityMeeting") -> None:
    """Tell every listener the meeting is now held, inside the status change's transaction,
    so a listener that fails undoes the change."""
    for listener in _HELD:
        listener(actor=actor, meeting=meeting)
