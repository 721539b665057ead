"""The in-process engine: today's path, unchanged (reading, embedding and analysis in this process)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from parallax.corpus.queue import ProgressFn, QueueSummary, work_queue
from parallax.ingest.sources import Read, iter_sources
from parallax.ingest.urls import Fetcher, FetchSettings
from parallax.options import Options

if TYPE_CHECKING:
    from parallax.corpus.pairs import ClusterSettings
    from parallax.corpus.store import Store
    from parallax.corpus.stories import ClusterSummary, Embedder, Progress


class LocalEngine:
    name = "local"
    workers = 1
    fills_metadata = False  # ``Ingest.take`` fills it, only for articles not stored before

    def read(self, sources: Sequence[str], fetch: FetchSettings) -> Iterator[Read]:
        fetcher = Fetcher(fetch)
        try:
            yield from iter_sources(sources, fetcher)
        finally:
            fetcher.close()

    def embedder(self, leads: Callable[[], list[str]]) -> Embedder | None:
        return None

    def cluster(
        self,
        store: Store,
        settings: ClusterSettings | None,
        embed: Embedder | None,
        progress: Progress | None = None,
    ) -> ClusterSummary | None:
        return None  # clustered in this process by ``StoryClusterer`` as always

    def analyse(
        self,
        store: Store,
        options: Options | None,
        *,
        limit: int | None = None,
        progress: ProgressFn | None = None,
        stop: threading.Event | None = None,
    ) -> QueueSummary:
        return work_queue(store, options, limit=limit, progress=progress, stop=stop)

    def close(self) -> None:
        pass
