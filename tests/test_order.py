"""The story orders shared by `parallax stories`, the web list and the API."""

from __future__ import annotations

import pytest

from parallax.corpus.order import DEFAULT_SORT, SORTS, StoryFacts, sort_stories_by


def facts(story: StoryFacts) -> StoryFacts:
    return story


STORIES = [
    StoryFacts("3", "Bravo", 5, 2, "2024-01-01", "2024-06-01"),
    StoryFacts("1", "alpha", 2, 3, "2024-02-01", "2024-02-02"),
    StoryFacts("2", "Charlie", 9, 3, "2024-01-05", "2024-05-01"),
    StoryFacts("4", "Delta", 1, 3, None, None),
    StoryFacts("0", "Echo", 1, 3, "2024-02-01", "2024-05-01"),
]


def ids(sort: str) -> list[str]:
    return [s.id for s in sort_stories_by(STORIES, sort, facts)]


def test_order_coverage_is_outlets_then_recency_then_id() -> None:
    assert DEFAULT_SORT == "coverage"
    # Three outlets first (newest last article first, ties by id, undated last), then two.
    assert ids("coverage") == ["0", "2", "1", "4", "3"]


def test_order_other_sorts_keep_their_meaning() -> None:
    assert ids("size") == ["2", "3", "1", "0", "4"]
    assert ids("oldest") == ["3", "2", "0", "1", "4"]
    assert ids("title") == ["1", "3", "2", "4", "0"]
    assert ids("recent") == ["3", "2", "0", "1", "4"]
    assert set(SORTS) == {"coverage", "recent", "size", "oldest", "title"}


def test_order_unknown_sort_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"sideways.*coverage, recent"):
        sort_stories_by(STORIES, "sideways", facts)
