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
    independent_groups: list[list[str]] = field(default_factory=list)  # article ids, one list per source


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
class Quantity:
    """A number in an article together with what it counts (analysis/numbers.py)."""

    id: str  # "n1", "n2", ...
    article: str
    sentence: str  # sentence id
    text: str  # the words as printed, e.g. "more than 4,100"
    value: float  # 4100.0; the low end of a range
    start: int  # into Article.original
    end: int
    high: float | None = None  # the high end of a range ("10-20" -> 20.0)
    qualifier: str = ""  # as printed: "more than", "tops", "about", ... ("" when exact)
    bound: str = "exact"  # exact | lower | upper | approx | range
    kind: str = "other"  # people | troops | vehicles | money | percent | age | population | other
    event: str = ""  # what happened to what is counted: killed | injured | held | released | ...
    counts: str = ""  # the counted thing as printed, e.g. "Palestinians", "aid trucks"
    unit: str = ""  # currency or unit when there is one ("USD", "%")
    date: str | None = None  # date of the report it comes from (its article's publication date)


@dataclass
class NumberComparison:
    """One measure reported by several outlets, and whether they agree."""

    measure: str  # e.g. "people killed"
    quantities: list[str]  # Quantity ids, one or more per article
    articles: list[str]
    outlets: list[str]
    verdict: str  # agree | update | differ
    note: str  # a sentence saying what agrees or differs, with dates


@dataclass
class Quote:
    """A direct quote with its speaker (analysis/quotes.py)."""

    id: str  # "q1", "q2", ...
    article: str
    sentence: str  # id of the sentence where the quote opens
    text: str  # the quoted words, without the outer marks
    start: int  # of the quoted words, into Article.original
    end: int
    speaker: str | None = None  # as named in the article ("White House spokesperson Ben LaBolt")
    verb: str = ""  # the attribution verb ("said", "claimed", "told")
    attribution: str = "none"  # how the speaker was found: pattern | pronoun | previous | none
    complete: bool = True  # False when the closing mark is missing


@dataclass
class DiffPiece:
    """One run of a word-level diff: op is "=" (same), "-" (only first), "+" (only second)."""

    op: str
    text: str


@dataclass
class QuoteMatch:
    """The same quote across outlets: verbatim, reworded (with a word diff), or paraphrase."""

    kind: str  # verbatim | reworded | paraphrase
    quotes: list[str]  # Quote ids (for a paraphrase, the one quote)
    articles: list[str]
    outlets: list[str]
    similarity: float  # 0-1, word overlap of the two wordings
    diff: list[DiffPiece] = field(default_factory=list)  # first quote -> second (or -> the unquoted sentence)
    sentence: str | None = None  # paraphrase: id of the sentence that states it without quote marks
    text: str = ""  # paraphrase: that sentence's text


@dataclass
class DateEvidence:
    """A sentence that dates an event, and how the date was resolved."""

    article: str
    sentence: str  # sentence id ("" for a caption)
    text: str  # the sentence
    expression: str  # the time expression as printed ("on Friday", "October 20")
    how: str  # explicit | weekday | relative
    start: int  # of the expression, into Article.original
    end: int
    inferred: bool = False  # resolved against an inferred publication date


@dataclass
class TimelineEntry:
    """An event with a calendar date and the outlets that report it."""

    date: str  # ISO date (the first day, for a week or month)
    event: str  # the plainest evidence sentence
    articles: list[str]
    outlets: list[str]
    evidence: list[DateEvidence]
    precision: str = "day"  # day | week | month
    until: str | None = None  # last day, for a week or month


@dataclass
class EntityVariant:
    """How one article writes a merged entity's name, and how often."""

    article: str
    outlet: str
    name: str  # the surface form, as written (quote marks stripped)
    count: int


@dataclass
class SpellingNote:
    """An outlet that spells a name differently from the other outlets' majority."""

    article: str
    outlet: str
    spelling: str
    majority: str
    majority_outlets: list[str]


@dataclass
class MergedEntity:
    """One person, organisation or place, merged across articles by name variants."""

    id: str  # "e1", "e2", ...
    name: str  # canonical name
    label: str  # majority spaCy label
    outlets: list[str]
    variants: list[EntityVariant]
    mentions: list[Mention]
    spelling_notes: list[SpellingNote] = field(default_factory=list)


@dataclass
class FramingTerm:
    """A term one outlet uses for a referent, with one example sentence."""

    term: str
    count: int  # occurrences in the article
    sentence: str  # sentence id of the example
    example: str  # the example sentence's text
    start: int  # the term in the example, into Article.original
    end: int


@dataclass
class FramingOutlet:
    """The terms one article uses for a referent."""

    article: str
    outlet: str
    terms: list[FramingTerm]


@dataclass
class Framing:
    """How each outlet names the same referent (person, group, place, event or action)."""

    id: str  # "f1", "f2", ...
    referent: str  # the name most outlets use
    kind: str  # person | group | place | event | action | thing
    basis: str  # "claims" (aligned claim mentions) | "entity" (matched entities) | both, joined by "+"
    outlets: list[FramingOutlet]
    claims: list[str] = field(default_factory=list)  # claim ids the alignment came from
    entity: str | None = None  # merged entity id, when matched


@dataclass
class Marker:
    """A word or phrase that carries judgement, flagged in one article."""

    kind: str  # "attribution" | "hedge" | "scare-quote" | "loaded"
    text: str  # exactly original[start:end]
    article: str
    sentence: str  # sentence id
    start: int  # into Article.original
    end: int
    note: str = ""  # why it was flagged, and what other outlets write
    source: str = ""  # lexicon or rule that flagged it
    distinctive: bool = False  # no other article in the story uses this word


@dataclass
class CopiedSpan:
    """A passage two articles share (analysis/reuse.py); offsets into each one's original."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str  # exactly a.original[a_start:a_end]
    b_text: str
    matched_words: int  # words found on both sides
    similarity: float  # matched words / words in the longer side of the passage
    a_sentences: list[str] = field(default_factory=list)  # sentence ids the passage covers
    b_sentences: list[str] = field(default_factory=list)


@dataclass
class Substitution:
    """Words one article writes where the other writes different words inside copied text."""

    a_words: str  # as printed in article a (first place)
    b_words: str  # as printed in article b
    count: int  # places where the swap occurs
    a_starts: list[int] = field(default_factory=list)  # into a's original, one per place
    b_starts: list[int] = field(default_factory=list)


@dataclass
class ReusePair:
    """Text reuse between two articles: score, copied passages, swaps and likely direction."""

    a: str  # article id
    b: str
    score: float  # mean of the two coverages (0-1)
    a_coverage: float  # share of a's words inside copied passages
    b_coverage: float
    kind: str  # near-identical | rewrite | copy | shared-passages
    spans: list[CopiedSpan]
    substitutions: list[Substitution] = field(default_factory=list)  # systematic swaps only
    source: str | None = None  # likely original (article id), None when undecided
    copy: str | None = None
    confidence: float = 0.0  # 0-1, for the direction
    evidence: list[str] = field(default_factory=list)  # why that direction


@dataclass
class SyndicationNotice:
    """A notice in an article saying it is syndicated, wire copy or republished."""

    article: str
    text: str
    kind: str  # syndicated | agency-credit | republished
    agency: str | None = None  # the agency or outlet named, if any
    start: int | None = None  # into Article.original (None when not found there)
    end: int | None = None


@dataclass
class DuplicateGroup:
    """Articles that are the same story: near-identical texts or one agency story under several mastheads."""

    articles: list[str]
    outlets: list[str]
    kind: str  # near-identical | agency-story
    similarity: float  # lowest estimated similarity within the group
    agency: str | None = None


@dataclass
class CitedSource:
    """Whom an article attributes information to (analysis/sources.py)."""

    article: str
    name: str  # "Bloomberg", "Ben LaBolt", "sources familiar with the negotiations"
    kind: str  # outlet | person | institution | anonymous
    cue: str  # the attributing phrase, exactly original[start:end]
    start: int
    end: int
    sentence: str | None = None  # sentence id


@dataclass
class SourcingShare:
    """Per article: shares of its claims (or sentences) that are named-sourced, anonymous, unattributed."""

    article: str
    basis: str  # claims | sentences
    total: int
    named: float
    anonymous: float
    unattributed: float


@dataclass
class Report:
    """Everything an analysis found. Stages fill it in order (see pipeline.py)."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[MergedEntity] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    number_comparisons: list[NumberComparison] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_matches: list[QuoteMatch] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    reuse: list[ReusePair] = field(default_factory=list)  # article pairs sharing text (copy graph edges)
    syndication: list[SyndicationNotice] = field(default_factory=list)
    duplicates: list[DuplicateGroup] = field(default_factory=list)
    sources: list[CitedSource] = field(default_factory=list)
    sourcing: list[SourcingShare] = field(default_factory=list)
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
