"""Locks on the register's rows, for other apps' services that must wait their turn."""

from answerable.recommendations.models import Recommendation


def recommendation_lock(*, pk: int) -> None:
    """Hold the recommendation's row until the caller's transaction ends: whoever locks it
    next waits until then. Call it inside `transaction.atomic`."""
    Recommendation.objects.select_for_update().filter(pk=pk).first()
