"""The corpus store (``parallax.corpus.store``) seen as a web ``StorySource``.

What the web app needs from the store, and nothing more:

- ``open_store(target: str) -> Store``      open a SQLite path or a postgresql:// URL
  (falls back to ``Store(target)`` or ``Store.open(target)``);
- ``store.list_stories() -> Iterable[story]``  every story, where a story has ``id``,
  ``title``, ``size`` (or ``articles``: a list of article ids), ``outlets``,
  ``first`` and ``last`` (ISO dates or None; ``start``/``end`` are accepted), and
  optionally ``analysed`` and ``article_ids``; plain dicts are accepted too;
- ``store.get_story_articles(story_id) -> list[Article]``;
- ``store.load_analysis(story_id) -> Report | None``   the cached analysis;
- ``store.save_analysis(story_id, report) -> None``;
- ``store.close()``.

Each method may also be named as in ``ALIASES``. Story rows are read once and
kept for ``ROW_SECONDS``, then read again, so a running ingest shows up; searches
filter those rows in memory. Reports are kept in a small LRU: rebuilding a
Report from stored JSON is the slow part of a story page.

Every call into the store runs on one thread of its own (where the store is
also opened), so a store whose connection belongs to one thread (sqlite3's
default) works under the web server's thread pool and the analysis worker.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from parallax.errors import StoreError
from parallax.model import Article, Report
from parallax.web.source import StoryIndex, StoryPage, StoryQuery, StoryRow

ROW_SECONDS = 30.0
KEEP_REPORTS = 256

# Method of the protocol above -> other names the store may use for it.
ALIASES: dict[str, tuple[str, ...]] = {
    "list_stories": ("stories", "iter_stories", "all_stories"),
    "get_story_articles": ("story_articles", "articles_of", "load_articles"),
    "load_analysis": ("cached_analysis", "get_analysis", "load_report", "get_report"),
    "save_analysis": ("cache_analysis", "store_analysis", "save_report", "put_analysis"),
}


def find_method(store: Any, name: str) -> Callable[..., Any] | None:
    for candidate in (name, *ALIASES.get(name, ())):
        method = getattr(store, candidate, None)
        if callable(method):
            return method
    return None


def field_of(story: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = story.get(name) if isinstance(story, dict) else getattr(story, name, None)
        if value is not None:
            return value
    return default


def row_from_story(story: Any) -> StoryRow:
    """A list row from whatever the store calls a story."""
    articles = field_of(story, "article_ids", "articles", default=[])
    ids = [
        str(a if isinstance(a, (str, int)) else field_of(a, "input_id", "id", default=""))
        for a in articles
    ]
    size = field_of(story, "size", "article_count", "n_articles", default=len(ids))
    first = field_of(story, "first", "first_date", "start", "date_from")
    last = field_of(story, "last", "last_date", "end", "date_to")
    return StoryRow(
        id=str(field_of(story, "id", "story_id")),
        title=str(field_of(story, "title", "headline", default="")),
        size=int(size),
        outlets=sorted({str(o) for o in field_of(story, "outlets", default=[])}, key=str.casefold),
        first=str(first)[:10] if first else None,
        last=str(last)[:10] if last else None,
        analysed=bool(field_of(story, "analysed", "analyzed", "has_analysis", default=False)),
        article_ids=ids,
    )


def check_target(target: str) -> None:
    """Refuse a SQLite path that does not exist (rather than create an empty corpus)."""
    if "://" not in target and not Path(target).exists():
        raise StoreError(
            f"there is no corpus at '{target}': create one with `parallax ingest SOURCE --db {target}`"
        )


def open_store(target: str) -> Any:
    """The corpus Store at ``target``; a clear error when there is none."""
    check_target(target)
    try:
        store_module = importlib.import_module("parallax.corpus.store")
    except ImportError as exc:
        raise StoreError(f"corpus mode is not available in this copy of Parallax ({exc})") from exc
    opener = getattr(store_module, "open_store", None)
    if callable(opener):
        return opener(target)
    cls = getattr(store_module, "Store", None)
    if cls is None:
        raise StoreError("parallax.corpus.store has neither open_store() nor Store")
    if callable(getattr(cls, "open", None)):
        return cls.open(target)
    return cls(target)


class StoreSource:
    """A ``StorySource`` over a corpus store (see the module docstring for the protocol)."""

    def __init__(self, opener: Callable[[], Any], row_seconds: float = ROW_SECONDS) -> None:
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-store")
        try:
            self.store = self.worker.submit(opener).result()
        except BaseException:
            self.worker.shutdown(wait=False)
            raise
        store = self.store
        self.row_seconds = row_seconds
        self.lock = threading.Lock()
        self.index = StoryIndex([])
        self.read_at = float("-inf")
        self.reports: OrderedDict[str, Report] = OrderedDict()
        missing = [name for name in ("list_stories", "load_analysis") if find_method(store, name) is None]
        if missing:
            raise StoreError(f"the corpus store lacks {', '.join(missing)}(), which the web app needs")

    def call(self, name: str, *args: Any) -> Any:
        """Call a store method (by protocol name) on the store's own thread."""
        method = find_method(self.store, name)
        if method is None:
            raise StoreError(f"the corpus store has no {name}()")
        return self.worker.submit(method, *args).result()

    def refresh(self, force: bool = False) -> None:
        """Read the story rows again when they are older than ``row_seconds``."""
        if not force and time.monotonic() - self.read_at < self.row_seconds:
            return
        with self.lock:
            if not force and time.monotonic() - self.read_at < self.row_seconds:
                return
            rows = self.worker.submit(self.read_rows).result()
            for row in rows:
                row.analysed = row.analysed or row.id in self.reports
            self.index = StoryIndex(rows)
            self.read_at = time.monotonic()

    def read_rows(self) -> list[StoryRow]:
        list_stories = find_method(self.store, "list_stories")
        assert list_stories is not None
        return [row_from_story(s) for s in list_stories()]

    def find_stories(self, query: StoryQuery) -> StoryPage:
        self.refresh()
        return self.index.find(query)

    def get_story(self, story_id: str) -> StoryRow | None:
        self.refresh()
        row = self.index.by_id.get(story_id)
        if row is None:  # perhaps ingested since the rows were read
            self.refresh(force=True)
            row = self.index.by_id.get(story_id)
        return row

    def get_report(self, story_id: str) -> Report | None:
        with self.lock:
            if story_id in self.reports:
                self.reports.move_to_end(story_id)
                return self.reports[story_id]
        report: Report | None = self.call("load_analysis", story_id)
        if report is not None:
            self.remember(story_id, report)
        return report

    def remember(self, story_id: str, report: Report) -> None:
        with self.lock:
            self.reports[story_id] = report
            self.reports.move_to_end(story_id)
            while len(self.reports) > KEEP_REPORTS:
                self.reports.popitem(last=False)
            if story_id in self.index.by_id:
                self.index.by_id[story_id].analysed = True

    def save_report(self, story_id: str, report: Report) -> None:
        self.call("save_analysis", story_id, report)
        self.remember(story_id, report)

    def get_articles(self, story_id: str) -> list[Article]:
        return list(self.call("get_story_articles", story_id))

    def list_outlets(self) -> list[str]:
        self.refresh()
        return self.index.outlets

    def close(self) -> None:
        close = getattr(self.store, "close", None)
        if callable(close):
            self.worker.submit(close).result()
        self.worker.shutdown(wait=False)


def open_store_source(target: str) -> StoreSource:
    """The corpus at ``target`` as a StorySource."""
    check_target(target)
    return StoreSource(lambda: open_store(target))
