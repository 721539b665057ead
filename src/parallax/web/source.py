"""Where the web app gets stories from: a small protocol, and two implementations.

The app never talks to a database directly. It asks a ``StorySource``:

- ``find_stories(query)``   one page of stories matching a search, with the total count;
- ``get_story(story_id)``   one story's row, or None;
- ``get_report(story_id, options)``  the story's cached analysis made with those
  options (None: the defaults), or None when none is cached;
- ``save_report(story_id, report, options)``  cache an analysis made by the web app;
- ``list_outlets()``        every outlet name, for the filter;
- ``close()``.

``MemorySource`` holds stories in memory (tests, demos); ``parallax.web.corpus_source``
adapts the corpus ``Store`` to this protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol

from parallax.corpus.digest import digest_report
from parallax.corpus.order import DEFAULT_SORT, StoryFacts, sort_stories_by
from parallax.model import Report
from parallax.options import Options

PAGE_SIZE = 50
KEEP_SEARCHES = 256  # search results kept per set of rows


@dataclass
class StoryRow:
    """What the story list shows about one story."""

    id: str
    title: str
    size: int  # number of articles
    outlets: list[str]
    first: str | None  # ISO date of the earliest article
    last: str | None  # ISO date of the latest article
    analysed: bool = False  # a cached analysis exists
    article_ids: list[str] = field(default_factory=list)  # input ids of its articles, when known
    analysis: str = "none"  # current, stale, pending, failed or none (parallax.corpus.queue)
    digest: dict[str, Any] | None = None  # what its stored analysis found (parallax.corpus.digest)
    coverage: dict[str, Any] | None = None  # by leaning, country, owner (parallax.corpus.coverage)
    blindspot: dict[str, Any] | None = None  # the side that barely covers it (parallax.corpus.coverage)


def covered_by(row: StoryRow, kind: str, value: str) -> bool:
    """Whether one of the story's outlets has this leaning side or country."""
    groups = (row.coverage or {}).get(kind) or {}
    found = groups.get(value) or {}
    return bool(found.get("outlets"))


@dataclass
class StoryQuery:
    """A search over stories. Empty fields do not filter."""

    text: str = ""  # words that must all appear in the title (case-insensitive)
    outlet: str = ""  # stories with at least one article from this outlet
    since: str = ""  # ISO date: stories whose last article is on or after it
    until: str = ""  # ISO date: stories whose first article is on or before it
    min_outlets: int = 2  # stories with at least this many distinct outlets (1: every story)
    leaning: str = ""  # left, center or right: stories covered by at least one outlet of that side
    country: str = ""  # stories covered by at least one outlet of this country
    blindspot: bool = False  # only the stories one side barely covers
    sort: str = DEFAULT_SORT  # one of SORTS
    offset: int = 0
    limit: int = PAGE_SIZE


@dataclass
class StoryPage:
    rows: list[StoryRow]
    total: int


class StorySource(Protocol):
    def find_stories(self, query: StoryQuery) -> StoryPage: ...

    def get_story(self, story_id: str) -> StoryRow | None: ...

    def get_report(self, story_id: str, options: Options | None = None) -> Report | None: ...

    def save_report(self, story_id: str, report: Report, options: Options | None = None) -> None: ...

    def list_outlets(self) -> list[str]: ...

    def close(self) -> None: ...


def match_story(row: StoryRow, query: StoryQuery) -> bool:
    """Whether one story passes a query's filters (the reference semantics of a search)."""
    title = row.title.casefold()
    if any(word not in title for word in query.text.casefold().split()):
        return False
    if query.outlet and query.outlet.casefold() not in {o.casefold() for o in row.outlets}:
        return False
    if len(row.outlets) < query.min_outlets:
        return False
    if query.leaning and not covered_by(row, "leaning", query.leaning):
        return False
    if query.country and not covered_by(row, "country", query.country):
        return False
    if query.blindspot and not row.blindspot:
        return False
    if query.since and (row.last or row.first or "") < query.since:
        return False
    return not (query.until and (row.first or row.last or "9999") > query.until)


def row_facts(row: StoryRow) -> StoryFacts:
    return StoryFacts(row.id, row.title, row.size, len(row.outlets), row.first, row.last)


def sort_stories(rows: list[StoryRow], sort: str) -> list[StoryRow]:
    """Rows in the order a query asks for (``parallax.corpus.order``); ties broken by id."""
    return sort_stories_by(rows, sort, row_facts)


def story_row_from_report(story_id: str, report: Report, title: str = "") -> StoryRow:
    """A list row describing an analysed set of articles."""
    dates = sorted(a.published for a in report.articles if a.published)
    outlets = sorted({a.label for a in report.articles})
    first_title = next((a.title for a in report.articles if a.title), "")
    return StoryRow(
        id=story_id,
        title=title or first_title or f"Story {story_id}",
        size=len(report.articles),
        outlets=outlets,
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        analysed=True,
        analysis="current",
        digest=digest_report(report),
    )


class OneAtATime:
    """A lock per key (striped over a fixed set, so memory stays bounded): when many requests want
    the same uncached page at once, one computes it and the others wait for it and then find it
    cached, instead of all computing it side by side."""

    def __init__(self, stripes: int = 64) -> None:
        self.locks = [threading.Lock() for _ in range(stripes)]

    def __call__(self, key: Hashable) -> threading.Lock:
        return self.locks[hash(key) % len(self.locks)]


class StoryIndex:
    """Story rows prepared for fast searches: sort orders and folded text computed once."""

    def __init__(self, rows: list[StoryRow]) -> None:
        self.rows = rows
        self.by_id = {r.id: r for r in rows}
        self.titles = {r.id: r.title.casefold() for r in rows}
        self.outlet_sets = {r.id: {o.casefold() for o in r.outlets} for r in rows}
        self.outlets = sorted({o for r in rows for o in r.outlets}, key=str.casefold)
        self.countries = sorted(
            {c for r in rows for c in ((r.coverage or {}).get("country") or {}) if c != "unknown"}
        )
        self.orders: dict[str, list[StoryRow]] = {}
        self.found: dict[tuple[str, ...], list[StoryRow]] = {}

    def ordered(self, sort: str) -> list[StoryRow]:
        if sort not in self.orders:
            self.orders[sort] = sort_stories(self.rows, sort)
        return self.orders[sort]

    def find(self, query: StoryQuery) -> StoryPage:
        """One page of matching rows; results of recent searches are kept (the rows never change)."""
        key = (
            query.text.casefold().strip(),
            query.outlet.casefold(),
            query.since,
            query.until,
            query.sort,
            str(query.min_outlets),
            query.leaning,
            query.country,
            str(query.blindspot),
        )
        hits = self.found.get(key)
        if hits is None:
            hits = self.filter(query)
            if len(self.found) >= KEEP_SEARCHES:
                self.found.pop(next(iter(self.found)))
            self.found[key] = hits
        return StoryPage(hits[query.offset : query.offset + query.limit], len(hits))

    def filter(self, query: StoryQuery) -> list[StoryRow]:
        ordered = self.ordered(query.sort)
        words = query.text.casefold().split()
        outlet = query.outlet.casefold()
        hits = ordered
        if words:
            titles = self.titles
            hits = [r for r in hits if all(w in titles[r.id] for w in words)]
        if outlet:
            hits = [r for r in hits if outlet in self.outlet_sets[r.id]]
        if query.min_outlets > 1:
            hits = [r for r in hits if len(r.outlets) >= query.min_outlets]
        if query.leaning:
            hits = [r for r in hits if covered_by(r, "leaning", query.leaning)]
        if query.country:
            hits = [r for r in hits if covered_by(r, "country", query.country)]
        if query.blindspot:
            hits = [r for r in hits if r.blindspot]
        if query.since:
            hits = [r for r in hits if (r.last or r.first or "") >= query.since]
        if query.until:
            hits = [r for r in hits if (r.first or r.last or "9999") <= query.until]
        return hits


class MemorySource:
    """Stories held in memory, each with an optional analysis."""

    def __init__(self) -> None:
        self.rows: dict[str, StoryRow] = {}
        self.reports: dict[tuple[str, Options], Report] = {}
        self.index: StoryIndex | None = None

    def add(self, row: StoryRow, report: Report | None = None) -> None:
        self.rows[row.id] = row
        self.index = None
        if report is not None:
            self.save_report(row.id, report)

    def add_report(self, story_id: str, report: Report, title: str = "") -> StoryRow:
        row = story_row_from_report(story_id, report, title)
        self.add(row, report)
        return row

    def get_index(self) -> StoryIndex:
        if self.index is None:
            self.index = StoryIndex(list(self.rows.values()))
        return self.index

    def find_stories(self, query: StoryQuery) -> StoryPage:
        return self.get_index().find(query)

    def get_story(self, story_id: str) -> StoryRow | None:
        return self.rows.get(story_id)

    def get_report(self, story_id: str, options: Options | None = None) -> Report | None:
        return self.reports.get((story_id, options or Options()))

    def save_report(self, story_id: str, report: Report, options: Options | None = None) -> None:
        self.reports[(story_id, options or Options())] = report
        if story_id in self.rows:
            self.rows[story_id].analysed = True
            if (options or Options()) == Options():
                self.rows[story_id].analysis = "current"
                self.rows[story_id].digest = digest_report(report)

    def list_outlets(self) -> list[str]:
        return self.get_index().outlets

    def close(self) -> None:
        return None
