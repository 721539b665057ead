"""Cross-language sentence similarity for the claims stage: the cascade's multilingual step.

MiniLM (the run's embedder) is English-only: a sentence and its French translation score
0.1 to 0.3. For a pair of sentences whose articles differ in language, the claims stage
takes its cosine from the multilingual encoder instead (``parallax.nlp.multilingual``),
mapped onto the scale the pair score expects: translations score high on the encoder but
share almost no words, so the lexical part of the pair score (40%) contributes little;
``CROSS_SCALE`` and ``CROSS_SHIFT`` lift a translation's encoder cosine so that the pair
score still reaches the claim threshold, and keep same-topic, different-fact pairs below
it. They were tuned on the train half of ``tests/data/multilingual_pairs.jsonl``
(``bench/multilingual.py``).

The cascade: when every article of the story is in one language (the usual English-only
story) nothing here runs and the encoder is never loaded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from parallax.model import Article, Claim, Mention, Sentence

# A cross-language cosine c becomes CROSS_SCALE * (c - CROSS_SHIFT) + CROSS_SHIFT, clipped to 1:
# stretched upward above the shift, pushed down below it.
CROSS_SCALE = 2.6
CROSS_SHIFT = 0.4


def story_languages(articles: Sequence[Article]) -> set[str]:
    """The languages of a story's articles ("unknown" does not count as one)."""
    return {a.language for a in articles if a.language and a.language != "unknown"}


def is_multilingual(articles: Sequence[Article]) -> bool:
    """Whether the story's articles are in more than one language (the cascade's test)."""
    return len(story_languages(articles)) > 1


def calibrate_cosines(raw: np.ndarray) -> np.ndarray:
    """Encoder cosines mapped onto the scale the claims' pair score expects."""
    return np.clip(CROSS_SCALE * (raw - CROSS_SHIFT) + CROSS_SHIFT, -1.0, 1.0)


def blend_cross_language(
    cosines: np.ndarray, sentences: Sequence[Sentence], articles: Sequence[Article]
) -> np.ndarray:
    """``cosines`` (the run's embedder, one row and column per sentence) with every pair from
    articles of different languages replaced by the multilingual encoder's calibrated cosine.
    Returned unchanged, without loading the encoder, when the story has one language."""
    if not is_multilingual(articles) or len(sentences) < 2:
        return cosines
    from parallax.nlp.multilingual import load_multilingual_encoder

    language = {a.id: a.language for a in articles}
    codes = np.array([language.get(s.article, "unknown") for s in sentences])
    vectors = load_multilingual_encoder().encode([s.text for s in sentences])
    cross = calibrate_cosines(np.clip(vectors @ vectors.T, -1.0, 1.0))
    different = codes[:, None] != codes[None, :]
    return np.where(different, cross, cosines).astype(cosines.dtype)


def find_main_language(claims: Sequence[Claim], articles: Sequence[Article]) -> str | None:
    """The language most mentions of shared claims (stated by two articles or more) are in;
    a tie goes to English, else to the earliest article's language. None for one language."""
    if not is_multilingual(articles):
        return None
    language = {a.id: a.language for a in articles}
    counts = Counter(language[m.article] for c in claims if len(c.articles) > 1 for m in c.mentions)
    counts.pop("unknown", None)
    if not counts:
        return None
    best = max(counts.values())
    tied = [code for code in counts if counts[code] == best]
    if "en" in tied:
        return "en"
    order = [a.language for a in articles]
    return min(tied, key=order.index)


def restate_in_main_language(
    claims: Sequence[Claim], articles: Sequence[Article], choose: Callable[[Sequence[Mention]], str]
) -> None:
    """Word each claim of a multilingual story by its mentions in the story's main language
    (``find_main_language``), where it has any, so that the claims and the summary read in one
    language; ``choose`` picks the wording among them (the claims stage's plainest mention).
    The mentions themselves stay as written, each in its own language."""
    main = find_main_language(claims, articles)
    if main is None:
        return
    language = {a.id: a.language for a in articles}
    for claim in claims:
        local = [m for m in claim.mentions if language[m.article] == main]
        if local and len(local) < len(claim.mentions):
            claim.text = choose(local)
