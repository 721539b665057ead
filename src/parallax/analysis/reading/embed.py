"""One unit-length sentence vector per sentence (all-MiniLM-L6-v2), spent where it can matter.

Rows of ``Context.vectors`` follow ``Context.sentences()`` order. Sentences are
embedded in their matching form (``Sentence.norm``: quote marks and dashes
unified), so typography never moves a vector.

With ``Options.claims_cascade`` (off by default: it saved no CPU on the 50-article story, see
docs/benchmarks.md, "Claims cascade (session 5)") a one-language story is first embedded with
the static model (``parallax.nlp.static``), and MiniLM runs only on the sentences that could
join a claim (``parallax.analysis.claims.cascade``); the others keep a zero row, which every
later stage reads as "close to nothing". Without the static model built, or for a story in
several languages, every sentence gets its MiniLM vector, as without the cascade.
"""

from __future__ import annotations

import sys

import numpy as np

from parallax.errors import ModelUnavailable
from parallax.model import Sentence
from parallax.stage import Context, stage

_noticed: set[str] = set()


def choose_rows(ctx: Context, sentences: list[Sentence], texts: list[str]) -> np.ndarray | None:
    """Which sentences get a MiniLM vector (a boolean row each), or None for all of them."""
    from parallax.analysis.claims.crosslingual import is_multilingual

    options = ctx.options
    if not options.claims_cascade or len(sentences) < 2 or is_multilingual(ctx.report.articles):
        return None
    try:
        static = ctx.resources.embed_static(texts)
    except ModelUnavailable as exc:
        if "static" not in _noticed:
            _noticed.add("static")
            print(
                f"parallax: every sentence embedded with MiniLM (no claims cascade): {exc}", file=sys.stderr
            )
        return None
    from parallax.analysis.claims.cascade import choose_minilm_sentences, embed_heads

    heads = embed_heads(sentences, ctx.resources.embed_static, static.shape[1])
    return choose_minilm_sentences(
        sentences, static, options.claim_threshold, options.min_sentence_chars, heads=heads
    )


@stage(
    requires=(
        "article.sentences",
        "article.language",
        "sentence.norm",
        "sentence.entities",
        "sentence.numbers",
    ),
    provides=("ctx.vectors",),
)
def embed_sentences(ctx: Context) -> None:
    """One sentence vector each (``ctx.vectors``; MiniLM where a claim may need it, else zeros)."""
    sentences = ctx.sentences()
    texts = [s.norm or s.text for s in sentences]
    wanted = choose_rows(ctx, sentences, texts)
    if wanted is None:
        ctx.vectors = ctx.resources.embed(texts)
        return
    rows = np.nonzero(wanted)[0]
    found = ctx.resources.embed([texts[r] for r in rows])
    vectors = np.zeros((len(texts), found.shape[1]), dtype=np.float32)
    vectors[rows] = found
    ctx.vectors = vectors
