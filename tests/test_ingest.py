"""Reading inputs: formats, encodings, bad input, ids and notes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import parallax
from parallax.errors import NothingToAnalyse
from parallax.ingest import describe_skipped, prepare, read_sources
from parallax.ingest.common import detect_language, parse_date
from parallax.ingest.text import find_title
from parallax.model import Article

DATA = Path(__file__).resolve().parent / "data"

STORY = (
    "Storm closes the coastal road\n\n"
    "Heavy rain washed away part of the coastal road near Fairhaven on Tuesday, the county highways "
    "office said, and it will stay closed for at least a week.\n\n"
    "Residents of the village were told to use the hill route, which adds about twenty minutes to the "
    "journey into town.\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def reasons(skipped: list) -> dict[str, str]:
    return {Path(s.source).name: s.reason for s in skipped}


# --- formats -----------------------------------------------------------------


def test_ingest_text_first_short_line_is_title(tmp_path: Path) -> None:
    articles, skipped = read_sources([write(tmp_path, "road.txt", STORY)])
    assert skipped == []
    [article] = articles
    assert article.title == "Storm closes the coastal road"
    assert article.original == STORY  # the whole file, offsets point here
    assert article.source == str(tmp_path / "road.txt")
    assert article.language == "en"


def test_ingest_text_sentence_first_line_is_not_title() -> None:
    text = "Officials said the road would reopen on Friday.\nThe works cost more than planned.\n"
    assert find_title(text) == ""
    wrapped = "The council voted on Friday to\naccept the plan for the harbour.\n"
    assert find_title(wrapped) == ""  # ends in a function word, paragraph goes on
    assert find_title("Only one line here") == ""  # a one-line file is all body


def test_ingest_markdown_heading_is_title(tmp_path: Path) -> None:
    articles, _ = read_sources([DATA / "clean_blog_post.md"])
    assert articles[0].title == "Night trains return to the northern line"


def test_ingest_html_main_text_and_metadata() -> None:
    articles, skipped = read_sources([DATA / "ingest_story.html"])
    assert skipped == []
    [article] = articles
    assert article.title == "Lighthouse keeper rescues stranded kayakers"
    assert article.outlet == "The Cove Courier"
    assert article.published == "2024-06-09"
    assert article.meta["url"] == "https://cove-courier.example/news/lighthouse-rescue"
    assert "Tomas Brenner" in article.original
    for chrome in ("Sport", "All rights reserved", "Leave a Reply", "<p>"):
        assert chrome not in article.original


def test_ingest_html_without_text_is_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path, "blank.html", "<html><head><title>x</title></head><body><nav>Home</nav></body></html>"
    )
    articles, skipped = read_sources([path])
    assert articles == []
    assert "no article text" in skipped[0].reason


def test_ingest_json_list_and_single_object() -> None:
    articles, skipped = read_sources([DATA / "ingest_records.json", DATA / "ingest_single.json"])
    assert skipped == []
    assert [a.source.rsplit("/", 1)[-1] for a in articles] == [
        "ingest_records.json#1",
        "ingest_records.json#2",
        "ingest_single.json",
    ]
    first, second, single = articles
    assert (first.outlet, first.published, first.meta["author"]) == ("Town Crier", "2024-05-02", "R. Patel")
    assert second.published is None
    # Alternative field names are understood.
    assert (single.title, single.outlet, single.published) == (
        "Tram line extension approved",
        "Metro Ledger",
        "2024-09-17",
    )
    assert single.original.startswith("Planners approved")


def test_ingest_jsonl_records_bad_lines_and_meta() -> None:
    articles, skipped = read_sources([DATA / "ingest_records.jsonl"])
    assert [a.source.rsplit("#", 1)[-1] for a in articles] == ["1", "4"]
    first, fourth = articles
    assert first.meta == {"section": "Farming", "wordcount": 41, "url": "https://valley-times.example/apples"}
    assert first.outlet == "Valley Times" and first.published == "2024-10-07"
    assert fourth.published == "2024-10-08"  # "date" with a written month
    why = {s.source.rsplit("#", 1)[-1]: s.reason for s in skipped}
    assert set(why) == {"2", "3"}
    assert "no article text" in why["2"]
    assert why["3"].startswith("line 3: invalid JSON")


def test_ingest_json_not_objects_and_invalid(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", '{"title": "x", ')
    scalar = write(tmp_path, "scalar.json", "42")
    mixed = write(
        tmp_path, "mixed.json", json.dumps([{"text": "A full sentence of reporting here."}, "oops"])
    )
    articles, skipped = read_sources([bad, scalar, mixed])
    assert len(articles) == 1
    why = {Path(s.source).name: s.reason for s in skipped}
    assert why["bad.json"].startswith("invalid JSON (") and "column 16" in why["bad.json"]
    assert "not an object" in why["scalar.json"]
    assert "not an object" in why["mixed.json#2"]


# --- encodings -----------------------------------------------------------------

FRENCH = "Le café du port était fermé à cause de la grève; l'élève a répondu « déjà vu »."


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_ingest_detects_single_byte_encodings(tmp_path: Path, encoding: str) -> None:
    text = "Harbour café reopens after repairs\n\n" + FRENCH + "\n" + FRENCH + "\n"
    articles, skipped = read_sources([write(tmp_path, "fr.txt", text.encode(encoding))])
    assert skipped == []
    assert "café du port était fermé" in articles[0].original
    assert "Ã" not in articles[0].original


def test_ingest_cp1252_curly_quotes(tmp_path: Path) -> None:
    text = (
        "The mayor said the plan was “finished” and the council’s vote — taken on Monday — was final.\n" * 3
    )
    articles, _ = read_sources([write(tmp_path, "quotes.txt", text.encode("cp1252"))])
    assert "“finished”" in articles[0].original
    assert "council’s" in articles[0].original


def test_ingest_repairs_mojibake(tmp_path: Path) -> None:
    # (no closing curly double quote: its third byte has no cp1252 character)
    clean = "The café owner said the council’s decision — taken on “Monday — was unfair to traders.\n"
    garbled = clean.encode("utf-8").decode("cp1252")  # the classic double-encoding damage
    assert "â€" in garbled
    articles, _ = read_sources([write(tmp_path, "moji.txt", garbled.encode("utf-8"))])
    assert articles[0].original == clean
    # Offsets point into the repaired text.
    start = articles[0].original.index("café")
    assert articles[0].original[start : start + 4] == "café"


def test_ingest_utf16_with_bom(tmp_path: Path) -> None:
    articles, _ = read_sources([write(tmp_path, "u16.txt", (FRENCH + "\n").encode("utf-16"))])
    assert articles[0].original.strip() == FRENCH


# --- bad input -----------------------------------------------------------------


def test_ingest_skips_bad_files_with_reasons(tmp_path: Path) -> None:
    write(tmp_path, "a_story.txt", STORY)
    write(tmp_path, "b_empty.txt", b"")
    write(tmp_path, "c_blank.md", "  \n\n \t\n")
    write(tmp_path, "d_binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    noise = bytes(b for b in random.Random(7).randbytes(3000) if b >= 0x80)
    write(tmp_path, "e_noise.txt", noise)
    write(tmp_path, "f_report.pdf", b"%PDF-1.4")
    write(tmp_path, "README", "no extension")
    articles, skipped = read_sources([tmp_path, tmp_path / "missing.txt"])
    assert [Path(a.source).name for a in articles] == ["a_story.txt"]
    why = reasons(skipped)
    assert why["b_empty.txt"] == "empty file"
    assert why["c_blank.md"] == "empty file"
    assert why["d_binary.txt"] == "binary file (NUL bytes)"
    assert why["e_noise.txt"].startswith("undecodable text")
    assert why["f_report.pdf"].startswith("unsupported file type '.pdf'")
    assert why["README"].startswith("unsupported file type without an extension")
    assert why["missing.txt"] == "no such file, folder or URL"


def test_ingest_every_input_accounted_for(tmp_path: Path) -> None:
    files = {
        "one.txt": STORY,
        "two.txt": STORY.replace("Fairhaven", "Eastbury"),
        "dup.txt": STORY,
        "x.bin": "data",
        "sub/deep/three.md": STORY.replace("Tuesday", "Monday"),
        "sub/.hidden.txt": STORY,
    }
    for name, content in files.items():
        write(tmp_path, name, content)
    articles, skipped = read_sources([tmp_path])
    seen = sorted(Path(x.source).name for x in [*articles, *skipped])
    assert seen == sorted(Path(name).name for name in files)
    why = reasons(skipped)
    assert why[".hidden.txt"] == "hidden file, not read"
    # The duplicate names the earlier input (sorted order: dup.txt comes before one.txt).
    assert why["one.txt"] == f"duplicate of '{tmp_path / 'dup.txt'}' (same text)"


def test_ingest_duplicates_ignore_quote_and_space_differences(tmp_path: Path) -> None:
    first = write(tmp_path, "first.txt", "He said “yes” to the plan — twice.\nMore text follows here.\n")
    second = write(tmp_path, "second.txt", 'He said "yes"  to the plan - twice.\nMore text follows here.')
    articles, skipped = read_sources([first, second])
    assert len(articles) == 1
    assert skipped[0].reason == f"duplicate of '{first}' (same text)"


def test_ingest_folders_are_recursive_sorted_and_deterministic(tmp_path: Path) -> None:
    for i, name in enumerate(["b/z.txt", "a.txt", "b/a.txt", "c.json"]):
        body = STORY.replace("Tuesday", f"day {i}")
        if name.endswith(".json"):
            body = json.dumps({"title": "t", "text": body})
        write(tmp_path, name, body)
    first, _ = read_sources([tmp_path])
    again, _ = read_sources([tmp_path])
    names = [str(Path(a.source).relative_to(tmp_path)) for a in first]
    assert names == ["a.txt", "b/a.txt", "b/z.txt", "c.json"]
    assert [a.source for a in again] == [a.source for a in first]


def test_ingest_empty_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    articles, skipped = read_sources([tmp_path / "nothing"])
    assert articles == []
    assert skipped[0].reason == "empty folder: no files in it"


def test_ingest_messages_say_what_happened_to_the_rest(tmp_path: Path) -> None:
    for i in range(4):
        write(tmp_path, f"s{i}.txt", STORY.replace("Tuesday", f"day {i}"))
    write(tmp_path, "x.txt", b"\x00\x01\x02binary")
    articles, skipped = read_sources([tmp_path])
    report = prepare(articles, skipped)
    assert [s.source for s in report.skipped] == [str(tmp_path / "x.txt")]
    assert describe_skipped(report.skipped, len(report.articles)) == [
        f"skipped '{tmp_path / 'x.txt'}': binary file (NUL bytes); 4 other inputs were read"
    ]
    assert describe_skipped(skipped, 0)[0].endswith("; no input could be read")
    assert describe_skipped(skipped, 1)[0].endswith("; 1 other input was read")


def test_ingest_nothing_readable_raises_clear_error(tmp_path: Path) -> None:
    write(tmp_path, "x.txt", b"")
    with pytest.raises(NothingToAnalyse, match="empty file"):
        parallax.analyze([tmp_path / "x.txt", tmp_path / "gone"])


# --- prepare -------------------------------------------------------------------


def test_ingest_prepare_assigns_ids_in_order(tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path, f"{i}.txt", STORY.replace("Tuesday", f"day {i}"))
    articles, skipped = read_sources([tmp_path])
    given = Article(
        id="a2", source="api", title="", outlet=None, published=None, language="en", original="x y"
    )
    report = prepare([given, *articles], skipped)
    ids = [a.id for a in report.articles]
    assert ids[0] == "a2" and len(set(ids)) == 4
    assert ids[1:] == ["a1", "a3", "a4"]
    assert not any("only one article" in n for n in report.notes)


def test_ingest_single_article_note_and_warning(tmp_path: Path) -> None:
    articles, skipped = read_sources([write(tmp_path, "only.txt", STORY)])
    report = prepare(articles, skipped)
    assert "only one article: nothing to compare" in report.notes
    assert [w.kind for w in report.articles[0].warnings] == ["single-article"]


# --- helpers -------------------------------------------------------------------


def test_ingest_detects_language() -> None:
    assert detect_language(STORY) == "en"
    german = "Der Gemeinderat hat am Dienstag beschlossen, die Brücke wegen Rissen im Stahl zu sperren."
    assert detect_language(german) == "de"
    assert detect_language("12 34 56") == "unknown"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023-10-21", "2023-10-21"),
        ("2023-10-21T08:15:00Z", "2023-10-21"),
        ("October 21, 2023", "2023-10-21"),
        ("21 Oct 2023", "2023-10-21"),
        ("Oct 21", None),  # no year: not guessed
        ("yesterday", None),
        ("2023-13-40", None),
    ],
)
def test_ingest_parse_date(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


def test_ingest_unparseable_published_kept_in_meta(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.json", json.dumps({"text": "Some reporting text here.", "published": "last week"})
    )
    [article], _ = read_sources([path])
    assert article.published is None
    assert article.meta["published_raw"] == "last week"


def test_ingest_reads_the_seeds(seeds_dir: Path) -> None:
    articles, skipped = read_sources([seeds_dir])
    files = sorted(p for p in seeds_dir.iterdir() if p.is_file())
    assert skipped == []
    assert [a.source for a in articles] == [str(p) for p in files]
    assert all(a.language == "en" for a in articles)
    for article, path in zip(articles, files, strict=True):
        raw = path.read_text(encoding="utf-8")
        assert article.original.strip() == raw.replace("\r\n", "\n").strip()
    report = prepare(articles, skipped)
    assert [a.id for a in report.articles] == [f"a{i}" for i in range(1, len(files) + 1)]
