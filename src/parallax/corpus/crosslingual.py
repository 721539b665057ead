"""Cross-language stories: a multilingual lead similarity beside the store's MiniLM index.

The store's lead vectors come from MiniLM, which cannot match a lead with its
translation, and the whole-text terms of two languages hardly overlap. For a pair of
articles in different languages the clusterer takes its lead similarity from the
multilingual encoder instead (``parallax.nlp.multilingual``), and the learned scorer
reads it twice: as the lead cosine and as ``cross_lead_cosine``, whose coefficient stands
in for the terms a translation cannot share (``parallax.corpus.scorer``; fitted on the
training stories of tests/data/multilingual_facts.json, ``scripts/fit_story_scorer.py
--cross-only``).

The cascade: nothing is embedded, and the encoder is never loaded, until an article whose
language is neither English nor unknown arrives. From then on every article clustered in
the process gets a multilingual lead vector, and so do the stored articles within the
time window of that first batch (read back from the store once).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from parallax.corpus.features import lead_text

if TYPE_CHECKING:
    from parallax.corpus.rows import StoredArticle
    from parallax.corpus.store import Store

# Cross-language neighbours below this multilingual cosine are ignored.
CROSS_MIN_SIMILARITY = 0.35
HOME_LANGUAGES = ("en", "unknown", "")


def is_foreign(language: str | None) -> bool:
    """Whether an article's language calls for the multilingual step (not English, not unknown)."""
    return (language or "") not in HOME_LANGUAGES


@cache
def _function_words(language: str) -> re.Pattern[str] | None:
    """spaCy's stop-word list of a language as one pattern; None for a language it lacks."""
    import importlib

    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return None
    words = sorted(module.STOP_WORDS, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def strip_function_words(text: str, language: str | None) -> str:
    """A foreign article's text with its language's function words replaced by a "·" (which ends
    a run of capitalised words), before names and terms are counted: names and terms are
    counted with English stop words, so "Die", "Les" and "und" would otherwise make any two
    articles in one foreign language look alike. English and unknown text is left as it is."""
    if not is_foreign(language):
        return text
    pattern = _function_words(language or "")
    return pattern.sub("·", text) if pattern is not None else text


class CrossLanguageLeads:
    """Multilingual lead vectors and languages of the articles the clusterer has seen."""

    def __init__(self, store: Store, lead_chars: int) -> None:
        self.store = store
        self.lead_chars = lead_chars
        self.active = False
        self.vectors: dict[int, np.ndarray] = {}
        self.language: dict[int, str] = {}

    def add_batch(self, articles: Sequence[StoredArticle], nearby: Callable[[], Sequence[int]]) -> None:
        """Embed the batch's leads once the cascade is on (a foreign article in this batch, or
        earlier); on switching on, embed the stored articles ``nearby()`` lists too (asked only then)."""
        if not self.active and not any(is_foreign(a.language) for a in articles):
            return
        wanted = [a for a in articles if a.id not in self.vectors]
        if not self.active:
            self.active = True
            batch_ids = {a.id for a in articles}
            stored = [i for i in nearby() if i not in batch_ids and i not in self.vectors]
            wanted += self.store.get_articles(stored) if stored else []
        self.embed(wanted)

    def embed(self, articles: Sequence[StoredArticle]) -> None:
        if not articles:
            return
        from parallax.nlp.multilingual import load_multilingual_encoder

        leads = [lead_text(a.title, a.text, self.lead_chars) for a in articles]
        rows = load_multilingual_encoder().encode(leads)
        for article, row in zip(articles, rows, strict=True):
            self.vectors[article.id] = row
            self.language[article.id] = article.language or "unknown"

    def similarity(self, a: int, b: int) -> float | None:
        """The multilingual lead cosine of two articles in different languages; None when they
        share a language or either has no multilingual vector (the MiniLM cosine then holds)."""
        if a not in self.vectors or b not in self.vectors or self.language[a] == self.language[b]:
            return None
        return float(np.clip(self.vectors[a] @ self.vectors[b], -1.0, 1.0))

    def neighbours(self, article_id: int, limit: int) -> list[tuple[int, float]]:
        """The most similar articles in other languages: (id, multilingual cosine), best first."""
        if article_id not in self.vectors:
            return []
        mine = self.language[article_id]
        others = [k for k in self.vectors if k != article_id and self.language[k] != mine]
        if not others:
            return []
        sims = np.stack([self.vectors[k] for k in others]) @ self.vectors[article_id]
        order = np.argsort(-sims)[:limit]
        return [(others[i], float(sims[i])) for i in order if sims[i] >= CROSS_MIN_SIMILARITY]


def cross_language_cosines(languages: Sequence[str], leads: Sequence[str]) -> np.ndarray | None:
    """The multilingual lead cosine of every pair of a handful of articles in different
    languages, NaN for a pair in one language (``parallax.corpus.pairs.score_matrix`` takes it);
    None, with the encoder never loaded, when no article is foreign (``is_foreign``) or all
    share one language."""
    if not any(is_foreign(language) for language in languages) or len(set(languages)) < 2:
        return None
    from parallax.nlp.multilingual import load_multilingual_encoder

    multilingual = load_multilingual_encoder().encode(list(leads))
    cross = np.clip(multilingual @ multilingual.T, -1.0, 1.0).astype(np.float64)
    codes = np.array(list(languages))
    return np.where(codes[:, None] != codes[None, :], cross, np.nan)
