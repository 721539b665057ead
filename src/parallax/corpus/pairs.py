"""Pair scores between two articles, and story groups cut from them: no store needed.

Story clustering in the store (``stories.StoryClusterer``) and the grouping of a
report's inputs (``group_articles``, used by ``parallax analyze``) score a pair of
articles the same way:

    text_weight * cosine of the title+lead vectors
  + names_weight * IDF-weighted overlap of the names both mention
  + terms_weight * cosine of the IDF-weighted hashed terms of the whole texts
  - year_penalty when the years they mention most differ
  - time_penalty * (days apart / window_days), capped at the window's edge
  - undated_penalty when either has no date (content alone must clear a higher bar)

and part a set of articles where the average linkage of those scores falls below
``split_threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from parallax.corpus.bags import Bag, Frequencies, Weighted, cosine, overlap
from parallax.corpus.features import extract_names, extract_terms, term_bucket


@dataclass(frozen=True)
class Profile:
    """One article's names and terms with their current weights, and the year it mentions most (0: none)."""

    names: Weighted
    terms: Weighted
    year: int


@dataclass(frozen=True)
class ClusterSettings:
    """Defaults meant for general news; docs/benchmarks.md ("Corpus mode") says how they were chosen."""

    window_days: int = 7  # articles further apart than this never share a story
    neighbours: int = 16  # ANN candidates per article
    min_similarity: float = 0.3  # candidates less similar than this are ignored
    text_weight: float = 0.3  # weight of the title+lead vector similarity
    names_weight: float = 1.0  # weight of the shared-names overlap
    terms_weight: float = 1.3  # weight of the cosine of whole-text TF-IDF terms
    year_penalty: float = 0.15  # subtracted when the years two reports mention most differ
    time_penalty: float = 0.05  # subtracted at the window's edge, less when closer
    undated_penalty: float = 0.2  # subtracted when either has no date (a stricter bar; set on NeuS train)
    top_links: int = 3  # a story's score: mean of its best pair scores
    join_threshold: float = 0.45  # a story's score at which it takes the article
    merge_threshold: float = 0.45  # mean pair score between two stories at which they merge
    split_threshold: float = 0.45  # average linkage below which a story's groups part
    split_min_size: int = 4
    split_max_size: int = 300
    duplicate_similarity: float = 0.8  # MinHash Jaccard of shingles for a near-duplicate
    batch_size: int = 128
    lead_chars: int = 240  # characters of title + lead that are embedded
    names_chars: int = 4000  # characters of text searched for names
    terms_chars: int = 6000  # characters of text whose words and word pairs are counted
    duplicate_chars: int = 2500  # characters of text shingled for near-duplicate detection


def date_number(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def names_bag(names: Sequence[str]) -> Bag:
    return Bag.from_counts({term_bucket(n): 1 for n in names})


def first_year(names: Sequence[str]) -> int:
    """The most-mentioned year among the names (they come most frequent first), or 0."""
    return next((int(n) for n in names if len(n) == 4 and n.isdigit()), 0)


def score_pair(weights: ClusterSettings, similarity: float, a: Profile, b: Profile, gap: int | None) -> float:
    """The pair score of two articles (see the module docstring); ``gap``: days apart, None when unknown."""
    score = weights.text_weight * similarity + weights.names_weight * overlap(a.names, b.names)
    if weights.terms_weight:
        score += weights.terms_weight * cosine(a.terms, b.terms)
    if weights.year_penalty and a.year and b.year and a.year != b.year:
        score -= weights.year_penalty
    if gap is None:
        score -= weights.undated_penalty
    elif weights.window_days > 0:
        score -= weights.time_penalty * min(1.0, gap / weights.window_days)
    return score


def cut_groups(scores: np.ndarray, threshold: float) -> list[int]:
    """A group label per row of a symmetric pair-score matrix: average linkage cut at ``threshold``."""
    size = scores.shape[0]
    if size < 2:
        return [1] * size
    top = float(scores.max())
    distances = squareform(top - scores, checks=False)
    labels = fcluster(linkage(distances, "average"), top - threshold, "distance")
    return [int(label) for label in labels]


@dataclass(frozen=True)
class Lead:
    """What grouping needs of one article: its title, text and day number (None when undated)."""

    title: str
    text: str
    day: int | None


def score_matrix(weights: ClusterSettings, leads: Sequence[Lead], vectors: np.ndarray) -> np.ndarray:
    """Pair scores of every pair of ``leads`` (``vectors``: their unit-length title+lead vectors).

    Names and terms are weighed by document frequencies over these articles alone.
    """
    name_freq, term_freq = Frequencies(), Frequencies()
    names = [list(extract_names(x.title + "\n" + x.text[: weights.names_chars])) for x in leads]
    name_bags = [names_bag(n) for n in names]
    term_bags = [
        Bag.from_counts(extract_terms(x.title + "\n" + x.text[: weights.terms_chars])) for x in leads
    ]
    for name_bag, term_bag in zip(name_bags, term_bags, strict=True):
        name_freq.add(name_bag)
        term_freq.add(term_bag)
    profiles = [
        Profile(name_freq.weigh(n), term_freq.weigh(t), first_year(found))
        for n, t, found in zip(name_bags, term_bags, names, strict=True)
    ]
    size = len(leads)
    scores = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            day_i, day_j = leads[i].day, leads[j].day
            gap = None if day_i is None or day_j is None else abs(day_i - day_j)
            similarity = float(vectors[i] @ vectors[j])
            scores[i, j] = scores[j, i] = score_pair(weights, similarity, profiles[i], profiles[j], gap)
    return scores


def group_articles(weights: ClusterSettings, leads: Sequence[Lead], vectors: np.ndarray) -> list[list[int]]:
    """Positions of ``leads`` grouped into stories, largest group first (ties: earliest first)."""
    return group_by_scores(score_matrix(weights, leads, vectors), weights.split_threshold)


def group_by_scores(scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Row positions of a pair-score matrix grouped by ``cut_groups``, largest group first."""
    labels = cut_groups(scores, threshold)
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label, []).append(position)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
