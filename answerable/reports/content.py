"""A progress report's content, built from the register's record as plain data (issue #15).

The same dictionary feeds the HTML preview, the Word document and the PDF, so all three say
the same thing. Callers pass actions and recommendations already scoped by the register's
selectors; `audience="public"` keeps to what the public site may show: published sources,
approved public text only, no reasons for moved dates or for being unable to implement, and
only published OFFICIAL evidence.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.indicators.links import recommendation_indicator_figures
from answerable.meetings.models import ItemVerdict
from answerable.meetings.selectors import recommendation_meeting_verdicts
from answerable.publishing.selectors import published_by_meeting
from answerable.recommendations.burnup import BurnupChart, burnup_chart
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    Recommendation,
)
from answerable.recommendations.selectors import records
from answerable.recommendations.selectors.forecast import BurnupPoint, completion_forecast
from answerable.workforce.selectors import recommendation_course_coverage

AUDIENCES = ("internal", "public")


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the actions and recommendations, scoped by the caller."""

    title: str
    actions: QuerySet[Action]
    recommendations: QuerySet[Recommendation]
    period_from: datetime.date
    period_to: datetime.date
    audience: str = "internal"


def report_check(scope: ReportScope) -> None:
    """Refuse a report that could only mislead: a period that ends before it starts, or nothing."""
    errors = {}
    if scope.period_to < scope.period_from:
        errors["period_to"] = _("The end of the period must be the same as or after its start")
    if scope.audience not in AUDIENCES:
        errors["audience"] = _("Choose who the report is for: internal or public")
    if not scope.recommendations.exists():
        errors["scope"] = _("The report covers no recommendations: choose at least one source")
    if errors:
        raise ValidationError(errors)


def report_content(scope: ReportScope) -> dict[str, Any]:
    """Build the report's content; see the module docstring for what a public one leaves out."""
    report_check(scope)
    public = scope.audience == "public"
    actions = scope.actions.filter(is_archived=False).order_by()
    recommendations = scope.recommendations.filter(is_archived=False).order_by()
    if public:
        actions = actions.filter(source__public_since__isnull=False)
        recommendations = recommendations.filter(source__public_since__isnull=False)
    start = timezone.make_aware(datetime.datetime.combine(scope.period_from, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(scope.period_to, datetime.time.max))
    forecast = completion_forecast(actions=actions, recommendations=recommendations)
    return {
        "title": scope.title,
        "audience": scope.audience,
        "period_from": scope.period_from.isoformat(),
        "period_to": scope.period_to.isoformat(),
        "generated_on": timezone.localdate().isoformat(),
        "summary": _summary(actions, recommendations),
        "changes": _changes(actions, start, end, public=public),
        "recommendations": _recommendations(recommendations, actions, public=public),
        "forecast": _forecast(forecast),
    }


def _summary(
    actions: QuerySet[Action], recommendations: QuerySet[Recommendation]
) -> dict[str, Any]:
    by_owner: dict[str, Counter[str]] = defaultdict(Counter)
    rows = actions.values("owner__name", "delivery_status", "assurance_status").annotate(
        n=Count("pk")
    )
    for row in rows.order_by():
        by_owner[row["owner__name"]][row["delivery_status"]] += row["n"]
        by_owner[row["owner__name"]]["assurance:" + row["assurance_status"]] += row["n"]
    assurance = Counter(
        dict(recommendations.values_list("assurance_status").annotate(n=Count("pk")).order_by())
    )
    return {
        "delivery_labels": [[value, str(label)] for value, label in DeliveryStatus.choices],
        "assurance_labels": [[value, str(label)] for value, label in AssuranceStatus.choices],
        "organisations": [
            {
                "name": name,
                "total": sum(n for key, n in counts.items() if not key.startswith("assurance:")),
                "delivery": {value: counts[value] for value in DeliveryStatus.values},
                "assurance": {
                    value: counts["assurance:" + value] for value in AssuranceStatus.values
                },
            }
            for name, counts in sorted(by_owner.items())
        ],
        "recommendations_total": sum(assurance.values()),
        "recommendations_by_assurance": {v: assurance[v] for v in AssuranceStatus.values},
    }


def _action_row(action: Action) -> dict[str, str]:
    return {
        "reference": action.recommendation.reference,
        "source": action.recommendation.source.title,
        "owner": action.owner.display_name,
        "description": action.description,
    }


def _changes(
    actions: QuerySet[Action], start: datetime.datetime, end: datetime.datetime, *, public: bool
) -> dict[str, list[dict[str, str]]]:
    """What changed in the period, each list oldest first."""
    period = {"created_at__gte": start, "created_at__lte": end}
    related = ("action__recommendation__source", "action__owner")
    status_moves = (
        records.action_update_list(actions=actions).filter(**period).select_related(*related)
    )
    completed = status_moves.filter(status_after=DeliveryStatus.COMPLETED).exclude(
        status_before=DeliveryStatus.COMPLETED
    )
    unable = status_moves.filter(status_after=DeliveryStatus.UNABLE_TO_IMPLEMENT).exclude(
        status_before=DeliveryStatus.UNABLE_TO_IMPLEMENT
    )
    verdicts = (
        records.action_assessment_list(actions=actions).filter(**period).select_related(*related)
    )
    moved = (
        records.action_target_date_change_list(actions=actions)
        .filter(**period)
        .select_related(*related)
    )
    overdue = (
        actions.filter(
            delivery_status__in=OPEN_STATUSES,
            target_on__gte=start.date(),
            target_on__lte=min(end.date(), timezone.localdate()),
        )
        .select_related("recommendation__source", "owner")
        .order_by("target_on", "pk")
    )
    return {
        "completed": [
            _action_row(u.action) | {"on": u.created_at.date().isoformat()}
            for u in completed.order_by("created_at", "pk")
        ],
        "assured": [
            _action_row(a.action) | {"on": a.created_at.date().isoformat()}  # type: ignore[arg-type]
            for a in verdicts.filter(verdict=Assessment.Verdict.ASSURED).order_by("created_at")
        ],
        "reopened": [
            _action_row(a.action) | {"on": a.created_at.date().isoformat()}  # type: ignore[arg-type]
            for a in verdicts.filter(verdict=Assessment.Verdict.REOPENED).order_by("created_at")
        ],
        "overdue": [
            _action_row(a) | {"on": a.target_on.isoformat()}  # type: ignore[union-attr]
            for a in overdue
        ],
        "dates_moved": [
            _action_row(c.action)
            | {
                "previous_on": c.previous_on.isoformat() if c.previous_on else "",
                "new_on": c.new_on.isoformat() if c.new_on else "",
                "reason": "" if public else c.reason,
            }
            for c in moved.order_by("created_at", "pk")
        ],
        "unable": [
            _action_row(u.action)
            | {
                "on": u.created_at.date().isoformat(),
                # The reason is the owner's own words, written for the office.
                "reason": "" if public else u.action.unable_reason,
            }
            for u in unable.order_by("created_at", "pk")
        ],
    }


def _recommendations(
    recommendations: QuerySet[Recommendation], actions: QuerySet[Action], *, public: bool
) -> list[dict[str, Any]]:
    """Each recommendation with its owners, latest narrative, evidence and latest verdict."""
    chosen = list(
        recommendations.select_related("source").order_by("source__title", "position", "pk")
    )
    ids = [r.pk for r in chosen]
    owners: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, name in (
        actions.filter(recommendation_id__in=ids)
        .order_by("owner__name")
        .values_list("recommendation_id", "owner__name")
        .distinct()
    ):
        owners[recommendation_id].append(name)
    # The latest narrative of each recommendation: for the public, only text the office
    # approved for the public site; internally, the latest update as written.
    narratives: dict[int, str] = {}
    in_scope = actions.filter(recommendation_id__in=ids)
    rows: Iterable[tuple[int, str]]
    if public:
        approved = records.action_approved_narrative_list(actions=in_scope).order_by(
            "reviewed_at", "pk"
        )
        rows = approved.values_list("update__action__recommendation_id", "text")
    else:
        latest = records.action_update_list(actions=in_scope).order_by("created_at", "pk")
        rows = latest.values_list("action__recommendation_id", "narrative")
    for recommendation_id, narrative in rows:
        narratives[recommendation_id] = narrative
    evidence: dict[int, list[str]] = defaultdict(list)
    shown = records.action_evidence_list(actions=in_scope)
    if public:
        shown = shown.filter(is_published=True, marking=Evidence.Marking.OFFICIAL)
    for recommendation_id, title in shown.order_by("created_at", "pk").values_list(
        "action__recommendation_id", "title"
    ):
        evidence[recommendation_id].append(title)
    verdicts: dict[int, tuple[str, str]] = {}
    for assessment in records.recommendation_assessment_list(recommendation_ids=ids).order_by(
        "created_at", "pk"
    ):
        verdicts[assessment.recommendation_id] = (  # type: ignore[index]
            str(assessment.get_verdict_display()),
            assessment.created_at.date().isoformat(),
        )
    meeting_verdicts = recommendation_meeting_verdicts(
        recommendation_ids=ids, include_sensitive=not public
    )
    if public:  # only what a published meeting summary already shows
        published = published_by_meeting(
            meeting_ids=[v.item.meeting_id for v in meeting_verdicts.values()]
        )
        meeting_verdicts = {
            r: v for r, v in meeting_verdicts.items() if v.item.meeting_id in published
        }
    # Training coverage offered as evidence is internal: nothing marks it for publication.
    training = {} if public else recommendation_course_coverage(recommendation_ids=ids)
    indicators = recommendation_indicator_figures(recommendation_ids=ids, public=public)
    return [
        {
            "reference": r.reference,
            "source": r.source.title,
            "text": r.text,
            "owners": owners.get(r.pk, []),
            "assurance": str(r.get_assurance_status_display()),
            "narrative": narratives.get(r.pk, ""),
            "evidence": evidence.get(r.pk, []),
            "verdict": verdicts.get(r.pk, ("", ""))[0],
            "verdict_on": verdicts.get(r.pk, ("", ""))[1],
            **_meeting_verdict(meeting_verdicts.get(r.pk)),
            "training": [
                _("%(course)s (%(owner)s): %(percent)s%% in date on %(on)s, target %(target)s%%")
                % {
                    "course": c.course,
                    "owner": c.owner,
                    "percent": c.percent,
                    "on": c.taken_on.isoformat(),
                    "target": c.target_percent,
                }
                for c in training.get(r.pk, [])
            ],
            "indicators": indicators.get(r.pk, []),
        }
        for r in chosen
    ]


def _meeting_verdict(verdict: ItemVerdict | None) -> dict[str, str]:
    if verdict is None:
        return {"meeting_verdict": "", "meeting": "", "meeting_on": ""}
    meeting = verdict.item.meeting
    return {
        "meeting_verdict": str(verdict.get_verdict_display()),
        "meeting": meeting.title,
        "meeting_on": meeting.local_starts_at.date().isoformat(),
    }


def _forecast(result: Any) -> dict[str, Any]:
    def dates(forecast: Any) -> dict[str, Any]:
        return {
            "outcome": str(forecast.outcome),
            "open": forecast.open_count,
            "completed": forecast.completed_count,
            "history_months": forecast.history_months,
            "p50": forecast.p50.isoformat() if forecast.p50 else "",
            "p80": forecast.p80.isoformat() if forecast.p80 else "",
            "p95": forecast.p95.isoformat() if forecast.p95 else "",
        }

    return {
        "delivery": dates(result.delivery),
        "assurance": dates(result.assurance),
        "unable": result.unable_count,
        "burnup": [[p.month.isoformat(), p.total, p.done] for p in result.burnup],
        "band": [[end.isoformat(), lo, mid, hi] for end, lo, mid, hi in result.delivery.band],
    }


def report_burnup(content: dict[str, Any]) -> BurnupChart | None:
    """The burn-up chart of a report's content (a stored snapshot holds only plain data)."""
    forecast = content["forecast"]
    points = [
        BurnupPoint(month=datetime.date.fromisoformat(month), total=total, done=done)
        for month, total, done in forecast["burnup"]
    ]
    band = [
        (datetime.date.fromisoformat(end), lo, mid, hi)
        for end, lo, mid, hi in forecast.get("band", [])
    ]
    return burnup_chart(points, band)
