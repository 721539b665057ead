"""The orders a story list can take: one definition for ``parallax stories``, the web list and the API.

The default, ``coverage``, puts the most widely covered recent stories first:
the number of distinct outlets (most first), then the date of the latest
article (newest first), then the story id. Every order breaks its ties by id,
so pages of a list are stable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

# Sort name -> what it does (the help text of the CLI option, the API and the docs).
SORTS: dict[str, str] = {
    "coverage": "most outlets first, then the most recent, then id (the default)",
    "recent": "the latest article first",
    "size": "most articles first",
    "oldest": "the earliest article first",
    "title": "by title, A to Z",
}
DEFAULT_SORT = "coverage"

T = TypeVar("T")


@dataclass(frozen=True)
class StoryFacts:
    """What an order looks at in one story."""

    id: str
    title: str
    size: int  # articles
    outlets: int  # distinct outlets
    first: str | None  # ISO date (or time) of the earliest article
    last: str | None  # ISO date (or time) of the latest article


def sort_stories_by(items: Iterable[T], sort: str, facts: Callable[[T], StoryFacts]) -> list[T]:
    """``items`` in the order named ``sort`` (one of SORTS); ``facts`` reads what the order needs.

    Raises ValueError naming the known orders when ``sort`` is not one of them.
    """
    pairs = [(facts(item), item) for item in items]
    if sort == "coverage":
        by_id = sorted(pairs, key=lambda p: p[0].id)
        ordered = sorted(by_id, key=lambda p: (p[0].outlets, p[0].last or p[0].first or ""), reverse=True)
    elif sort == "size":
        ordered = sorted(pairs, key=lambda p: (-p[0].size, p[0].id))
    elif sort == "oldest":
        ordered = sorted(pairs, key=lambda p: (p[0].first or "9999", p[0].id))
    elif sort == "title":
        ordered = sorted(pairs, key=lambda p: (p[0].title.casefold(), p[0].id))
    elif sort == "recent":
        ordered = sorted(pairs, key=lambda p: (p[0].last or p[0].first or "", p[0].id), reverse=True)
    else:
        raise ValueError(f"'{sort}' is not a way to sort stories; use one of {', '.join(SORTS)}")
    return [item for _, item in ordered]
