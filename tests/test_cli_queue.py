"""Analysis as part of ingest, analyse-pending, a kill -9 mid-analysis, and serve's worker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import bag_embedder
from parallax.cli import app
from parallax.corpus import stories as stories_module
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from test_queue import FLOOD, QUAKE, write_articles

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbour-bridge"


def listed(db: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["stories"])


def expected(story: dict[str, object]) -> bool:
    return len(story["outlets"]) >= 2  # type: ignore[arg-type]


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    made = write_articles(
        tmp_path / "made-up.jsonl", [*QUAKE, ("Tessary Post", "Lind won the Tessary vote.")]
    )
    return [str(EXAMPLE), str(made)]


@pytest.mark.slow
def test_cli_queue_ingest_returns_with_every_multi_outlet_story_current(
    sources: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "corpus.db"
    result = runner.invoke(app, ["ingest", *sources, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "analysed 2 stories" in result.output
    stories = listed(db)
    assert sum(expected(s) for s in stories) == 2 and len(stories) == 3
    for story in stories:
        assert story["analysis"] == ("current" if expected(story) else "none"), story
    bridge = next(s for s in stories if s["size"] == 5)
    digest = bridge["digest"]
    assert isinstance(digest, dict) and digest["headline"] and digest["claims"] > digest["exclusive_claims"]


@pytest.mark.slow
def test_cli_queue_no_analyse_leaves_pending_and_analyse_pending_finishes(
    sources: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "corpus.db"
    result = runner.invoke(app, ["ingest", *sources, "--db", str(db), "--no-analyse"])
    assert result.exit_code == 0, result.output
    assert {s["analysis"] for s in listed(db) if expected(s)} == {"pending"}
    first = runner.invoke(app, ["analyse-pending", "--db", str(db), "--limit", "1"])
    assert first.exit_code == 0 and "analysed 1 stories" in first.output, first.output
    assert sorted(str(s["analysis"]) for s in listed(db) if expected(s)) == ["current", "pending"]
    rest = runner.invoke(app, ["analyse-pending", "--db", str(db)])
    assert rest.exit_code == 0 and "analysed 1 stories" in rest.output, rest.output
    assert {s["analysis"] for s in listed(db) if expected(s)} == {"current"}


def test_cli_queue_analyse_pending_refuses_a_bad_limit_and_a_missing_corpus(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["analyse-pending", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "there is no corpus" in missing.output
    bad = runner.invoke(app, ["analyse-pending", "--db", str(tmp_path / "none.db"), "--limit", "0"])
    assert bad.exit_code == 2 and "--limit must be at least 1" in bad.output


def queue_rows(db: Path) -> list[tuple[int, str, int, int]]:
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return list(conn.execute("SELECT story_id, state, attempts, analysed_count FROM analysis_queue"))
        except sqlite3.OperationalError:
            return []  # not created yet


@pytest.mark.slow
def test_cli_queue_kill_during_analysis_then_rerun_finishes_once_each(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(EXAMPLE, folder / "bridge")
    write_articles(folder / "quake.jsonl", QUAKE)
    write_articles(folder / "flood.jsonl", FLOOD)
    db = tmp_path / "corpus.db"
    command = [sys.executable, "-m", "parallax", "ingest", str(folder), "--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not any(state == "done" for _, state, _, _ in queue_rows(db)):
            assert process.poll() is None, "the ingest ended before one story was analysed"
            assert time.monotonic() < deadline, "no story was analysed in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    before = queue_rows(db)
    assert any(state != "done" for _, state, _, _ in before), before  # killed with work left
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    after = queue_rows(db)
    assert {state for _, state, _, _ in after} == {"done"}
    assert all(count == 1 for _, _, _, count in after), after  # nothing analysed twice
    assert sum(attempts > 1 for _, _, attempts, _ in after) <= 1  # only the one killed mid-analysis
    stories = listed(db)
    assert len(after) == sum(expected(s) for s in stories) >= 2  # nothing lost
    assert {s["analysis"] for s in stories if expected(s)} == {"current"}


@pytest.mark.slow
def test_cli_queue_serve_worker_analyses_a_story_ingested_meanwhile(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from parallax.web.app import create_app

    db = tmp_path / "corpus.db"
    open_store(str(db)).close()
    web = create_app(str(db), worker=True, worker_seconds=0.2)
    with TestClient(web) as client:
        assert client.get("/api/stories").json()["total"] == 0

        def other_process() -> None:  # an ingest on its own connection, analysing nothing itself
            store = open_store(str(db))
            try:
                ingest(store, [str(write_articles(tmp_path / "quake.jsonl", QUAKE))], embed=bag_embedder)
            finally:
                store.close()

        writer = threading.Thread(target=other_process)
        writer.start()
        writer.join()
        deadline = time.monotonic() + 120
        while True:
            with open_store(str(db)) as store:
                if {r.analysis for r in store.story_records()} == {"current"}:
                    break
            assert time.monotonic() < deadline, web.state.queue_worker.problem
            time.sleep(0.2)
        web.state.source.refresh(force=True)
        stories = client.get("/api/stories").json()["stories"]
        assert [s["analysis"] for s in stories] == ["current"] and stories[0]["digest"]["claims"] >= 1
    assert not web.state.queue_worker.thread.is_alive()  # stopped with the app
