"""Opening a corpus: ``open_store(target)`` picks the backend from the target.

A SQLite file path (default ``parallax.db``) opens ``store_sqlite.SQLiteStore``;
a ``postgresql://`` URL opens ``store_pg.PostgresStore``. Both subclass
``store.Store``; this module is the only one that knows both.
"""

from __future__ import annotations

import os
from typing import Any

from parallax.corpus.store import DEFAULT_DB, Store
from parallax.errors import StoreError


def open_store(target: str | os.PathLike[str] | None = None, **kwargs: Any) -> Store:
    """The corpus at ``target``: a SQLite file path (default ``parallax.db``) or a postgresql:// URL."""
    text = str(target) if target is not None else DEFAULT_DB
    if text.startswith(("postgresql://", "postgres://")):
        from parallax.corpus.store_pg import PostgresStore

        return PostgresStore(text, **kwargs)
    if "://" in text:
        raise StoreError(f"cannot open '{text}': give a SQLite file path or a postgresql:// URL")
    from parallax.corpus.store_sqlite import SQLiteStore

    return SQLiteStore(text, **kwargs)
