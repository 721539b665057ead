"""The learned claim-pair scorer: pair features and a fitted logistic regression.

``pair_features`` turns two described sentences (``grouping.Features``) and their embedding
cosine into a fixed vector: the similarities (cosine, weighted word overlap, fuzzy token match,
mutual best match) and the agreements that tell apart sentences on one topic that state
different facts (numbers, days, intent against deed, negation, modality, people and names).
``ClaimScorer`` applies the coefficients fitted by ``scripts/fit_claim_scorer.py`` (shipped as
``parallax/data/claim_scorer.json``) with numpy: the probability that the two sentences state
the same fact. scikit-learn is needed only to refit.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz

if TYPE_CHECKING:
    from collections.abc import Sequence

    from parallax.analysis.claims.grouping import Features

SCORER_FILE = "claim_scorer.json"
FEATURES = (
    "cosine",
    "word_overlap",
    "containment",
    "fuzzy",
    "mutual",
    "numbers_shared",
    "numbers_differ",
    "days_differ",
    "intent_against_deed",
    "negation_differs",
    "modality_differs",
    "people_differ",
    "names_shared",
    "names_differ",
    "length_ratio",
    "article_similarity",
    "article_by_cosine",
)
# A negated statement: "not", "no", "never", "n't", or a verb of denial.
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|nobody|nothing|denie[sd]|deny|refused)\b|n't\b")
# A statement of possibility, intent or expectation rather than of fact.
_MODAL = re.compile(
    r"\b(?:will|would|shall|could|may|might|should|must|can|expected|plans?|planned|intends?|"
    r"likely|possibly|reportedly)\b|'ll\b"
)


def is_negated(text: str) -> bool:
    """Whether a lower-cased sentence carries a negation ("not", "never", "denied", "n't")."""
    return bool(_NEGATION.search(text))


def is_modal(text: str) -> bool:
    """Whether a lower-cased sentence states a possibility or intent ("will", "may", "plans")."""
    return bool(_MODAL.search(text))


def measure_overlap(a: Features, b: Features, weights: dict[str, float] | None) -> tuple[float, float]:
    """(Dice, containment) of the two sentences' content words, weighted by rarity in the story."""
    if not a.words or not b.words:
        return 0.0, 0.0
    weigh = (lambda w: weights.get(w, 1.0)) if weights else (lambda w: 1.0)
    shared = sum(weigh(w) for w in a.words & b.words)
    left, right = sum(weigh(w) for w in a.words), sum(weigh(w) for w in b.words)
    if not left or not right:
        return 0.0, 0.0
    return 2 * shared / (left + right), shared / min(left, right)


def pair_features(
    cosine: float,
    a: Features,
    b: Features,
    mutual: bool = False,
    weights: dict[str, float] | None = None,
    articles: float = 1.0,
) -> np.ndarray:
    """The feature vector (in ``FEATURES`` order) of one sentence pair; ``cosine``: their
    embedding cosine (or their best main-clause cosine, when higher); ``articles``: the cosine
    of their articles' mean sentence vectors (reports of one event read alike as a whole)."""
    dice, contained = measure_overlap(a, b, weights)
    days_differ = bool(a.weekdays and b.weekdays and not a.weekdays & b.weekdays) or bool(
        a.days and b.days and not a.days & b.days
    )
    names = len(a.names & b.names) / len(a.names | b.names) if a.names and b.names else 0.0
    sizes = len(a.text.split()), len(b.text.split())
    values = (
        cosine,
        dice,
        min(contained, 1.0),
        fuzz.token_sort_ratio(a.text, b.text) / 100.0,
        mutual,
        bool(a.numbers & b.numbers),
        bool(a.numbers and b.numbers and not a.numbers & b.numbers),
        days_differ,
        bool((a.intended & b.done) or (b.intended & a.done)),
        is_negated(a.text) != is_negated(b.text),
        is_modal(a.text) != is_modal(b.text),
        bool(a.people and b.people and not a.people & b.people),
        names,
        bool(a.names and b.names and not a.names & b.names),
        min(sizes) / max(max(sizes), 1),
        articles,
        articles * cosine,
    )
    return np.array(values, dtype=np.float64)


@dataclass(frozen=True)
class ClaimScorer:
    """A fitted logistic regression over standardised pair features."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, features: np.ndarray) -> np.ndarray:
        """Probability of "same fact" for each row of ``features`` (or for one vector)."""
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score_one(self, features: np.ndarray) -> float:
        """Probability of "same fact" for one feature vector."""
        z = float(((features - self.mean) / self.scale) @ self.coef) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_json(self, about: dict[str, Any]) -> str:
        """The coefficients as JSON, with ``about`` (how they were fitted) kept beside them."""
        data = {
            "about": about,
            "features": list(self.names),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }
        return json.dumps(data, indent=1) + "\n"


def read_scorer(text: str) -> ClaimScorer:
    """A scorer from its JSON; its features must be exactly ``FEATURES`` (refit when they change)."""
    data = json.loads(text)
    names = tuple(data["features"])
    if names != FEATURES:
        raise ValueError(
            f"{SCORER_FILE} was fitted on features {names}, but the code computes {FEATURES}: "
            "refit with python scripts/fit_claim_scorer.py"
        )
    return ClaimScorer(
        names,
        np.array(data["mean"], dtype=np.float64),
        np.array(data["scale"], dtype=np.float64),
        np.array(data["coef"], dtype=np.float64),
        float(data["intercept"]),
    )


@cache
def load_scorer() -> ClaimScorer:
    """The shipped scorer (``parallax/data/claim_scorer.json``), read once per process."""
    text = resources.files("parallax").joinpath("data", SCORER_FILE).read_text(encoding="utf-8")
    return read_scorer(text)


def compare_articles(vectors: np.ndarray, articles: Sequence[str]) -> dict[tuple[str, str], float]:
    """Cosine of each two articles' mean sentence vectors (``articles[i]`` is the article of
    row i), both ways round; empty when the vectors are unknown or there is one article."""
    names = list(dict.fromkeys(articles))
    if vectors.ndim != 2 or vectors.shape[1] < 2 or len(names) < 2:
        return {}
    home = np.array([names.index(a) for a in articles])
    means = np.stack([vectors[home == n].mean(axis=0) for n in range(len(names))])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    sims = means @ means.T
    return {(x, y): float(sims[m, n]) for m, x in enumerate(names) for n, y in enumerate(names)}
