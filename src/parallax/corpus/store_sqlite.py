"""The corpus store in one SQLite file (WAL journal), with the ANN index file beside it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parallax.corpus.store import BUSY_SECONDS, DEFAULT_DB, Store
from parallax.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"


def foreign_file_problem(path: Path) -> str:
    """Why ``path`` must not be opened as a corpus ('' when it may): SQLite would turn some files
    that are not databases (a one-byte text file) into one, and would block on a pipe."""
    if not path.exists():
        return ""
    if not path.is_file():
        return "is not a regular file (a pipe or a device)"
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if head and head != SQLITE_MAGIC:
        return "is not a SQLite database (it does not start with SQLite's header)"
    return ""


class SQLiteStore(Store):
    """A corpus in one SQLite file (WAL journal), beside an ANN index file."""

    backend = "sqlite"

    def __init__(self, target: str, *, busy_seconds: float = BUSY_SECONDS) -> None:
        super().__init__(target)
        if not target.strip():  # Path(" ") would make a file named " " in the working folder
            raise StoreError("the corpus name is empty: give a file name such as parallax.db")
        self.path = Path(target).expanduser()
        try:
            if self.path.is_dir():
                raise StoreError(
                    f"'{target}' is a folder; give a database file name such as {self.path / DEFAULT_DB}"
                )
            refusal = foreign_file_problem(self.path)
            if refusal:
                raise StoreError(
                    f"'{target}' {refusal}; it was left as it is. Give a new file name or a corpus"
                )
            self.read_only = self.path.exists() and not (
                os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
            )
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a name too long, a file where a folder should be, no permission
            raise StoreError(f"cannot open the corpus '{target}': {error.strerror or error}") from error
        try:
            if self.read_only:
                self.conn = self.connect_read_only(busy_seconds)
            else:
                self.conn = sqlite3.connect(str(self.path), timeout=busy_seconds, isolation_level=None)
                self.execute("PRAGMA journal_mode=WAL")
                self.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"'{target}' is not a Parallax corpus (SQLite says: {exc})") from exc
        self.migrate()
        self.lock_handle: Any = None

    def change_marker(self) -> Any:
        # data_version moves when another connection commits; total_changes counts this one's writes
        return (self.scalar("PRAGMA data_version"), self.conn.total_changes)

    def connect_read_only(self, busy_seconds: float) -> sqlite3.Connection:
        """A connection that only reads: a corpus file, or its folder, that cannot be written.

        SQLite reads a WAL corpus read-only when its ``-shm`` file exists; when none exists (the last
        writer closed it) and none can be made, nobody is writing it, so it is read as immutable.
        """
        uri = self.path.resolve().as_uri()
        conn = sqlite3.connect(f"{uri}?mode=ro", timeout=busy_seconds, isolation_level=None, uri=True)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", isolation_level=None, uri=True)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn

    def translate_error(self, exc: Exception) -> Exception:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
            return StoreError(
                f"the corpus '{self.target}' is locked by another process (another ingest or a program "
                "holding a write transaction); wait for it to finish and run the command again"
            )
        if isinstance(exc, sqlite3.DatabaseError):
            code = getattr(exc, "sqlite_errorname", "")
            if code.startswith("SQLITE_FULL") or "disk is full" in str(exc):
                return self.full_error(exc)
            if code.startswith("SQLITE_READONLY") or "readonly" in str(exc).lower():
                return self.read_only_error(exc)
            return StoreError(f"the corpus '{self.target}' failed: {exc}")
        return super().translate_error(exc)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise StoreError(
                f"the corpus '{self.target}' is locked by another process (an ingest is running); "
                "wait for it to finish and run the command again"
            ) from exc
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def vector_path(self) -> Path:
        return self.path.with_name(self.path.name + ".usearch")
