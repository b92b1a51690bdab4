"""What a person follows, and what changed on it that they may still see (issue #17).

Following a source covers its recommendations and actions, and following a recommendation
its actions, as far as the person may see them: every read here goes through the visibility
rule in `scope`, so losing access to something also stops news of it. The digest is built
from the audit trail and names only what changed (status, verdict, dates, archiving), never
the free text of updates, rationales or evidence, so nothing OFFICIAL-SENSITIVE goes into an
email.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.accounts.models import User
from answerable.accounts.selectors import user_list
from answerable.audit.selectors import audit_event_list_between
from answerable.core.jinja2 import govuk_date
from answerable.core.prepared import prepared_list
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    Follow,
    Recommendation,
    Source,
)
from answerable.recommendations.selectors.scope import (
    visible_actions_q,
    visible_recommendations_q,
    visible_sources_q,
)

# The changes a digest reports, by audit code.
DIGEST_ACTIONS = frozenset(
    {
        "action.created",
        "action.updated",
        "action.target_date_changed",
        "action.archived",
        "action.restored",
        "assessment.recorded",
        "assessment.reopened",
        "recommendation.created",
        "recommendation.updated",
        "recommendation.response_recorded",
        "recommendation.archived",
        "recommendation.restored",
        "recommendation.superseded",
        "source.updated",
        "source.response_recorded",
        "source.archived",
        "source.restored",
    }
)


@dataclass(frozen=True)
class FollowedItem:
    """One thing a person follows, as the "What you follow" page lists it."""

    follow: Follow
    kind: str
    label: str
    url: str
    is_visible: bool


@dataclass
class ChangedItem:
    """One followed thing (or one under it) and the changes to it in the digest's period."""

    kind: str
    label: str
    url: str
    changes: list[str] = field(default_factory=list)


def follow_get(
    *,
    user: User,
    source: Source | None = None,
    recommendation: Recommendation | None = None,
    action: Action | None = None,
) -> Follow | None:
    """Return the user's follow of the one thing given, or None.

    Its SQL is built once per process (core.prepared): every source, recommendation and
    action page asks it.
    """
    if source is not None:
        found = prepared_list("follow_of_source", Follow, _source_follow, user.pk, source.pk)
    elif recommendation is not None:
        found = prepared_list(
            "follow_of_recommendation", Follow, _recommendation_follow, user.pk, recommendation.pk
        )
    else:
        assert action is not None  # noqa: S101 - one of the three is always given
        found = prepared_list("follow_of_action", Follow, _action_follow, user.pk, action.pk)
    return found[0] if found else None


def _source_follow(user_id: int, pk: int) -> QuerySet[Follow]:
    return Follow.objects.filter(user_id=user_id, source_id=pk).order_by("pk")[:1]


def _recommendation_follow(user_id: int, pk: int) -> QuerySet[Follow]:
    return Follow.objects.filter(user_id=user_id, recommendation_id=pk).order_by("pk")[:1]


def _action_follow(user_id: int, pk: int) -> QuerySet[Follow]:
    return Follow.objects.filter(user_id=user_id, action_id=pk).order_by("pk")[:1]


def _label(obj: Source | Recommendation | Action) -> str:
    if isinstance(obj, Source):
        return obj.title
    if isinstance(obj, Recommendation):
        return f"{obj.reference} ({obj.source.title})"
    return _("%(reference)s: action for %(owner)s") % {
        "reference": obj.recommendation.reference,
        "owner": obj.owner.name,
    }


def follow_list(*, user: User) -> list[FollowedItem]:
    """Return what the user follows, oldest first; what they can no longer see is listed
    without its name, so they can stop following it."""
    follows = list(Follow.objects.filter(user=user).order_by("created_at", "id"))
    organisations = access_for(user).organisation_ids
    sources = Source.objects.filter(
        visible_sources_q(organisations), pk__in=[f.source_id for f in follows if f.source_id]
    ).in_bulk()
    recommendations = (
        Recommendation.objects.filter(
            visible_recommendations_q(organisations),
            pk__in=[f.recommendation_id for f in follows if f.recommendation_id],
        )
        .select_related("source")
        .in_bulk()
    )
    actions = (
        Action.objects.filter(
            visible_actions_q(organisations), pk__in=[f.action_id for f in follows if f.action_id]
        )
        .select_related("recommendation", "owner")
        .in_bulk()
    )
    items = []
    for follow in follows:
        found: Source | Recommendation | Action | None
        if follow.source_id:
            found = sources.get(follow.source_id)
        elif follow.recommendation_id:
            found = recommendations.get(follow.recommendation_id)
        else:
            found = actions.get(follow.action_id or 0)
        items.append(
            FollowedItem(
                follow=follow,
                kind=follow.kind,
                label=_label(found) if found else _("Something you can no longer see"),
                url=found.get_absolute_url() if found else "",
                is_visible=found is not None,
            )
        )
    return items


def follower_list() -> QuerySet[User]:
    """Active people who follow anything, in id order. Unscoped: for the daily digest, which
    reads each person's changes through `followed_changes`."""
    return user_list(active=True).filter(follows__isnull=False).distinct().order_by("pk")


def follow_first_at(*, user: User) -> datetime.datetime | None:
    """When the user first followed something they still follow."""
    first = Follow.objects.filter(user=user).order_by("created_at").first()
    return first.created_at if first else None


def _as_text(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The ids as the audit trail stores a target's id: text."""
    return queryset.annotate(target_key=Cast("pk", CharField())).values("target_key")


def followed_changes(
    *, user: User, since: datetime.datetime, until: datetime.datetime
) -> list[ChangedItem]:
    """Return what changed after `since` and up to `until` on what the user follows and may
    still see, one item per changed thing, in the order they first changed.

    A fixed number of queries, however many things are followed or changed.
    """
    follows = list(
        Follow.objects.filter(user=user).values_list("source_id", "recommendation_id", "action_id")
    )
    if not follows:
        return []
    organisations = access_for(user).organisation_ids
    source_ids = [s for s, _r, _a in follows if s]
    recommendation_ids = [r for _s, r, _a in follows if r]
    action_ids = [a for _s, _r, a in follows if a]
    sources = Source.objects.filter(visible_sources_q(organisations), pk__in=source_ids)
    recommendations = Recommendation.objects.filter(
        visible_recommendations_q(organisations)
    ).filter(Q(pk__in=recommendation_ids) | Q(source__in=sources.values("pk")))
    actions = Action.objects.filter(visible_actions_q(organisations)).filter(
        Q(pk__in=action_ids)
        | Q(recommendation__in=recommendations.values("pk"))
        | Q(source__in=sources.values("pk"))
    )
    types = ContentType.objects.get_for_models(Source, Recommendation, Action)
    events = list(
        audit_event_list_between(since=since, until=until, actions=DIGEST_ACTIONS)
        .filter(
            Q(target_type=types[Source], target_id__in=_as_text(sources))
            | Q(target_type=types[Recommendation], target_id__in=_as_text(recommendations))
            | Q(target_type=types[Action], target_id__in=_as_text(actions))
        )
        .only("target_type", "target_id", "action", "changes")
        .order_by("id")
    )
    if not events:
        return []
    wanted: dict[int, set[int]] = {}
    for event in events:
        wanted.setdefault(event.target_type_id or 0, set()).add(int(event.target_id))
    found: dict[tuple[int, int], Source | Recommendation | Action] = {}
    for model, queryset in (
        (Source, Source.objects.all()),
        (Recommendation, Recommendation.objects.select_related("source")),
        (Action, Action.objects.select_related("recommendation", "owner")),
    ):
        type_id = types[model].pk
        if type_id in wanted:
            for pk, obj in queryset.in_bulk(wanted[type_id]).items():
                found[(type_id, pk)] = obj
    items: dict[tuple[int, int], ChangedItem] = {}
    for event in events:
        key = (event.target_type_id or 0, int(event.target_id))
        obj = found[key]
        item = items.get(key)
        if item is None:
            item = items[key] = ChangedItem(
                kind=type(obj).__name__.lower(), label=_label(obj), url=obj.get_absolute_url()
            )
        item.changes.append(_change_text(event.action, event.changes))
    return list(items.values())


def _status(value: Any) -> str:
    return str(dict(DeliveryStatus.choices).get(value, value))


def _day(value: Any) -> str:
    if not value:
        return _("none")
    return govuk_date(datetime.date.fromisoformat(str(value)[:10]))


_CHANGE_TEXTS = {
    "action.created": gettext_lazy("Action added"),
    "action.archived": gettext_lazy("Action archived"),
    "action.restored": gettext_lazy("Action restored"),
    "assessment.reopened": gettext_lazy("Assurance reopened"),
    "recommendation.created": gettext_lazy("Recommendation added"),
    "recommendation.updated": gettext_lazy("Details changed"),
    "recommendation.response_recorded": gettext_lazy("Response recorded"),
    "recommendation.archived": gettext_lazy("Recommendation archived"),
    "recommendation.restored": gettext_lazy("Recommendation restored"),
    "recommendation.superseded": gettext_lazy("Superseded by a later recommendation"),
    "source.updated": gettext_lazy("Details changed"),
    "source.response_recorded": gettext_lazy("Statutory response recorded"),
    "source.archived": gettext_lazy("Source archived"),
    "source.restored": gettext_lazy("Source restored"),
}


def _change_text(code: str, changes: dict[str, Any]) -> str:
    """One change in words, from what the audit event recorded: never its free text."""
    if code == "action.updated":
        before_after = changes.get("delivery_status")
        if before_after:
            return _("Progress update posted: status changed from %(before)s to %(after)s") % {
                "before": _status(before_after[0]),
                "after": _status(before_after[1]),
            }
        return _("Progress update posted")
    if code == "action.target_date_changed":
        before, after = changes.get("target_on") or [None, None]
        return _("Target date changed from %(before)s to %(after)s") % {
            "before": _day(before),
            "after": _day(after),
        }
    if code == "assessment.recorded":
        verdict = (changes.get("assurance_status") or [None, ""])[1]
        return _("Assessed as %(verdict)s") % {
            "verdict": dict(Assessment.Verdict.choices).get(verdict, verdict)
        }
    return str(_CHANGE_TEXTS.get(code, code))
