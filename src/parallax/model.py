"""The shared vocabulary of Parallax.

Plain dataclasses with no I/O. Every other module speaks in these types; this
module imports nothing else from the package.

Offsets: every ``start``/``end`` pair counts characters in ``Article.original``
(the decoded input text, before any cleaning), so a mention can always be
traced back to exactly what the outlet published. ``Article.text`` is the
cleaned text shown to readers; ``Article.kept`` maps it back to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Span:
    """A stretch of an article's original text."""

    start: int
    end: int
    text: str


@dataclass
class Removed:
    """Text taken out of the analysed body, with the reason it was removed."""

    text: str
    reason: str
    start: int
    end: int


@dataclass
class Caption:
    """A photo caption or credit kept apart from the body."""

    text: str
    start: int
    end: int


@dataclass
class Sentence:
    """One sentence of an article's clean text."""

    id: str  # "<article id>:s<index>"
    article: str  # article id
    index: int  # position in the article
    text: str  # exactly original[start:end]
    start: int
    end: int
    norm: str = ""  # normalised for matching (quotes, dashes, spacing); never displayed
    entities: list[Entity] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)


@dataclass
class Entity:
    """A named entity found in a sentence (from spaCy)."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, DATE, CARDINAL, ...
    start: int  # into Article.original
    end: int


@dataclass
class ArticleWarning:
    """Something wrong in an article that a reader should know (not silently fixed)."""

    kind: str  # e.g. "garbled-quote", "truncated-sentence", "single-article"
    message: str
    start: int | None = None
    end: int | None = None


@dataclass
class Article:
    """One outlet's report, as read and cleaned."""

    id: str  # short stable id, unique within a report ("a1", "a2", ...)
    source: str  # file path or URL it came from (with "#n" for records in a multi-record file)
    title: str
    outlet: str | None
    published: str | None  # ISO date (YYYY-MM-DD) or None
    language: str
    original: str  # decoded, mojibake-repaired input text; offsets point here
    text: str = ""  # clean text (kept segments joined by blank lines)
    kept: list[Span] = field(default_factory=list)  # kept segments of original, in order
    removed: list[Removed] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)  # syndication notices etc., verbatim
    sentences: list[Sentence] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)
    exclusive_claims: list[str] = field(default_factory=list)
    omitted_claims: list[str] = field(default_factory=list)
    published_inferred: bool = False  # True when ``published`` was inferred, not read
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How the article is named in reports: its outlet, else its id."""
        return self.outlet or self.id


@dataclass
class Mention:
    """One sentence stating a claim."""

    article: str
    sentence: str  # sentence id
    text: str
    start: int
    end: int


@dataclass
class Claim:
    """One fact, as stated by one or more articles."""

    id: str  # "c1", "c2", ...
    text: str  # the plainest wording among the mentions
    articles: list[str]  # supporting article ids
    outlets: list[str]  # supporting outlet labels (deduplicated)
    mentions: list[Mention]
    independent_sources: int = 0  # copies and shared origins count once (0 = not computed)
    score: float = 0.0  # how tightly the mentions agree (mean pairwise similarity)


@dataclass
class SummarySentence:
    text: str
    claims: list[str]
    articles: list[str]


@dataclass
class Skipped:
    """An input that could not be analysed, and why."""

    source: str
    reason: str


@dataclass
class Report:
    """Everything an analysis found. Stages fill it in order (see pipeline.py)."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)  # names of the stages that ran
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)
