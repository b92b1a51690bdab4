"""The real recommendations (shared/data/recommendations.csv, copied with the demo data),
loaded into one office's register."""

import csv
import datetime
import os
from pathlib import Path

import pytest

from answerable.recommendations.tests.factories import RecommendationFactory, SourceFactory
from answerable.recurrence import embedding, index
from answerable.recurrence.models import Backend

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "recommendations.csv"

# When each report was published, for the themes' "found again" (from its notes and title).
PUBLISHED = {
    "HMIC PEEL": datetime.date(2019, 5, 2),
    "HMICFRS (2023)": datetime.date(2023, 12, 8),
    "HMICFRS PEEL Victim": datetime.date(2023, 12, 11),
    "IICSA Final": datetime.date(2022, 10, 20),
    "IICSA Interim": datetime.date(2018, 4, 25),
    "IICSA The Internet": datetime.date(2020, 3, 12),
    "National Audit": datetime.date(2025, 6, 16),
    "Independent Inquiry - Telford": datetime.date(2022, 7, 12),
}


def real_rows() -> list[dict[str, str]]:
    with DATA.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture(autouse=True)
def _fresh_index(settings):
    """Each test builds the in-memory index from its own stored rows, with the lexical backend
    unless it asks for the model (installing the extra would otherwise switch every test)."""
    settings.RECURRENCE_BACKEND = Backend.LEXICAL
    index.forget()
    yield
    index.forget()


@pytest.fixture
def minilm(settings):
    """The sentence-embedding backend. Locally a missing extra skips the test with a reason;
    CI sets ANSWERABLE_REQUIRE_MODEL=1 so that a missing extra fails the run instead."""
    if not embedding.available():
        missing = f"the recurrence-model extra is not installed: {embedding.INSTALL}"
        if os.environ.get("ANSWERABLE_REQUIRE_MODEL") == "1":
            pytest.fail(f"{missing} (ANSWERABLE_REQUIRE_MODEL=1)", pytrace=False)
        pytest.skip(missing)
    settings.RECURRENCE_BACKEND = Backend.MINILM
    return Backend.MINILM


@pytest.fixture
def real_register(office):
    """Every real recommendation, by its row number in the file (0-based)."""
    sources: dict[str, object] = {}
    loaded = {}
    for number, row in enumerate(real_rows()):
        title = row["source"]
        if title not in sources:
            published = next(
                (day for prefix, day in PUBLISHED.items() if title.startswith(prefix)), None
            )
            sources[title] = SourceFactory(owner=office, title=title[:500], published_on=published)
        loaded[number] = RecommendationFactory(
            source=sources[title], reference=row["number"] or f"Item {number}", text=row["text"]
        )
    return loaded
