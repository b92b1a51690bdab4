"""What changed on the public register, dated and worded for the public: a report's history
page and feeds, and a recommendation's history (issue #14). Read only through `public`'s rule.

An update's own narrative is internal: a status move says only what moved; progress text
appears only once the office approved it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from answerable.core.prepared import prepared_list
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    PublicNarrative,
    Recommendation,
    Source,
    TargetDateChange,
    Update,
)
from answerable.recommendations.selectors.public import (
    _published_recommendations,
    public_source_get,
)

RECOMMENDATION_CHANGES = 20  # on a recommendation's page


@dataclass(frozen=True)
class PublicChange:
    """One dated change to a public recommendation, worded for the public."""

    at: datetime.datetime
    key: str  # stable across reads, for a feed entry's id
    recommendation_id: int
    reference: str
    report: str
    title: str
    text: str


def public_changes(*, source: Source | None = None, limit: int = 50) -> list[PublicChange]:
    """The newest changes the public may see: approved progress text, delivery status moves,
    target date changes with their reasons and assurance verdicts on published
    recommendations, of every public source or of one."""
    recommendations = _published_recommendations()
    if source is not None:
        recommendations = recommendations.filter(source_id=public_source_get(pk=source.pk).pk)
    actions = Action.objects.filter(recommendation__in=recommendations, is_archived=False)
    related = ("action__owner", "action__recommendation__source")
    narratives = (
        _approved(PublicNarrative.objects.filter(update__action__in=actions))
        .select_related(*(f"update__{r}" for r in related))
        .order_by("-reviewed_at", "-pk")[:limit]
    )
    moves = _moves(Update.objects.filter(action__in=actions)).select_related(*related)
    dates = TargetDateChange.objects.filter(action__in=actions).select_related(*related)
    verdicts = Assessment.objects.filter(recommendation__in=recommendations).select_related(
        "recommendation__source"
    )
    changes = [
        *(_narrative(n, n.update.action.owner.name, n.update.action.recommendation)
          for n in narratives),
        *(_move(u, u.action.owner.name, u.action.recommendation) for u in _newest(moves, limit)),
        *(_date(c, c.action.owner.name, c.action.recommendation) for c in _newest(dates, limit)),
        *(_verdict(a, a.recommendation) for a in _newest(verdicts, limit)),
    ]  # fmt: skip
    return _latest(changes, limit)


def public_recommendation_changes(
    *, recommendation: Recommendation, actions: list[Action]
) -> list[PublicChange]:
    """The newest changes to one public recommendation (`RECOMMENDATION_CHANGES` of them), as
    `public_changes` words them.

    The caller read the recommendation through `public_recommendation_get` and its actions
    through `public_actions`: only those actions' rows are read here, without the rule's joins.
    """
    owners = {action.pk: action.owner.name for action in actions}
    ids = list(owners)
    narratives = prepared_list("public_changes_narratives", PublicNarrative, _narratives_of, ids)
    moves = prepared_list("public_changes_moves", Update, _moves_of, ids)
    dates = prepared_list("public_changes_dates", TargetDateChange, _dates_of, ids)
    verdicts = prepared_list("public_changes_verdicts", Assessment, _verdicts_of, recommendation.pk)
    changes = [
        *(_narrative(n, owners[n.update.action_id], recommendation) for n in narratives),
        *(_move(u, owners[u.action_id], recommendation) for u in moves),
        *(_date(c, owners[c.action_id], recommendation) for c in dates),
        *(_verdict(a, recommendation) for a in verdicts),
    ]  # fmt: skip
    return _latest(changes, RECOMMENDATION_CHANGES)


# One recommendation's reads, their SQL built once per process (core.prepared, issue #12).
def _narratives_of(action_ids: frozenset[int]) -> QuerySet[PublicNarrative]:
    return (
        _approved(PublicNarrative.objects.filter(update__action_id__in=action_ids))
        .select_related("update")
        .only("text", "reviewed_at", "created_at", "update__action_id")
        .order_by("-reviewed_at", "-pk")[:RECOMMENDATION_CHANGES]
    )


def _moves_of(action_ids: frozenset[int]) -> QuerySet[Update]:
    moves = _moves(Update.objects.filter(action_id__in=action_ids))
    fields = moves.only("action_id", "status_before", "status_after", "created_at")
    return _newest(fields, RECOMMENDATION_CHANGES)


def _dates_of(action_ids: frozenset[int]) -> QuerySet[TargetDateChange]:
    dates = TargetDateChange.objects.filter(action_id__in=action_ids)
    fields = dates.only("action_id", "previous_on", "new_on", "reason", "created_at")
    return _newest(fields, RECOMMENDATION_CHANGES)


def _verdicts_of(recommendation_id: int) -> QuerySet[Assessment]:
    verdicts = Assessment.objects.filter(recommendation_id=recommendation_id)
    return _newest(verdicts.only("verdict", "created_at"), RECOMMENDATION_CHANGES)


def _approved(narratives: QuerySet[PublicNarrative]) -> QuerySet[PublicNarrative]:
    return narratives.filter(status=PublicNarrative.Status.APPROVED)


def _moves(updates: QuerySet[Update]) -> QuerySet[Update]:
    return updates.exclude(status_before=F("status_after"))


def _newest(rows: QuerySet[Any], limit: int) -> QuerySet[Any]:
    return rows.order_by("-created_at", "-pk")[:limit]


def _latest(changes: Iterable[PublicChange], limit: int) -> list[PublicChange]:
    return sorted(changes, key=lambda change: (change.at, change.key), reverse=True)[:limit]


def _narrative(narrative: PublicNarrative, owner: str, recommendation: Any) -> PublicChange:
    return _change(
        narrative.reviewed_at or narrative.created_at, f"narrative-{narrative.pk}",
        recommendation, _("Progress from %(owner)s") % {"owner": owner}, narrative.text,
    )  # fmt: skip


def _move(update: Update, owner: str, recommendation: Any) -> PublicChange:
    labels = dict(DeliveryStatus.choices)
    before, after = labels[update.status_before], labels[update.status_after]
    return _change(
        update.created_at, f"status-{update.pk}", recommendation,
        _("%(owner)s: %(status)s") % {"owner": owner, "status": after},
        _("Delivery status moved from %(before)s to %(after)s.")
        % {"before": before, "after": after},
    )  # fmt: skip


def _date(change: TargetDateChange, owner: str, recommendation: Any) -> PublicChange:
    return _change(
        change.created_at, f"target-{change.pk}", recommendation,
        _("%(owner)s: target date changed") % {"owner": owner},
        _("Target date moved from %(before)s to %(after)s. Reason: %(reason)s")
        % {"before": _day(change.previous_on), "after": _day(change.new_on),
           "reason": change.reason},
    )  # fmt: skip


def _verdict(assessment: Assessment, recommendation: Any) -> PublicChange:
    verdict = dict(Assessment.Verdict.choices)[assessment.verdict]
    return _change(
        assessment.created_at, f"verdict-{assessment.pk}", recommendation,
        _("Assurance: %(verdict)s") % {"verdict": verdict},
        _("The office's assurance verdict on the recommendation is now: %(verdict)s.")
        % {"verdict": verdict},
    )  # fmt: skip


def _day(value: datetime.date | None) -> str:
    return date_format(value, "j F Y") if value else _("none set")


def _change(
    at: datetime.datetime, key: str, recommendation: Any, title: str, text: str
) -> PublicChange:
    return PublicChange(
        at=at,
        key=key,
        recommendation_id=recommendation.pk,
        reference=recommendation.reference,
        report=recommendation.source.title,
        title=f"{recommendation.reference}: {title}",
        text=text,
    )
