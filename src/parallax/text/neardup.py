"""Near-duplicate detection that scales: MinHash signatures over word shingles, indexed by LSH.

``NearDuplicateIndex`` holds one MinHash signature per key. ``query`` finds the
keys whose shingle sets are likely similar to a text through the LSH bands,
so a lookup never compares the text with every stored document. Corpus mode
refills it from stored signatures (``signature_from_bytes``, ``add_signature``);
the syndication stage uses it for wire copies.

Shingles are runs of ``shingle_size`` normalised words (lower case, quote
marks and apostrophes unified, punctuation dropped), so changes of layout,
typography and case never hide a copy.
"""

from __future__ import annotations

import sys
import types
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from parallax.text.words import tokenize_words

# The LSH bands and rows (b, r) datasketch's MinHashLSH chooses for these (threshold, number of
# permutations): the thresholds of the syndication stage (0.8 x duplicate_similarity), the
# corpus (duplicate_similarity) and this index, at their defaults. Choosing them means
# integrating with scipy (about 0.45 s of CPU to import); a test checks the table against
# datasketch's own choice. Other thresholds are left to datasketch.
KNOWN_LSH_PARAMS: dict[tuple[float, int], tuple[int, int]] = {
    (0.3, 128): (37, 3),
    (0.56, 128): (21, 6),
    (0.7, 128): (14, 9),
}


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int] | None:
    """(bands, rows) for an LSH index at ``threshold``, when known without integrating."""
    return KNOWN_LSH_PARAMS.get((round(threshold, 9), num_perm))


def _quad(*args: Any, **kwargs: Any) -> Any:
    """``scipy.integrate.quad``, imported when first called."""
    from scipy.integrate import quad

    return quad(*args, **kwargs)


def import_datasketch() -> Any:
    """The datasketch module, imported without importing ``scipy.integrate`` (about 0.45 s of CPU).

    datasketch's LSH modules import ``quad`` from ``scipy.integrate`` at import time, and call
    it only to choose an index's bands when they are not given (``lsh_params`` gives them for
    the thresholds Parallax uses). While datasketch is imported here, ``sys.modules`` holds a
    stand-in ``scipy.integrate`` whose ``quad`` imports the real one on its first call; the
    stand-in is removed afterwards, so ``scipy.integrate`` imports normally later. The same
    documented mechanism as ``parallax.nlp.parser.import_spacy_without_torch``.
    """
    if "datasketch" in sys.modules or "scipy.integrate" in sys.modules:
        import datasketch

        return datasketch
    stand_in = types.ModuleType("scipy.integrate")
    stand_in.quad = _quad  # type: ignore[attr-defined]
    sys.modules["scipy.integrate"] = stand_in
    try:
        import datasketch
    finally:
        if sys.modules.get("scipy.integrate") is stand_in:
            del sys.modules["scipy.integrate"]
    return datasketch


if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSH
else:
    _datasketch = import_datasketch()
    MinHash, MinHashLSH = _datasketch.MinHash, _datasketch.MinHashLSH


def make_shingles(words: list[str], size: int) -> set[str]:
    """Runs of ``size`` consecutive words; a text shorter than that is one shingle."""
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Match:
    """A stored key that looks like a near duplicate of the query."""

    key: str
    similarity: float  # estimated Jaccard similarity of the shingle sets


class NearDuplicateIndex:
    """MinHash LSH over word shingles.

    >>> index = NearDuplicateIndex()
    >>> index.add("a", "one two three four five six seven eight nine ten")
    >>> [m.key for m in index.query("one two three four five six seven eight nine ten")]
    ['a']
    """

    def __init__(
        self,
        threshold: float = 0.3,
        *,
        num_perm: int = 128,
        shingle_size: int = 3,
        seed: int = 1,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must lie between 0 and 1 (got {threshold})")
        if shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1 (got {shingle_size})")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=lsh_params(threshold, num_perm))
        self._signatures: dict[str, MinHash] = {}
        # One MinHash whose permutations every signature reuses (building them is the slow part).
        self._template = MinHash(num_perm=num_perm, seed=seed)

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def keys(self) -> list[str]:
        return list(self._signatures)

    def make_signature(self, text: str) -> MinHash:
        """The MinHash signature of a text's word shingles."""
        shingles = make_shingles(tokenize_words(text), self.shingle_size)
        sig = MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
            hashfunc=zlib.crc32,  # stable across runs and about four times faster than SHA-1
        )
        if shingles:
            sig.update_batch([s.encode("utf-8") for s in shingles])
        return sig

    def add(self, key: str, text: str) -> None:
        """Store a text under a key; adding a key twice is an error (remove it first)."""
        self.add_signature(key, self.make_signature(text))

    def add_signature(self, key: str, sig: MinHash) -> None:
        """Store a signature made earlier (by ``make_signature`` or ``signature_from_bytes``)."""
        if key in self._signatures:
            raise KeyError(f"key {key!r} is already in the index; remove it before adding it again")
        self._signatures[key] = sig
        if not _is_empty(sig):
            self._lsh.insert(key, sig)

    def signature_from_bytes(self, data: bytes) -> MinHash:
        """A signature stored by ``signature_to_bytes``, with this index's permutations."""
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=np.frombuffer(data, dtype=np.uint64).copy(),
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        for key, text in items:
            self.add(key, text)

    def remove(self, key: str) -> None:
        sig = self._signatures.pop(key)
        if not _is_empty(sig):
            self._lsh.remove(key)

    def query(self, text: str, *, min_similarity: float | None = None) -> list[Match]:
        """Stored keys similar to the text, most similar first.

        LSH proposes candidates; each is kept when its estimated Jaccard
        similarity reaches ``min_similarity`` (the index threshold by default).
        """
        return self.query_signature(self.make_signature(text), min_similarity=min_similarity)

    def query_signature(self, sig: MinHash, *, min_similarity: float | None = None) -> list[Match]:
        if _is_empty(sig):
            return []
        floor = self.threshold if min_similarity is None else min_similarity
        found = []
        for key in self._lsh.query(sig):
            sim = float(sig.jaccard(self._signatures[key]))
            if sim >= floor:
                found.append(Match(str(key), round(sim, 4)))
        found.sort(key=lambda m: (-m.similarity, m.key))
        return found

    def query_key(self, key: str, *, min_similarity: float | None = None) -> list[Match]:
        """Stored keys similar to a stored key (the key itself left out)."""
        return [
            m
            for m in self.query_signature(self._signatures[key], min_similarity=min_similarity)
            if m.key != key
        ]

    def similarity(self, key_a: str, key_b: str) -> float:
        """Estimated Jaccard similarity of two stored keys."""
        return float(self._signatures[key_a].jaccard(self._signatures[key_b]))

    def find_pairs(self, *, min_similarity: float | None = None) -> list[tuple[str, str, float]]:
        """Every stored pair that LSH links, each once, most similar first (no all-pairs loop)."""
        pairs: dict[tuple[str, str], float] = {}
        for key in self._signatures:
            for m in self.query_key(key, min_similarity=min_similarity):
                a, b = sorted((key, m.key))
                pairs[(a, b)] = m.similarity
        return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))


def signature_to_bytes(sig: MinHash) -> bytes:
    """A signature's hash values as bytes, for a store (read back by ``signature_from_bytes``)."""
    return bytes(sig.hashvalues.astype(np.uint64).tobytes())


def _is_empty(sig: MinHash) -> bool:
    return bool(sig.is_empty())
