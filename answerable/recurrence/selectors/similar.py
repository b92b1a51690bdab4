"""Recommendations like this one, as a user may see them, and the in-memory index of stored
vectors they are ranked from."""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from answerable.accounts.models import User
from answerable.recommendations.models import Recommendation, RecommendationLink
from answerable.recommendations.selectors import (
    can_manage_register,
    recommendation_list,
    recommendation_visible_among,
)
from answerable.recurrence import index, text
from answerable.recurrence.models import Backend, IndexState, PairDecision, RecommendationVector

# Cosine scores, set on the real recommendations (tests/test_ranking.py): with the lexical
# backend, the same ask in two reports scores 0.25-0.55 (pre-screening images 0.54,
# supervising investigations 0.36, one set of abuse data 0.30, sharing information 0.29),
# the same ask put differently 0.14 (what information must be shared), unrelated asks mostly
# under 0.1. Suggestions start low, in plain words, for the office to confirm or dismiss.
SIMILAR = 0.12
LIKELY = 0.2
VERY_SIMILAR = 0.4
# A recommendation joins a theme when it is at least this close to the theme's first one.
THEME = 0.25
# Candidates checked against the visibility rule in one query before falling back to
# reading every id the user may see: a national viewer almost never needs the fallback.
FIRST_LOOK = 200


def active_backend() -> str:
    """The backend in use: RECURRENCE_BACKEND, the lexical one unless the model is chosen.

    Installing the model's extra does not switch to it: its scores run higher than the
    lexical ones the thresholds below were set for (ADR 0014).
    """
    return str(getattr(settings, "RECURRENCE_BACKEND", "") or Backend.LEXICAL)


# --- the index ----------------------------------------------------------------------------


def _stored_rows(backend: str, since: int) -> list[index.Row]:
    vectors = RecommendationVector.objects.filter(backend=backend, revision__gt=since)
    if backend == Backend.LEXICAL:
        return [
            index.Row(recommendation_id=pk, source_id=source_id, terms=terms)
            for pk, source_id, terms in vectors.values_list(
                "recommendation_id", "recommendation__source_id", "terms"
            ).iterator(chunk_size=5000)
        ]
    return [
        index.Row(
            recommendation_id=pk,
            source_id=source_id,
            terms=terms,
            embedding=np.frombuffer(bytes(stored or b""), dtype=np.float32),
        )
        for pk, source_id, terms, stored in vectors.filter(embedding__isnull=False)
        .values_list("recommendation_id", "recommendation__source_id", "terms", "embedding")
        .iterator(chunk_size=5000)
    ]


def index_current(*, backend: str | None = None) -> index.LexicalIndex | index.EmbeddingIndex:
    """The stored vectors as an in-memory index, brought up to date with the stored revision.

    One query when nothing changed; after a change, only the rows written since are read.
    """
    backend = backend or active_backend()
    revision = (
        IndexState.objects.filter(backend=backend).values_list("revision", flat=True).first() or 0
    )
    entry = index.cached(backend)
    if entry is not None and entry.revision == revision:
        return entry.index
    since = entry.revision if entry is not None and entry.revision < revision else 0
    rows = dict(entry.rows) if entry is not None and since else {}
    for row in _stored_rows(backend, since):
        rows[row.recommendation_id] = row
    built = index.build(backend, rows.values())
    index.remember(index.Cached(backend=backend, revision=revision, rows=rows, index=built))
    return built


def scores_for(
    found: index.LexicalIndex | index.EmbeddingIndex, recommendation: Recommendation
) -> np.ndarray | None:
    """How close every indexed recommendation is to this one, or None if it cannot be told
    (the model backend with this one not embedded yet)."""
    if isinstance(found, index.LexicalIndex):
        query = found.query(
            recommendation_id=recommendation.pk, terms=text.terms(recommendation.text)
        )
        return found.scores(query)
    at = found.position(recommendation.pk)
    return None if at is None else found.scores(at)


# --- similar to this one ------------------------------------------------------------------


@dataclass(frozen=True)
class Similar:
    """A recommendation like the one on the page, with how alike they are."""

    recommendation: Recommendation
    score: float
    is_confirmed: bool = False

    @property
    def likeness(self) -> str:
        if self.score >= VERY_SIMILAR:
            return str(_("Very similar"))
        return str(_("Similar") if self.score >= LIKELY else _("Possibly similar"))


@dataclass(frozen=True)
class SimilarPage:
    similar: list[Similar]
    can_decide: bool
    is_indexed: bool


def _visible_ids(user: User, ids: list[int]) -> set[int]:
    """Which of these recommendations the user may see, by the register's rule."""
    if not ids:
        return set()
    return set(
        recommendation_visible_among(user=user, ids=ids).order_by().values_list("pk", flat=True)
    )


def _visible(user: User, ids: list[int]) -> dict[int, Recommendation]:
    """These recommendations, those the user may see, with what the pages show of them."""
    if not ids:
        return {}
    rows = (
        recommendation_visible_among(user=user, ids=ids)
        .select_related("source")
        .only(
            "pk",
            "reference",
            "text",
            "assurance_status",
            "source__id",
            "source__title",
            "source__published_on",
            "source__owner_id",
        )
    )
    return {row.pk: row for row in rows}


def _best(scores: np.ndarray, eligible: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest eligible scores, highest first (ties by position)."""
    masked = np.where(eligible, scores, -1.0)
    count = min(count, int(eligible.sum()))
    if count <= 0:
        return np.zeros(0, np.int64)
    top = np.argpartition(-masked, count - 1)[:count]
    return top[np.lexsort((top, -masked[top]))]


def similar_list(*, user: User, recommendation: Recommendation, limit: int = 10) -> SimilarPage:
    """Recommendations in other sources the user may see that ask for the same thing as this
    one, most alike first. Pairs the source's office dismissed are left out; pairs it
    confirmed are marked. A fixed number of queries whatever the size of the register."""
    found = index_current()
    scores = scores_for(found, recommendation)
    can_decide = can_manage_register(user=user, source=recommendation.source)
    if scores is None:
        return SimilarPage(similar=[], can_decide=can_decide, is_indexed=False)
    decided = {
        first if second == recommendation.pk else second: decision
        for first, second, decision in PairDecision.objects.filter(
            Q(first=recommendation) | Q(second=recommendation),
            office_id=recommendation.source.owner_id,
        ).values_list("first_id", "second_id", "decision")
    }
    eligible = (scores >= SIMILAR) & (found.source_ids != recommendation.source_id)
    dismissed = [pk for pk, d in decided.items() if d == PairDecision.Decision.DISMISSED]
    eligible &= ~np.isin(found.ids, [recommendation.pk, *dismissed])
    closest = [int(pk) for pk in found.ids[_best(scores, eligible, FIRST_LOOK)]]
    seen = _visible_ids(user, closest)
    if len(seen) < limit and int(eligible.sum()) > len(closest):
        # Few of the closest are the user's: rank among everything they may see.
        allowed = np.fromiter(recommendation_list(user=user).values_list("pk", flat=True), np.int64)
        eligible &= np.isin(found.ids, allowed)
        eligible &= ~np.isin(found.ids, closest)
        rest = [int(pk) for pk in found.ids[_best(scores, eligible, limit - len(seen))]]
        seen.update(rest)
        closest += rest
    visible = _visible(user, [pk for pk in closest if pk in seen][:limit])
    chosen = [pk for pk in closest if pk in visible]
    linked = set(
        recommendation.links_out.filter(
            kind=RecommendationLink.Kind.OVERLAPS, to_recommendation__in=chosen
        ).values_list("to_recommendation_id", flat=True)
    )
    chosen_scores: list[float] = (
        scores[np.searchsorted(found.ids, chosen)].tolist() if chosen else []
    )
    return SimilarPage(
        similar=[
            Similar(
                recommendation=visible[pk],
                score=float(score),
                is_confirmed=pk in linked or decided.get(pk) == PairDecision.Decision.CONFIRMED,
            )
            for pk, score in zip(chosen, chosen_scores, strict=True)
        ],
        can_decide=can_decide,
        is_indexed=True,
    )
