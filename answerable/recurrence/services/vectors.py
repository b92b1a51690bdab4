"""The stored vectors of recommendations' texts and their places in recurring themes: derived
data, like the register's tallies, so written without audit events."""

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from answerable.recommendations.models import Recommendation
from answerable.recommendations.selectors import recommendation_unscoped_list
from answerable.recurrence import embedding, index, selectors, text
from answerable.recurrence.models import Backend, IndexState, RecommendationVector
from answerable.recurrence.services.themes import BATCH, themes_count


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _vectors(
    backend: str, rows: Sequence[tuple[int, str]], revision: int
) -> list[RecommendationVector]:
    now = timezone.now()
    vectors = [
        RecommendationVector(
            recommendation_id=pk,
            backend=backend,
            text_sha256=_sha(value),
            revision=revision,
            computed_at=now,
        )
        for pk, value in rows
    ]
    # Both backends keep the words: the model's score blends them in (index.EmbeddingIndex).
    for vector, (_pk, value) in zip(vectors, rows, strict=True):
        vector.terms = text.terms(value)
    if backend != Backend.LEXICAL:
        encoded = embedding.encode([value for _pk, value in rows])
        for vector, row in zip(vectors, encoded, strict=True):
            vector.embedding = row.astype(np.float32).tobytes()
    return vectors


def _stale(backend: str) -> list[int]:
    """Recommendations with no vector from this backend, or one from a different text."""
    stored = dict(
        RecommendationVector.objects.filter(backend=backend).values_list(
            "recommendation_id", "text_sha256"
        )
    )
    texts = recommendation_unscoped_list().values_list("pk", "text")
    return [pk for pk, value in texts.iterator(chunk_size=5000) if stored.get(pk) != _sha(value)]


def _store(ids: Sequence[int], backend: str) -> int:
    """Compute and store the vectors of these recommendations, a batch a transaction."""
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = list(recommendation_unscoped_list(ids=chunk).values_list("pk", "text"))
        with transaction.atomic():
            state, _ = IndexState.objects.select_for_update().get_or_create(backend=backend)
            state.revision = F("revision") + 1
            state.save(update_fields=["revision"])
            state.refresh_from_db(fields=["revision"])
            RecommendationVector.objects.bulk_create(
                _vectors(backend, rows, state.revision),
                update_conflicts=True,
                unique_fields=["recommendation"],
                update_fields=[
                    "backend",
                    "text_sha256",
                    "terms",
                    "embedding",
                    "revision",
                    "computed_at",
                ],
            )
        done += len(rows)
    return done


def refresh_vectors(
    *, recommendation_ids: Iterable[int] | None = None, backend: str | None = None
) -> int:
    """Compute and store the vectors of these recommendations (by default, every one whose
    text has changed or that has none yet), then place each in a recurring theme.

    Call it after recommendations are created, imported or their text edited (in the
    background: `tasks.recurrence_refresh`). Returns how many were computed.
    """
    backend = backend or selectors.active_backend()
    ids = list(recommendation_ids) if recommendation_ids is not None else _stale(backend)
    if not ids:
        return 0
    done = _store(ids, backend)
    themes_place(recommendation_ids=ids, backend=backend)
    return done


def _leaders(backend: str, found: index.LexicalIndex | index.EmbeddingIndex) -> np.ndarray:
    leader_ids = RecommendationVector.objects.filter(
        backend=backend, cluster=F("recommendation_id")
    ).values_list("recommendation_id", flat=True)
    return np.isin(found.ids, np.fromiter(leader_ids, np.int64))


def _place(
    found: index.LexicalIndex | index.EmbeddingIndex,
    leaders: np.ndarray,
    recommendation: Recommendation,
) -> int:
    """The theme the recommendation joins: the closest theme's first recommendation, if close
    enough, else a theme of its own (and it becomes a theme's first)."""
    at = found.position(recommendation.pk)
    scores = selectors.scores_for(found, recommendation)
    if at is None or scores is None:
        return recommendation.pk
    leaders[at] = False  # never its own theme's match
    candidates = np.where(leaders, scores, -1.0)
    best = int(np.argmax(candidates)) if len(candidates) else -1
    if best >= 0 and candidates[best] >= selectors.THEME:
        return int(found.ids[best])
    leaders[at] = True
    return recommendation.pk


def themes_place(*, recommendation_ids: Sequence[int], backend: str | None = None) -> None:
    """Put each of these recommendations in the theme whose first recommendation is closest.

    Each theme is an earlier recommendation and the later ones close to it (not a chain of
    neighbours, which would run unrelated asks together). Placing a few leaves the others
    as they are; `themes_rebuild` places everything again in date order.
    """
    backend = backend or selectors.active_backend()
    found = selectors.index_current(backend=backend)
    leaders = _leaders(backend, found)
    placed = {}
    for recommendation in recommendation_unscoped_list(ids=recommendation_ids).only(
        "pk", "text", "source_id"
    ):
        placed[recommendation.pk] = _place(found, leaders, recommendation)
    _save_themes(backend, placed)


def themes_rebuild(*, backend: str | None = None) -> int:
    """Place every recommendation in a theme again, the earliest published first, so each
    theme starts from the first report that asked. Returns the number of themes."""
    backend = backend or selectors.active_backend()
    found = selectors.index_current(backend=backend)
    leaders = np.zeros(len(found), dtype=bool)
    placed = {}
    ordered = (
        recommendation_unscoped_list(
            ids=RecommendationVector.objects.filter(backend=backend).values("pk")
        )
        .order_by(F("source__published_on").asc(nulls_last=True), "source_id", "position", "pk")
        .only("pk", "text", "source_id")
    )
    for recommendation in ordered.iterator(chunk_size=5000):
        placed[recommendation.pk] = _place(found, leaders, recommendation)
    _save_themes(backend, placed)
    return int(leaders.sum())


def _save_themes(backend: str, placed: dict[int, int]) -> None:
    vectors = [
        RecommendationVector(recommendation_id=pk, cluster=cluster)
        for pk, cluster in placed.items()
    ]
    with transaction.atomic():
        RecommendationVector.objects.bulk_update(vectors, ["cluster"], batch_size=BATCH)
    themes_count(backend=backend)


def index_rebuild(*, backend: str | None = None) -> tuple[int, int]:
    """Compute every recommendation's vector again and every theme: after changing backend
    or the text rules. Returns the number of vectors and of themes."""
    backend = backend or selectors.active_backend()
    vectors = _store(list(recommendation_unscoped_list().values_list("pk", flat=True)), backend)
    RecommendationVector.objects.exclude(backend=backend).delete()
    return vectors, themes_rebuild(backend=backend)
