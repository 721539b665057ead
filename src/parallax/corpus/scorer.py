"""The learned story-pair scorer: pair features, and a logistic model over them read from JSON.

``pair_features`` turns what clustering knows about two articles into one row of
numbers (``FEATURES`` names them, in order). ``StoryScorer`` holds the fitted
coefficients of a logistic regression over those rows (``scripts/fit_story_scorer.py``
fits them on pairs from several labelled sources and writes
``parallax/data/story_scorer.json``); at run time it needs numpy alone.

A pair's score (``pairs.score_pair``) is the model's log-odds that the two articles
report the same story; ``threshold`` (fitted with the coefficients, by the clustering
F1 it gives on the training sources) is the probability at which an article joins a
story rather than starting one, two stories merge, and a story's groups part.

Dates on purpose: when both articles are dated, ``gap_decay`` (1 on the same day,
falling with the days apart) carries time; when either is undated, ``either_undated``
and its products with the content features let the model ask more of the content
alone (the fitted coefficients make that bar stricter). A coefficient file may also carry
``undated_threshold``, a bar of its own for pairs with a date missing (fitted by clustering
the undated sources, ``fit_story_scorer.py --undated-only``); it is applied as a shift of
those pairs' log-odds, so one bar still serves every decision. The shipped file has none:
once an article joins by its best link (``ClusterSettings.top_links`` 1), a lower undated bar
no longer raised F1 on the NeuS train draws.

Articles in different languages (``parallax.corpus.crosslingual``): the MiniLM lead
vectors cannot match a lead with its translation and whole-text terms hardly overlap, so
such a pair is scored on the multilingual lead cosine: it stands in for ``lead_cosine``
and is also ``cross_lead_cosine`` (0 for a pair in one language), whose coefficient
stands in for the terms a translation cannot share. That coefficient alone is fitted on
cross-language pairs, the others held as the English sources gave them, and the feature
is left unstandardised (mean 0, scale 1), so a pair in one language scores exactly as
without it.

To add a feature, append its name to ``FEATURES`` and its value in ``pair_features``
(or a function it calls), then refit: a coefficient file whose feature list differs
from ``FEATURES`` is refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from parallax.corpus.bags import Weighted, cosine, overlap
from parallax.errors import ParallaxError

GAP_DAYS = 3.0  # the time-gap decay: exp(-days apart / GAP_DAYS)

# Content features, then those about dates. ``undated_*``: the content feature when either
# article is undated, else 0, so the model weighs content differently without dates.
CONTENT = ("lead_cosine", "names_overlap", "terms_cosine", "lead_terms_cosine", "year_conflict")
FEATURES = (
    *CONTENT,
    "either_undated",
    "gap_decay",
    *(f"undated_{name}" for name in CONTENT),
    "cross_lead_cosine",
)
CROSS_FEATURE = FEATURES.index("cross_lead_cosine")
UNDATED_FEATURE = FEATURES.index("either_undated")


def logit(probability: float) -> float:
    """The log-odds of a probability (clipped away from 0 and 1)."""
    p = min(max(probability, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


class Profile(NamedTuple):
    """One article's names, whole-text terms and lead terms with their current weights,
    and the year it mentions most (0: none)."""

    names: Weighted
    terms: Weighted
    year: int
    lead: Weighted | None = None


def content_features(similarity: float, a: Profile, b: Profile) -> list[float]:
    """The values of ``CONTENT`` for a pair (``similarity``: cosine of their lead vectors)."""
    lead = cosine(a.lead, b.lead) if a.lead is not None and b.lead is not None else 0.0
    conflict = 1.0 if a.year and b.year and a.year != b.year else 0.0
    return [similarity, overlap(a.names, b.names), cosine(a.terms, b.terms), lead, conflict]


def pair_features(
    similarity: float, a: Profile, b: Profile, gap: int | None, cross: float | None = None
) -> np.ndarray:
    """One row of ``FEATURES`` for a pair; ``gap``: days apart, None when either is undated;
    ``cross``: the multilingual lead cosine of a pair in different languages (then used as the
    lead cosine too), None for a pair in one language."""
    content = content_features(similarity if cross is None else cross, a, b)
    crossed = 0.0 if cross is None else cross
    if gap is None:
        return np.array([*content, 1.0, 0.0, *content, crossed], dtype=np.float64)
    decay = math.exp(-gap / GAP_DAYS)
    return np.array([*content, 0.0, decay, *([0.0] * len(content)), crossed], dtype=np.float64)


@dataclass(frozen=True)
class StoryScorer:
    """A fitted logistic model over ``FEATURES``: standardised inputs, coefficients, intercept."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # the probability at which two articles count as one story
    # The bar for a pair with a date missing, when it differs from ``threshold`` (None: the same).
    undated_threshold: float | None = None

    @property
    def undated_shift(self) -> float:
        """What an undated pair's log-odds gain so that ``threshold`` stands for ``undated_threshold``
        (0 when they are the same): one bar then serves joins, merges and splits, dated or not."""
        if self.undated_threshold is None:
            return 0.0
        return logit(self.threshold) - logit(self.undated_threshold)

    def log_odds(self, row: np.ndarray) -> float:
        """The model's log-odds, shifted for undated pairs (``undated_shift``); the cross-language
        term is added apart, so that a pair in one language (``cross_lead_cosine`` 0) scores bit
        for bit as the same-language terms alone."""
        standard = (row - self.mean) / self.scale
        same = float(standard[:CROSS_FEATURE] @ self.coef[:CROSS_FEATURE])
        shift = self.undated_shift * float(row[UNDATED_FEATURE])
        return same + float(standard[CROSS_FEATURE] * self.coef[CROSS_FEATURE]) + self.intercept + shift

    def probability(self, row: np.ndarray) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.log_odds(row)))))

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }
        if self.undated_threshold is not None:
            data["undated_threshold"] = self.undated_threshold
        return data


def read_scorer(data: dict[str, object], source: str) -> StoryScorer:
    """A scorer from its JSON form; refuses one fitted for other features."""
    if data.get("features") != list(FEATURES):
        raise ParallaxError(
            f"the story scorer '{source}' was fitted for other pair features; "
            "refit it with `python scripts/fit_story_scorer.py`"
        )

    def vector(key: str) -> np.ndarray:
        value = data.get(key)
        if not isinstance(value, list) or len(value) != len(FEATURES):
            raise ParallaxError(f"the story scorer '{source}' has no valid '{key}' list")
        return np.array(value, dtype=np.float64)

    intercept, threshold = data.get("intercept"), data.get("threshold")
    if not isinstance(intercept, int | float) or not isinstance(threshold, int | float):
        raise ParallaxError(f"the story scorer '{source}' lacks a numeric intercept or threshold")
    undated = data.get("undated_threshold")
    if undated is not None and not (isinstance(undated, int | float) and 0.0 < undated < 1.0):
        raise ParallaxError(f"the story scorer '{source}' has an undated_threshold outside (0, 1)")
    return StoryScorer(
        vector("mean"),
        vector("scale"),
        vector("coef"),
        float(intercept),
        float(threshold),
        None if undated is None else float(undated),
    )


@cache
def load_scorer(path: str = "") -> StoryScorer:
    """The scorer in ``path``, or the shipped one (``parallax/data/story_scorer.json``) when empty."""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ParallaxError(f"cannot read the story scorer '{path}': {error.strerror}") from error
    else:
        text = resources.files("parallax").joinpath("data", "story_scorer.json").read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParallaxError(
            f"the story scorer '{path or 'story_scorer.json'}' is not JSON: {error}"
        ) from error
    if not isinstance(data, dict):
        raise ParallaxError(f"the story scorer '{path or 'story_scorer.json'}' is not a JSON object")
    return read_scorer(data, path or "story_scorer.json")
