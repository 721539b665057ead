"""Small read-only views of a Report that several sections and formats share."""

from __future__ import annotations

from dataclasses import dataclass

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


def split_paragraphs(article: Article) -> list[list[Piece]]:
    """The clean text as paragraphs of pieces, each sentence a piece of its own.

    Uses the kept segments and sentence offsets into ``original`` when the
    article has them; otherwise falls back to the clean text, unmarked.
    """
    original = article.original
    sentences = sorted(article.sentences, key=lambda s: s.start)
    if original and article.kept:
        bounds = [(span.start, span.end) for span in article.kept]
    elif original and sentences:
        bounds = [(sentences[0].start, sentences[-1].end)]
    else:
        return [[Piece(p.strip())] for p in article.text.split("\n\n") if p.strip()]
    paragraphs: list[list[Piece]] = []
    for start, end in bounds:
        pieces: list[Piece] = []
        cursor = start
        for sentence in sentences:
            s0, s1 = max(sentence.start, cursor), min(sentence.end, end)
            if s1 <= s0:
                continue
            if s0 > cursor:
                pieces.append(Piece(original[cursor:s0]))
            pieces.append(Piece(original[s0:s1], sentence))
            cursor = s1
        if cursor < end:
            pieces.append(Piece(original[cursor:end]))
        if any(p.text.strip() for p in pieces):
            paragraphs.append(pieces)
    return paragraphs
