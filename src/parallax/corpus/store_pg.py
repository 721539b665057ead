"""The corpus store on PostgreSQL (psycopg 3), selected by a ``postgresql://`` URL.

Same schema and SQL as SQLite (``%s`` placeholders instead of ``?``). Ingests
take a session advisory lock, so two ingests into one database never cluster at
the same time; PostgreSQL releases it when a killed process's session ends.
Vectors are kept in the ``features`` table; the ANN index is rebuilt in memory
from it when clustering starts (pgvector is not required).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from parallax.corpus.schema import POSTGRES_TYPES
from parallax.corpus.store import Store
from parallax.errors import StoreError

# An arbitrary constant naming Parallax's ingest lock among advisory locks.
INGEST_LOCK_KEY = 0x50A7A11A

MIGRATION_LOCK_KEY = INGEST_LOCK_KEY + 1


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    auth, host = rest.rsplit("@", 1)
    user = auth.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in auth else f"{scheme}://{user}@{host}"


class PostgresStore(Store):
    backend = "postgresql"
    placeholder = "%s"
    types = POSTGRES_TYPES

    def __init__(self, target: str, *, connect_seconds: int = 10, lock_seconds: float = 10.0) -> None:
        super().__init__(redact(target))
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(
                "PostgreSQL support needs psycopg: run `pip install 'psycopg[binary]>=3.2,<4'`"
            ) from exc
        self.psycopg = psycopg
        try:
            self.conn = psycopg.connect(target, autocommit=True, connect_timeout=connect_seconds)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the PostgreSQL corpus {self.target}: {exc}".strip()) from exc
        self.execute(f"SET lock_timeout = '{int(lock_seconds * 1000)}ms'")
        self.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
        try:
            self.migrate()
        finally:
            self.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")

    def translate_error(self, exc: Exception) -> Exception:
        errors = self.psycopg.errors
        if isinstance(exc, (errors.LockNotAvailable, errors.QueryCanceled)):
            return StoreError(
                f"the corpus {self.target} is locked by another process; wait for it to finish and run "
                "the command again"
            )
        if isinstance(exc, (errors.DiskFull, errors.OutOfMemory)):
            return self.full_error(exc)
        if isinstance(exc, (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege)):
            return self.read_only_error(exc)
        if isinstance(exc, self.psycopg.Error):
            return StoreError(f"the PostgreSQL corpus {self.target} failed: {exc}")
        return super().translate_error(exc)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.conn.transaction():
                yield
        except self.psycopg.Error as exc:
            raise self.translate_error(exc) from exc

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        got: Any = self.scalar(f"SELECT pg_try_advisory_lock({INGEST_LOCK_KEY})")
        if not got:
            raise StoreError(
                f"the corpus {self.target} is locked by another process (an ingest is running); "
                "wait for it to finish and run the command again"
            )
        try:
            yield
        finally:
            if self.conn is not None and not self.conn.closed:
                self.execute(f"SELECT pg_advisory_unlock({INGEST_LOCK_KEY})")
