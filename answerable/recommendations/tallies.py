"""The register's counts, kept as it changes (issue #12, ADR 0010).

Every service that creates an action or recommendation, or changes a status that is counted,
moves the tallies in the same transaction, with one upsert that adds to the stored total:
two writers touching the same tally each add their own change, and a rolled-back change
takes its tally with it. `tallies_rebuild` counts them from the register again (the
migration that made them, the benchmark's generator, a data fix made outside the services);
`tally_differences` says where kept and counted disagree.
"""

import logging
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, Model
from django.db.models.functions import TruncMonth

from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    ActionTally,
    OpenActionTally,
    PartnerRecommendationTally,
    PartnerSourceActionTally,
    Recommendation,
    RecommendationTally,
    SourceActionTally,
)

logger = logging.getLogger(__name__)

Key = tuple[Any, ...]


class Tally(NamedTuple):
    model: type[Model]
    columns: tuple[str, ...]


ACTIONS = Tally(ActionTally, ("office_id", "owner_id", "delivery_status", "assurance_status"))
SOURCE_ACTIONS = Tally(SourceActionTally, ("source_id", "assurance_status"))
OPEN_ACTIONS = Tally(OpenActionTally, ("office_id", "owner_id", "target_month"))
RECOMMENDATIONS = Tally(RecommendationTally, ("office_id", "assurance_status"))
PARTNER_SOURCE_ACTIONS = Tally(
    PartnerSourceActionTally, ("owner_id", "office_id", "source_id", "assurance_status")
)
PARTNER_RECOMMENDATIONS = Tally(
    PartnerRecommendationTally, ("owner_id", "office_id", "assurance_status")
)
TALLIES = (
    ACTIONS,
    SOURCE_ACTIONS,
    OPEN_ACTIONS,
    RECOMMENDATIONS,
    PARTNER_SOURCE_ACTIONS,
    PARTNER_RECOMMENDATIONS,
)


def action_counted(action: Action) -> dict[Tally, Key | None]:
    """Where the action is counted: its office (the source's owner), owner and statuses, its
    source for a partner other than the office, and its target month while it is open (None
    where it is not counted)."""
    office_id = action.source.owner_id
    # A superseded recommendation's actions keep their target dates, but the dates no
    # longer run: they are never overdue (issue #17).
    is_due = (
        action.delivery_status in OPEN_STATUSES
        and action.target_on is not None
        and not action.is_superseded
    )
    return {
        ACTIONS: (office_id, action.owner_id, action.delivery_status, action.assurance_status),
        SOURCE_ACTIONS: (action.source_id, action.assurance_status),
        PARTNER_SOURCE_ACTIONS: (
            (action.owner_id, office_id, action.source_id, action.assurance_status)
            if action.owner_id != office_id
            else None
        ),
        OPEN_ACTIONS: (
            (office_id, action.owner_id, action.target_on.replace(day=1))  # type: ignore[union-attr]
            if is_due
            else None
        ),
    }


def recommendation_counted(recommendation: Recommendation) -> dict[Tally, Key | None]:
    return {RECOMMENDATIONS: (recommendation.source.owner_id, recommendation.assurance_status)}


def partners_add(actions: Iterable[tuple[int, Recommendation]]) -> None:
    """Count new actions' recommendations in PARTNER_RECOMMENDATIONS, each action given as
    its owner's id and its recommendation (with its source): only for actions on
    recommendations made with them (an import), so nothing else already counts them."""
    pairs = {(owner_id, recommendation.pk): recommendation for owner_id, recommendation in actions}
    counted: Counter[Key] = Counter()
    for (owner_id, _pk), recommendation in pairs.items():
        office_id = recommendation.source.owner_id
        if owner_id != office_id:
            counted[(owner_id, office_id, recommendation.assurance_status)] += 1
    _add(PARTNER_RECOMMENDATIONS, counted)


def _partners_of(recommendation_ids: Collection[int]) -> Counter[Key]:
    """PARTNER_RECOMMENDATIONS counted for these recommendations alone, from the register."""
    return _partner_counts(Action.objects.filter(recommendation_id__in=recommendation_ids))


def _partner_counts(actions: Any) -> Counter[Key]:
    rows = (
        actions.filter(recommendation__is_archived=False)
        .exclude(owner_id=F("source__owner_id"))
        .order_by()
        .values_list("owner_id", "source__owner_id", "recommendation__assurance_status")
        .annotate(Count("recommendation_id", distinct=True))
    )
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


@contextmanager
def partners_recounted(recommendation_ids: Collection[int]) -> Iterator[None]:
    """Move PARTNER_RECOMMENDATIONS for what the block changes of these recommendations (an
    action added, an assurance status, archived or restored): counted before and after, a
    few rows each, so no service has to work out which organisations' counts it moved.

    The recommendations are locked first (in id order, as every service locks them): two
    writers to one recommendation count it one after the other, the second reading "before"
    once the first has committed, so neither counts a pair the other also counted."""
    # Atomic itself (a savepoint inside a service's transaction): the lock needs one.
    with transaction.atomic():
        list(
            Recommendation.objects.select_for_update(of=("self",))
            .filter(pk__in=recommendation_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        before = _partners_of(recommendation_ids)
        yield
        change = _partners_of(recommendation_ids)
        change.subtract(before)
        _add(PARTNER_RECOMMENDATIONS, change)


def tally_add(counted: Iterable[dict[Tally, Key | None]], delta: int = 1) -> None:
    """Count each action or recommendation (as action_counted gives it) `delta` more times."""
    changes: dict[Tally, Counter[Key]] = {}
    for places in counted:
        for tally, key in places.items():
            if key is not None:
                changes.setdefault(tally, Counter())[key] += delta
    for tally, totals in changes.items():
        _add(tally, totals)


def tally_move(before: dict[Tally, Key | None], after: dict[Tally, Key | None]) -> None:
    """Move one action or recommendation from where it was counted to where it is now."""
    for tally, key in before.items():
        if after[tally] != key:
            change: Counter[Key] = Counter()
            if key is not None:
                change[key] -= 1
            if after[tally] is not None:
                change[after[tally]] += 1  # type: ignore[index]
            _add(tally, change)


def _add(tally: Tally, totals: Counter[Key]) -> None:
    quote = connection.ops.quote_name
    table = quote(tally.model._meta.db_table)
    names = [quote(column) for column in tally.columns]
    row = f"({', '.join(['%s'] * (len(names) + 1))})"
    subtract = (
        f"UPDATE {table} SET total = total + %s "  # noqa: S608 - our own table and column names
        f"WHERE {' AND '.join(f'{name} = %s' for name in names)}"
    )
    # Sorted, so two writers take the tallies' row locks in the same order.
    changed = sorted((key, delta) for key, delta in totals.items() if delta)
    additions = [(*key, delta) for key, delta in changed if delta > 0]
    # Each batch of additions is one statement that inserts a tally or adds to the stored
    # one (the same SQL on SQLite and PostgreSQL): an import's 160 partner tallies were
    # 19 ms as 160 statements (issue #12). The keys are distinct, as ON CONFLICT needs.
    width = len(names) + 1
    batch = (connection.features.max_query_params or 5000) // width
    with connection.cursor() as cursor:
        for start in range(0, len(additions), batch):
            rows = additions[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}, total) "  # noqa: S608 - our own names
                f"VALUES {', '.join([row] * len(rows))} "
                f"ON CONFLICT ({', '.join(names)}) "
                f"DO UPDATE SET total = {table}.total + excluded.total",
                [value for values in rows for value in values],
            )
        # A subtraction only ever finds one tally, since what it counted was added.
        for key, delta in changed:
            if delta < 0:
                cursor.execute(subtract, (delta, *key))
                if cursor.rowcount != 1:
                    logger.error(
                        "%s has no tally %s to subtract from: run manage.py "
                        "register_tallies --rebuild",
                        tally.model.__name__,
                        key,
                    )


def _counted() -> dict[Tally, Counter[Key]]:
    """Every tally counted from the register itself."""
    live_actions = Action.objects.filter(is_archived=False).order_by()
    live_recommendations = Recommendation.objects.filter(is_archived=False).order_by()
    reads = {
        ACTIONS: live_actions.values_list(
            F("source__owner_id"), "owner_id", "delivery_status", "assurance_status"
        ),
        SOURCE_ACTIONS: live_actions.values_list("source_id", "assurance_status"),
        PARTNER_SOURCE_ACTIONS: live_actions.exclude(owner_id=F("source__owner_id")).values_list(
            "owner_id", F("source__owner_id"), "source_id", "assurance_status"
        ),
        OPEN_ACTIONS: live_actions.filter(
            delivery_status__in=OPEN_STATUSES, target_on__isnull=False, is_superseded=False
        ).values_list(F("source__owner_id"), "owner_id", TruncMonth("target_on")),
        RECOMMENDATIONS: live_recommendations.values_list(
            F("source__owner_id"), "assurance_status"
        ),
    }
    counted = {
        tally: Counter({tuple(row[:-1]): row[-1] for row in rows.annotate(Count("id"))})
        for tally, rows in reads.items()
    }
    counted[PARTNER_RECOMMENDATIONS] = _partner_counts(Action.objects.all())
    return counted


def _kept() -> dict[Tally, Counter[Key]]:
    return {
        tally: Counter(
            {
                tuple(row[:-1]): row[-1]
                for row in tally.model._default_manager.filter(total__gt=0).values_list(
                    *tally.columns, "total"
                )
            }
        )
        for tally in TALLIES
    }


def tally_differences() -> list[str]:
    """Each tally whose kept total is not the register's count, as "key: kept, counted"."""
    differences = []
    kept, counted = _kept(), _counted()
    for tally in TALLIES:
        ours, theirs = kept[tally], counted[tally]
        for key in sorted(set(ours) | set(theirs), key=str):
            if ours[key] != theirs[key]:
                differences.append(
                    f"{tally.model.__name__} {key}: kept {ours[key]}, counted {theirs[key]}"
                )
    return differences


@transaction.atomic
def tallies_rebuild() -> None:
    """Count every tally from the register again, replacing what was kept."""
    for tally, totals in _counted().items():
        tally.model._default_manager.all().delete()
        _add(tally, totals)
