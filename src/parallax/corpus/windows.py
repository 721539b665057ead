"""Story clustering partitioned by time window, with a reconciliation pass over the overlaps.

For a corpus loaded in one go (an archive, a first ingest), clustering need not
run on one thread. ``cluster_by_windows`` does it in four steps:

1. **cut**: the dated articles waiting to be clustered are cut into windows of
   ``WindowPlan.days`` days; each window overlaps the next by ``overlap`` days
   (by default ``ClusterSettings.window_days``, the longest gap the clusterer
   links across, so that any two articles it could link share a window);
2. **cluster**: each window is clustered as today, by its own in-memory
   ``StoryClusterer`` over a scratch SQLite store (``cluster_window``), with the
   lead vectors computed beforehand (nothing is embedded again) and the document
   frequencies of names and terms counted beforehand over the whole corpus
   (``corpus_counts``). The in-process path weighs each article by the articles
   that arrived before it; a window replays that for the corpus's first
   ``WindowPlan.exact`` arrivals (``parallax.corpus.arrival``: early pairs joined on
   thin frequencies are joined in the window too) and weighs the later ones as the
   whole corpus does. The windows are independent, so the caller may run them
   anywhere (``map_windows``: Ray tasks in ``parallax.engine.ray_engine``, a plain
   loop by default);
3. **reconcile** (``reconcile``): an article in an overlap belongs to a story in
   each of its two windows. Two such stories merge (union-find) when the
   articles they share are at least half of the overlap members of either
   one, so a single article placed differently in two windows does not chain
   two stories together. An overlap article whose two stories stay apart goes
   to the window whose middle is nearer its date; a near-duplicate always
   follows its original. The result is deterministic: it depends on the
   articles and their dates, never on the order windows finish in;
4. **write and settle**: the stories go into the store as the in-process path
   writes them (new story ids, memberships, features, one create, join or
   duplicate event per article). The driver's ordinary clusterer then checks
   every story the reconciliation merged (``StoryClusterer.settle``, the split
   check that undoes a hub story's snowballing) and places the undated articles,
   which the windows leave out: with no date they may join any story, exactly as
   in the in-process path.

A corpus that already holds clustered articles is clustered incrementally on
the driver instead (``plan_applies``): windows start from nothing, so they
cannot see the stories already stored.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from parallax.corpus.arrival import ArrivalFrequencies, EarlyArrivals, early_postings
from parallax.corpus.bags import Bag, DocumentCounts, FixedFrequencies, Frequencies
from parallax.corpus.features import lead_text
from parallax.corpus.pairs import ClusterSettings, date_number, names_bag
from parallax.corpus.rows import ClusterBatch, StoredArticle
from parallax.corpus.store import Store
from parallax.corpus.stories import (
    ClusterSummary,
    Embedder,
    Progress,
    StoryClusterer,
    article_features,
    default_embedder,
)
from parallax.model import Article

Node = tuple[int, int]  # (window number, story id inside that window)


@dataclass(frozen=True)
class WindowPlan:
    """How to cut a corpus into windows: ``days`` long, each overlapping the next by ``overlap`` days;
    the first ``exact`` arrivals are weighed as the in-process path weighs them (``arrival``)."""

    days: int = 14
    overlap: int = 7
    exact: int = 5000

    def __post_init__(self) -> None:
        if self.overlap < 0 or self.days <= self.overlap:
            raise ValueError(
                f"a window of {self.days} days cannot overlap the next by {self.overlap} days "
                "(the overlap must be at least 0 and shorter than the window)"
            )

    @property
    def step(self) -> int:
        return self.days - self.overlap


@dataclass(frozen=True)
class CorpusCounts:
    """Document frequencies of names, terms and lead terms over every article being clustered."""

    names: DocumentCounts
    terms: DocumentCounts
    leads: DocumentCounts
    early: EarlyArrivals | None = None  # the first arrivals' buckets, replayed in each window


@dataclass
class Window:
    """One window's articles (in arrival order) and their lead vectors; ``start``: its first day;
    ``counts``: the corpus-wide document frequencies its clusterer weighs words by (None: its own);
    ``early``: the postings that replay the first arrivals' frequencies (None: the corpus-wide ones only)."""

    number: int
    start: int
    articles: list[StoredArticle]
    vectors: np.ndarray
    counts: CorpusCounts | None = None
    early: EarlyArrivals | None = None


@dataclass
class WindowResult:
    """What clustering one window gave: per article its story in the window and the original it copies."""

    number: int
    start: int
    story_of: dict[int, int]
    dup_of: dict[int, int | None]
    features: dict[int, tuple[bytes, bytes, str]]  # article -> (vector, signature, names JSON)
    splits: int = 0


@dataclass
class Reconciled:
    """Final stories (article ids, each sorted, ordered by their first article) and what it took."""

    stories: list[list[int]]
    owner: dict[int, int]  # article -> the window whose placement and features it keeps
    merges: int = 0
    moved: int = field(default=0)  # overlap articles whose two stories stayed apart


def windows_of(day: int, first: int, plan: WindowPlan) -> range:
    """Numbers of the windows that hold ``day`` (window k covers first + k*step .. + days - 1)."""
    offset = day - first
    low = max(0, -(-(offset - plan.days + 1) // plan.step))
    return range(low, offset // plan.step + 1)


def cut_windows(
    articles: Sequence[StoredArticle], plan: WindowPlan
) -> tuple[dict[int, list[int]], list[int]]:
    """Article ids per window number (arrival order inside each), and the ids of undated articles."""
    days = {a.id: date_number(a.published) for a in articles}
    dated = [d for d in days.values() if d is not None]
    if not dated:
        return {}, [a.id for a in articles]
    first = min(dated)
    windows: dict[int, list[int]] = {}
    for article in sorted(articles, key=lambda a: a.id):
        day = days[article.id]
        if day is None:
            continue
        for number in windows_of(day, first, plan):
            windows.setdefault(number, []).append(article.id)
    return dict(sorted(windows.items())), [i for i, d in days.items() if d is None]


def scratch_article(article: StoredArticle) -> Article:
    """The model Article that stores ``article`` again in a scratch store, with the same content hash."""
    return Article(
        id=article.key,
        source=article.source,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        language=article.language,  # type: ignore[arg-type]  # None stays None, as in the corpus
        original=article.text,
    )


def known_vectors(leads: Sequence[str], vectors: np.ndarray) -> Embedder:
    """An embedder that answers from the window's vectors, computed before (it never loads a model)."""
    rows = {text: vectors[i] for i, text in enumerate(leads)}

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.vstack([rows[t] for t in texts]).astype(np.float32)

    return embed


def corpus_counts(
    articles: Sequence[StoredArticle], settings: ClusterSettings, exact: int = 0
) -> CorpusCounts:
    """Count every article's names, terms and lead terms once, on the driver, before the windows run;
    keep the buckets of the first ``exact`` arrivals (``arrival.early_postings``).

    A window that counted only its own articles would weigh words by a few
    hundred documents, and differently in every window; the in-process path
    weighs them by everything that arrived before, and its settling pass by the
    whole corpus. Each window weighs them by everything that arrived before for
    the first ``exact`` arrivals, and by the whole corpus after them."""
    names, terms, leads = Frequencies(), Frequencies(), Frequencies()
    early: tuple[list[int], list[Bag], list[Bag], list[Bag]] = ([], [], [], [])
    for article in sorted(articles, key=lambda a: a.id):
        article_names, term_counts, lead_counts = article_features(article, settings)
        bags = (names_bag(article_names), Bag.from_counts(term_counts), Bag.from_counts(lead_counts))
        for counts, bag in zip((names, terms, leads), bags, strict=True):
            counts.add(bag)
        if len(early[0]) < exact:
            early[0].append(article.id)
            for kept, bag in zip(early[1:], bags, strict=True):
                kept.append(bag)
    return CorpusCounts(
        names.counts(), terms.counts(), leads.counts(), early_postings(*early) if exact else None
    )


class WindowClusterer(StoryClusterer):
    """The in-process clusterer over a window's scratch store, weighing words by ``ArrivalFrequencies``
    advanced to each article as it arrives (``arrival_of``: scratch id -> corpus id)."""

    def __init__(
        self,
        store: Store,
        settings: ClusterSettings,
        embed: Embedder,
        counts: CorpusCounts,
        early: EarlyArrivals,
        arrival_of: dict[int, int],
    ) -> None:
        self.arrival_of = arrival_of
        self.arrivals = (
            ArrivalFrequencies(early.ids, early.names, counts.names),
            ArrivalFrequencies(early.ids, early.terms, counts.terms),
            ArrivalFrequencies(early.ids, early.leads, counts.leads),
        )
        super().__init__(store, settings, embed)  # a scratch store: nothing to load
        self.name_freq, self.term_freq, self.lead_freq = self.arrivals

    def keep_features(
        self, article_id: int, names: list[str], term_counts: dict[int, int], lead_counts: dict[int, int]
    ) -> None:
        arrival = self.arrival_of.get(article_id)
        if arrival is not None:
            for frequencies in self.arrivals:
                frequencies.advance(arrival)
        super().keep_features(article_id, names, term_counts, lead_counts)

    def settle(self, stories: set[int], summary: ClusterSummary) -> ClusterBatch:
        for frequencies in self.arrivals:  # the in-process settling pass weighs by the whole corpus
            frequencies.finish()
        return super().settle(stories, summary)


def cluster_window(window: Window, settings: ClusterSettings) -> WindowResult:
    """Cluster one window by itself, as the in-process path would cluster those articles alone."""
    from parallax.corpus.connect import open_store

    leads = [lead_text(a.title, a.text, settings.lead_chars) for a in window.articles]
    with (
        tempfile.TemporaryDirectory(prefix="parallax-window-") as folder,
        open_store(str(Path(folder) / "window.db")) as scratch,
    ):
        added = scratch.add_articles(
            [scratch_article(a) for a in window.articles], [a.content_hash for a in window.articles]
        ).added
        if len(added) != len(window.articles):
            raise ValueError(f"window {window.number}: articles with the same content hash")
        global_id = {local: a.id for local, a in zip(added, window.articles, strict=True)}
        embed = known_vectors(leads, window.vectors)
        clusterer = (
            WindowClusterer(scratch, settings, embed, window.counts, window.early, global_id)
            if window.counts is not None and window.early is not None
            else StoryClusterer(scratch, settings, embed)
        )
        if window.counts is not None and window.early is None:
            clusterer.name_freq = FixedFrequencies(window.counts.names)
            clusterer.term_freq = FixedFrequencies(window.counts.terms)
            clusterer.lead_freq = FixedFrequencies(window.counts.leads)
        summary = clusterer.cluster_pending()
        rows = scratch.rows("SELECT id, story_id, dup_of FROM articles")
        features = scratch.rows("SELECT article_id, vector, signature, names FROM features")
    return WindowResult(
        number=window.number,
        start=window.start,
        story_of={global_id[int(a)]: int(s) for a, s, _ in rows},
        dup_of={global_id[int(a)]: None if d is None else global_id[int(d)] for a, _, d in rows},
        features={global_id[int(a)]: (bytes(v), bytes(g), str(n)) for a, v, g, n in features},
        splits=summary.split,
    )


def cluster_windows_here(windows: Sequence[Window], settings: ClusterSettings) -> list[WindowResult]:
    """Every window clustered in this process, one after another (the default ``map_windows``)."""
    return [cluster_window(w, settings) for w in windows]


class Partition:
    """Union-find over window stories; the smallest node of each set is its root."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, node: Node) -> Node:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: Node, b: Node) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        low, high = sorted((ra, rb))
        self.parent[high] = low
        return True


def reconcile(results: Sequence[WindowResult], days: dict[int, int], plan: WindowPlan) -> Reconciled:
    """Join the windows' stories across their overlaps (see the module docstring, step 3)."""
    placed: dict[int, list[WindowResult]] = {}
    for result in sorted(results, key=lambda r: r.number):
        for article in result.story_of:
            placed.setdefault(article, []).append(result)
    shared: Counter[tuple[Node, Node]] = Counter()
    in_overlap: Counter[tuple[Node, int]] = Counter()  # (story, the other window) -> its overlap members
    for article, where in placed.items():
        for left, right in itertools.pairwise(where):
            a, b = (left.number, left.story_of[article]), (right.number, right.story_of[article])
            shared[(a, b)] += 1
            in_overlap[(a, right.number)] += 1
            in_overlap[(b, left.number)] += 1
    partition = Partition()
    merges = 0
    for (a, b), count in sorted(shared.items()):
        if 2 * count >= max(in_overlap[(a, b[0])], in_overlap[(b, a[0])]):
            merges += partition.union(a, b)
    root_of: dict[int, Node] = {}
    owner: dict[int, int] = {}
    moved = 0
    for article, where in sorted(placed.items()):
        middle = [abs(days[article] - (r.start + plan.days / 2)) for r in where]
        best = where[min(range(len(where)), key=lambda i: (middle[i], where[i].number))]
        roots = {partition.find((r.number, r.story_of[article])) for r in where}
        moved += len(roots) > 1
        root_of[article] = partition.find((best.number, best.story_of[article]))
        owner[article] = best.number
    for article, where in placed.items():  # a near-duplicate follows its original
        original = next((r.dup_of[article] for r in where if r.number == owner[article]), None)
        if original is not None and original in root_of:
            root_of[article] = root_of[original]
    groups: dict[Node, list[int]] = {}
    for article in sorted(root_of):
        groups.setdefault(root_of[article], []).append(article)
    stories = sorted(groups.values(), key=lambda g: g[0])
    return Reconciled(stories=stories, owner=owner, merges=merges, moved=moved)


def plan_applies(store: Store, pending: Sequence[StoredArticle], plan: WindowPlan) -> bool:
    """Whether windows are worth it: nothing clustered yet, and the dated articles span two windows."""
    if store.scalar("SELECT COUNT(*) FROM articles WHERE clustered = 1"):
        return False
    dated = [d for a in pending if (d := date_number(a.published)) is not None]
    return bool(dated) and max(dated) - min(dated) >= plan.days


def make_windows(
    articles: Sequence[StoredArticle], plan: WindowPlan, settings: ClusterSettings, embed: Embedder
) -> tuple[list[Window], list[int]]:
    """The windows of ``articles`` with their lead vectors (embedded once, here) and the corpus-wide
    document frequencies (counted once, here), and the undated ids."""
    by_id = {a.id: a for a in articles}
    numbers, undated = cut_windows(articles, plan)
    ordered = sorted(i for i in by_id if i not in set(undated))
    leads = [lead_text(by_id[i].title, by_id[i].text, settings.lead_chars) for i in ordered]
    vectors = embed(leads) if leads else np.zeros((0, 0), dtype=np.float32)
    row = {article_id: n for n, article_id in enumerate(ordered)}
    first = min((d for a in articles if (d := date_number(a.published)) is not None), default=0)
    counts = corpus_counts(articles, settings, plan.exact)
    shared = replace(counts, early=None)  # each window gets only the early postings it needs
    windows = [
        Window(
            number,
            first + number * plan.step,
            [by_id[i] for i in ids],
            vectors[[row[i] for i in ids]],
            shared,
            None if counts.early is None else counts.early.for_window(ids),
        )
        for number, ids in numbers.items()
    ]
    return windows, undated


def window_label(result: WindowResult) -> str:
    return date.fromordinal(result.start).isoformat()


def batch_of(store: Store, results: Sequence[WindowResult], joined: Reconciled) -> ClusterBatch:
    """The store changes for the reconciled stories: new stories, memberships, features, events."""
    batch = ClusterBatch()
    by_number = {r.number: r for r in results}
    next_id = store.next_story_id()
    for members in joined.stories:
        sid = next_id
        next_id += 1
        batch.new_stories.append(sid)
        batch.touched.add(sid)
        for position, article in enumerate(members):
            result = by_number[joined.owner[article]]
            original = result.dup_of[article]
            batch.assigned[article] = (sid, original)
            vector, signature, names = result.features[article]
            batch.features.append((article, vector, signature, names))
            kind = "duplicate" if original is not None else "create" if position == 0 else "join"
            detail: dict[str, object] = {"window": window_label(result)}
            if original is not None:
                detail["of"] = original
            batch.events.append((kind, sid, None, article, detail))
    return batch


MapWindows = Callable[[Sequence[Window], ClusterSettings], list[WindowResult]]


def cluster_by_windows(
    store: Store,
    plan: WindowPlan,
    *,
    settings: ClusterSettings | None = None,
    embed: Embedder | None = None,
    map_windows: MapWindows = cluster_windows_here,
    progress: Progress | None = None,
) -> ClusterSummary:
    """Cluster every pending article window by window, reconcile, write; then settle on the driver."""
    settings = settings or ClusterSettings()
    pending = store.pending_articles(2**62)
    windows, undated = make_windows(pending, plan, settings, embed or default_embedder)
    results = map_windows(windows, settings)
    days = {a.id: d for a in pending if (d := date_number(a.published)) is not None}
    joined = reconcile(results, days, plan)
    batch = batch_of(store, results, joined)
    store.save_cluster_batch(batch)
    if progress is not None:
        progress(len(batch.assigned))
    summary = ClusterSummary(
        clustered=len(batch.assigned),
        duplicates=sum(1 for _, dup in batch.assigned.values() if dup is not None),
        created=len(joined.stories),
        merged=joined.merges,
        split=sum(r.splits for r in results),
    )
    summary.joined = summary.clustered - summary.duplicates - summary.created
    driver = StoryClusterer(store, settings, embed)
    spanning = {batch.assigned[s[0]][0] for s in joined.stories if len({joined.owner[a] for a in s}) > 1}
    store.save_cluster_batch(driver.settle(spanning, summary))
    if undated:  # placed one by one against every story, as the in-process path places them
        rest = driver.cluster_pending(progress)
        for name in ("clustered", "duplicates", "created", "joined", "merged", "split"):
            setattr(summary, name, getattr(summary, name) + getattr(rest, name))
    else:
        driver.vectors.save()
    return summary
