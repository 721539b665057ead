"""Ingest into a corpus: read sources, store new articles, cluster them into stories.

Resumable and idempotent. Articles are stored in batches, one transaction each,
keyed by a content hash; a re-run (after an interruption, even ``kill -9``)
reads the sources again, skips what is stored and adds the rest. Clustering
then picks up every article not yet clustered. Each record that cannot be read
is logged in the corpus with its reason and counted in the summary.

Before storing, each new article goes through the cleaning stage's per-article
step (``parallax.clean.furniture.clean_article``, about 2 ms an article) on a
copy, only to fill the outlet and publication date that a dateline or outlet
tag gives ("PORT VELDAN, March 12 (Veldan Herald) –") when the source did not
say them: the story list, the clustering time window and the web filters need
them. The original text is stored unchanged; analyses clean it again.

From the moment a batch of new articles is stored, their titles and leads are
embedded in background threads (``parallax.corpus.embedding.LeadPrefetch``) while
reading, storing and clustering go on; the clusterer takes the vectors from there.

Sources are read by ``parallax.ingest.iter_sources``, the same readers and
rules as ``parallax analyze``: folders (read recursively), ``.jsonl``,
``.jsonl.gz`` and ``.ndjson`` records, ``.json``, feeds (``.rss``, ``.atom``,
``.xml``), web archives (``.warc``, ``.warc.gz``), URL lists (``.urls``),
http(s) URLs (a feed or a page), text, Markdown and HTML files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from parallax.clean.furniture import clean_article
from parallax.corpus import stories as story_module
from parallax.corpus.embedding import LeadPrefetch
from parallax.corpus.features import content_hash, lead_text
from parallax.corpus.outlets import link_articles
from parallax.corpus.queue import enqueue_stories
from parallax.corpus.store import Store
from parallax.corpus.stories import ClusterSettings, ClusterSummary, Embedder, StoryClusterer
from parallax.errors import StoreError
from parallax.ingest.sources import Read, iter_sources
from parallax.ingest.urls import Fetcher, FetchSettings
from parallax.model import Article, Skipped
from parallax.options import Options

if TYPE_CHECKING:
    from parallax.engine.base import Engine

STORE_BATCH = 500

# (stage, count): stage is "read" (records read) or "cluster" (articles clustered)
ProgressFn = Callable[[str, int], None]
LeadSink = Callable[[Sequence[Article]], None]


@dataclass
class IngestSummary:
    read: int = 0  # articles read from the sources
    added: int = 0  # new articles stored
    already: int = 0  # articles whose content was already stored
    conflicts: list[str] = field(default_factory=list)  # ids stored before with other content
    errors: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    clustering: ClusterSummary = field(default_factory=ClusterSummary)
    queued: int = 0  # stories queued for analysis (new, or their members changed)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        c = self.clustering
        out = [
            f"read {self.read} articles: {self.added} new, {self.already} already in the corpus",
            f"{self.errors} records could not be read" + (":" if self.errors else ""),
        ]
        out.extend(f"  {n} x {reason}" for reason, n in self.reasons.most_common(10))
        if self.conflicts:
            shown = ", ".join(self.conflicts[:5]) + (" ..." if len(self.conflicts) > 5 else "")
            out.append(
                f"{len(self.conflicts)} ids were already stored with other content; both kept: {shown}"
            )
        out.append(
            f"clustered {c.clustered}: {c.created} new stories, {c.joined} joined a story, "
            f"{c.duplicates} near-duplicates, {c.merged} merges, {c.split} splits"
        )
        out.append(f"{self.queued} stories queued for analysis")
        return out


def short_reason(reason: str) -> str:
    """A reason without its particulars, for counting alike errors together."""
    reason = re.sub(r"^(line|entry|record) \d+(?: \([^)]*\))?:? ", "", reason)
    return reason.split(" (", 1)[0].split(";", 1)[0]


def record_of(read: Read) -> str | None:
    """Where in its origin a skipped item was (a line, an entry, a URL), or None for the whole origin."""
    prefix = read.origin + "#"
    return read.item.source[len(prefix) :] if read.item.source.startswith(prefix) else None


def fill_metadata(article: Article) -> Article:
    """``article`` with the outlet and date its cleaning finds (datelines, outlet tags) where missing.

    Cleaning runs on a copy, so the stored article keeps its original text and
    none of the cleaning results; an article that fails to clean is kept as read.
    """
    if article.outlet and article.published:
        return article
    probe = dataclasses.replace(
        article, kept=[], removed=[], captions=[], provenance=[], warnings=[], sentences=[]
    )
    try:
        clean_article(probe)
    except Exception:  # metadata is a bonus: the article is stored regardless
        return article
    if probe.outlet == article.outlet and probe.published == article.published:
        return article
    return dataclasses.replace(
        article, outlet=article.outlet or probe.outlet, published=article.published or probe.published
    )


class Ingest:
    """One ingest run into a store (use ``ingest()`` for the whole thing)."""

    def __init__(
        self,
        store: Store,
        progress: ProgressFn | None = None,
        *,
        filled: bool = False,
        leads: LeadSink | None = None,
    ) -> None:
        self.store = store
        self.leads = leads  # told the title+lead of each article stored (``LeadPrefetch.submit``)
        self.filled = filled  # the reader already filled each article's outlet and date
        self.progress = progress or (lambda stage, n: None)
        self.summary = IngestSummary()
        self.known = self.load_hashes()
        self.pending: list[Article] = []
        self.hashes: list[str] = []
        self.errors: list[tuple[str, str | None, str]] = []

    def load_hashes(self) -> set[str]:
        return {h for (h,) in self.store.rows("SELECT content_hash FROM articles")}

    def take(self, read: Read) -> None:
        item = read.item
        if isinstance(item, Skipped):
            self.summary.errors += 1
            self.summary.reasons[short_reason(item.reason)] += 1
            self.errors.append((read.origin, record_of(read), item.reason))
            if len(self.errors) >= STORE_BATCH:
                self.flush()
            return
        self.summary.read += 1
        self.progress("read", 1)
        digest = content_hash(item.title, item.original)
        if digest in self.known:
            self.summary.already += 1
            return
        self.known.add(digest)
        self.pending.append(item if self.filled else fill_metadata(item))
        self.hashes.append(digest)
        if len(self.pending) >= STORE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            outcome = self.store.add_articles(self.pending, self.hashes)
            if self.leads is not None:
                self.leads(self.pending)
            self.summary.added += len(outcome.added)
            self.summary.already += outcome.duplicates
            self.summary.conflicts.extend(outcome.conflicts)
            self.pending = []
            self.hashes = []
        if self.errors:
            self.store.log_errors(self.errors)
            self.errors = []


@contextlib.contextmanager
def closing_prefetch(prefetch: LeadPrefetch | None) -> Iterator[None]:
    try:
        yield
    finally:
        if prefetch is not None:
            prefetch.close()


def pending_leads(store: Store, settings: ClusterSettings) -> list[str]:
    """The lead of every article waiting to be clustered, as the clusterer embeds it."""
    return [lead_text(a.title, a.text, settings.lead_chars) for a in store.pending_articles(2**62)]


def ingest(
    store: Store,
    sources: Sequence[str],
    *,
    settings: ClusterSettings | None = None,
    fetch: FetchSettings | None = None,
    embed: Embedder | None = None,
    progress: ProgressFn | None = None,
    cluster: bool = True,
    options: Options | None = None,
    engine: Engine | None = None,
) -> IngestSummary:
    """Read ``sources`` into ``store``, cluster what is new and queue the stories that need an
    analysis with ``options`` (``parallax.corpus.queue.work_queue`` analyses them); returns the counts.

    ``engine`` (``parallax.engine``) reads the sources and embeds the new leads
    elsewhere (Ray); without one, everything runs in this process."""
    began = time.perf_counter()
    fetcher = Fetcher(fetch or FetchSettings())
    reads: Iterator[Read] = (
        iter_sources(sources, fetcher) if engine is None else engine.read(sources, fetch or FetchSettings())
    )
    chosen = settings or ClusterSettings()
    # Without an engine or an embedder of the caller's, leads are embedded in a thread from the
    # moment their articles are stored, alongside the reading and the clustering.
    prefetch = (
        LeadPrefetch(lambda texts: story_module.default_embedder(texts))
        if cluster and embed is None and engine is None
        else None
    )
    leads: LeadSink | None = None
    if prefetch is not None:
        leads = lambda articles: prefetch.submit(  # noqa: E731
            lead_text(a.title, a.original, chosen.lead_chars) for a in articles
        )
        embed = prefetch
    with store.ingest_lock(), closing_prefetch(prefetch):
        run = Ingest(store, progress, filled=engine is not None and engine.fills_metadata, leads=leads)
        try:
            for read in reads:
                run.take(read)
            run.flush()
            link_articles(store)  # each new article to its outlet (parallax.corpus.outlets)
        except StoreError as exc:  # the failed batch was rolled back; what came before it is stored
            raise type(exc)(
                f"{exc}. {run.summary.added} new articles were stored before the failure and stay; "
                "running the same command again adds only what is missing"
            ) from exc
        except BaseException:
            run.flush()  # an interruption: keep what was read before it
            raise
        finally:
            fetcher.close()
        if cluster:
            report = progress or (lambda stage, n: None)
            report("cluster", 0)
            if embed is None and engine is not None:
                embed = engine.embedder(lambda: pending_leads(store, settings or ClusterSettings()))
            step = lambda n: report("cluster", n)  # noqa: E731
            windowed = engine.cluster(store, settings, embed, step) if engine is not None else None
            run.summary.clustering = windowed or StoryClusterer(store, settings, embed).cluster_pending(step)
            run.summary.queued = enqueue_stories(store, options)
    run.summary.seconds = time.perf_counter() - began
    return run.summary
