"""What the indicators app shows on pages of the apps beneath it (core/panels.py): the
figures linked to a recommendation, and those linked to a meeting's agenda items."""

from django.template.loader import render_to_string

from answerable.accounts.models import User
from answerable.core.panels import AGENDA_ITEM, RECOMMENDATION_PAGE, panel_register
from answerable.indicators.links import recommendation_linked_figures
from answerable.indicators.meeting_snapshots import agenda_item_figures


def recommendation_panel(
    *, user: User, object_ids: list[int], heading_level: int
) -> dict[int, str]:
    """The latest figure and judgement of each indicator linked to the recommendation that
    the user may see."""
    linked = recommendation_linked_figures(recommendation_ids=object_ids, public=False, user=user)
    return {
        pk: render_to_string(
            "indicators/includes/recommendation_figures.html",
            {"figures": figures, "heading": f"h{heading_level}"},
        )
        for pk, figures in linked.items()
    }


def agenda_item_panel(*, user: User, object_ids: list[int], heading_level: int) -> dict[int, str]:
    """Under each agenda item, the figures of its linked indicators that the user may see:
    as they stood at the meeting once fixed, as they stand until then."""
    return {
        pk: render_to_string(
            "indicators/includes/agenda_item_figures.html",
            {"figures": figures, "item_id": pk, "heading": f"h{heading_level}"},
        )
        for pk, figures in agenda_item_figures(user=user, item_ids=object_ids).items()
    }


def register() -> None:
    panel_register(slot=RECOMMENDATION_PAGE, panel=recommendation_panel)
    panel_register(slot=AGENDA_ITEM, panel=agenda_item_panel)
