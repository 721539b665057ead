"""Embedding article leads for clustering, fast enough for tens of thousands of articles on a CPU.

Corpus mode embeds only each article's title and lead (``features.lead_text``,
about 55 word pieces), in batches, with the shared all-MiniLM-L6-v2, through the
same backend choice as every other sentence vector (``parallax.nlp.embedding``):
ONNX Runtime when its export is built (no torch imported), else sentence-transformers.

Batches are small (16): the encoder sorts a call's texts by length and pads each
batch to its longest, so small batches waste less on padding. Measured with torch on
1,536 AllSides leads in calls of 128, two threads: 13.3 s at 16, 13.6 s at 32, 16.3 s
at 64, 20.6 s at 128.

(An int8 copy of the torch model was once offered here: its vectors vary with their
batch companions and ECB+ BCubed F1 fell from 0.84 to 0.80, so it was never used.)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from parallax.corpus.vectors import DIM

LEAD_BATCH = 16
_worker = threading.local()  # ``threads`` is set in LeadPrefetch's worker threads


def one_thread_per_call() -> None:
    _worker.threads = 1


def load_lead_model() -> Any:
    """Load (and cache in this process) the model ``embed_leads`` runs: the ONNX export or torch."""
    from parallax.nlp.embedding import embedder_backend
    from parallax.nlp.pretrained import STANDARD_EMBEDDER, load_embedder

    if embedder_backend(STANDARD_EMBEDDER) == "onnx":
        from parallax.nlp.onnx_embedder import load_onnx_embedder

        return load_onnx_embedder()
    return load_embedder()


def embed_leads(texts: Sequence[str], *, batch_size: int = LEAD_BATCH) -> np.ndarray:
    """Unit-length float32 vectors, one row per text.

    In a ``LeadPrefetch`` worker, ONNX Runtime runs one thread per call (the workers are
    the parallelism); elsewhere as many as ``parallax.nlp.embedding.choose_threads`` gives."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    from parallax.nlp.embedding import embed_texts
    from parallax.nlp.pretrained import STANDARD_EMBEDDER

    threads = getattr(_worker, "threads", None)
    return np.asarray(
        embed_texts(list(texts), STANDARD_EMBEDDER, batch_size=batch_size, threads=threads), dtype=np.float32
    )


class LeadPrefetch:
    """Embeds leads in background threads while the ingest reads, stores and clusters.

    ``submit`` hands over the leads of newly stored articles, in calls of ``chunk``; the
    clusterer then calls the object as its embedder and gets each lead's vector from the
    threads (waiting for it if it is not done yet), or embeds a lead that was never submitted
    itself. The model runs outside the GIL, so the pure-Python work of the ingest (reading,
    features, pair scores) keeps one core busy while the encoder uses what is left: one
    worker per core, each running the model on one thread, so that no call waits on a
    thread the scheduler gave to the clusterer, and both cores encode while the clusterer
    waits. Vectors are dropped once handed out, so memory stays at what the clusterer has
    not reached yet. A failure in a worker (a missing model) is raised to the clusterer's call.
    """

    def __init__(
        self, embed: Callable[[Sequence[str]], np.ndarray], chunk: int = 128, workers: int | None = None
    ) -> None:
        self.embed = embed
        self.chunk = chunk
        self.waiting: list[str] = []
        self.pending: dict[str, Future[dict[str, np.ndarray]]] = {}
        self.warm = False
        self.warming = threading.Lock()
        self.pool = ThreadPoolExecutor(
            max_workers=workers or os.cpu_count() or 1,
            thread_name_prefix="parallax-leads",
            initializer=one_thread_per_call,
        )

    def submit(self, texts: Iterable[str]) -> None:
        for text in texts:
            if text not in self.pending and text not in self.waiting:
                self.waiting.append(text)
        while len(self.waiting) >= self.chunk:
            self.send(self.waiting[: self.chunk])
            del self.waiting[: self.chunk]

    def flush(self) -> None:
        if self.waiting:
            self.send(self.waiting)
            self.waiting = []

    def send(self, texts: list[str]) -> None:
        job = self.pool.submit(self.run, list(texts))
        for text in texts:
            self.pending[text] = job

    def run(self, texts: list[str]) -> dict[str, np.ndarray]:
        if not self.warm:  # the first call loads the model: once, not in every worker at the same time
            with self.warming:
                vectors = self.embed(texts)
                self.warm = True
                return dict(zip(texts, vectors, strict=True))
        return dict(zip(texts, self.embed(texts), strict=True))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        self.flush()
        found: dict[str, np.ndarray] = {}
        for text in texts:
            job = self.pending.pop(text, None)
            if job is not None:
                found[text] = job.result()[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embed(missing), strict=True))
        return np.vstack([found[t] for t in texts]).astype(np.float32, copy=False)

    def close(self) -> None:
        """Stop the thread; leads submitted and not yet embedded are dropped."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pending.clear()
        self.waiting = []
