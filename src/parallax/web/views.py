"""What the story and article pages show, computed from a Report.

The story page is the report's registered HTML sections
(``parallax.render.html.render_sections_html``: the same mechanism as the
HTML report), plus a "not analysed yet" placeholder for every capability the
issue lists that no section covers yet, so nothing vanishes silently. The page
opens with what a reader comes for (``FIRST_SECTIONS``: the summary, the claims
matrix, then what differs); the other sections follow in report order. The
text, Markdown and HTML reports keep their own order.

The article page shows the clean text with each sentence coloured by how many
outlets state its claim, judgement-carrying words marked, and the removed
page furniture set apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parallax.model import Article, Claim, Marker, Report, Sentence
from parallax.render.facts import claim_by_sentence, cut_by, text_bounds
from parallax.render.html import RenderedSection, render_sections_html

# Capabilities a story page must account for: (words a section key may contain, title).
EXPECTED_SECTIONS: list[tuple[tuple[str, ...], str]] = [
    (("summary",), "Summary"),
    (("claims", "matrix"), "Claims by outlet"),
    (("coverage", "exclusive"), "Exclusives and omissions"),
    (("framing", "word"), "Word choice and framing"),
    (("numbers", "quantit"), "Numbers"),
    (("quotes",), "Quotes and quote drift"),
    (("timeline",), "Timeline"),
    (("provenance", "copy", "reuse", "graph"), "Copy graph"),
]
MISSING_TEXT = "This analysis does not exist yet in this version of Parallax."
# Section keys a story page opens with, in this order: the summary, the claims matrix, then what
# differs between outlets (exclusives and omissions, numbers, quotes).
FIRST_SECTIONS = ("summary", "claims", "coverage", "numbers", "quotes")


def build_story_sections(report: Report) -> list[RenderedSection]:
    """The report's HTML sections in story-page order, with placeholders for capabilities not built yet."""
    parts = render_sections_html(report)
    keys = [p.key for p in parts]
    for words, title in EXPECTED_SECTIONS:
        if not any(w in key for key in keys for w in words):
            parts.append(RenderedSection(key=words[0], title=title, body=None, absent=MISSING_TEXT))
    return order_story_sections(parts)


def order_story_sections(parts: list[RenderedSection]) -> list[RenderedSection]:
    """``FIRST_SECTIONS`` first (those present), then the others in their given order."""
    rank = {key: n for n, key in enumerate(FIRST_SECTIONS)}
    return sorted(parts, key=lambda p: rank.get(p.key, len(rank)))  # stable: the rest keep their order


@dataclass
class Run:
    """A stretch of text inside a sentence, maybe marked as a judgement word."""

    text: str
    marker: Marker | None = None


@dataclass
class Stretch:
    """A sentence (with its claim, if any) or the text between sentences."""

    runs: list[Run]
    sentence: Sentence | None = None
    claim: Claim | None = None

    @property
    def support(self) -> int:
        """How many outlets state this sentence's claim (0: not part of any claim)."""
        return len(self.claim.outlets) if self.claim else 0


@dataclass
class ArticleView:
    article: Article
    paragraphs: list[list[Stretch]]
    markers: list[Marker] = field(default_factory=list)
    claims: int = 0  # sentences that belong to a claim
    markers_analysed: bool = False  # a stage looked for judgement words


def markers_analysed(report: Report) -> bool:
    """Whether the report looked for loaded terms (tells "none found" from "not looked")."""
    return bool(report.markers) or any(w in s for s in report.stages for w in ("mark", "loaded", "framing"))


def split_runs(original: str, start: int, end: int, markers: list[Marker]) -> list[Run]:
    """original[start:end] cut into runs, marked where a marker covers them."""
    return [Run(text, marker) for text, marker in cut_by(original, start, end, markers)]


def build_article_view(report: Report, article: Article) -> ArticleView:
    """The article's clean text as paragraphs of sentences, with claims and markers."""
    markers = sorted((m for m in report.markers if m.article == article.id), key=lambda m: m.start)
    by_sentence = claim_by_sentence(report)
    bounds = text_bounds(article)
    if bounds is None:  # no offsets: the clean text, unmarked
        plain = [[Stretch([Run(p.strip())])] for p in article.text.split("\n\n") if p.strip()]
        return ArticleView(article, plain, markers, 0, markers_analysed(report))
    original = article.original
    sentences = sorted(article.sentences, key=lambda s: s.start)
    paragraphs: list[list[Stretch]] = []
    claimed = 0
    for start, end in bounds:
        stretches: list[Stretch] = []
        for text_start, text_end, sentence in stretch_bounds(original, start, end, sentences):
            claim = by_sentence.get(sentence.id) if sentence else None
            claimed += claim is not None
            stretches.append(Stretch(split_runs(original, text_start, text_end, markers), sentence, claim))
        if any(run.text.strip() for st in stretches for run in st.runs):
            paragraphs.extend(split_lines(stretches))
    return ArticleView(article, paragraphs, markers, claimed, markers_analysed(report))


def stretch_bounds(
    original: str, start: int, end: int, sentences: list[Sentence]
) -> list[tuple[int, int, Sentence | None]]:
    """(start, end, sentence or None) for each piece of original[start:end] cut at the sentences."""
    out: list[tuple[int, int, Sentence | None]] = []
    cursor = start
    for text, sentence in cut_by(original, start, end, sentences):
        out.append((cursor, cursor + len(text), sentence))
        cursor += len(text)
    return out


def split_lines(stretches: list[Stretch]) -> list[list[Stretch]]:
    """One kept segment as paragraphs: a blank line inside text between sentences starts a new one."""
    paragraphs: list[list[Stretch]] = [[]]
    for st in stretches:
        if st.sentence is None and len(st.runs) == 1 and "\n\n" in st.runs[0].text:
            paragraphs.append([])
            continue
        paragraphs[-1].append(st)
    return [p for p in paragraphs if any(run.text.strip() for st in p for run in st.runs)]


def support_class(support: int) -> str:
    """The CSS class the HTML report uses for a support level (sup-1 ... sup-5)."""
    return f"sup-{min(support, 5)}" if support else ""


def describe_claim(claim: Claim | None) -> str:
    if claim is None:
        return "not grouped into a claim"
    count = len(claim.outlets)
    who = ", ".join(claim.outlets)
    return f"claim {claim.id}: stated by {count} outlet{'' if count == 1 else 's'} ({who})"
