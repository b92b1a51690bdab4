"""What the workforce app shows on pages of the apps beneath it (core/panels.py): the
training coverage offered as evidence on a recommendation, and on a meeting's agenda items."""

from django.template.loader import render_to_string

from answerable.accounts.models import User
from answerable.core.panels import AGENDA_ITEM, RECOMMENDATION_PAGE, panel_register
from answerable.workforce.models import CoverageLink
from answerable.workforce.selectors import agenda_coverage_list, recommendation_coverage_list


def recommendation_panel(
    *, user: User, object_ids: list[int], heading_level: int
) -> dict[int, str]:
    """The courses offered as evidence on the recommendation whose coverage the user may see."""
    linked = recommendation_coverage_list(user=user, recommendation_ids=object_ids)
    return {
        pk: render_to_string(
            "workforce/includes/recommendation_coverage.html",
            {"links": links, "heading": f"h{heading_level}"},
        )
        for pk, links in linked.items()
    }


def agenda_item_panel(*, user: User, object_ids: list[int], heading_level: int) -> dict[int, str]:
    """Under each agenda item, the latest coverage of the courses offered on it that the user
    may see (never published)."""
    linked: dict[int, list[CoverageLink]] = {}
    for link in agenda_coverage_list(user=user, item_ids=object_ids):
        linked.setdefault(link.agenda_item_id, []).append(link)  # type: ignore[arg-type]
    return {
        pk: render_to_string(
            "workforce/includes/agenda_item_coverage.html",
            {"links": links, "item_id": pk, "heading": f"h{heading_level}"},
        )
        for pk, links in linked.items()
    }


def register() -> None:
    panel_register(slot=RECOMMENDATION_PAGE, panel=recommendation_panel)
    panel_register(slot=AGENDA_ITEM, panel=agenda_item_panel)
