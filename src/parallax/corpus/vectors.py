"""The ANN index over article vectors (usearch, cosine), kept in step with the store.

The store's ``features`` table is the source of truth. The index file beside a
SQLite corpus is a cache: it is written atomically (temporary file, then
rename) after committed batches, and ``open_vector_index`` adds whatever the
file lacks (a run killed before saving) and drops what the store does not have.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

DIM = 384  # all-MiniLM-L6-v2


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def bytes_to_vector(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32)


class VectorIndex:
    """Article id -> unit vector, with nearest-neighbour search."""

    def __init__(self, path: Path | None = None, dim: int = DIM) -> None:
        from usearch.index import Index

        self.path = path
        self.dim = dim
        self.index = Index(
            ndim=dim, metric="cos", dtype="f32", connectivity=16, expansion_add=64, expansion_search=64
        )
        if path is not None and path.exists():
            try:
                self.index.load(str(path))
            except Exception:  # a damaged cache: start empty, the store refills it
                self.index = Index(ndim=dim, metric="cos", dtype="f32", connectivity=16)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, key: int) -> bool:
        return bool(self.index.contains(int(key)))

    def keys(self) -> set[int]:
        return {int(k) for k in np.asarray(self.index.keys)} if len(self.index) else set()

    def add(self, keys: Iterable[int], vectors: np.ndarray) -> None:
        ids = np.asarray(list(keys), dtype=np.uint64)
        if len(ids):
            self.index.add(ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim))

    def remove(self, key: int) -> None:
        self.index.remove(int(key))

    def get(self, key: int) -> np.ndarray:
        return np.asarray(self.index.get(int(key)), dtype=np.float32)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest stored ids with their cosine similarity, nearest first."""
        if not len(self.index):
            return []
        found = self.index.search(np.asarray(vector, dtype=np.float32), min(k, len(self.index)))
        return [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances, strict=True)]

    def save(self) -> None:
        if self.path is None:
            return
        partial = self.path.with_name(self.path.name + ".partial")
        self.index.save(str(partial))
        os.replace(partial, self.path)
