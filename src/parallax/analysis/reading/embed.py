"""One unit-length sentence vector per sentence (all-MiniLM-L6-v2).

Rows of ``Context.vectors`` follow ``Context.sentences()`` order. Sentences are
embedded in their matching form (``Sentence.norm``: quote marks and dashes
unified), so typography never moves a vector.
"""

from __future__ import annotations

from parallax.stage import Context, stage


@stage(requires=("article.sentences", "sentence.norm"), provides=("ctx.vectors",))
def embed_sentences(ctx: Context) -> None:
    """One sentence vector each (``ctx.vectors``, one unit-length row per sentence)."""
    ctx.vectors = ctx.resources.embed([s.norm or s.text for s in ctx.sentences()])
