"""The same ask in two real reports ranks above unrelated recommendations."""

import pytest

from answerable.recurrence import selectors, services
from answerable.recurrence.models import Backend

# Rows of shared/data/recommendations.csv (0-based) that ask for the same thing in two
# different reports, each with what it is about.
PARAPHRASES = [
    (29, 34),  # IICSA final 12 / Internet 1: pre-screen known abuse images before upload
    (42, 47),  # National audit / Telford: sharing information between safeguarding partners
    (48, 42),  # Telford / National audit: what information must be shared, and when
    (18, 41),  # IICSA final 1 / National audit: one set of data on child sexual abuse
    (12, 15),  # PEEL 2018/19 / PEEL revisit 2023: supervision of investigations
]
# Rows that share no ask with the pair's first row.
UNRELATED = [22, 31, 50, 9]  # pain compliance, limitation period, taxi CCTV, Warwickshire


def _ranked(user, recommendation) -> list[int]:
    page = selectors.similar_list(user=user, recommendation=recommendation, limit=50)
    return [item.recommendation.pk for item in page.similar]


def _score(first, second) -> float:
    found = selectors.index_current()
    scores = selectors.scores_for(found, first)
    assert scores is not None, "the anchor has no vector"
    return float(scores[found.position(second.pk)])


@pytest.mark.parametrize(
    ("first", "second"), PARAPHRASES + [(second, first) for first, second in PARAPHRASES[:2]]
)
def test_the_same_ask_in_another_report_is_the_most_similar(
    real_register, scrutiny_officer, first, second
):
    services.refresh_vectors(backend=Backend.LEXICAL)
    anchor, paraphrase = real_register[first], real_register[second]

    assert _ranked(scrutiny_officer, anchor)[0] == paraphrase.pk


@pytest.mark.parametrize(("first", "second"), PARAPHRASES)
def test_a_paraphrase_scores_above_every_unrelated_recommendation(real_register, first, second):
    services.refresh_vectors(backend=Backend.LEXICAL)
    anchor = real_register[first]
    paraphrase_score = _score(anchor, real_register[second])

    for unrelated in UNRELATED:
        assert paraphrase_score > _score(anchor, real_register[unrelated]) + 0.1
    assert paraphrase_score >= selectors.SIMILAR


def test_unrelated_recommendations_are_not_suggested(real_register, scrutiny_officer):
    services.refresh_vectors(backend=Backend.LEXICAL)

    assert not {real_register[n].pk for n in UNRELATED} & set(
        _ranked(scrutiny_officer, real_register[29])
    )


# With the model: the same pairs, both ways round for the first two. Its score blends the
# embeddings with the words (index.EmbeddingIndex): the embeddings alone put "what
# information must be shared, and when" (48 -> 42) under the Warwickshire transition (9).
MODEL_PARAPHRASES = PARAPHRASES + [(second, first) for first, second in PARAPHRASES[:2]]


@pytest.mark.parametrize(("first", "second"), MODEL_PARAPHRASES)
def test_with_the_model_the_same_ask_scores_above_unrelated_ones(
    real_register, minilm, first, second
):
    assert services.refresh_vectors(backend=minilm) == len(real_register)
    anchor = real_register[first]
    paraphrase_score = _score(anchor, real_register[second])

    for unrelated in UNRELATED:
        assert paraphrase_score > _score(anchor, real_register[unrelated]) + 0.05
    assert paraphrase_score >= selectors.SIMILAR


def test_with_the_model_pre_screening_images_is_the_most_similar(
    real_register, scrutiny_officer, minilm
):
    """The pair that shares almost no words ("pre-screening ... images before upload" and
    "pre-screen material before it is uploaded") is the model's first suggestion, both ways."""
    services.refresh_vectors(backend=minilm)

    assert _ranked(scrutiny_officer, real_register[29])[0] == real_register[34].pk
    assert _ranked(scrutiny_officer, real_register[34])[0] == real_register[29].pk
