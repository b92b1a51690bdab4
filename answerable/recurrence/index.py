"""Every stored recommendation vector in memory, to answer "similar to this one" (ADR 0014).

The stored rows are the truth; each process keeps this index of them, built with numpy, and
brings it up to date when the stored revision moves (one small query a page). Nothing here
decides who may see what: it ranks every recommendation, and the selectors keep only those
the register's visibility rule lets the user see.
"""

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float32]
Ints = NDArray[np.int64]

# The embeddings' share of the model backend's score, the words' the rest. On the real pairs
# (recurrence/tests/test_ranking.py) every share from 0 to 0.45 ranks each paraphrase above
# every unrelated recommendation; the model alone (1.0) does not. 0.3 keeps a margin of 0.06.
EMBEDDING_WEIGHT = 0.3


@dataclass(frozen=True)
class Row:
    """One recommendation as the index holds it: its source and its stored terms or vector."""

    recommendation_id: int
    source_id: int
    terms: dict[str, int] = field(default_factory=dict)
    embedding: Floats | None = None


class LexicalIndex:
    """TF-IDF over the stored term counts, as sparse rows and postings (CSR and CSC).

    Weights are (1 + log count) x idf, each row scaled to length 1, so a score is the cosine
    of two recommendations' texts. The idf comes from every stored row, so a new batch
    changes the weights of all of them, which is why counts are stored rather than weights.
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        rows = sorted(rows, key=lambda row: row.recommendation_id)
        self.ids: Ints = np.fromiter((r.recommendation_id for r in rows), np.int64, len(rows))
        self.source_ids: Ints = np.fromiter((r.source_id for r in rows), np.int64, len(rows))
        self.vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        counts: list[int] = []
        lengths = np.zeros(len(rows), np.int64)
        for position, row in enumerate(rows):
            lengths[position] = len(row.terms)
            for term, count in row.terms.items():
                term_ids.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                counts.append(count)
        doc_terms = np.asarray(term_ids, np.int64)
        size = len(rows)
        df = np.bincount(doc_terms, minlength=len(self.vocabulary))
        self.idf: Floats = (np.log((1 + size) / (1 + df)) + 1).astype(np.float32)
        weights = (1 + np.log(np.asarray(counts, np.float32))) * self.idf[doc_terms]
        doc_of = np.repeat(np.arange(size), lengths)
        norms = np.sqrt(np.bincount(doc_of, weights=weights * weights, minlength=size))
        weights = (weights / norms[doc_of]).astype(np.float32)
        self.doc_ptr: Ints = np.concatenate([[0], np.cumsum(lengths)])
        self.doc_terms = doc_terms
        self.doc_weights: Floats = weights
        order = np.argsort(doc_terms, kind="stable")
        self.post_ptr: Ints = np.concatenate([[0], np.cumsum(df)])
        self.post_docs: Ints = doc_of[order]
        self.post_weights: Floats = weights[order]

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, recommendation_id: int) -> int | None:
        at = int(np.searchsorted(self.ids, recommendation_id))
        return at if at < len(self.ids) and self.ids[at] == recommendation_id else None

    def query(self, *, recommendation_id: int, terms: dict[str, int]) -> tuple[Ints, Floats]:
        """The recommendation's weighted terms: as stored if indexed, else from `terms`."""
        at = self.position(recommendation_id)
        if at is not None:
            start, end = self.doc_ptr[at], self.doc_ptr[at + 1]
            return self.doc_terms[start:end], self.doc_weights[start:end]
        known = [(self.vocabulary[t], c) for t, c in terms.items() if t in self.vocabulary]
        if not known:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids = np.asarray([t for t, _ in known], np.int64)
        weights = (1 + np.log(np.asarray([c for _, c in known], np.float32))) * self.idf[ids]
        return ids, (weights / math.sqrt(float(np.dot(weights, weights)))).astype(np.float32)

    def scores(self, query: tuple[Ints, Floats]) -> Floats:
        """The cosine of the query with every indexed recommendation, in `ids` order."""
        terms, weights = query
        if not len(terms):
            return np.zeros(len(self.ids), np.float32)
        starts, ends = self.post_ptr[terms], self.post_ptr[terms + 1]
        # Every posting of every query term in one array, each weighted by its query term:
        # one bincount sums them per recommendation.
        spans = [np.arange(start, end) for start, end in zip(starts, ends, strict=True)]
        postings = np.concatenate(spans)
        lengths = ends - starts
        contributions = self.post_weights[postings] * np.repeat(weights, lengths)
        return np.bincount(
            self.post_docs[postings], weights=contributions, minlength=len(self.ids)
        ).astype(np.float32)


class EmbeddingIndex:
    """Sentence embeddings (already of length 1) as one matrix, blended with the words.

    A score is EMBEDDING_WEIGHT x the embeddings' cosine plus the rest x the TF-IDF cosine of
    the same two texts (a `LexicalIndex` over the same rows). The model alone ranks by what a
    text is about: every recommendation here is about safeguarding, so two unrelated asks
    score 0.2-0.4 and the one that shares the ask in other words can rank below them
    (ADR 0014). The words say which ask; the embedding adds the paraphrases that share few.
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        rows = sorted(
            (r for r in rows if r.embedding is not None), key=lambda r: r.recommendation_id
        )
        self.lexical = LexicalIndex(rows)
        self.ids: Ints = self.lexical.ids
        self.source_ids: Ints = self.lexical.source_ids
        width = len(rows[0].embedding) if rows and rows[0].embedding is not None else 0
        matrix: Floats = np.zeros((len(rows), width), np.float32)
        for position, row in enumerate(rows):
            matrix[position] = row.embedding
        self.matrix = _compact(matrix)

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, recommendation_id: int) -> int | None:
        return self.lexical.position(recommendation_id)

    def scores(self, at: int) -> Floats:
        """The blended score of the recommendation at `at` with every indexed one."""
        words = self.lexical.scores(
            self.lexical.query(recommendation_id=int(self.ids[at]), terms={})
        )
        blended = _cosines(self.matrix, at) * EMBEDDING_WEIGHT
        blended += (1 - EMBEDDING_WEIGHT) * words
        return blended


def _compact(matrix: Floats) -> Any:
    """The embeddings as bfloat16 in torch, which the model's extra installs: a score reads
    every row, from memory, so half the bytes take about half the time (a 50,000-row
    product in 2-5 ms instead of 9-14; scores within 0.005 of float32's)."""
    try:
        import torch
    except ImportError:
        return matrix
    return torch.from_numpy(matrix).to(torch.bfloat16)


def _cosines(matrix: Any, at: int) -> Floats:
    if isinstance(matrix, np.ndarray):
        return matrix @ matrix[at]
    import torch

    # One pass over memory: more threads only wait for it, and on a busy machine cost more.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return torch.mv(matrix, matrix[at]).float().numpy()
    finally:
        torch.set_num_threads(threads)


@dataclass
class Cached:
    backend: str
    revision: int
    rows: dict[int, Row]
    index: LexicalIndex | EmbeddingIndex


_cache: dict[str, Cached] = {}
_lock = threading.Lock()


def build(backend: str, rows: Iterable[Row]) -> LexicalIndex | EmbeddingIndex:
    return EmbeddingIndex(rows) if backend != "lexical" else LexicalIndex(rows)


def cached(backend: str) -> Cached | None:
    return _cache.get(backend)


def remember(entry: Cached) -> None:
    with _lock:
        _cache[entry.backend] = entry


def forget() -> None:
    """Drop every process-local index (tests, and after a rebuild in this process)."""
    with _lock:
        _cache.clear()
