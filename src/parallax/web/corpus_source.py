"""The corpus store (``parallax.corpus.store``) seen as a web ``StorySource``.

The web app uses the corpus ``Store`` (``open_store(target)``) through five of
its methods: ``story_records()`` (every live story, largest first),
``get_story_articles(id)``, ``load_analysis(id)`` (the cached report of the
story's current members, or None), ``save_analysis(id, report)`` and ``close()``.

Story rows are read once and kept for ``ROW_SECONDS``; then they are read again
if the store has changed since (``Store.change_marker``), so a running ingest
shows up; searches filter those rows in memory. Reports are kept
in a small LRU: rebuilding a Report from stored JSON is the slow part of a
story page.

Every call into the store runs on one thread of its own (where the store is
also opened): a SQLite connection belongs to the thread that opened it, and the
web server calls from its thread pool and from the analysis worker.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from cachetools import LRUCache

from parallax.corpus.connect import open_store
from parallax.corpus.digest import digest_report
from parallax.corpus.rows import StoryRecord
from parallax.corpus.store import Store, parse_story_id
from parallax.errors import StoreError
from parallax.model import Article, Report
from parallax.options import Options
from parallax.web.source import OneAtATime, StoryIndex, StoryPage, StoryQuery, StoryRow

ROW_SECONDS = 30.0
KEEP_REPORTS = 256

T = TypeVar("T")


def row_from_record(record: StoryRecord) -> StoryRow:
    """A list row from the store's story record (dates cut to the day)."""
    return StoryRow(
        id=record.id,
        title=record.title,
        size=record.size,
        outlets=sorted({str(o) for o in record.outlets}, key=str.casefold),
        first=record.first[:10] if record.first else None,
        last=record.last[:10] if record.last else None,
        analysed=record.analysed,
        article_ids=list(record.article_ids),
        analysis=record.analysis,
        digest=record.digest,
        coverage=record.coverage,
        blindspot=record.blindspot,
    )


def check_target(target: str) -> None:
    """Refuse a SQLite path that does not exist (rather than create an empty corpus)."""
    if "://" not in target and not os.path.exists(target):  # False also for a name too long
        raise StoreError(
            f"there is no corpus at '{target}': create one with `parallax ingest SOURCE --db {target}`"
        )


class StoreSource:
    """A ``StorySource`` over a corpus ``Store`` (opened by ``opener`` on the store's thread)."""

    def __init__(self, opener: Callable[[], Store], row_seconds: float = ROW_SECONDS) -> None:
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-store")
        try:
            self.store = self.worker.submit(opener).result()
        except BaseException:
            self.worker.shutdown(wait=False)
            raise
        self.row_seconds = row_seconds
        self.lock = threading.Lock()  # guards the report LRU and the index swap
        self.reading = threading.Lock()  # held by the one request reading the story rows
        self.index = StoryIndex([])
        self.read_at = float("-inf")
        self.marker: Any = None  # the store's change marker when the rows were read
        self.loading = OneAtATime()
        # Recent reports by (story id, options): a story analysed with other options is another entry.
        self.reports: LRUCache[tuple[str, Options], Report] = LRUCache(maxsize=KEEP_REPORTS)

    def call(self, method: Callable[..., T], *args: Any) -> T:
        """Run ``method`` (one of the store's) on the store's own thread."""
        return self.worker.submit(method, *args).result()

    def refresh(self, force: bool = False) -> None:
        """Read the story rows again when they are older than ``row_seconds``.

        One request reads them; meanwhile the others keep using the rows read
        before (only the very first read, or a forced one, makes them wait).
        """
        if not force and time.monotonic() - self.read_at < self.row_seconds:
            return
        first = self.read_at == float("-inf")
        if not self.reading.acquire(blocking=force or first):
            return  # another request is reading them: serve the current rows meanwhile
        try:
            if not force and time.monotonic() - self.read_at < self.row_seconds:
                return
            # Nothing committed since the last read: the rows stand (reading them all again holds
            # the interpreter for seconds on a large corpus, which every other request would wait for).
            marker = self.call(self.store.change_marker)
            if not force and marker is not None and marker == self.marker:
                self.read_at = time.monotonic()
                return
            rows = self.call(self.read_rows)
            # A commit during the read (another process's, or the read's own linking of articles to
            # outlets) leaves the marker taken before it, so the next check reads the rows again.
            after = self.call(self.store.change_marker)
            self.marker = after if after == marker else marker
            with self.lock:
                held = {sid for sid, _ in self.reports}
                for row in rows:
                    row.analysed = row.analysed or row.id in held
                self.index = StoryIndex(rows)
                self.read_at = time.monotonic()
        finally:
            self.reading.release()

    def read_rows(self) -> list[StoryRow]:
        return [row_from_record(r) for r in self.store.story_records()]

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

    def get_report(self, story_id: str, options: Options | None = None) -> Report | None:
        try:
            parse_story_id(story_id)
        except StoreError:
            return None  # no story has such an id (the pages answer 404)
        key = (story_id, options or Options())
        with self.lock:
            held = self.reports.get(key)  # a hit counts as a use
            if held is not None:
                return held
        with self.loading(key):  # concurrent first views of one story: one reads, the others wait
            with self.lock:
                held = self.reports.get(key)
            if held is not None:
                return held
            report = self.call(self.store.load_analysis, story_id, key[1])
            if report is not None:
                self.remember(key, report)
            return report

    def remember(self, key: tuple[str, Options], report: Report) -> None:
        story_id = key[0]
        with self.lock:
            self.reports[key] = report
            if story_id in self.index.by_id:
                self.index.by_id[story_id].analysed = True
                if key[1] == Options():
                    self.index.by_id[story_id].analysis = "current"
                    self.index.by_id[story_id].digest = digest_report(report)

    def save_report(self, story_id: str, report: Report, options: Options | None = None) -> None:
        options = options or Options()
        self.call(self.store.save_analysis, story_id, report, options)
        with self.lock:  # the store keeps one analysis per story: forget the others held here
            for key in [k for k in self.reports if k[0] == story_id]:
                del self.reports[key]
        self.remember((story_id, options), report)

    def get_articles(self, story_id: str) -> list[Article]:
        return self.call(self.store.get_story_articles, story_id)

    def list_outlets(self) -> list[str]:
        self.refresh()
        return self.index.outlets

    def describe_outlets(self, name: str | None = None) -> list[dict[str, Any]]:
        """The outlets with facts and profiles (``parallax.corpus.profiles.describe_outlets``)."""
        from parallax.corpus.profiles import describe_outlets

        return self.call(describe_outlets, self.store, name)

    def close(self) -> None:
        self.call(self.store.close)
        self.worker.shutdown(wait=False)


def open_store_source(target: str) -> StoreSource:
    """The corpus at ``target`` as a StorySource."""
    check_target(target)
    return StoreSource(lambda: open_store(target))
