"""The engine interface without a cluster: choosing an engine, its errors, and the local engine's path."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.engine import EngineUnavailable, LocalEngine, make_engine
from parallax.engine.ray_engine import LeadTable, import_ray, list_shards
from parallax.ingest.sources import Read, iter_sources
from parallax.ingest.urls import FetchSettings
from parallax.model import Article, Skipped

runner = CliRunner()


def test_engine_local_is_the_default() -> None:
    engine = make_engine()
    assert isinstance(engine, LocalEngine)
    assert engine.embedder(lambda: ["never asked"]) is None  # clustering embeds as it goes, as before


@pytest.mark.parametrize(
    ("name", "address", "workers", "message"),
    [
        ("spark", None, None, "unknown engine 'spark'"),
        ("ray", None, 0, "--workers must be at least 1"),
        ("local", "auto", None, "need --engine ray"),
        ("local", None, 3, "need --engine ray"),
    ],
)
def test_engine_choice_errors_say_what_is_wrong(
    name: str, address: str | None, workers: int | None, message: str
) -> None:
    with pytest.raises(EngineUnavailable, match=message):
        make_engine(name, address=address, workers=workers)


def test_engine_ray_missing_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as without the extra
    with pytest.raises(EngineUnavailable, match=r"pip install 'parallax-news\[ray\]'"):
        import_ray()


@pytest.mark.parametrize("command", ["ingest", "analyse-pending"])
def test_engine_cli_without_ray_exits_2(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    db = tmp_path / "c.db"
    args = [command, "--db", str(db), "--engine", "ray", "--workers", "2"]
    if command == "ingest":
        args.insert(1, str(tmp_path))
    else:
        assert runner.invoke(app, ["ingest", str(tmp_path), "--db", str(db), "--no-cluster"]).exit_code in (
            0,
            1,
        )
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "parallax-news[ray]" in result.output


def test_engine_cli_rejects_workers_for_local(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "c.db"), "--workers", "4"])
    assert result.exit_code == 2
    assert "need --engine ray" in result.output
    assert not (tmp_path / "c.db").exists()  # nothing was opened or written


def test_engine_shards_follow_the_reading_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second file.\n\nIts body.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First file.\n\nIts body.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("never read", encoding="utf-8")
    missing = str(tmp_path / "missing.jsonl")
    shards = list(list_shards([str(tmp_path), missing, "https://example.org/feed.xml"]))
    files = [s for s in shards if isinstance(s, str)]
    assert files == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt"), "https://example.org/feed.xml"]
    skipped = [s for s in shards if isinstance(s, Read)]
    assert all(isinstance(s.item, Skipped) for s in skipped)
    assert [Path(s.origin).name for s in skipped] == [".hidden.txt", "missing.jsonl"]
    # the same order as the in-process reader, file by file
    local = [r.origin for r in iter_sources([str(tmp_path), missing])]
    sharded = [s if isinstance(s, str) else s.origin for s in shards[:-1]]
    assert sorted(set(local), key=local.index) == sharded


def test_engine_local_reads_as_iter_sources(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nSome text of the article.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("", encoding="utf-8")
    got = list(LocalEngine().read([str(tmp_path)], FetchSettings()))
    want = list(iter_sources([str(tmp_path)]))
    assert [(r.origin, type(r.item)) for r in got] == [(r.origin, type(r.item)) for r in want]
    assert any(isinstance(r.item, Article) for r in got)


def test_engine_lead_table_answers_in_order() -> None:
    vectors = np.eye(3, 384, dtype=np.float32)
    table = LeadTable(["a", "b", "c"], vectors)
    out = table(["c", "a", "c"])
    assert out.shape == (3, 384)
    assert np.array_equal(out, vectors[[2, 0, 2]])
    assert table([]).shape == (0, 384)
