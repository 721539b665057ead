"""The corpus commands: ingest, stories, story, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import parallax
from conftest import bag_embedder
from parallax.cli import app
from parallax.corpus import stories as stories_module
from parallax.corpus.connect import open_store

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
    # The two-outlet quake story comes before the single-outlet election by default (coverage) ...
    listed = json.loads(runner.invoke(app, ["stories", "--db", str(corpus), "-f", "json"]).stdout)["stories"]
    assert [s["title"] for s in listed] == ["Quake hits Marlow Bay", "Lind wins Tessary"]
    # ... and the other orders stay one option away.
    by_title = runner.invoke(app, ["stories", "--db", str(corpus), "-f", "json", "--sort", "title"])
    titles = [s["title"] for s in json.loads(by_title.stdout)["stories"]]
    assert titles == ["Lind wins Tessary", "Quake hits Marlow Bay"]
    assert runner.invoke(app, ["stories", "--db", str(corpus), "--sort", "sideways"]).exit_code == 2


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


def story_json(db: Path, story_id: str, out: Path, *flags: str) -> dict[str, Any]:
    result = runner.invoke(app, ["story", story_id, "--db", str(db), "-o", str(out), *flags])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_cli_corpus_story_takes_analysis_options(corpus: Path, tmp_path: Path) -> None:
    story_id = str(quake_story(corpus)["id"])
    first = story_json(corpus, story_id, tmp_path / "default.json")
    assert len(first["summary"]) > 1
    short = story_json(corpus, story_id, tmp_path / "short.json", "--summary-sentences", "1")
    assert len(short["summary"]) == 1  # the cached default analysis was not served
    again = story_json(corpus, story_id, tmp_path / "again.json", "--summary-sentences", "1")
    assert again["summary"] == short["summary"]
    bad = runner.invoke(app, ["story", story_id, "--db", str(corpus), "--summary-sentences", "many"])
    assert bad.exit_code != 0 and "summary-sentences" in bad.output


def test_cli_corpus_story_recomputes_after_an_upgrade(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story_id = str(quake_story(corpus)["id"])
    story_json(corpus, story_id, tmp_path / "old.json")
    monkeypatch.setattr(parallax, "__version__", "99.0.0")
    with open_store(str(corpus)) as store:
        assert store.load_analysis(story_id) is None  # stale: made by an older version
    upgraded = story_json(corpus, story_id, tmp_path / "new.json")
    assert upgraded["generated_by"] == "parallax 99.0.0"
    with open_store(str(corpus)) as store:
        assert store.load_analysis(story_id) is not None


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
    by_size = sorted(table, key=lambda r: r["size"])  # ingest analysed the two-outlet story only
    assert by_size[0]["analysis"] is None and json.loads(by_size[1]["analysis"])["claims"]


def test_cli_corpus_missing_corpus_and_unknown_story(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["stories", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "no corpus at" in result.output
    result = runner.invoke(app, ["story", "999", "--db", str(corpus)])
    assert result.exit_code == 1 and "no story 999" in result.output


def test_cli_corpus_ingest_of_nothing_readable_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    result = runner.invoke(app, ["ingest", str(tmp_path / "absent.jsonl"), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1 and "no such file" in result.output


# ---------------------------------------------------------------- cleaning metadata at ingest

GAZETTE = (
    "HARBOURTON, June 4, 2024 (Lakeside Gazette) – The town council voted on Tuesday to close the old "
    "ferry pier after engineers found cracks in its supports.\n\nThe mayor said repairs would start in July."
)
COURIER = (
    "(Ridge Courier) – Firefighters contained a grass fire near the Ridge reservoir on Sunday after six "
    "hours of work.\n\nNobody was hurt, the fire service said."
)


def stored_by_title(db: Path) -> dict[str, tuple[str | None, str | None, str]]:
    with open_store(str(db)) as store:
        return {a.title: (a.outlet, a.published, a.text) for a in store.iter_articles()}


def test_cli_corpus_ingest_fills_outlet_and_date_from_datelines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "pier.txt").write_text("Harbourton closes its ferry pier\n\n" + GAZETTE, encoding="utf-8")
    (folder / "fire.txt").write_text("Grass fire contained\n\n" + COURIER, encoding="utf-8")
    given = {"id": "g1", "outlet": "Named Outlet", "date": "2024-01-09", "title": "Given", "text": GAZETTE}
    (folder / "given.jsonl").write_text(json.dumps(given) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    stored = stored_by_title(db)
    assert stored["Harbourton closes its ferry pier"][:2] == ("Lakeside Gazette", "2024-06-04")
    assert stored["Grass fire contained"][0] == "Ridge Courier"
    assert stored["Given"][:2] == ("Named Outlet", "2024-01-09")  # what the source says wins
    assert stored["Harbourton closes its ferry pier"][2].endswith(GAZETTE)  # the text is stored unchanged
    listing = json.loads(runner.invoke(app, ["stories", "--db", str(db), "-f", "json"]).stdout)["stories"]
    outlets = {o for s in listing for o in s["outlets"]}
    assert {"Lakeside Gazette", "Ridge Courier", "Named Outlet"} <= outlets
    # Articles without an input id read the same in the listing and in the story's report.
    fire = next(s for s in listing if "Ridge Courier" in s["outlets"])
    assert all(i.startswith("a") for i in fire["article_ids"])
    result = runner.invoke(app, ["story", fire["id"], "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(a["id"] for a in json.loads(result.stdout)["articles"]) == sorted(fire["article_ids"])


def test_cli_corpus_ingest_of_the_example_lists_the_outlets_analyze_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_dir: Path
) -> None:
    from parallax.ingest import read_file
    from parallax.model import Article

    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    db = tmp_path / "example.db"
    result = runner.invoke(app, ["ingest", str(example_dir), "--db", str(db)])
    assert result.exit_code == 0, result.output
    listing = json.loads(runner.invoke(app, ["stories", "--db", str(db), "-f", "json"]).stdout)["stories"]
    outlets = {o for s in listing for o in s["outlets"]}
    # The outlets cleaning finds in the texts (datelines, outlet tags) beside those in the metadata.
    from parallax.clean.furniture import clean_article

    expected: set[str] = set()
    read_outlets: set[str] = set()
    for path in sorted(example_dir.iterdir()):
        for article in (item for item in read_file(path) if isinstance(item, Article)):
            if article.outlet:
                read_outlets.add(article.outlet)
            clean_article(article)
            if article.outlet:
                expected.add(article.outlet)
    assert expected - read_outlets, "the example should have outlets only its text names"
    assert outlets == expected and len(outlets) >= 4


def test_cli_corpus_story_report_equals_analyze(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_dir: Path, example_report: object
) -> None:
    """`parallax story` on the stored example gives the report `parallax analyze` gives on its files."""
    from parallax.codec import report_to_dict
    from parallax.corpus.rows import ClusterBatch

    monkeypatch.setattr(stories_module, "default_embedder", bag_embedder)
    db = tmp_path / "example.db"
    assert runner.invoke(app, ["ingest", str(example_dir), "--db", str(db), "--no-cluster"]).exit_code == 0
    with open_store(str(db)) as store:  # one story of the whole example, whatever clustering would say
        rows = [a.id for a in store.iter_articles()]
        store.save_cluster_batch(
            ClusterBatch(new_stories=[1], assigned={r: (1, None) for r in rows}, touched={1})
        )
    result = runner.invoke(app, ["story", "1", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    from_story = json.loads(result.stdout)
    from_analyze = report_to_dict(example_report)  # type: ignore[arg-type]
    assert from_story["claims"] and from_story["summary"]
    assert from_story["claims"] == from_analyze["claims"]
    assert from_story["summary"] == from_analyze["summary"]
    for key in from_analyze:
        if key not in ("timings", "generated_by"):
            assert from_story[key] == from_analyze[key], f"'{key}' differs between story and analyze"
