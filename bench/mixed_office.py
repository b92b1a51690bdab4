"""run.py --mixed: the PCC office's side of the mixed load, assessments and agenda edits.

A scrutiny officer of each of `--office-users` offices signs in with two-factor, reads the
pages they work on (and their office's meetings), and when it writes, alternates between an
assurance assessment of an action (through the real assessment form) and an edit of an agenda
item of a planned meeting (through the real item form, which carries the item's version).
Assessments never assure, so no lead officer's action is locked against their own updates.
Afterwards each write the server confirmed is looked for: an assessment by its rationale, an
agenda edit by the item's version having moved once for each confirmed save.
"""

import html
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from loopback import Form, error_summary

ASSESSMENT_FORM, ASSESSMENT = "assessment form", "assessment"
AGENDA_FORM, AGENDA_EDIT = "agenda item form", "agenda edit"
OFFICE_KINDS = (ASSESSMENT_FORM, ASSESSMENT, AGENDA_FORM, AGENDA_EDIT)
# Never "assured": an assured action refuses its owner's status changes.
VERDICTS = ("partly_assured", "not_assured")
SAMPLE = 50


@dataclass
class OfficeWrites:
    """What one scrutiny officer may write: actions to assess and agenda items to edit."""

    assessable: list[tuple[str, str]]  # (action page, assessment form)
    agenda_items: list[tuple[int, str, str]]  # (item id, meeting page, item form)
    turn: int = 0
    rationales: list[str] = field(default_factory=list)  # confirmed assessments
    edits: Counter[int] = field(default_factory=Counter)  # confirmed saves by item


def plan_office_writes(email: str) -> OfficeWrites:
    """The office's unassured actions and the editable items of its planned meetings."""
    from django.urls import reverse

    from answerable.accounts.models import User
    from answerable.meetings.models import AccountabilityMeeting, AgendaItem
    from answerable.organisations.models import Membership
    from answerable.recommendations.models import Action, AssuranceStatus

    user = User.objects.get(email=email)
    offices = user.memberships.filter(role=Membership.Role.SCRUTINY_OFFICER).values(
        "organisation_id"
    )
    actions = (
        Action.objects.filter(recommendation__source__owner_id__in=offices, is_archived=False)
        .exclude(assurance_status=AssuranceStatus.ASSURED)
        .order_by("-pk")
        .values_list("pk", flat=True)[:SAMPLE]
    )
    items = (
        AgendaItem.objects.filter(
            meeting__office_id__in=offices,
            meeting__status=AccountabilityMeeting.Status.PLANNED,
            is_action_review=False,
        )
        .order_by("pk")
        .values_list("pk", "meeting_id")[:SAMPLE]
    )
    return OfficeWrites(
        assessable=[
            (
                reverse("recommendations:action_detail", args=[pk]),
                reverse("recommendations:action_assess", args=[pk]),
            )
            for pk in actions
        ],
        agenda_items=[
            (
                pk,
                reverse("meetings:meeting_detail", args=[meeting]),
                reverse("meetings:agenda_item_update", args=[pk]),
            )
            for pk, meeting in items
        ],
    )


def form_fields(content: bytes) -> Form:
    """What a browser would send from the page's form untouched: every hidden and text input,
    textarea, checked box or radio (a field checked twice becomes a list)."""
    form: Form = {}

    def add(name: str, value: str) -> None:
        held = form.get(name)
        if held is None:
            form[name] = value
        else:
            form[name] = [*([held] if isinstance(held, str) else held), value]

    for tag in re.findall(rb"<input\b[^>]*>", content):
        kind = re.search(rb'type="([^"]+)"', tag)
        name = re.search(rb'name="([^"]+)"', tag)
        value = re.search(rb'value="([^"]*)"', tag)
        checkable = kind is not None and kind.group(1) in (b"radio", b"checkbox")
        if not name or (checkable and not re.search(rb"\bchecked\b", tag)):
            continue
        add(name.group(1).decode(), unescape(value.group(1)) if value else "")
    for name, text in re.findall(
        rb'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', content, re.S
    ):
        add(name.decode(), unescape(text.lstrip(b"\n")))
    return form


def unescape(raw: bytes) -> str:
    return html.unescape(raw.decode())


def office_write(user: Any, tally: Any, rng: random.Random, number: int) -> None:
    """One write by a scrutiny officer: an assessment, then an agenda edit, by turns."""
    writes: OfficeWrites = user.office
    writes.turn += 1
    if writes.agenda_items and (writes.turn % 2 == 0 or not writes.assessable):
        _edit_agenda_item(user, tally, rng, number)
    elif writes.assessable:
        _assess(user, tally, rng, number)


def _get_form(user: Any, tally: Any, kind: str, path: str) -> Form | None:
    started = time.perf_counter()
    try:
        status, _headers, content = user.session.request("GET", path)
    except Exception as error:  # noqa: BLE001 - counted as an error, whatever it is
        tally.error(kind, f"GET {path}: {error!r}")
        return None
    if status != 200:
        tally.error(kind, f"GET {path} gave {status}")
        return None
    tally.ok(kind, started)
    return form_fields(content)


def _post(user: Any, tally: Any, kind: str, path: str, form: Form, then: str) -> bool:
    started = time.perf_counter()
    try:
        status, headers, content = user.session.request("POST", path, form)
    except Exception as error:  # noqa: BLE001 - counted as an error, whatever it is
        tally.error(kind, f"POST {path}: {error!r}")
        return False
    if status == 302 and headers.get("Location", "").split("#")[0].endswith(then):
        tally.ok(kind, started)
        return True
    why = headers.get("Location", "") if status == 302 else error_summary(content)
    tally.error(kind, f"POST {path} gave {status} {why}")
    return False


def _assess(user: Any, tally: Any, rng: random.Random, number: int) -> None:
    action, path = rng.choice(user.office.assessable)
    form = _get_form(user, tally, ASSESSMENT_FORM, path)
    if form is None:
        return
    rationale = f"Benchmark assessment {number} by {user.email}."
    form.update({"verdict": rng.choice(VERDICTS), "rationale": rationale})
    if _post(user, tally, ASSESSMENT, path, form, action):
        user.office.rationales.append(rationale)


def _edit_agenda_item(user: Any, tally: Any, rng: random.Random, number: int) -> None:
    item, meeting, path = rng.choice(user.office.agenda_items)
    form = _get_form(user, tally, AGENDA_FORM, path)
    if form is None:
        return
    form["description"] = f"Benchmark agenda edit {number} by {user.email}."
    if _post(user, tally, AGENDA_EDIT, path, form, meeting):
        user.office.edits[item] += 1


def item_versions(writes: list[OfficeWrites]) -> dict[int, int]:
    from answerable.meetings.models import AgendaItem

    ids = [item for each in writes for item, _meeting, _path in each.agenda_items]
    return dict(AgendaItem.objects.filter(pk__in=ids).values_list("pk", "version"))


def office_writes_lost(writes: list[OfficeWrites], versions_before: dict[int, int]) -> list[str]:
    """Each confirmed assessment and agenda save the database does not show."""
    from answerable.recommendations.models import Assessment

    rationales = [text for each in writes for text in each.rationales]
    found = set(
        Assessment.objects.filter(rationale__in=rationales).values_list("rationale", flat=True)
    )
    lost = [f"assessment: {text}" for text in rationales if text not in found]
    confirmed: Counter[int] = sum((each.edits for each in writes), Counter())
    after = item_versions(writes)
    for item, saves in confirmed.items():
        moved = after.get(item, 0) - versions_before.get(item, 0)
        if moved != saves:
            lost.append(f"agenda item {item}: {saves} saves confirmed, version moved {moved}")
    return lost
