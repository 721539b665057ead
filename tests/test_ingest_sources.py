"""One way in: `parallax analyze` and `parallax ingest` read the same inputs the same way."""

from __future__ import annotations

import gzip
import json
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from parallax.cli import app
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.ingest import read_sources
from parallax.ingest.feeds import read_feed_bytes
from parallax.ingest.records import parse_record_line, read_json, read_jsonl
from parallax.ingest.sanitise import MAX_TEXT_CHARS, NOTES_KEY
from parallax.ingest.sources import suffix_of
from parallax.model import Article, Skipped
from parallax.web.uploads import ALLOWED_SUFFIXES

runner = CliRunner()

HARBOUR = (
    "The harbour authority in Port Veldan closed the northern quay on Tuesday after a crane collapsed "
    "during the morning shift. Two workers were taken to hospital with minor injuries, officials said."
)
FERRY = (
    "Ferry services from Port Veldan were suspended on Tuesday while engineers inspected the northern "
    "quay, where a crane fell in the morning. The operator said sailings would resume on Thursday."
)
COUNCIL = (
    "The town council of Port Veldan will meet on Friday to discuss safety at the harbour after the "
    "collapse of a crane on Tuesday injured two workers, the mayor's office said in a statement."
)


def page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{s}.</p>" for s in body.split(". "))
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{paragraphs}</article></body></html>".encode()


def write_warc(path: Path, pages: list[tuple[str, bytes]], kind: str = "text/html; charset=utf-8") -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            )
    return path


def build_inputs(folder: Path) -> list[str]:
    folder.mkdir()
    lines = [
        json.dumps(
            {
                "id": "h1",
                "title": "Crane collapse",
                "outlet": "Veldan Herald",
                "date": "2024-03-12",
                "text": HARBOUR,
            }
        ),
        "{not json",
        json.dumps({"id": "empty", "text": ""}),
        json.dumps(
            {"headline": "Ferries halted", "source": "Coast Wire", "published": "2024-03-12", "body": FERRY}
        ),
        '{"title": "Broken \\ud800 title", "text": "' + COUNCIL + '"}',
        "[" * 5000 + "]" * 5000,
    ]
    records = folder / "records.jsonl.gz"
    with gzip.open(records, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    archive = write_warc(
        folder / "pages.warc.gz",
        [
            (
                "https://herald.example/crane",
                page("Quay closed after crane falls", HARBOUR.replace("Tuesday", "Tuesday morning")),
            ),
            ("https://herald.example/menu", b"<html><body><nav>Home | News</nav></body></html>"),
        ],
    )
    return [str(records), str(archive)]


def test_ingest_sources_analyze_and_ingest_read_the_same(tmp_path: Path) -> None:
    sources = build_inputs(tmp_path / "in")
    out = tmp_path / "report.json"
    analysed = runner.invoke(app, ["analyze", *sources, "-o", str(out)])
    assert analysed.exit_code == 0, analysed.output
    report = json.loads(out.read_text(encoding="utf-8"))
    db = tmp_path / "c.db"
    ingested = runner.invoke(app, ["ingest", *sources, "--db", str(db), "--no-cluster"])
    assert ingested.exit_code == 0, ingested.output
    with open_store(str(db)) as store:
        stored = {(a.source, a.text) for a in store.iter_articles()}
        errors = [(src + ("#" + rec if rec else ""), why) for src, rec, why in store.ingest_errors()]
    analysed_articles = {(a["source"], a["original"]) for a in report["articles"]}
    assert analysed_articles == stored and len(stored) == 4
    assert sorted((s["source"], s["reason"]) for s in report["skipped"]) == sorted(errors)
    reasons = " | ".join(why for _, why in errors)
    assert "invalid JSON" in reasons and "nested too deeply" in reasons and "no article text" in reasons
    assert len(errors) == 4
    for source, reason in errors:  # the analyze warnings name each skipped input with the same reason
        assert f"skipped '{source}': {reason}" in " ".join(analysed.stderr.split())


def test_ingest_sources_deep_json_is_skipped_not_raised() -> None:
    deep = "[" * 20000 + "]" * 20000
    (only,) = list(read_json(deep, "deep.json"))
    assert isinstance(only, Skipped) and "nested too deeply" in only.reason
    (line,) = list(parse_record_line(deep.encode(), "deep.jsonl", 7))
    assert isinstance(line, Skipped) and line.source == "deep.jsonl#7"
    items = list(
        read_jsonl(b'{"text": "Fine words for one article here."}\n' + deep.encode() + b"\n", "d.jsonl")
    )
    assert [type(i) for i in items] == [Article, Skipped]
    nested: object = "leaf"
    for _ in range(40):
        nested = {"k": nested}
    (record,) = list(read_json(json.dumps({"text": "Some article text here.", "extra": nested}), "n.json"))
    assert isinstance(record, Skipped) and "levels deep" in record.reason


def test_ingest_sources_huge_integer_is_a_skipped_record() -> None:
    (item,) = list(read_jsonl(b'{"text": "x y z", "n": ' + b"9" * 5000 + b"}\n", "big.jsonl"))
    assert isinstance(item, Skipped) and item.reason.startswith("line 1: invalid JSON")


@pytest.mark.parametrize(
    "feed",
    [
        b'<rss version="2.0"><channel><title>T</title><item><title>a &#99999999; b</title>'
        b"<description>one two three four five six</description></item></channel></rss>",
        b'<rss version="2.0"><channel><title>T</title><item><title>a &#xD800; b</title>'
        b"<description>one two three four five six &#xdfff;</description></item></channel></rss>",
    ],
)
def test_ingest_sources_feed_with_invalid_character_references(feed: bytes) -> None:
    (item,) = list(read_feed_bytes(feed, "f.rss"))
    assert isinstance(item, Article) and item.title == "a \ufffd b"
    assert "U+FFFD" in item.meta[NOTES_KEY][0]


def test_ingest_sources_surrogates_are_replaced_and_said(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"title": "T\\udc00", "text": "Words \\ud800 of an article.", "tag": "\\ud83d"}\n')
    (article,), skipped = read_sources([path])
    assert skipped == []
    assert article.original == "Words \ufffd of an article." and article.title == "T\ufffd"
    assert article.meta["tag"] == "\ufffd"
    assert "3 invalid characters" in article.meta[NOTES_KEY][0]


def test_ingest_sources_oversized_text_is_capped_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"text": "word " * (MAX_TEXT_CHARS // 4)}))
    (article,), _ = read_sources([path])
    assert len(article.original) == MAX_TEXT_CHARS
    assert any("cut to its first" in note for note in article.meta[NOTES_KEY])


def test_ingest_sources_one_bad_record_does_not_stop_the_store(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = [json.dumps({"id": f"r{i}", "text": f"{HARBOUR} Report number {i}."}) for i in range(3)]
    bad = '{"id": "bad", "outlet": "Wire \\udc00", "tag": "\\ud800", "text": "Broken \\ud800 text here."}'
    path.write_text("\n".join([good[0], bad, *good[1:]]) + "\n")
    with open_store(str(tmp_path / "c.db")) as store:
        summary = ingest(store, [str(path)], cluster=False)
        assert (summary.read, summary.added, summary.errors) == (4, 4, 0)
        (stored,) = [a for a in store.iter_articles() if a.input_id == "bad"]
        assert stored.text == "Broken \ufffd text here." and stored.outlet == "Wire \ufffd"
        assert stored.meta["tag"] == "\ufffd" and "3 invalid characters" in stored.meta[NOTES_KEY][0]


def test_ingest_sources_hidden_files_one_rule(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / "a.txt").write_text(HARBOUR)
    (folder / ".notes.txt").write_text(FERRY)
    articles, skipped = read_sources([folder])
    assert [Path(a.source).name for a in articles] == ["a.txt"]
    assert {Path(s.source).name: s.reason for s in skipped} == {
        ".git": "hidden folder, not read",
        ".notes.txt": "hidden file, not read",
    }
    with open_store(str(tmp_path / "c.db")) as store:
        summary = ingest(store, [str(folder)], cluster=False)
        assert (summary.added, summary.errors) == (1, 2)
    named, _ = read_sources([folder / ".notes.txt"])  # a hidden file named on its own is read
    assert len(named) == 1


def test_ingest_sources_suffixes_and_uploads() -> None:
    assert suffix_of("A.JSONL.GZ") == ".jsonl.gz" and suffix_of("x.warc.gz") == ".warc.gz"
    assert suffix_of("x.gz") == "" and suffix_of("notes") == ""
    assert ".jsonl.gz" in ALLOWED_SUFFIXES and ".warc.gz" in ALLOWED_SUFFIXES
    assert ".urls" not in ALLOWED_SUFFIXES  # an upload never makes the server fetch


def test_ingest_sources_analyze_reads_urls_and_url_lists_like_ingest(tmp_path: Path) -> None:
    listing = tmp_path / "list.urls"
    listing.write_text("# nothing fetchable\nftp://example.invalid/x\nhttp://[::1/bad\n")
    articles, skipped = read_sources([listing, "http://127.0.0.1:9/none"])
    assert articles == []
    reasons = {s.source: s.reason for s in skipped}
    assert "only http and https" in reasons[f"{listing}#2"]
    assert "loopback" in reasons["http://127.0.0.1:9/none"]
    assert "not a valid URL" in reasons[f"{listing}#3"]


def test_ingest_sources_files_with_nothing_in_them_are_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "none.urls").write_text("# only a comment\n\n")
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    write_warc(tmp_path / "images.warc.gz", [("https://x.example/a.png", b"\x89PNG")], kind="image/png")
    articles, skipped = read_sources([tmp_path])
    assert articles == []
    reasons = {Path(s.source).name: s.reason for s in skipped}
    assert reasons["none.urls"].startswith("no URLs in the list")
    assert reasons["empty.warc.gz"].startswith("empty file")
    assert reasons["images.warc.gz"].startswith("no HTML response records")


def test_ingest_sources_an_empty_or_too_long_name_is_skipped_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("Outlet: A\n\nThe quay closed on Tuesday after a crane fell.\n")
    monkeypatch.chdir(tmp_path)  # before: "" was Path("") == ".", this folder, and a.txt was read
    too_long = str(tmp_path / ("n" * 300 + ".txt"))  # before: OSError (file name too long)
    articles, skipped = read_sources(["", " ", too_long])
    assert articles == []
    reasons = [s.reason for s in skipped]
    assert reasons[:2] == ["an empty name: give a file, folder or URL"] * 2
    assert "cannot look at it" in reasons[2] and "too long" in reasons[2]
