"""Pair scores between two articles, and story groups cut from them: no store needed.

Story clustering in the store (``stories.StoryClusterer``) and the grouping of a
report's inputs (``group_articles``, used by ``parallax analyze``) score a pair of
articles the same way: the learned scorer's log-odds that they report one story
(``scorer``: cosine of the title+lead vectors, IDF-weighted overlap of the names both
mention, cosines of the IDF-weighted hashed terms of the whole texts and of the
leads, a conflict of the years they mention most, and the days apart when both are
dated or the fact that one is not), and part a set of articles where the average
linkage of those scores falls below the scorer's fitted threshold. Scores are log-odds
rather than probabilities so that averages over several pairs (a story's best links,
average linkage) weigh a confident pair as the linear model does: on ECB+ the same
model gave BCubed F1 0.944 with log-odds and 0.929 with probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from parallax.corpus.bags import Bag, Frequencies
from parallax.corpus.features import extract_names, extract_terms, lead_text, term_bucket
from parallax.corpus.linkage import average_linkage_groups
from parallax.corpus.scorer import Profile, load_scorer, logit, pair_features

__all__ = [
    "ClusterSettings",
    "Lead",
    "Profile",
    "cut_groups",
    "decision_thresholds",
    "group_articles",
    "group_by_scores",
    "lead_terms",
    "score_matrix",
    "score_pair",
]


@dataclass(frozen=True)
class ClusterSettings:
    """Defaults meant for general news; docs/benchmarks.md ("Corpus mode") says how they were chosen."""

    window_days: int = 7  # articles further apart than this never share a story
    neighbours: int = 16  # ANN candidates per article
    min_similarity: float = 0.3  # candidates less similar than this are ignored
    scorer: str = ""  # the pair scorer's coefficient file ("": the shipped parallax/data/story_scorer.json)
    # A story's score for an arriving article: mean of its best pair scores with the story's members.
    # 1 (best link): a story's members need not all resemble the newcomer (one outlet leads with a
    # quote, another with a reaction); the average-linkage split check guards against chaining.
    top_links: int = 1
    # The three decisions below are probabilities; None (the default) is the scorer's fitted one.
    join_threshold: float | None = None  # a story's score at which it takes the article
    merge_threshold: float | None = None  # mean pair score between two stories at which they merge
    split_threshold: float | None = None  # average linkage below which a story's groups part
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


def lead_terms(title: str, text: str, settings: ClusterSettings) -> dict[int, int]:
    """Hashed terms of an article's title and lead (the part its vector embeds)."""
    return extract_terms(lead_text(title, text, settings.lead_chars))


def score_pair(
    weights: ClusterSettings,
    similarity: float,
    a: Profile,
    b: Profile,
    gap: int | None,
    cross: float | None = None,
) -> float:
    """The log-odds that two articles report one story; ``gap``: days apart, None when unknown;
    ``cross``: their multilingual lead cosine when they are in different languages, else None."""
    return load_scorer(weights.scorer).log_odds(pair_features(similarity, a, b, gap, cross))


def decision_thresholds(weights: ClusterSettings) -> tuple[float, float, float]:
    """The join, merge and split thresholds as log-odds: those set, else the scorer's fitted one."""
    fitted = logit(load_scorer(weights.scorer).threshold)
    return (
        fitted if weights.join_threshold is None else logit(weights.join_threshold),
        fitted if weights.merge_threshold is None else logit(weights.merge_threshold),
        fitted if weights.split_threshold is None else logit(weights.split_threshold),
    )


def cut_groups(scores: np.ndarray, threshold: float) -> list[int]:
    """A group label per row of a symmetric pair-score matrix: average linkage cut at ``threshold``."""
    size = scores.shape[0]
    if size < 2:
        return [1] * size
    top = float(scores.max())
    # Average linkage without scipy.cluster (about 0.3 s of CPU to import at every start).
    return [group + 1 for group in average_linkage_groups(top - scores, top - threshold)]


@dataclass(frozen=True)
class Lead:
    """What grouping needs of one article: its title, text and day number (None when undated)."""

    title: str
    text: str
    day: int | None


def score_matrix(
    weights: ClusterSettings, leads: Sequence[Lead], vectors: np.ndarray, cross: np.ndarray | None = None
) -> np.ndarray:
    """Pair scores of every pair of ``leads`` (``vectors``: their unit-length title+lead vectors;
    ``cross``: the multilingual lead cosines of pairs in different languages, NaN elsewhere, or
    None when all are in one language; ``crosslingual.cross_language_cosines``).

    Names and terms are weighed by document frequencies over these articles alone.
    """
    name_freq, term_freq = Frequencies(), Frequencies()
    names = [list(extract_names(x.title + "\n" + x.text[: weights.names_chars])) for x in leads]
    name_bags = [names_bag(n) for n in names]
    term_bags = [
        Bag.from_counts(extract_terms(x.title + "\n" + x.text[: weights.terms_chars])) for x in leads
    ]
    lead_bags = [Bag.from_counts(lead_terms(x.title, x.text, weights)) for x in leads]
    lead_freq = Frequencies()
    for name_bag, term_bag, lead_bag in zip(name_bags, term_bags, lead_bags, strict=True):
        name_freq.add(name_bag)
        term_freq.add(term_bag)
        lead_freq.add(lead_bag)
    profiles = [
        Profile(name_freq.weigh(n), term_freq.weigh(t), first_year(found), lead_freq.weigh(m))
        for n, t, found, m in zip(name_bags, term_bags, names, lead_bags, strict=True)
    ]
    size = len(leads)
    scores = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            day_i, day_j = leads[i].day, leads[j].day
            gap = None if day_i is None or day_j is None else abs(day_i - day_j)
            similarity = float(vectors[i] @ vectors[j])
            other = None if cross is None or np.isnan(cross[i, j]) else float(cross[i, j])
            scores[i, j] = scores[j, i] = score_pair(
                weights, similarity, profiles[i], profiles[j], gap, other
            )
    return scores


def group_articles(
    weights: ClusterSettings, leads: Sequence[Lead], vectors: np.ndarray, cross: np.ndarray | None = None
) -> list[list[int]]:
    """Positions of ``leads`` grouped into stories, largest group first (ties: earliest first);
    ``cross`` as for ``score_matrix``."""
    return group_by_scores(score_matrix(weights, leads, vectors, cross), decision_thresholds(weights)[2])


def group_by_scores(scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Row positions of a pair-score matrix grouped by ``cut_groups``, largest group first."""
    labels = cut_groups(scores, threshold)
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        groups.setdefault(label, []).append(position)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
