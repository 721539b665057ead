"""Sentence vectors from the sentence-embedding model, batched, on as many threads as are idle."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np

from parallax.nlp.pretrained import load_embedder

EMBEDDING_DIM = 384  # all-MiniLM-L6-v2


def embed_texts(texts: Sequence[str], model_name: str, batch_size: int = 32) -> np.ndarray:
    """Unit-length float32 vectors for ``texts`` (shape: len(texts) x dimension)."""
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
