"""Panels: what an app higher up shows on a page of an app beneath it (issue #13).

Apps depend one way (core/tests/test_layers.py), so a page cannot import what an app above
its own knows: a recommendation's page cannot ask the indicators app for the figures linked
to it. Instead the page names a slot and shows whatever is registered for it, and the app
above registers a panel for the slot in its AppConfig.ready().

A panel is called with the viewer, the ids of the objects on the page, which the page has
already read through its own selector, and the level its headings start at, and returns HTML
for each object it has something to show on. It decides through its own selectors what the
viewer may see, and renders through an autoescaping template: what it returns is shown as
it is.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from answerable.accounts.models import User

# The slots. Each is named by the page that shows it; they are spelled here, once, so the
# page and the panels agree without importing each other.
RECOMMENDATION_PAGE = "recommendations.recommendation_detail"
AGENDA_ITEM = "meetings.agenda_item"


class Panel(Protocol):
    def __call__(
        self, *, user: "User", object_ids: list[int], heading_level: int
    ) -> Mapping[int, str]: ...


_PANELS: dict[str, list[Panel]] = {}


def panel_register(*, slot: str, panel: Panel) -> None:
    """Show `panel` on the slot's pages, after those registered before it; registering the
    same panel again changes nothing."""
    panels = _PANELS.setdefault(slot, [])
    if panel not in panels:
        panels.append(panel)


def panels_render(
    *, slot: str, user: "User", object_ids: list[int], heading_level: int = 2
) -> dict[int, SafeString]:
    """Each object's panels, in the order they were registered, with headings from
    `heading_level` (2 for <h2>); an object no panel has anything for is left out. No panel
    is asked about an empty list."""
    if not object_ids:
        return {}
    parts: dict[int, list[str]] = {}
    for panel in _PANELS.get(slot, []):
        for pk, html in panel(
            user=user, object_ids=object_ids, heading_level=heading_level
        ).items():
            if html:
                parts.setdefault(pk, []).append(html)
    # Each panel rendered its HTML through an autoescaping template (see above).
    return {pk: mark_safe("".join(html)) for pk, html in parts.items()}  # noqa: S308


def panels_for_one(
    *, slot: str, user: "User", object_id: int, heading_level: int = 2
) -> SafeString:
    """`panels_render` for a page about one object: its panels, or "" if none."""
    html = panels_render(slot=slot, user=user, object_ids=[object_id], heading_level=heading_level)
    return html.get(object_id, mark_safe(""))
