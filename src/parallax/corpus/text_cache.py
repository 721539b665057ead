"""The analysis cache kept in the corpus store, so a story re-analysed after one article
joins it embeds and parses only that article's texts.

``StoreCache`` implements ``parallax.nlp.cache.AnalysisCache`` over the ``text_cache``
table (migration 4): one row per (kind, sha256 of the text), the value as a blob.
Lookups go in chunks of a few hundred keys; each ``put_many`` is one transaction, and a
row already present is left as it is (two workers storing the same text agree anyway:
the same model on the same text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from parallax.nlp.cache import CacheStats

if TYPE_CHECKING:
    from parallax.corpus.store import Store

CHUNK = 400  # keys per lookup: under SQLite's 999-parameter limit of old builds


class StoreCache:
    """An ``AnalysisCache`` in the corpus store's ``text_cache`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stats = CacheStats()

    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(keys))
        for at in range(0, len(wanted), CHUNK):
            chunk = wanted[at : at + CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = self.store.rows(
                f"SELECT text_key, value FROM text_cache WHERE kind = ? AND text_key IN ({marks})",
                [kind, *chunk],
            )
            found.update((str(key), bytes(value)) for key, value in rows)
        return found

    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None:
        if not items:
            return
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self.store.transaction():
            for key, value in items.items():
                self.store.execute(
                    "INSERT INTO text_cache (kind, text_key, value, created_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (kind, text_key) DO NOTHING",
                    [kind, key, value, stamp],
                )

    def size(self) -> tuple[int, int]:
        """(rows, bytes of values) held in the table."""
        row = self.store.rows("SELECT COUNT(*), COALESCE(SUM(LENGTH(value)), 0) FROM text_cache")[0]
        return int(row[0]), int(row[1])
