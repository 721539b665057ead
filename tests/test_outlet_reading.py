"""Reading outlets and coverage from older and read-only corpora.

An older corpus (ingested before the registry existed) has articles with no
outlet link: the story list links them when it reads, so coverage is right at
once. A read-only corpus is read as it is: articles still unlinked are placed by
the names and addresses already stored, analyses not yet read for the profiles
are read in memory, and nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallax.corpus.connect import open_store
from parallax.corpus.outlets import link_articles, merge_outlets
from parallax.corpus.profiles import describe_outlets
from parallax.corpus.store import Store
from parallax.errors import StoreReadOnly
from parallax.model import Marker, Report
from parallax.web.app import create_app
from test_outlets import call, make_article, put_in_story

SITES = [
    ("Left A", "a.example", "left"),
    ("Left B", "b.example", "left"),
    ("Left C", "c.example", "left"),
    ("Right D", "d.example", "right"),
]


def set_read_only(store: Store, on: bool) -> None:
    """Make the store's connection refuse writes, as a read-only file, disk or database would."""
    if store.backend == "sqlite":
        store.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
    else:
        store.execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION {'READ ONLY' if on else 'READ WRITE'}")


def table_sizes(store: Store) -> dict[str, int]:
    tables = ("outlets", "outlet_aliases", "outlet_facts", "article_outlets", "outlet_story_stats")
    return {t: int(store.scalar(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def test_story_list_links_an_older_corpus_at_once(target: str) -> None:
    with open_store(target) as store:
        added = store.add_articles([make_article(n, o, d, lean) for n, (o, d, lean) in enumerate(SITES)])
        put_in_story(store, 1, added.added)
        assert table_sizes(store)["article_outlets"] == 0  # as a corpus from before the registry
        (record,) = store.story_records()
        assert record.coverage is not None
        assert record.coverage["leaning"]["left"]["outlets"] == 3
        assert record.coverage["leaning"]["right"]["outlets"] == 1
        assert record.coverage["leaning"]["unknown"]["outlets"] == 0
        assert record.blindspot is None  # 3 of 4 on the left: under the 80 % rule
        assert table_sizes(store)["article_outlets"] == len(SITES)  # stored: linked once, for good


def test_read_only_corpus_reads_outlets_without_writing(target: str, tmp_path: Path) -> None:
    with open_store(target) as store:
        first = store.add_articles([make_article(n, o, d, lean) for n, (o, d, lean) in enumerate(SITES)])
        link_articles(store)
        put_in_story(store, 1, first.added)
        # Added after the last link (an interrupted ingest): same sites, so the registry knows them.
        later = store.add_articles(
            [make_article(10 + n, o, d, lean) for n, (o, d, lean) in enumerate(SITES[:3])]
        )
        put_in_story(store, 2, later.added)
        articles = store.get_story_articles(2)
        markers = [Marker("loaded", "vote", a.id, "s1", 30, 34) for a in articles]
        store.save_analysis(2, Report(articles=articles, markers=markers))
        before = table_sizes(store)
        if store.backend == "sqlite":
            for path in Path(target).parent.glob(Path(target).name + "*"):
                os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
        set_read_only(store, True)
        try:
            records = {r.id: r for r in store.story_records()}
            described = {e["name"]: e for e in describe_outlets(store)}
            one = describe_outlets(store, "Left A")[0]
        finally:
            set_read_only(store, False)
        assert table_sizes(store) == before  # nothing was written
        coverage = records["2"].coverage
        assert coverage is not None
        assert coverage["leaning"]["left"] == {"articles": 3, "outlets": 3}  # placed by their addresses
        assert coverage["leaning"]["unknown"]["outlets"] == 0
        assert records["2"].blindspot is not None and records["2"].blindspot["missing"] == "right"
        assert described["Left A"]["articles"] == 2 and described["Left A"]["stories"] == 2
        assert described["Right D"]["articles"] == 1 and described["Right D"]["profile"] is None
        profile = one["profile"]  # the analysis was read in memory, not stored
        words = len(make_article(10, "Left A").original.split())
        assert profile is not None and profile["analysed_articles"] == 1
        assert profile["loaded_per_1000_words"] == round(1000 / words, 2)
        if store.backend == "sqlite":
            for path in Path(target).parent.glob(Path(target).name + "*"):
                os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        store.story_records()  # writable again: what was left unlinked is linked now
        describe_outlets(store)
        after = table_sizes(store)
        assert after["article_outlets"] == before["article_outlets"] + 3
        assert after["outlet_story_stats"] == 3


def test_outlets_count_wire_datelines(target: str) -> None:
    wired = make_article(1, "Harbour Post", "harbourpost.example")
    wired.original = "LONDON (Reuters) - The harbour bridge vote was delayed."
    plain = make_article(2, "Harbour Post", "harbourpost.example")
    with open_store(target) as store:
        store.add_articles([wired, plain])
        link_articles(store)
        (entry,) = describe_outlets(store)
        assert entry["wire_credits"] == {"Reuters": 1} and entry["wire_share"] == 0.5


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder`` where nothing can be written: its permissions (a normal user), else a read-only
    bind mount of it (root ignores permissions); skips the test when neither is possible."""
    if os.geteuid() != 0:
        for path in [*folder.iterdir(), folder]:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield folder
        finally:
            for path in [folder, *folder.iterdir()]:
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True, timeout=30)
    if mounted.returncode != 0:
        pytest.skip(f"cannot make a read-only folder here (mount: {mounted.stderr.decode()[:200]})")
    try:
        remounted = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(view)], capture_output=True, timeout=30
        )
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only here (mount: {remounted.stderr.decode()[:200]})")
        yield view
    finally:
        subprocess.run(["umount", "--lazy", str(view)], capture_output=True, timeout=30)


def test_read_only_sqlite_file_opens_and_lists_outlets(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    with open_store(str(folder / "corpus.db")) as store:
        first = store.add_articles([make_article(n, o, d, lean) for n, (o, d, lean) in enumerate(SITES)])
        link_articles(store)
        put_in_story(store, 1, first.added)
        later = store.add_articles([make_article(10, *SITES[0])])  # left unlinked
        put_in_story(store, 2, later.added)
    with read_only_folder(folder) as view:
        with pytest.raises(OSError):
            (view / "probe").write_text("x")
        with open_store(str(view / "corpus.db")) as store:
            assert store.read_only
            records = {r.id: r for r in store.story_records()}
            assert records["2"].coverage is not None
            assert records["2"].coverage["leaning"]["left"]["outlets"] == 1
            (left_a,) = describe_outlets(store, "Left A")
            assert left_a["articles"] == 2
            assert [s["id"] for s in left_a["recent_stories"]] == ["2", "1"]  # same date: newer id first
            with pytest.raises(StoreReadOnly):
                merge_outlets(store, "Left A", "Left B")
        app = create_app(str(view / "corpus.db"), worker=False)  # the web app serves it too
        try:
            listing = call(app, "/outlets")
            assert listing.status_code == 200 and "Left A" in listing.text
            page = call(app, "/outlets/1")
            assert page.status_code == 200 and "Title 10" in page.text  # its unlinked article's story
            assert "Blindspot" in call(app, "/blindspot").text
        finally:
            app.state.source.close()
            app.state.jobs.shutdown()
    with open_store(str(folder / "corpus.db")) as store:
        assert int(store.scalar("SELECT COUNT(*) FROM article_outlets")) == len(SITES)  # unchanged
