"""The corpus store on SQLite and (when PARALLAX_TEST_PG_URL reaches a server) PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import parallax
from parallax.corpus.connect import open_store
from parallax.corpus.schema import SCHEMA_VERSION
from parallax.corpus.store import ClusterBatch, Store
from parallax.corpus.store_sqlite import SQLiteStore
from parallax.errors import StoreError
from parallax.model import Article, Claim, Report
from parallax.options import Options


def make_article(
    text: str, *, input_id: str | None = None, title: str = "A title", outlet: str = "Daily"
) -> Article:
    meta = {"input_id": input_id} if input_id else {}
    return Article(
        id="",
        source="test",
        title=title,
        outlet=outlet,
        published="2024-03-01",
        language="en",
        original=text,
        meta=meta,
    )


@pytest.fixture
def store(target: str) -> Iterator[Store]:
    opened = open_store(target)
    yield opened
    opened.close()


def test_store_creates_schema_and_records_version(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    assert store.count_articles() == 0
    if isinstance(store, SQLiteStore):
        assert store.scalar("PRAGMA journal_mode") == "wal"


def test_store_reopening_keeps_data_and_runs_no_migration_twice(target: str) -> None:
    with open_store(target) as first:
        first.add_articles([make_article("The first article body.")])
    with open_store(target) as again:
        assert again.count_articles() == 1
        assert again.scalar("SELECT COUNT(*) FROM schema_version") == SCHEMA_VERSION


def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 5,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this Parallax"):
        open_store(str(path))


def test_store_upgrades_a_corpus_at_the_outlet_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus written at migration 5 (the outlet registry) gains ``dates_missing`` (6), counted
    from its undated members, and keeps its outlet tables."""
    import parallax.corpus.store as store_module
    from parallax.corpus.schema import MIGRATIONS

    assert any("CREATE TABLE IF NOT EXISTS outlets" in s for s in MIGRATIONS[4])
    path = str(tmp_path / "five.db")
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:5])
    with open_store(path) as old:
        undated = make_article("An undated article body.")
        undated.published = None
        old.add_articles([make_article("A dated article body."), undated])
        with old.transaction():
            old.execute(
                "INSERT INTO stories (id, title, size, created_at, updated_at) VALUES (1, 't', 2, 'x', 'x')"
            )
            old.execute("UPDATE articles SET story_id = 1")
        assert old.schema_version() == 5
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    with open_store(path) as upgraded:
        assert upgraded.schema_version() == SCHEMA_VERSION == 6
        assert upgraded.get_story(1).dates_missing == 1
        assert upgraded.scalar("SELECT COUNT(*) FROM outlets") is not None


def test_store_same_content_is_stored_once(store: Store) -> None:
    first = store.add_articles(
        [make_article("Body one.", input_id="x1"), make_article("Body two.", input_id="x2")]
    )
    again = store.add_articles([make_article("Body  one.", input_id="x1")])  # spacing differs only
    assert len(first.added) == 2
    assert again.added == [] and again.duplicates == 1
    assert store.count_articles() == 2


def test_store_duplicate_id_with_other_content_keeps_both_and_says_so(store: Store) -> None:
    store.add_articles([make_article("Original wording of the report.", input_id="dup")])
    outcome = store.add_articles([make_article("Corrected wording of the report.", input_id="dup")])
    assert outcome.conflicts == ["dup"]
    assert store.count_articles() == 2


def test_store_keeps_metadata_and_input_ids(store: Store) -> None:
    article = make_article("Some text.", input_id="id-7")
    article.meta.update({"topic": "weather", "url": "https://example.org/a"})
    (row_id,) = store.add_articles([article]).added
    (stored,) = store.get_articles([row_id])
    assert stored.input_id == "id-7" and stored.url == "https://example.org/a"
    assert stored.meta == {"topic": "weather"}
    assert stored.to_article().id == "id-7"


def test_store_story_batch_history_and_listing(store: Store) -> None:
    ids = store.add_articles(
        [make_article(f"Text {i}.", input_id=f"k{i}", outlet=f"Outlet {i}") for i in range(3)]
    ).added
    batch = ClusterBatch(new_stories=[1, 2])
    batch.assigned = {ids[0]: (1, None), ids[1]: (1, None), ids[2]: (2, ids[0])}
    batch.features = [(i, b"\0" * 8, b"\0" * 8, "[]") for i in ids]
    batch.events = [
        ("create", 1, None, ids[0], {}),
        ("join", 1, None, ids[1], {"score": 0.9}),
        ("create", 2, None, ids[2], {}),
    ]
    batch.touched = {1, 2}
    store.save_cluster_batch(batch)
    merge = ClusterBatch(
        moved={ids[2]: 1}, merged={2: 1}, touched={1, 2}, events=[("merge", 1, 2, ids[2], {"link": 0.5})]
    )
    store.save_cluster_batch(merge)
    stories = store.list_stories()
    assert [s["id"] for s in stories] == ["1"]
    assert stories[0]["size"] == 3 and stories[0]["article_ids"] == ["k0", "k1", "k2"]
    assert stories[0]["outlets"] == ["Outlet 0", "Outlet 1", "Outlet 2"]
    kinds = [e["kind"] for e in store.story_history("1")]
    assert kinds == ["create", "join", "merge"]
    assert [e["kind"] for e in store.story_history("2")] == ["create", "merge"]
    with pytest.raises(StoreError, match="merged into story 1"):
        store.get_story("2")
    assert store.count_pending() == 0


def test_store_analysis_cache_follows_the_member_set(store: Store) -> None:
    ids = store.add_articles(
        [make_article("Alpha text.", input_id="a"), make_article("Beta text.", input_id="b")]
    ).added
    store.save_cluster_batch(ClusterBatch(new_stories=[1], assigned={ids[0]: (1, None)}, touched={1}))
    report = Report(claims=[Claim(id="c1", text="A claim", articles=["a"], outlets=["Daily"], mentions=[])])
    store.save_analysis("1", report)
    cached = store.load_analysis("1")
    assert cached is not None and cached.claims[0].text == "A claim"
    store.save_cluster_batch(ClusterBatch(assigned={ids[1]: (1, None)}, touched={1}))
    assert store.load_analysis("1") is None  # a new member: the cached analysis no longer applies


def stored_story(store: Store) -> str:
    """One story of one article, with a cached report made with the default options."""
    ids = store.add_articles([make_article("Alpha text.", input_id="a")]).added
    store.save_cluster_batch(ClusterBatch(new_stories=[1], assigned={ids[0]: (1, None)}, touched={1}))
    report = Report(claims=[Claim(id="c1", text="A claim", articles=["a"], outlets=["Daily"], mentions=[])])
    store.save_analysis("1", report)
    return "1"


def test_store_analysis_cache_follows_the_options(store: Store) -> None:
    story = stored_story(store)
    assert store.load_analysis(story) is not None
    assert store.load_analysis(story, Options()) is not None  # the defaults, spelt out
    assert store.load_analysis(story, Options(summary_sentences=2)) is None
    store.save_analysis(story, Report(notes=["two"]), Options(summary_sentences=2))
    cached = store.load_analysis(story, Options(summary_sentences=2))
    assert cached is not None and cached.notes == ["two"]
    assert store.load_analysis(story) is None  # one cached analysis per story: the latest


def test_store_analysis_cache_follows_the_version(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    story = stored_story(store)
    assert store.load_analysis(story) is not None
    monkeypatch.setattr(parallax, "__version__", parallax.__version__ + ".post1")
    assert store.load_analysis(story) is None
    assert store.load_analysis_dict(story) is None


def test_store_unknown_story_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no story 42"):
        store.get_story("42")
    with pytest.raises(StoreError, match="not a story id"):
        store.get_story("abc")


def test_store_locked_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_store(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys, time
            conn = sqlite3.connect({str(path)!r}, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store = SQLiteStore(str(path), busy_seconds=0.2)
        with pytest.raises(StoreError, match="locked by another process"):
            store.add_articles([make_article("Blocked text.")])
        store.close()
    finally:
        holder.kill()
        holder.wait()
    with open_store(str(path)) as free:  # the lock dies with the process
        assert len(free.add_articles([make_article("Now it goes in.")]).added) == 1


def test_store_ingest_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    open_store(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from parallax.corpus.connect import open_store
            store = open_store({str(path)!r})
            with store.ingest_lock():
                print("holding", flush=True)
                time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with (
            open_store(str(path)) as store,
            pytest.raises(StoreError, match="an ingest is running"),
            store.ingest_lock(),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    with open_store(str(path)) as store:
        while True:
            try:
                with store.ingest_lock():
                    break
            except StoreError:
                assert time.monotonic() < deadline
                time.sleep(0.05)


def test_store_rejects_a_folder_and_an_unknown_url(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(str(tmp_path))
    with pytest.raises(StoreError, match="postgresql://"):
        open_store("mysql://localhost/db")


def test_store_postgres_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://nobody@127.0.0.1:1/none", connect_seconds=2)
