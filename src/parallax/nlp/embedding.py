"""Sentence vectors from the sentence-embedding model, batched, on as many threads as are idle.

The standard all-MiniLM-L6-v2 runs through ONNX Runtime when its export is built
(``parallax.nlp.onnx_embedder``: the same vectors, without importing torch); otherwise,
and for any other model, through sentence-transformers. ``PARALLAX_EMBEDDER`` chooses:
``auto`` (the default), ``onnx`` (fail when the export is missing) or ``torch``.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence

import numpy as np

from parallax.errors import ModelUnavailable
from parallax.nlp.pretrained import STANDARD_EMBEDDER, load_embedder

EMBEDDING_DIM = 384  # all-MiniLM-L6-v2
BACKENDS = ("auto", "onnx", "torch")
_noticed: set[str] = set()


def embedder_backend(model_name: str) -> str:
    """``onnx`` or ``torch``: what ``embed_texts`` will run ``model_name`` with.

    ``auto`` takes ONNX for the standard model when its export is built; otherwise torch,
    with a one-line notice (once per process) that says how to build the export.
    """
    chosen = os.environ.get("PARALLAX_EMBEDDER", "auto").strip().lower() or "auto"
    if chosen not in BACKENDS:
        raise ModelUnavailable(f"PARALLAX_EMBEDDER={chosen!r} is not one of {', '.join(BACKENDS)}")
    standard = model_name in (STANDARD_EMBEDDER, "all-MiniLM-L6-v2")
    if chosen == "torch" or (chosen == "auto" and not standard):
        return "torch"
    from parallax.nlp.onnx_embedder import BUILD_COMMAND, default_folder, is_built

    if not standard:
        raise ModelUnavailable(f"PARALLAX_EMBEDDER=onnx runs only {STANDARD_EMBEDDER}, not {model_name!r}")
    if is_built():
        return "onnx"
    if chosen == "onnx":
        raise ModelUnavailable(f"no ONNX MiniLM at {default_folder()}: build it with `{BUILD_COMMAND}`")
    if "onnx" not in _noticed:
        _noticed.add("onnx")
        print(
            f"parallax: embedding with sentence-transformers (slower start): no ONNX MiniLM at "
            f"{default_folder()}; `{BUILD_COMMAND}` builds it",
            file=sys.stderr,
        )
    return "torch"


def embed_texts(
    texts: Sequence[str], model_name: str, batch_size: int = 32, threads: int | None = None
) -> np.ndarray:
    """Unit-length float32 vectors for ``texts`` (shape: len(texts) x dimension).

    ``threads``: for ONNX Runtime, the threads of this call (None: ``choose_threads()``)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    if embedder_backend(model_name) == "onnx":
        return embed_onnx(texts, batch_size, threads)
    return embed_torch(texts, model_name, batch_size)


def embed_onnx(texts: Sequence[str], batch_size: int = 32, threads: int | None = None) -> np.ndarray:
    """``embed_texts`` for the standard model through ONNX Runtime (no torch)."""
    from parallax.nlp.onnx_embedder import load_onnx_embedder

    model = load_onnx_embedder()
    unique = list(dict.fromkeys(texts))
    row = {text: n for n, text in enumerate(unique)}
    vectors = model.encode(unique, batch_size=batch_size, threads=threads or choose_threads())
    return vectors[[row[text] for text in texts]]


def embed_torch(texts: Sequence[str], model_name: str, batch_size: int = 32) -> np.ndarray:
    """``embed_texts`` through sentence-transformers (torch)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    import torch

    model = load_embedder(model_name)
    # Wire copies repeat sentences verbatim across articles: embed each distinct text once.
    unique = list(dict.fromkeys(texts))
    row = {text: n for n, text in enumerate(unique)}
    previous = torch.get_num_threads()
    torch.set_num_threads(choose_threads())
    try:
        vectors = model.encode(
            unique,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    finally:
        torch.set_num_threads(previous)
    return np.asarray(vectors, dtype=np.float32)[[row[text] for text in texts]]


def choose_threads() -> int:
    """Threads for embedding: PARALLAX_THREADS if set, else the cores that are idle now.

    On a busy machine, more torch threads than idle cores make the encoder slower,
    not faster (measured: 1.3 s with one thread against 2.0-2.4 s with two on a loaded
    2-core machine), so the thread count follows the load average.
    """
    chosen = os.environ.get("PARALLAX_THREADS", "")
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    cores = os.cpu_count() or 1
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)  # one unit of the load is this analysis itself
    except OSError:
        return cores
    return max(1, min(cores, math.ceil(cores - busy)))  # a part-idle core still helps
