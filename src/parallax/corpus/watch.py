"""``parallax watch``: keep polling feeds and URL lists and ingest what is new.

Each cycle (``poll_due``):

1. list the sources (each ``.urls`` list read again, so edits to it count);
2. poll each source that is due (``parallax.corpus.polling``): a conditional
   request for a URL, a fingerprint for a local path;
3. store what the polls read through the corpus intake (``intake.Ingest``:
   content-hashed, so an item already stored is never stored again), under
   the corpus's ingest lock, counting the new articles of each source;
4. reschedule each polled source and save its state in the corpus
   (``feed_state``): a poll that brought something new resets its interval to
   ``every``; a quiet one (304, or nothing new) doubles it up to ``max_every``;
   a failure is recorded with its reason and retried after ``every`` times
   2 ** failures (at most ``max_every``), and never stops the other sources;
5. cluster the new articles into stories;
6. queue the stories that changed and analyse them (``parallax.corpus.queue``).

``run_watch`` repeats cycles until stopped, sleeping until the next source is
due. The schedule lives in the corpus, so a restarted watch resumes it; a
watch stopped mid-cycle loses at most that cycle's polls, which the next run
repeats without storing anything twice.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parallax.corpus.feed_state import FeedState, load_states, save_states
from parallax.corpus.intake import Ingest
from parallax.corpus.polling import FAILED, FETCHED, NOT_MODIFIED, Polled, list_sources, poll_source
from parallax.corpus.queue import QueueSummary, enqueue_stories, work_queue
from parallax.corpus.store import Store
from parallax.corpus.stories import ClusterSettings, ClusterSummary, Embedder, StoryClusterer
from parallax.errors import StoreError
from parallax.ingest.urls import Fetcher, FetchSettings

DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
UNIT_SECONDS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
QUIET_CAP = 8  # by default a quiet source is polled at least every 8 x `every`
LONGEST_DURATION = 365 * 86_400.0


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90``, ``45s``, ``15m``, ``1h30m`` or ``1d``; ValueError otherwise."""
    compact = text.strip().lower().replace(" ", "")
    parts = DURATION.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        raise ValueError(f"'{text}' is not a duration: write it like 90s, 15m, 1h30m or 1d")
    seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ValueError(f"'{text}' is not a duration above zero")
    if seconds > LONGEST_DURATION:  # the next poll's date must stay a date
        raise ValueError(f"'{text}' is longer than a year (365d), the longest interval")
    return seconds


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def format_duration(seconds: float) -> str:
    """``seconds`` for people: 45s, 15m, 2h30m."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s" if whole or seconds <= 0 else f"{seconds:.2g}s"
    hours, minutes = divmod(round(whole / 60), 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"


@dataclass
class WatchSettings:
    every: float = 900.0  # seconds between polls of a source that brings something new each time
    max_every: float | None = None  # the longest interval after quiet polls or failures (None: 8 x every)
    cluster: bool = True  # cluster new articles into stories after each cycle
    fetch: FetchSettings = field(default_factory=FetchSettings)
    clustering: ClusterSettings | None = None

    def cap(self) -> float:
        return max(self.every, self.max_every if self.max_every is not None else self.every * QUIET_CAP)


@dataclass
class CycleSummary:
    """What one cycle did."""

    at: float  # epoch seconds when it began
    sources: int = 0  # sources listed
    polled: int = 0  # of them, due and polled
    new: int = 0  # new articles stored
    fresh: list[str] = field(default_factory=list)  # sources that brought something new
    not_modified: int = 0  # 304 answers, or local paths unchanged
    quiet: int = 0  # changed, but nothing new in them
    failed: list[tuple[str, str, float]] = field(default_factory=list)  # (source, reason, retry in seconds)
    clustering: ClusterSummary = field(default_factory=ClusterSummary)
    analyses: QueueSummary = field(default_factory=QueueSummary)
    next_due: float | None = None  # epoch seconds when the next source is due

    def line(self) -> str:
        """One line for the log: what was polled, what was new, what failed, when the next poll is."""
        stamp = datetime.fromtimestamp(self.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        if not self.polled and not self.failed:
            text = f"{stamp} nothing due of {self.sources} sources"
        else:
            text = (
                f"{stamp} polled {self.polled} of {self.sources} sources: {count(self.new, 'new article')}"
                f"{f' from {len(self.fresh)}' if self.fresh else ''}, {self.not_modified} not modified, "
                f"{self.quiet} unchanged, {len(self.failed)} failed"
            )
        if self.analyses.analysed or self.analyses.failed:
            text += f"; analysed {self.analyses.analysed} of the stories that changed"
            text += f" ({self.analyses.failed} failed)" if self.analyses.failed else ""
        if self.next_due is not None:
            text += f"; next poll in {format_duration(self.next_due - self.at)}"
        return text

    def failure_lines(self) -> list[str]:
        return [
            f"{source}: {reason} (retry in {format_duration(delay)})" if delay else f"{source}: {reason}"
            for source, reason, delay in self.failed
        ]


def reschedule(state: FeedState, polled: Polled, now: float, settings: WatchSettings) -> float:
    """Update ``state`` after ``polled`` and return the seconds until its next poll."""
    every, cap = settings.every, settings.cap()
    first = state.last_polled is None
    state.last_polled = now
    state.interval = min(cap, max(every, state.interval or every))  # settings may have changed
    if polled.outcome == FAILED:
        state.failures += 1
        state.last_error = polled.reason
        delay = min(cap, max(state.interval, every * 2**state.failures))
    else:
        state.failures = 0
        state.last_error = None
        if polled.outcome == FETCHED:
            state.etag, state.last_modified = polled.etag, polled.last_modified
        if polled.new:
            state.interval = every
            state.last_new = now
        elif not first:  # quiet: wait twice as long next time
            state.interval = min(cap, state.interval * 2)
        delay = state.interval
    state.next_poll = now + delay
    return delay


def store_polled(store: Store, polled: Sequence[Polled]) -> None:
    """Store the articles the polls read (one intake run, under the ingest lock); set each one's ``new``.

    When the corpus cannot take them (another ingest holds the lock), the polls
    that read something are marked failed, so their validators are not kept
    and the next poll fetches them again.
    """
    fetched = [p for p in polled if p.outcome == FETCHED and p.reads]
    if not fetched:
        return
    try:
        with store.ingest_lock():
            run = Ingest(store)
            for poll in fetched:
                before = run.summary.added
                for read in poll.reads:
                    run.take(read)
                run.flush()
                poll.new = run.summary.added - before
    except StoreError as error:
        for poll in fetched:
            poll.outcome, poll.reason, poll.reads = FAILED, f"not stored: {error}", []


def cluster_new(store: Store, settings: WatchSettings, embed: Embedder | None) -> ClusterSummary:
    """Cluster the articles waiting for it (new ones, and any an earlier run left)."""
    if not settings.cluster or not store.count_pending():
        return ClusterSummary()
    with store.ingest_lock():
        return StoryClusterer(store, settings.clustering, embed).cluster_pending()


def work_off_analyses(store: Store, settings: WatchSettings) -> QueueSummary:
    """Queue the stories a cycle changed and analyse them, as ``parallax ingest`` does at its end."""
    if not settings.cluster:
        return QueueSummary()  # nothing was clustered, so no story changed
    enqueue_stories(store)
    return work_queue(store)


def poll_due(
    store: Store,
    sources: Sequence[str],
    settings: WatchSettings | None = None,
    *,
    embed: Embedder | None = None,
    clock: Callable[[], float] = time.time,
) -> CycleSummary:
    """One cycle: poll every source that is due, store what is new, reschedule, cluster."""
    settings = settings or WatchSettings()
    now = clock()
    listed, problems = list_sources(sources)
    summary = CycleSummary(at=now, sources=len(listed))
    summary.failed.extend((source, reason, 0.0) for source, reason in problems)
    states = load_states(store)
    due = [source for source in listed if source not in states or states[source].next_poll <= now]
    fetcher = Fetcher(settings.fetch)  # one per cycle: robots.txt is read again each cycle
    try:
        polled = [
            poll_source(source, states[source].etag, states[source].last_modified, fetcher)
            if source in states
            else poll_source(source, None, None, fetcher)
            for source in due
        ]
    finally:
        fetcher.close()
    store_polled(store, polled)
    changed = []
    for poll in polled:
        state = states.setdefault(poll.source, FeedState(poll.source))
        delay = reschedule(state, poll, now, settings)
        changed.append(state)
        count_poll(summary, poll, delay)
    save_states(store, changed)
    summary.polled = len(polled)
    summary.clustering = cluster_new(store, settings, embed)
    summary.analyses = work_off_analyses(store, settings)
    upcoming = [states[source].next_poll for source in listed if source in states]
    summary.next_due = min(upcoming) if upcoming else None
    return summary


def count_poll(summary: CycleSummary, poll: Polled, delay: float) -> None:
    if poll.outcome == FAILED:
        summary.failed.append((poll.source, poll.reason, delay))
    elif poll.outcome == NOT_MODIFIED:
        summary.not_modified += 1
    elif poll.new:
        summary.new += poll.new
        summary.fresh.append(poll.source)
    else:
        summary.quiet += 1


def run_watch(
    store: Store,
    sources: Sequence[str],
    settings: WatchSettings | None = None,
    *,
    embed: Embedder | None = None,
    clock: Callable[[], float] = time.time,
    stop: threading.Event | None = None,
    on_cycle: Callable[[CycleSummary], None] | None = None,
    cycles: int | None = None,
) -> list[CycleSummary]:
    """Poll cycle after cycle until ``stop`` is set (or ``cycles`` have run), sleeping till one is due."""
    settings = settings or WatchSettings()
    stop = stop or threading.Event()
    done: list[CycleSummary] = []
    while not stop.is_set():
        summary = poll_due(store, sources, settings, embed=embed, clock=clock)
        done.append(summary)
        if on_cycle is not None:
            on_cycle(summary)
        if cycles is not None and len(done) >= cycles:
            break
        wait = settings.every if summary.next_due is None else summary.next_due - clock()
        stop.wait(max(wait, min(settings.every, 1.0)))
    return done
