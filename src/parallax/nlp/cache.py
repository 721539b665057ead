"""A content-addressed cache of the expensive per-text results of an analysis.

Re-analysing a story after one article joins it used to embed and parse every
sentence again. The run's resources now ask a cache first: each result is kept
under a *kind* that names what produced it (the embedding model, or the spaCy
pipeline with its components and version) and the sha256 of the exact text it was
computed from, so a hit is the same bytes the model gave for the same text.

``AnalysisCache`` is the interface: ``get_many`` and ``put_many`` of raw bytes.
``MemoryCache`` keeps them in a dict (``parallax analyze``: nothing on disk);
``parallax.corpus.text_cache.StoreCache`` keeps them in the corpus store.
Both count hits and misses per kind in ``stats``.

``fetch_or_compute`` is the one way a resource uses a cache: look up every
distinct text, compute only the misses (in one call, so the model still batches),
store them, and return results in the order asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")


def text_key(text: str) -> str:
    """The cache key of a text: the sha256 of its UTF-8 bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """Lookups per kind: how many texts were found, how many had to be computed."""

    hits: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, hits: int, misses: int) -> None:
        self.hits[kind] = self.hits.get(kind, 0) + hits
        self.misses[kind] = self.misses.get(kind, 0) + misses

    def computed(self, prefix: str = "") -> int:
        """Texts computed (missed) in kinds starting with ``prefix``."""
        return sum(n for kind, n in self.misses.items() if kind.startswith(prefix))

    def found(self, prefix: str = "") -> int:
        """Texts found (hits) in kinds starting with ``prefix``."""
        return sum(n for kind, n in self.hits.items() if kind.startswith(prefix))


class AnalysisCache(Protocol):
    """Bytes per (kind, text key); what a kind's bytes mean is up to its user."""

    stats: CacheStats

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored value of each of ``keys`` that is present (absent keys are left out)."""
        ...

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None:
        """Store ``items`` (key -> value); a key already present keeps its value."""
        ...


class MemoryCache:
    """An ``AnalysisCache`` in a dict, for one process."""

    def __init__(self) -> None:
        self.stats = CacheStats()
        self.values: dict[tuple[str, str], bytes] = {}

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        found = {key: self.values[(kind, key)] for key in keys if (kind, key) in self.values}
        return found

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None:
        for key, value in items.items():
            self.values.setdefault((kind, key), value)

    def size(self) -> int:
        """Bytes held (values only)."""
        return sum(len(v) for v in self.values.values())


def fetch_or_compute(
    cache: AnalysisCache,
    kind: str,
    texts: Sequence[str],
    compute: Callable[[list[str]], Sequence[T]],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
) -> list[T]:
    """One result per text of ``texts``, in order: from ``cache`` where present, the rest from
    one call of ``compute`` over the distinct missing texts, which are then stored."""
    unique = list(dict.fromkeys(texts))
    keys = [text_key(text) for text in unique]
    made = fetch_or_compute_keyed(
        cache, kind, keys, lambda wanted: compute([unique[n] for n in wanted]), encode, decode
    )
    results = dict(zip(unique, made, strict=True))
    return [results[text] for text in texts]


def fetch_or_compute_keyed(
    cache: AnalysisCache,
    kind: str,
    keys: Sequence[str],
    compute: Callable[[list[int]], Sequence[T]],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
) -> list[T]:
    """One result per key of ``keys`` (distinct digests of what each result is computed from), in
    order: from ``cache`` where present, the rest from one call of ``compute`` with the positions
    of the missing keys, which are then stored."""
    stored = cache.get_many(kind, list(keys))
    results: dict[int, T] = {n: decode(stored[key]) for n, key in enumerate(keys) if key in stored}
    missing = [n for n in range(len(keys)) if n not in results]
    cache.stats.count(kind, len(results), len(missing))
    if missing:
        made = list(compute(missing))
        if len(made) != len(missing):
            raise ValueError(f"computed {len(made)} results for {len(missing)} texts ({kind})")
        cache.put_many(kind, {keys[n]: encode(value) for n, value in zip(missing, made, strict=True)})
        results.update(zip(missing, made, strict=True))
    return [results[n] for n in range(len(keys))]


def vector_kind(model_name: str) -> str:
    """The kind of sentence vectors from ``model_name`` (unit length, float32).

    Vectors from the ONNX export of the model are kept apart from sentence-transformers'
    (they agree to about 1e-6, not bit for bit), so a cache never mixes the two.
    """
    from parallax.nlp.embedding import embedder_backend

    if embedder_backend(model_name) == "onnx":
        return f"vector:{model_name}:onnx:unit-f32"
    return f"vector:{model_name}:unit-f32"


def parse_kind(nlp: Any, disable: Sequence[str] = ()) -> str:
    """The kind of spaCy docs from ``nlp``: its package, version, components (less ``disable``)
    and spaCy's version."""
    import spacy

    meta = getattr(nlp, "meta", {}) or {}
    name = f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"
    pipes = [p for p in nlp.pipe_names if p not in disable]
    return f"spacy-doc:{name}:{'+'.join(pipes)}:spacy-{spacy.__version__}"


def embed_cached(cache: AnalysisCache, texts: Sequence[str], model_name: str, batch_size: int) -> np.ndarray:
    """``embed_texts`` through ``cache``: only texts never embedded with ``model_name`` are embedded."""
    import numpy as np

    from parallax.nlp.embedding import EMBEDDING_DIM, embed_texts

    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    rows = fetch_or_compute(
        cache,
        vector_kind(model_name),
        texts,
        lambda missing: list(embed_texts(missing, model_name, batch_size)),
        lambda row: np.asarray(row, dtype=np.float32).tobytes(),
        lambda data: np.frombuffer(data, dtype=np.float32),
    )
    return np.vstack(rows).astype(np.float32, copy=False)


def parse_cached(
    cache: AnalysisCache, nlp: Any, texts: Sequence[str], batch_size: int, disable: Sequence[str] = ()
) -> list[Any]:
    """``nlp.pipe(texts, disable=disable)`` through ``cache``: docs kept as spaCy ``DocBin`` bytes
    (every token attribute, entities and sentence bounds; not the tok2vec tensor, which no stage
    reads), under a kind that names the components run."""
    from spacy.tokens import DocBin

    def encode(doc: Any) -> bytes:
        box = DocBin(store_user_data=False)
        box.add(doc)
        return bytes(box.to_bytes())

    def decode(data: bytes) -> Any:
        return next(iter(DocBin().from_bytes(data).get_docs(nlp.vocab)))

    return fetch_or_compute(
        cache,
        parse_kind(nlp, disable),
        texts,
        lambda missing: list(nlp.pipe(missing, batch_size=batch_size, disable=list(disable))),
        encode,
        decode,
    )
