"""The Ray engine: the same stages as the local engine, spread over a Ray cluster.

- reading and cleaning: one Ray task per input file (a folder's files, each
  JSONL(.gz), WARC(.gz) or feed; a URL is one task), results taken in input order
  so that articles get the same ids as with the local engine;
- embedding: the leads of every article waiting to be clustered go through a
  Ray Data actor pool (``map_batches`` with ``LeadEncoder``, which loads the
  model once per actor, ``concurrency=workers``) before clustering starts;
- clustering: on the driver, the in-process clusterer with those vectors; or, with
  a ``WindowPlan`` (``--cluster-windows``) and a corpus with nothing clustered yet,
  by time window, the windows spread over Ray tasks and reconciled on the driver
  (``parallax.corpus.windows``);
- analysis: one Ray task per queued story (``parallax.engine.ray_queue``); the
  driver claims each story and writes each result through the queue, so a
  worker killed mid-task costs a retry (Ray's ``max_retries``), never a story
  lost or saved twice.

Ray is imported here only: ``make_engine("ray")`` without it raises
``EngineUnavailable`` saying what to install.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parallax.errors import EngineUnavailable
from parallax.ingest.sanitise import sanitise_skipped
from parallax.ingest.sources import URL_SCHEMES, Read, expand, iter_sources
from parallax.model import Article, Skipped

if TYPE_CHECKING:
    from parallax.corpus.pairs import ClusterSettings
    from parallax.corpus.queue import ProgressFn, QueueSummary
    from parallax.corpus.store import Store
    from parallax.corpus.stories import ClusterSummary, Embedder, Progress
    from parallax.corpus.windows import Window, WindowPlan, WindowResult
    from parallax.ingest.urls import FetchSettings
    from parallax.options import Options

INSTALL_HINT = "the Ray engine needs Ray: pip install 'parallax-news[ray]'"
LOCAL_OBJECT_STORE = 1 << 30  # bytes of shared memory a local cluster started here may use
EMBED_BATCH = 64
WINDOW_TASKS_PER_WORKER = 4  # window chunks per worker: small enough to balance, big enough to amortise


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # the lead encoder's actor pool; missing when only plain ``ray`` is installed
    except ImportError as error:
        raise EngineUnavailable(f"{INSTALL_HINT} ({error})") from error
    return ray


def quiet_ray() -> None:
    """Keep Ray's start-up notices, warnings and its C++ core's log lines off the terminal (errors stay)."""
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def list_shards(sources: Sequence[str]) -> Iterator[str | Read]:
    """Each readable file or URL of the sources (a task each), or the Skipped of an unreadable one,
    in the order ``iter_sources`` reads them."""
    for given in sources:
        if given.lower().startswith(URL_SCHEMES):
            yield given
            continue
        for path, problem in expand(Path(given)):
            if problem:
                yield Read(str(path), sanitise_skipped(Skipped(str(path), problem)))
            else:
                yield str(path)


def read_shard(shard: str, fetch: FetchSettings) -> list[Read]:
    """Every item of one file or URL, each article with its outlet and date filled (runs on a worker)."""
    from parallax.corpus.intake import fill_metadata
    from parallax.ingest.urls import Fetcher

    fetcher = Fetcher(fetch)
    try:
        return [
            Read(r.origin, fill_metadata(r.item)) if isinstance(r.item, Article) else r
            for r in iter_sources([shard], fetcher)
        ]
    finally:
        fetcher.close()


class LeadEncoder:
    """A Ray Data actor: loads the lead model once, then embeds batches of ``text`` rows."""

    def __init__(self) -> None:
        from parallax.corpus.embedding import load_lead_model

        load_lead_model()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from parallax.corpus.embedding import embed_leads

        return {"i": batch["i"], "vector": embed_leads([str(t) for t in batch["text"]])}


class LeadTable:
    """An embedder that answers from vectors computed beforehand, and embeds anything else here."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.rows = {text: vectors[i] for i, text in enumerate(texts)}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.rows]
        if missing:
            from parallax.corpus.embedding import embed_leads

            for text, vector in zip(missing, embed_leads(missing), strict=True):
                self.rows[text] = vector
        if not texts:
            from parallax.corpus.vectors import DIM

            return np.zeros((0, DIM), dtype=np.float32)
        return np.vstack([self.rows[t] for t in texts]).astype(np.float32)


def cluster_window_chunk(windows: list[Window], settings: ClusterSettings) -> list[WindowResult]:
    """Several windows, each clustered by itself (runs on a worker)."""
    from parallax.corpus.windows import cluster_windows_here

    return cluster_windows_here(windows, settings)


def chunk_windows(windows: Sequence[Window], chunks: int) -> list[list[Window]]:
    """Consecutive windows in at most ``chunks`` groups of about the same number of articles."""
    total = sum(len(w.articles) for w in windows)
    target = max(1, -(-total // max(1, chunks)))
    out: list[list[Window]] = [[]]
    size = 0
    for window in windows:
        if out[-1] and size + len(window.articles) > target:
            out.append([])
            size = 0
        out[-1].append(window)
        size += len(window.articles)
    return [c for c in out if c]


class RayEngine:
    """Runs reading, embedding and analysis on Ray; the driver (this process) writes the store."""

    name = "ray"
    fills_metadata = True

    def __init__(
        self, *, address: str | None = None, workers: int | None = None, plan: WindowPlan | None = None
    ) -> None:
        quiet_ray()
        self.plan = plan  # cluster by time window (``parallax.corpus.windows``); None: on the driver
        self.ray = import_ray()
        self.started = False
        if not self.ray.is_initialized():
            settings: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.ERROR,
            }
            if address is None:  # a new local cluster for this run only, never one found running
                settings |= {"num_cpus": workers or 2, "object_store_memory": LOCAL_OBJECT_STORE}
            try:
                self.ray.init(address=address or "local", **settings)
            except (ConnectionError, RuntimeError, ValueError) as error:
                where = f"the Ray cluster at '{address}'" if address else "a local Ray cluster"
                raise EngineUnavailable(f"cannot start or reach {where}: {error}") from error
            self.started = True
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, min(workers or cpus, cpus))
        self.remote_read = self.ray.remote(read_shard)
        self.remote_windows = self.ray.remote(max_retries=3)(cluster_window_chunk)
        context = self.ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False

    # -- reading -----------------------------------------------------------------------------------

    def read(self, sources: Sequence[str], fetch: FetchSettings) -> Iterator[Read]:
        """Reads the files in parallel, at most ``2 * workers`` at a time, and yields in input order."""
        window: deque[Any] = deque()
        for shard in list_shards(sources):
            window.append(shard if isinstance(shard, Read) else self.remote_read.remote(shard, fetch))
            while len(window) > 2 * self.workers:
                yield from self.take_shard(window.popleft())
        while window:
            yield from self.take_shard(window.popleft())

    def take_shard(self, shard: Read | Any) -> list[Read]:
        return [shard] if isinstance(shard, Read) else list(self.ray.get(shard))

    # -- embedding ---------------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` from an actor pool of ``workers`` lead encoders, in input order."""
        from parallax.corpus.vectors import DIM

        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        rows = [{"i": i, "text": t} for i, t in enumerate(texts)]
        actors = max(1, min(self.workers, -(-len(texts) // EMBED_BATCH)))  # no idle model loads
        encoded = self.ray.data.from_items(rows).map_batches(
            LeadEncoder,
            compute=self.ray.data.ActorPoolStrategy(size=actors),
            batch_size=EMBED_BATCH,
            batch_format="numpy",
            num_cpus=1,
        )
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for batch in encoded.iter_batches(batch_size=1024, batch_format="numpy"):
            out[np.asarray(batch["i"], dtype=np.int64)] = np.stack(list(batch["vector"]))
        return out

    def embedder(self, leads: Callable[[], list[str]]) -> Embedder | None:
        texts = list(dict.fromkeys(leads()))
        return LeadTable(texts, self.embed(texts))

    # -- clustering --------------------------------------------------------------------------------

    def map_windows(self, windows: Sequence[Window], settings: ClusterSettings) -> list[WindowResult]:
        """Every window clustered on Ray, a few consecutive windows a task; results in window order."""
        chunks = chunk_windows(windows, self.workers * WINDOW_TASKS_PER_WORKER)
        pending = [self.remote_windows.remote(chunk, settings) for chunk in chunks]
        return [result for done in self.ray.get(pending) for result in done]

    def cluster(
        self,
        store: Store,
        settings: ClusterSettings | None,
        embed: Embedder | None,
        progress: Progress | None = None,
    ) -> ClusterSummary | None:
        """Cluster by time window when a plan is set and the corpus suits it; None: cluster on the driver."""
        from parallax.corpus.pairs import ClusterSettings
        from parallax.corpus.windows import cluster_by_windows, plan_applies

        if self.plan is None or not plan_applies(store, store.pending_articles(2**62), self.plan):
            return None
        return cluster_by_windows(
            store,
            self.plan,
            settings=settings or ClusterSettings(),
            embed=embed,
            map_windows=self.map_windows,
            progress=progress,
        )

    # -- analysis ----------------------------------------------------------------------------------

    def analyse(
        self,
        store: Store,
        options: Options | None,
        *,
        limit: int | None = None,
        progress: ProgressFn | None = None,
        stop: threading.Event | None = None,
    ) -> QueueSummary:
        from parallax.engine.ray_queue import work_queue_on_ray

        return work_queue_on_ray(
            self.ray, store, options, self.workers, limit=limit, progress=progress, stop=stop
        )

    def close(self) -> None:
        if self.started and self.ray.is_initialized():
            self.ray.shutdown()
        self.started = False
