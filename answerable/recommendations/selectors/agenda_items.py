"""The register's rows as a meeting's agenda items list them, for the meetings app."""

from django.db.models import QuerySet

from answerable.recommendations.models import Action, Recommendation


def agenda_recommendation_list() -> QuerySet[Recommendation]:
    """Every recommendation with its source, in the order an agenda item lists them.

    Not scoped to a user: for a caller that decides itself what may go out, such as a
    meeting's published summary. Pages scope through `recommendation_list`.
    """
    return Recommendation.objects.select_related("source").order_by(
        "source__title", "position", "id"
    )


def agenda_action_list() -> QuerySet[Action]:
    """Every register action with its recommendation and owner, in the order an agenda item
    lists them; not scoped to a user, as `agenda_recommendation_list`."""
    return Action.objects.select_related("recommendation", "owner").order_by("id")
