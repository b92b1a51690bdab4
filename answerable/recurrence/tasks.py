"""Background work of recurrence: computing vectors away from the request that changed a text."""

from django_tasks import task

from answerable.recurrence.services import refresh_vectors


@task()
def recurrence_refresh(recommendation_ids: list[int] | None = None) -> int:
    """Compute the vectors of these recommendations (default: every one changed) and place
    them in recurring themes; returns how many were computed."""
    return refresh_vectors(recommendation_ids=recommendation_ids)
