"""Small read-only views of a Report that several sections and formats share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from parallax.model import Article, Claim, Report, Sentence

# Above this many articles, claim tables list supporting ids instead of one column each.
MATRIX_MAX_COLUMNS = 12


def rank_claims(report: Report) -> list[Claim]:
    """Claims by support: most outlets first, then most articles, then report order."""
    order = {c.id: i for i, c in enumerate(report.claims)}
    return sorted(report.claims, key=lambda c: (-len(c.outlets), -len(c.articles), order[c.id]))


def shared_claims(report: Report) -> list[Claim]:
    """Claims stated by at least two outlets, best supported first."""
    return [c for c in rank_claims(report) if len(c.outlets) >= 2]


def claim_by_sentence(report: Report) -> dict[str, Claim]:
    """The claim each sentence states (sentence id -> claim)."""
    found: dict[str, Claim] = {}
    for claim in report.claims:
        for mention in claim.mentions:
            found.setdefault(mention.sentence, claim)
    return found


def find_claim(report: Report, claim_id: str) -> Claim | None:
    """A claim by id, or None when the report does not hold it."""
    try:
        return report.claim(claim_id)
    except KeyError:
        return None


def describe_support(claim: Claim) -> str:
    """One line saying who states a claim, e.g. "3 outlets (2 independent): A, B, C"."""
    count = len(claim.outlets)
    head = f"{count} outlet" + ("" if count == 1 else "s")
    if claim.independent_sources:
        head += f" ({claim.independent_sources} independent)"
    return f"{head}: {', '.join(claim.outlets)}"


def plural(count: int, word: str) -> str:
    """ "1 claim", "2 claims"."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def name_article(article: Article) -> str:
    """ "Outlet (a1)", or "a1 (outlet unknown)"."""
    return f"{article.outlet} ({article.id})" if article.outlet else f"{article.id} (outlet unknown)"


def format_date(article: Article) -> str:
    """The publication date as shown to readers ("unknown", "(inferred)" marked)."""
    if not article.published:
        return "unknown"
    return article.published + (" (inferred)" if article.published_inferred else "")


@dataclass
class Piece:
    """A run of an article's displayed text, with the sentence it belongs to (if any)."""

    text: str
    sentence: Sentence | None = None


class HasSpan(Protocol):
    """Anything with offsets into an article's original text (sentences, markers, ...)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


SpanT = TypeVar("SpanT", bound=HasSpan)


def text_bounds(article: Article) -> list[tuple[int, int]] | None:
    """The stretches of ``original`` that make up the clean text, or None when offsets are unknown."""
    if article.original and article.kept:
        return [(span.start, span.end) for span in article.kept]
    if article.original and article.sentences:
        ordered = sorted(article.sentences, key=lambda s: s.start)
        return [(ordered[0].start, ordered[-1].end)]
    return None


def cut_by(original: str, start: int, end: int, items: Sequence[SpanT]) -> list[tuple[str, SpanT | None]]:
    """``original[start:end]`` cut where ``items`` (sorted by start) cover it: each piece with
    the item covering it, or None between items."""
    pieces: list[tuple[str, SpanT | None]] = []
    cursor = start
    for item in items:
        i0, i1 = max(item.start, cursor), min(item.end, end)
        if i1 <= i0:
            continue
        if i0 > cursor:
            pieces.append((original[cursor:i0], None))
        pieces.append((original[i0:i1], item))
        cursor = i1
    if cursor < end:
        pieces.append((original[cursor:end], None))
    return pieces


def split_paragraphs(article: Article) -> list[list[Piece]]:
    """The clean text as paragraphs of pieces, each sentence a piece of its own.

    Uses the kept segments and sentence offsets into ``original`` when the
    article has them; otherwise falls back to the clean text, unmarked.
    """
    bounds = text_bounds(article)
    if bounds is None:
        return [[Piece(p.strip())] for p in article.text.split("\n\n") if p.strip()]
    sentences = sorted(article.sentences, key=lambda s: s.start)
    paragraphs: list[list[Piece]] = []
    for start, end in bounds:
        pieces = [Piece(text, sentence) for text, sentence in cut_by(article.original, start, end, sentences)]
        if any(p.text.strip() for p in pieces):
            paragraphs.append(pieces)
    return paragraphs
