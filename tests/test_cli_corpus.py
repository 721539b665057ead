"""The corpus commands: ingest, stories, story, export."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.corpus import stories as stories_module
from parallax.corpus.store import open_store

runner = CliRunner()

QUAKE = (
    "A magnitude 6.1 earthquake struck the coastal town of Marlow Bay on Sunday morning, "
    "damaging the harbour "
    "and the old lighthouse. Marlow Bay's mayor, Ines Calder, said two people were injured and schools would "
    "stay closed on Monday while engineers inspect them."
)
QUAKE_2 = (
    "An earthquake of magnitude 6.1 hit Marlow Bay early on Sunday. "
    "Mayor Ines Calder told reporters that two "
    "residents were hurt and that the lighthouse and harbour were damaged. Schools in Marlow Bay will remain "
    "closed on Monday for inspections."
)
ELECTION = (
    "Voters in the northern province of Tessary elected Omar Lind as governor on Sunday, ending twelve years "
    "of rule by the Harvest Party. Lind promised to build new rail links across Tessary."
)


def bag_embedder(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        total = np.zeros(384)
        for word in text.lower().split():
            total += np.random.default_rng(zlib.crc32(word.strip(".,'").encode())).standard_normal(384)
        rows.append(total / (np.linalg.norm(total) or 1.0))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), 384)


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    source = tmp_path / "news.jsonl"
    rows = [
        {
            "id": "q1",
            "outlet": "Coast Herald",
            "date": "2024-06-02",
            "title": "Quake hits Marlow Bay",
            "text": QUAKE,
        },
        {
            "id": "e1",
            "outlet": "Tessary Post",
            "date": "2024-06-02",
            "title": "Lind wins Tessary",
            "text": ELECTION,
        },
        {
            "id": "q2",
            "outlet": "Daily Wire <script>",
            "date": "2024-06-03",
            "title": "Marlow Bay earthquake",
            "text": QUAKE_2,
            "section": "world",
        },
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    db = tmp_path / "corpus.db"
    result = runner.invoke(app, ["ingest", str(source), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "read 3 articles: 3 new" in result.output and "1 records could not be read" in result.output
    return db


def quake_story(db: Path) -> dict[str, object]:
    result = runner.invoke(app, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    assert sorted(sorted(s["article_ids"]) for s in stories) == [["e1"], ["q1", "q2"]]
    return next(s for s in stories if "q1" in s["article_ids"])


def test_cli_corpus_ingest_and_list_stories(corpus: Path) -> None:
    story = quake_story(corpus)
    assert story["size"] == 2 and story["first"] == "2024-06-02" and story["last"] == "2024-06-03"
    assert story["outlets"] == ["Coast Herald", "Daily Wire <script>"]
    text = runner.invoke(app, ["stories", "--db", str(corpus)])
    assert (
        text.exit_code == 0
        and "Quake hits Marlow Bay" in text.output
        and "2024-06-02-2024-06-03" in text.output
    )


def test_cli_corpus_ingest_again_adds_nothing(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "news.jsonl"), "--db", str(corpus)])
    assert result.exit_code == 0 and "0 new, 3 already in the corpus" in result.output


def test_cli_corpus_story_report_is_cached(corpus: Path, tmp_path: Path) -> None:
    story_id = str(quake_story(corpus)["id"])
    out = tmp_path / "story.json"
    result = runner.invoke(app, ["story", story_id, "--db", str(corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(a["id"] for a in report["articles"]) == ["q1", "q2"]
    assert any(len(c["outlets"]) == 2 for c in report["claims"])  # the two quake reports agree on facts
    with open_store(str(corpus)) as store:
        assert store.load_analysis(story_id) is not None
    html = tmp_path / "story.html"
    again = runner.invoke(app, ["story", story_id, "--db", str(corpus), "--format", "html", "-o", str(html)])
    assert again.exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "Daily Wire &lt;script&gt;" in page and "Daily Wire <script>" not in page  # outlet names escaped


def test_cli_corpus_export_jsonl_and_parquet(corpus: Path, tmp_path: Path) -> None:
    jsonl = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["export", "--db", str(corpus), "-o", str(jsonl)]).exit_code == 0
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["size"] for r in rows) == [1, 2]
    quake = next(r for r in rows if r["size"] == 2)
    assert [a["id"] for a in quake["articles"]] == ["q1", "q2"] and quake["history"][0]["kind"] == "create"
    parquet = tmp_path / "out.parquet"
    assert runner.invoke(app, ["export", "--db", str(corpus), "-o", str(parquet)]).exit_code == 0
    table = pq.read_table(parquet).to_pylist()
    assert sorted(r["size"] for r in table) == [1, 2]
    assert all(r["analysis"] is None for r in table)


def test_cli_corpus_missing_corpus_and_unknown_story(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["stories", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "no corpus at" in result.output
    result = runner.invoke(app, ["story", "999", "--db", str(corpus)])
    assert result.exit_code == 1 and "no story 999" in result.output


def test_cli_corpus_ingest_of_nothing_readable_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    result = runner.invoke(app, ["ingest", str(tmp_path / "absent.jsonl"), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1 and "no such file" in result.output
