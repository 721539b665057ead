"""Resumable, idempotent corpus ingest: bad records, duplicates, locks and kill -9."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.errors import StoreError
from parallax.ingest.records import read_jsonl_file
from parallax.model import Skipped

DIM = 384
WORDS = "harbour council budget storm ferry strike election court hospital bridge museum river".split()  # noqa: SIM905


def bag_embedder(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        total = np.zeros(DIM)
        for word in text.lower().split():
            total += np.random.default_rng(zlib.crc32(word.encode())).standard_normal(DIM)
        rows.append(total / (np.linalg.norm(total) or 1.0))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)


def record(i: int, **extra: object) -> dict[str, object]:
    topic = WORDS[i % len(WORDS)]
    body = f"Report {i} on the {topic}. " + " ".join(
        f"{WORDS[(i * 7 + k) % len(WORDS)]}{k}" for k in range(30)
    )
    return {
        "id": f"r{i}",
        "outlet": f"Outlet {i % 5}",
        "date": "2024-02-0" + str(1 + i % 9),
        "title": f"The {topic} story {i}",
        "url": f"https://example.org/{i}",
        "text": body,
        **extra,
    }


def write_jsonl(path: Path, lines: list[str]) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:  # type: ignore[operator]
        handle.write("\n".join(lines) + "\n")
    return path


def test_corpus_ingest_counts_malformed_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    lines = [
        json.dumps(record(0)),
        "{not json",
        json.dumps(record(1)),
        "[1, 2]",
        json.dumps({"id": "x", "text": ""}),
        "",
        json.dumps(record(2, topic="politics")),
    ]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    with open_store(str(tmp_path / "c.db")) as store:
        summary = ingest(store, [str(source)], embed=bag_embedder)
        assert (summary.read, summary.added, summary.errors) == (3, 3, 3)
        errors = store.ingest_errors()
        reasons = {rec: why for _, rec, why in errors}
        assert reasons["2"].startswith("line 2: invalid JSON")
        assert "not an object" in reasons["4"]
        assert "no article text" in reasons["5"] and "id x" in reasons["5"]
        (stored,) = [a for a in store.iter_articles() if a.input_id == "r2"]
        assert stored.meta == {"topic": "politics"} and stored.outlet == "Outlet 2"
        assert summary.clustering.clustered == 3 and store.count_pending() == 0


def test_corpus_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl.gz", [json.dumps(record(i)) for i in range(20)])
    with open_store(str(tmp_path / "c.db")) as store:
        first = ingest(store, [str(source)], embed=bag_embedder)
        stories = store.list_stories()
        again = ingest(store, [str(source), str(source)], embed=bag_embedder)
        assert first.added == 20 and again.added == 0 and again.already == 40
        assert again.clustering.clustered == 0
        assert store.list_stories() == stories


def test_corpus_ingest_duplicate_ids_with_different_content(tmp_path: Path) -> None:
    one = record(1)
    two = dict(record(1), text=str(record(1)["text"]) + " A correction was added.")
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(one), json.dumps(two)])
    with open_store(str(tmp_path / "c.db")) as store:
        summary = ingest(store, [str(source)], embed=bag_embedder)
        assert summary.added == 2 and summary.conflicts == ["r1"]
        assert any("already stored with other content" in line for line in summary.lines())


def test_corpus_ingest_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    full = write_jsonl(tmp_path / "full.jsonl.gz", [json.dumps(record(i)) for i in range(200)])
    data = full.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    items = list(read_jsonl_file(cut))
    errors = [i for i in items if isinstance(i, Skipped)]
    assert len(errors) == 1 and "truncated" in errors[0].reason
    assert 0 < len(items) - 1 < 200


def test_corpus_ingest_html_without_text_and_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.html").write_text("<html><body><nav>Home | About</nav></body></html>")
    with open_store(str(tmp_path / "c.db")) as store:
        summary = ingest(store, [str(folder), str(tmp_path / "absent")], embed=bag_embedder)
        assert summary.read == 0 and summary.errors == 2
        reasons = " | ".join(why for _, _, why in store.ingest_errors())
        assert "no article text found in the HTML page" in reasons and "no such file" in reasons


def test_corpus_ingest_refuses_while_another_ingest_runs(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record(0))])
    with open_store(str(tmp_path / "c.db")) as holder, holder.ingest_lock():
        other = open_store(str(tmp_path / "c.db"))
        with pytest.raises(StoreError, match="locked by another process"):
            ingest(other, [str(source)], embed=bag_embedder)
        other.close()


KILL_SCRIPT = textwrap.dedent("""
    import sys, time, zlib
    import numpy as np
    sys.path.insert(0, {tests!r})
    from test_corpus_ingest import bag_embedder
    from parallax.corpus.intake import ingest
    from parallax.corpus.stories import ClusterSettings
    from parallax.corpus.connect import open_store

    def slow(texts):
        time.sleep(0.05)
        return bag_embedder(texts)

    store = open_store({db!r})
    ingest(store, [{source!r}], embed=slow, settings=ClusterSettings(batch_size=8))
    print("finished", flush=True)
""")


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["storing", "clustering"])
def test_corpus_ingest_survives_kill_9(tmp_path: Path, moment: str) -> None:
    count = 3000 if moment == "storing" else 400
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record(i)) for i in range(count)])
    db = tmp_path / "c.db"
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), db=str(db), source=str(source))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with open_store(str(db)) as peek:
                    stored = peek.count_articles()
                    clustered = stored - peek.count_pending()
            except StoreError:
                stored = clustered = 0
            if (moment == "storing" and stored > 0) or (moment == "clustering" and clustered >= 16):
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
        time.sleep(0.01)
    proc.wait()
    assert killed, "the ingest finished before it could be killed"
    with open_store(str(db)) as store:
        before = store.count_articles()
        assert before <= count
        summary = ingest(store, [str(source)], embed=bag_embedder)
        assert summary.added == count - before
        ids = [a.input_id for a in store.iter_articles()]
        assert sorted(ids) == sorted(f"r{i}" for i in range(count))  # nothing lost, nothing twice
        assert store.count_pending() == 0
        members = [i for s in store.list_stories() for i in s["article_ids"]]
        assert sorted(members) == sorted(ids)  # every article in exactly one story
        assert store.scalar("SELECT COUNT(*) FROM features") == count


def test_corpus_ingest_on_postgresql(tmp_path: Path) -> None:
    from conftest import postgres_database

    databases = postgres_database()
    url = next(databases)
    try:
        source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record(i)) for i in range(30)] + ["{bad"])
        with open_store(url) as store:
            first = ingest(store, [str(source)], embed=bag_embedder)
            assert (first.added, first.errors, first.clustering.clustered) == (30, 1, 30)
            again = ingest(store, [str(source)], embed=bag_embedder)
            assert again.added == 0 and again.already == 30
            members = sorted(i for s in store.list_stories() for i in s["article_ids"])
            assert members == sorted(f"r{i}" for i in range(30))
            assert store.vector_path() is None  # the ANN index is rebuilt from the features table
    finally:
        databases.close()


def story_sets(store: object) -> list[list[str]]:
    return sorted(sorted(s["article_ids"]) for s in store.list_stories())  # type: ignore[attr-defined]


def test_corpus_ingest_embeds_leads_in_a_thread_as_they_are_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parallax.corpus import stories as stories_module

    calls: list[tuple[str, int]] = []

    def counted(texts: Sequence[str]) -> np.ndarray:
        calls.append((threading.current_thread().name, len(texts)))
        return bag_embedder(texts)

    monkeypatch.setattr(stories_module, "default_embedder", counted)
    lines = [json.dumps(record(i)) for i in range(700)]  # more than one store batch (500)
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    with open_store(str(tmp_path / "threaded.db")) as store:
        threaded = ingest(store, [str(source)])
        threaded_stories = story_sets(store)
    with open_store(str(tmp_path / "direct.db")) as store:
        direct = ingest(store, [str(source)], embed=bag_embedder)
        direct_stories = story_sets(store)
    assert threaded.clustering == direct.clustering
    assert threaded_stories == direct_stories  # the same vectors, so the same stories
    assert calls and all(name.startswith("parallax-leads") for name, _ in calls), calls
    assert sum(n for _, n in calls) == 700  # each lead embedded once, none again by the clusterer


def test_corpus_ingest_model_failure_in_the_lead_thread_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parallax.corpus import stories as stories_module
    from parallax.errors import ModelUnavailable

    def broken(texts: Sequence[str]) -> np.ndarray:
        raise ModelUnavailable("no ONNX MiniLM here: build it with `python scripts/build_onnx_model.py`")

    monkeypatch.setattr(stories_module, "default_embedder", broken)
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps(record(i)) for i in range(30)])
    with open_store(str(tmp_path / "c.db")) as store:
        with pytest.raises(ModelUnavailable, match="build it with"):
            ingest(store, [str(source)])
        assert store.count_articles() == 30 and store.count_pending() == 30  # stored, left to cluster
