"""Windowed story clustering (parallax.corpus.windows): cutting by date, and the reconciliation
pass over made-up window results (no model, no Ray)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from parallax.corpus.bags import Bag, FixedFrequencies, Frequencies
from parallax.corpus.pairs import ClusterSettings
from parallax.corpus.rows import StoredArticle
from parallax.corpus.stories import article_features
from parallax.corpus.windows import (
    WindowPlan,
    WindowResult,
    corpus_counts,
    cut_windows,
    reconcile,
    windows_of,
)

PLAN = WindowPlan(days=7, overlap=2)  # windows start on days 0, 5, 10, ...; overlaps 5-6, 10-11, ...
DAY0 = date(2020, 3, 1).toordinal()


def stored(article_id: int, day: int | None) -> StoredArticle:
    published = None if day is None else date.fromordinal(DAY0 + day).isoformat()
    return StoredArticle(article_id, None, f"h{article_id}", "s", None, "o", published, "t", "x", "en", {})


def result(number: int, stories: dict[int, list[int]], dups: dict[int, int] | None = None) -> WindowResult:
    story_of = {a: s for s, members in stories.items() for a in members}
    return WindowResult(
        number=number,
        start=DAY0 + number * PLAN.step,
        story_of=story_of,
        dup_of={a: (dups or {}).get(a) for a in story_of},
        features={a: (b"", b"", "[]") for a in story_of},
    )


def test_windows_plan_rejects_an_overlap_as_long_as_the_window() -> None:
    with pytest.raises(ValueError, match="overlap"):
        WindowPlan(days=7, overlap=7)


def test_windows_cut_puts_overlap_days_in_two_windows_and_undated_apart() -> None:
    assert list(windows_of(DAY0 + 4, DAY0, PLAN)) == [0]
    assert list(windows_of(DAY0 + 6, DAY0, PLAN)) == [0, 1]
    assert list(windows_of(DAY0 + 11, DAY0, PLAN)) == [1, 2]
    assert list(windows_of(DAY0 + 12, DAY0, PLAN)) == [2]
    articles = [stored(1, 0), stored(2, 6), stored(3, 9), stored(4, None), stored(5, 11)]
    windows, undated = cut_windows(articles, PLAN)
    assert windows == {0: [1, 2], 1: [2, 3, 5], 2: [5]}
    assert undated == [4]


def test_windows_reconcile_merges_a_story_split_by_the_edge() -> None:
    days = {1: DAY0 + 3, 2: DAY0 + 5, 3: DAY0 + 6, 4: DAY0 + 9, 5: DAY0 + 1, 6: DAY0 + 8}
    left = result(0, {10: [1, 2, 3], 11: [5]})  # story A before and in the overlap; story B early
    right = result(1, {20: [2, 3, 4], 21: [6]})  # story A in the overlap and after; story C late
    joined = reconcile([right, left], days, PLAN)  # finishing order does not matter
    assert joined.stories == [[1, 2, 3, 4], [5], [6]]
    assert joined.merges == 1


def test_windows_reconcile_keeps_stories_without_shared_overlap_apart() -> None:
    days = {1: DAY0 + 5, 2: DAY0 + 6, 3: DAY0 + 5, 4: DAY0 + 6}
    left = result(0, {10: [1, 2], 11: [3, 4]})
    right = result(1, {20: [1, 2], 21: [3, 4]})
    joined = reconcile([left, right], days, PLAN)
    assert joined.stories == [[1, 2], [3, 4]]


def test_windows_reconcile_does_not_chain_on_one_article_placed_differently() -> None:
    # windows 0 and 1 agree on two overlap stories, except article 3, which window 1 put with 1 and 2
    days = {1: DAY0 + 5, 2: DAY0 + 5, 3: DAY0 + 6, 4: DAY0 + 6, 5: DAY0 + 6}
    left = result(0, {10: [1, 2], 11: [3, 4, 5]})
    right = result(1, {20: [1, 2, 3], 21: [4, 5]})
    joined = reconcile([left, right], days, PLAN)
    assert joined.stories == [[1, 2], [3, 4, 5]] or joined.stories == [[1, 2, 3], [4, 5]]
    assert len(joined.stories) == 2


def test_windows_reconcile_keeps_a_duplicate_with_its_original() -> None:
    days = {1: DAY0 + 6, 2: DAY0 + 6}
    left = result(0, {10: [1], 11: [2]})
    right = result(1, {20: [1, 2]}, dups={2: 1})
    joined = reconcile([left, right], days, PLAN)
    assert [1, 2] in joined.stories


def test_windows_corpus_counts_weigh_words_as_the_whole_corpus() -> None:
    articles = [
        StoredArticle(
            1,
            None,
            "h1",
            "s",
            None,
            "o",
            "2020-03-01",
            "Calder vote",
            "Calder council votes on the cable car.",
            "en",
            {},
        ),
        StoredArticle(
            2,
            None,
            "h2",
            "s",
            None,
            "o",
            "2020-03-20",
            "Calder cable car",
            "The cable car opens in Calder.",
            "en",
            {},
        ),
        StoredArticle(
            3,
            None,
            "h3",
            "s",
            None,
            "o",
            "2020-03-21",
            "Harbour strike",
            "Dockers strike at the harbour.",
            "en",
            {},
        ),
    ]
    counts = corpus_counts(articles, ClusterSettings())
    assert counts.terms.docs == counts.names.docs == counts.leads.docs == 3
    whole = Frequencies()
    for article in articles:
        whole.add(Bag.from_counts(article_features(article, ClusterSettings())[1]))
    fixed = FixedFrequencies(counts.terms)
    bag = Bag.from_counts(article_features(articles[1], ClusterSettings())[1])
    fixed.add(bag)  # a window's own articles are already counted: adding them changes nothing
    assert fixed.docs == 3
    assert np.array_equal(fixed.weigh(bag).unit, whole.weigh(bag).unit)
    assert float(fixed.weigh(bag).idf.max()) > 0.0  # "calder" and "cable" are in two of the three
