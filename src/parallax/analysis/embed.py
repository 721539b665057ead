"""One unit-length sentence vector per sentence (all-MiniLM-L6-v2).

Rows of ``Context.vectors`` follow ``Context.sentences()`` order. Sentences are
embedded in their matching form (``Sentence.norm``: quote marks and dashes
unified), so typography never moves a vector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parallax.models import load_embedder
from parallax.stage import Context, stage

EMBEDDING_DIM = 384  # all-MiniLM-L6-v2


def embed_texts(texts: Sequence[str], model_name: str, batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors for ``texts`` (shape: len(texts) x dimension)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    model = load_embedder(model_name)
    # Wire copies repeat sentences verbatim across articles: embed each distinct text once.
    unique = list(dict.fromkeys(texts))
    row = {text: n for n, text in enumerate(unique)}
    vectors = model.encode(
        unique,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)[[row[text] for text in texts]]


@stage(requires=("sentences",), provides=("vectors",))
def embed_sentences(ctx: Context) -> None:
    """Fill ``ctx.vectors`` with one row per sentence."""
    texts = [s.norm or s.text for s in ctx.sentences()]
    ctx.vectors = embed_texts(texts, ctx.options.model_name, ctx.options.batch_size)
