"""A lock on a meeting for services of the apps above meetings that write beside it."""

from answerable.meetings.models import AccountabilityMeeting


def meeting_lock(*, pk: int) -> AccountabilityMeeting:
    """Lock the meeting's row until the caller's transaction ends, and return it as it stands.

    Changing a meeting's status locks the same row, so what the caller writes for the meeting
    is made either wholly before the change or wholly after it. Call inside a transaction.
    """
    return AccountabilityMeeting.objects.select_for_update().get(pk=pk)
