"""Rendering tests on reports built by hand (independent of the analysis quality)."""

from __future__ import annotations

import json
import re
import sys
import types
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from parallax.codec import report_from_dict, report_to_dict
from parallax.model import (
    Article,
    ArticleWarning,
    Caption,
    Claim,
    Mention,
    Removed,
    Report,
    Sentence,
    Skipped,
    Span,
    SummarySentence,
)
from parallax.render import FORMATS, render
from parallax.render.sections import Section, escape_cell, escape_md, load_sections

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "src" / "parallax" / "data" / "report.schema.json"


def build_article(
    ident: str,
    outlet: str | None,
    title: str,
    paragraphs: list[list[str]],
    *,
    furniture: str = "",
    source: str = "",
    published: str | None = "2031-03-04",
) -> Article:
    """An article whose original text is title, paragraphs and a furniture line, with offsets."""
    original = title + "\n\n"
    kept: list[Span] = []
    sentences: list[Sentence] = []
    for paragraph in paragraphs:
        para_start = len(original)
        for n, text in enumerate(paragraph):
            if n:
                original += " "
            start = len(original)
            original += text
            index = len(sentences)
            sentences.append(Sentence(f"{ident}:s{index}", ident, index, text, start, len(original)))
        kept.append(Span(para_start, len(original), original[para_start:]))
        original += "\n\n"
    removed: list[Removed] = []
    if furniture:
        removed.append(Removed(furniture, "related-link", len(original), len(original) + len(furniture)))
        original += furniture
    article = Article(
        id=ident,
        source=source or f"stories/{ident}.txt",
        title=title,
        outlet=outlet,
        published=published,
        language="en",
        original=original,
        text="\n\n".join(span.text for span in kept),
        kept=kept,
        removed=removed,
        sentences=sentences,
    )
    article.removed.insert(0, Removed(title, "repeated-headline", 0, len(title)))
    return article


def link(ident: str, text: str, sentences: list[Sentence], outlets: dict[str, str]) -> Claim:
    """A claim over the given sentences."""
    mentions = [Mention(s.article, s.id, s.text, s.start, s.end) for s in sentences]
    arts = list(dict.fromkeys(s.article for s in sentences))
    return Claim(ident, text, arts, list(dict.fromkeys(outlets[a] for a in arts)), mentions)


def build_report(hostile: str = "") -> Report:
    """Three outlets on a made-up ferry story; ``hostile`` is mixed into every text field."""
    h = hostile
    a1 = build_article(
        "a1",
        f"Coast Herald{h}",
        f"Ferry stalls in the strait{h}",
        [
            [f"The night ferry lost power two miles out on Tuesday{h}.", "All 214 passengers were safe."],
            [f"A tug towed it back by dawn{h}.", "The captain praised the crew | calmly."],
        ],
        furniture=f"See also: Ten best ferries{h}",
        source=f"in/herald{h}.txt",
    )
    a2 = build_article(
        "a2",
        "Strait Daily",
        "Ferry loses power",
        [
            ["A ferry lost power in the strait on Tuesday night.", "The 214 people on board were unharmed."],
            ["The operator blamed a faulty generator."],
        ],
    )
    a3 = build_article(
        "a3",
        None,
        "Night ferry towed home",
        [["Tugs brought the stalled night ferry back to port."]],
        published=None,
    )
    a1.captions.append(Caption(f"The ferry at dawn. Photo: staff{h}", 5, 9))
    a2.provenance.append(f"This story first appeared in Strait Wire{h}.")
    a3.warnings.append(ArticleWarning("truncated-sentence", f"The last sentence ends mid-word{h}", 3, 8))
    outlets = {"a1": a1.label, "a2": a2.label, "a3": a3.label}
    s1, s2 = a1.sentences, a2.sentences
    claims = [
        link("c1", f"The ferry lost power on Tuesday{h}.", [s1[0], s2[0]], outlets),
        link("c2", "All passengers were safe.", [s1[1], s2[1]], outlets),
        link("c3", "A tug towed the ferry back.", [s1[2], a3.sentences[0]], outlets),
        link("c4", "The operator blamed a generator.", [s2[2]], outlets),
    ]
    claims[0].independent_sources = 2
    a1.exclusive_claims = []
    a2.exclusive_claims = ["c4"]
    a3.omitted_claims = ["c1", "c2"]
    return Report(
        articles=[a1, a2, a3],
        skipped=[Skipped(f"in/empty{h}.txt", f"the file is empty{h}")],
        notes=[f"a3 has no publication date{h}"],
        claims=claims,
        summary=[
            SummarySentence(f"A night ferry lost power on Tuesday{h}.", ["c1"], ["a1", "a2"]),
            SummarySentence("A tug towed it back.", ["c3"], ["a1", "a3"]),
        ],
        stages=["clean_articles", "split_sentences", "group_claims", "compare_coverage", "summarise"],
        timings={"group_claims": 0.01},
    )


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"><a href="javascript:alert(3)">x</a>'


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if "id" in found:
            self.ids.add(found["id"])


def collect_tags(html: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    return parser


def load_schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def need_pipeline() -> None:
    """Skip when the analysis stages are not all importable yet."""
    from parallax import pipeline

    try:
        pipeline.default_stages()
    except ImportError as error:
        pytest.skip(f"the analysis pipeline is incomplete ({error}); end-to-end rendering needs it")


def test_render_json_validates_against_schema() -> None:
    data = report_to_dict(build_report(HOSTILE))
    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert data["schema_version"] and data["generated_by"].startswith("parallax ")
    assert [a["id"] for a in data["articles"]] == ["a1", "a2", "a3"]
    assert data["articles"][1]["exclusive_claims"] == ["c4"]
    assert data["summary"][0]["articles"] == ["a1", "a2"]


@pytest.mark.parametrize(
    "breakage",
    ["drop-claim-id", "offset-as-text", "unknown-field", "summary-not-list", "missing-articles"],
)
def test_render_schema_rejects_broken_report(breakage: str) -> None:
    data = report_to_dict(build_report())
    if breakage == "drop-claim-id":
        del data["claims"][0]["id"]
    elif breakage == "offset-as-text":
        data["claims"][0]["mentions"][0]["start"] = "12"
    elif breakage == "unknown-field":
        data["articles"][0]["secret"] = 1
    elif breakage == "summary-not-list":
        data["summary"] = "A ferry."
    else:
        del data["articles"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema(), cls=jsonschema.Draft202012Validator)


def test_render_json_offsets_point_into_original() -> None:
    data = report_to_dict(build_report())
    originals = {a["id"]: a["original"] for a in data["articles"]}
    for claim in data["claims"]:
        for m in claim["mentions"]:
            assert originals[m["article"]][m["start"] : m["end"]] == m["text"]
    for article in data["articles"]:
        for r in article["removed"]:
            assert article["original"][r["start"] : r["end"]] == r["text"]
        assert "meta" not in article
        for span in article["kept"]:
            assert article["original"][span["start"] : span["end"]] == span["text"]


def test_render_json_round_trips() -> None:
    report = build_report(HOSTILE)
    data = report_to_dict(report)
    again = report_from_dict(json.loads(json.dumps(data)))
    assert report_to_dict(again) == data
    assert again.claims[0].mentions[0].sentence == report.claims[0].mentions[0].sentence


def test_render_html_same_from_a_cached_report(example_report: Report) -> None:
    """A report read back from its JSON (as the corpus caches it) renders exactly as the original."""
    again = report_from_dict(json.loads(json.dumps(report_to_dict(example_report))))
    assert render(again, "html") == render(example_report, "html")
    assert render(again, "md") == render(example_report, "md")


def test_render_html_runs_no_hostile_markup() -> None:
    html = render(build_report(HOSTILE), "html")
    page = collect_tags(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "form", "base"}
    assert [
        t for t in page.tags if t[0] == "a" and t[1].get("href", "").strip().lower().startswith("javascript")
    ] == []
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert "javascript:" not in attrs.get("href", "").lower()
    # the hostile text is shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html


def test_render_html_is_self_contained() -> None:
    html = render(build_report(), "html")
    page = collect_tags(html)
    for tag, attrs in page.tags:
        for name in ("href", "src", "action", "srcset", "poster"):
            value = attrs.get(name)
            if value is not None:
                assert name == "href" and value.startswith("#"), (tag, attrs)
    assert not re.search(r"url\(|@import|https?://", html.split("</style>")[0])


def test_render_html_links_resolve() -> None:
    page = collect_tags(render(build_report(), "html"))
    targets = [a["href"][1:] for tag, a in page.tags if tag == "a" and "href" in a]
    assert "claim-c1" in targets and "article-a1" in targets
    assert [t for t in targets if t not in page.ids] == []


def test_render_html_marks_sentence_support() -> None:
    report = build_report()
    page = collect_tags(render(report, "html"))
    spans = [a for tag, a in page.tags if tag == "span" and "s" in a.get("class", "").split()]
    titles = [a.get("title", "") for a in spans]
    first = next(a for a in spans if a.get("title", "").startswith("c1:"))
    assert "sup-2" in first["class"] and "Coast Herald" in first["title"] and "Strait Daily" in first["title"]
    exclusive = next(a for a in spans if a.get("title", "").startswith("c4:"))
    assert "sup-1" in exclusive["class"] and "only in Strait Daily" in exclusive["title"]
    assert "Not matched to any claim" in titles  # "The captain praised the crew" is in no claim
    # every sentence of every article is shown once
    assert len([t for t in titles if t]) == sum(len(a.sentences) for a in report.articles)


def test_render_html_stacks_columns_on_phones() -> None:
    html = render(build_report(), "html")
    assert 'name="viewport"' in html
    narrow = html.split("@media (max-width: 700px)")[1].split("@media")[0]
    assert "flex-direction: column" in narrow


def count_cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line)) - 2


def test_render_markdown_escapes_untrusted_text() -> None:
    md = render(build_report(HOSTILE + " a | b"), "md")
    assert not re.search(r"(?<!\\)[<>]", md)  # every angle bracket is escaped: no raw HTML
    assert "\\<script\\>" in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no link syntax
    widths: list[int] = []
    for line in [*md.splitlines(), ""]:
        if line.startswith("|"):
            widths.append(count_cells(line))
        elif widths:
            assert len(set(widths)) == 1, widths  # every row of a table has the header's cells
            widths = []


def test_render_markdown_cites_articles() -> None:
    md = render(build_report(), "md")
    assert "1. A night ferry lost power on Tuesday. [a1, a2]" in md
    assert "| c1: The ferry lost power on Tuesday. | ✓ | ✓ |  | 2 |" in md
    assert "## Claims by outlet" in md and "## Exclusives and omissions" in md


def test_render_markdown_escape_helpers() -> None:
    assert escape_cell("a | b\nc") == "a \\| b c"
    assert escape_md("[x](javascript:y)") == "\\[x\\](javascript:y)"


def test_render_text_prints_untrusted_text_literally() -> None:
    report = build_report("[bold red]boom[/] \x1b[31mred\x07")
    out = render(report, "text")
    assert "[bold red]boom[/]" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "Coast Herald" in out and "[a1, a2]" in out


def test_render_text_respects_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from parallax.render.text import make_console, print_report

    monkeypatch.setenv("NO_COLOR", "1")
    import io

    buffer = io.StringIO()
    console = make_console(buffer, color=True, width=90)
    print_report(build_report(), console)
    assert "\x1b[3" not in buffer.getvalue()  # no colour codes (bold may remain)
    monkeypatch.delenv("NO_COLOR")
    buffer = io.StringIO()
    print_report(build_report(), make_console(buffer, color=True, width=90))
    assert "\x1b[3" in buffer.getvalue()


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_render_says_not_analysed(fmt: str) -> None:
    report = build_report()
    report.claims, report.summary, report.stages = [], [], []
    for a in report.articles:
        a.exclusive_claims, a.omitted_claims = [], []
    out = render(report, fmt)
    assert "Claims were not analysed in this report." in out
    assert "Exclusives and omissions were not analysed in this report." in out
    # analysed but empty is a different message
    report.stages = ["group_claims"]
    assert "Claims were not analysed" not in render(report, fmt)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_render_extra_section_appears(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from markupsafe import Markup, escape
    from rich.text import Text

    from parallax.render import sections

    extra = Section(
        key="ferries",
        title="Ferry facts",
        analysed=sections.analysed_when("count_ferries"),
        text=lambda r: Text(f"{len(r.articles)} ferry reports"),
        markdown=lambda r: f"{len(r.articles)} ferry reports",
        html=lambda r: Markup("<p>") + escape(f"{len(r.articles)} ferry reports") + Markup("</p>"),
        absent="Ferries were not counted.",
    )
    module = types.ModuleType("ferry_sections")
    module.SECTIONS = [extra]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ferry_sections", module)
    monkeypatch.setattr(sections, "SECTION_MODULES", [*sections.SECTION_MODULES, "ferry_sections"])
    sections.load_sections.cache_clear()
    try:
        report = build_report()
        assert "Ferries were not counted." in render(report, fmt)
        report.stages.append("count_ferries")
        out = render(report, fmt)
        assert "Ferry facts" in out and "3 ferry reports" in out
    finally:
        monkeypatch.undo()
        sections.load_sections.cache_clear()
    assert "Ferry facts" not in render(build_report(), fmt)


def test_render_section_keys_unique() -> None:
    keys = [s.key for s in load_sections()]
    assert len(keys) == len(set(keys))
    assert {"overview", "summary", "texts", "claims", "coverage", "cleaning"} <= set(keys)


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(build_report(), "pdf")
    assert set(FORMATS) == {"text", "json", "md", "html"}


def test_render_seed_report_in_every_format(request: pytest.FixtureRequest) -> None:
    need_pipeline()
    seed_report: Report = request.getfixturevalue("seed_report")
    data = report_to_dict(seed_report)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    html = render(seed_report, "html")
    page = collect_tags(html)
    assert {f"article-{a.id}" for a in seed_report.articles} <= page.ids
    assert not {tag for tag, _ in page.tags} & {"script", "img", "iframe"}
    md = render(seed_report, "md")
    text = render(seed_report, "text")
    for a in seed_report.articles:
        assert a.id in md and a.id in text
