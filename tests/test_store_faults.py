"""A full disk and a read-only corpus: a clear error, the store left consistent, a re-run completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.store_sqlite import SQLiteStore
from parallax.errors import StoreFull, StoreReadOnly

ARTICLES = 1_200  # more than two store batches


def write_records(path: Path, count: int = ARTICLES) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            text = f"Report {n}: the harbour council met on day {n} to discuss the wall. " * 12
            out.write(json.dumps({"id": f"r{n}", "title": f"Harbour report {n}", "text": text}) + "\n")
    return path


def stored(store: SQLiteStore) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM articles"))


def test_store_faults_full_disk_keeps_earlier_batches_and_resumes(tmp_path: Path) -> None:
    records = write_records(tmp_path / "records.jsonl")
    db = tmp_path / "corpus.db"
    store = open_store(db)
    assert isinstance(store, SQLiteStore)
    pages = int(store.scalar("PRAGMA page_count"))
    store.execute(f"PRAGMA max_page_count = {pages + 300}")  # the "disk" fills during the run
    with pytest.raises(StoreFull) as caught:
        ingest(store, [str(records)], cluster=False)
    message = str(caught.value)
    assert "is full" in message and "were stored before the failure" in message
    kept = stored(store)
    assert 0 < kept < ARTICLES and kept % 500 == 0  # whole batches, the failed one rolled back
    assert store.scalar("PRAGMA integrity_check") == "ok"
    store.close()

    again = open_store(db)  # space freed: the limit is per connection
    summary = ingest(again, [str(records)], cluster=False)
    assert summary.added == ARTICLES - kept and summary.already == kept
    assert stored(again) == ARTICLES
    ids = [i for (i,) in again.rows("SELECT input_id FROM articles")]
    assert len(set(ids)) == ARTICLES  # nothing duplicated
    again.close()


def test_store_faults_read_only_corpus_is_refused_clearly(tmp_path: Path) -> None:
    records = write_records(tmp_path / "records.jsonl", 20)
    db = tmp_path / "corpus.db"
    store = open_store(db)
    ingest(store, [str(records)], cluster=False)
    store.execute("PRAGMA query_only = ON")  # as a read-only file or disk would behave
    more = write_records(tmp_path / "more.jsonl", 40)
    with pytest.raises(StoreReadOnly) as caught:
        ingest(store, [str(more)], cluster=False)
    assert "cannot be written" in str(caught.value) and "read-only" in str(caught.value)
    store.execute("PRAGMA query_only = OFF")
    assert stored(store) == 20 and store.scalar("PRAGMA integrity_check") == "ok"
    store.close()


def test_store_faults_a_file_that_is_no_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    import os

    from parallax.errors import StoreError

    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"x")  # before: SQLite turned this one-byte file into a database
    with pytest.raises(StoreError, match="not a SQLite database"):
        SQLiteStore(str(notes))
    assert notes.read_bytes() == b"x"
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    with pytest.raises(StoreError, match="not a regular file"):
        SQLiteStore(str(pipe))
    with pytest.raises(StoreError, match="cannot open the corpus"):
        SQLiteStore(str(tmp_path / ("n" * 300 + ".db")))  # before: OSError (file name too long)
    with pytest.raises(StoreError, match="cannot open the corpus"):
        SQLiteStore(str(notes / "under-a-file.db"))
    with pytest.raises(StoreError, match="corpus name is empty"):
        SQLiteStore(" ")  # before: a database file named " " in the working folder
    with SQLiteStore(str(tmp_path / "empty.db")) as store:  # an empty file is a new corpus
        assert store.count_articles() == 0
