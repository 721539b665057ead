"""The engine interface: the four things ingest and analysis hand to an engine.

1. ``read``: reading and cleaning the sources (the cleaning only fills an
   article's missing outlet and date, as ``intake.fill_metadata`` does);
2. ``embedder``: embedding the leads of the articles waiting to be clustered;
3. ``cluster``: clustering stays on the driver (``corpus.stories.StoryClusterer``)
   unless the engine partitions it by time window (``corpus.windows``; the Ray
   engine with a ``WindowPlan``), whose reconciled stories agree with the
   driver's (BCubed >= 0.99, tests/test_engine_windows.py);
4. ``analyse``: working off the analysis queue, one task per story, every
   result written through the queue's claim/finish (``corpus.queue``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import threading

    from parallax.corpus.pairs import ClusterSettings
    from parallax.corpus.queue import ProgressFn, QueueSummary
    from parallax.corpus.store import Store
    from parallax.corpus.stories import ClusterSummary, Embedder, Progress
    from parallax.ingest.sources import Read
    from parallax.ingest.urls import FetchSettings
    from parallax.options import Options

ENGINES = ("local", "ray")


class Engine(Protocol):
    name: str
    workers: int
    fills_metadata: bool  # whether ``read`` already filled each article's outlet and date

    def read(self, sources: Sequence[str], fetch: FetchSettings) -> Iterator[Read]:
        """Every Article and Skipped of the sources, in the order ``iter_sources`` gives them."""
        ...

    def embedder(self, leads: Callable[[], list[str]]) -> Embedder | None:
        """An embedder for clustering that has ``leads()`` ready, or None to embed as clustering goes."""
        ...

    def cluster(
        self,
        store: Store,
        settings: ClusterSettings | None,
        embed: Embedder | None,
        progress: Progress | None = None,
    ) -> ClusterSummary | None:
        """Cluster the pending articles the engine's own way, or None to leave it to ``StoryClusterer``."""
        ...

    def analyse(
        self,
        store: Store,
        options: Options | None,
        *,
        limit: int | None = None,
        progress: ProgressFn | None = None,
        stop: threading.Event | None = None,
    ) -> QueueSummary:
        """Analyse the pending stories of ``store``'s queue (``corpus.queue.work_queue``'s contract)."""
        ...

    def close(self) -> None: ...
