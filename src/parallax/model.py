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
from typing import Any, Literal

# The closed vocabularies of the report. The JSON Schema lists their values
# (parallax.schema); a value outside them is a bug in the stage that wrote it.
RemovalReason = Literal[
    "related-link",
    "comment-form",
    "repeated-headline",
    "caption",
    "photo-credit",
    "outlet-tag",
    "dateline",
    "syndication-notice",
    "headline-only-line",
    "title",
]
WarningKind = Literal[
    "no-body",
    "single-article",
    "garbled-quote",
    "truncated-sentence",
    "unparsable-sentence",
    "name-spelling",
]
Bound = Literal["exact", "lower", "upper", "approx", "range"]
QuantityKind = Literal["people", "troops", "vehicles", "money", "percent", "age", "population", "other"]
Verdict = Literal["agree", "update", "differ"]
AttributionMethod = Literal["pattern", "pronoun", "previous", "none"]
DiffOp = Literal["=", "-", "+"]
QuoteMatchKind = Literal["verbatim", "reworded", "paraphrase"]
DateHow = Literal["explicit", "weekday", "relative"]
Precision = Literal["day", "week", "month"]
Agreement = Literal["agreed", "contested"]
ContestReason = Literal["figures", "negation", "actors", "speaker"]
FramingKind = Literal["person", "group", "place", "event", "action", "thing"]
MarkerKind = Literal["attribution", "attribution-neutral", "hedge", "scare-quote", "loaded"]
ReuseKind = Literal["near-identical", "rewrite", "copy", "shared-passages"]
NoticeKind = Literal["syndicated", "agency-credit", "republished"]
DuplicateKind = Literal["near-identical", "agency-story"]
SourceKind = Literal["outlet", "person", "institution", "anonymous"]
SourcingBasis = Literal["claims", "sentences"]


@dataclass
class Span:
    """A stretch of an article's original text."""

    start: int
    """Offset of the first character in the article's original text."""
    end: int
    """Offset just past the last character in the article's original text."""
    text: str
    """The stretch itself: exactly original[start:end]."""


@dataclass
class Removed:
    """Text taken out of the analysed body, with the reason it was removed."""

    text: str
    """The removed text, exactly original[start:end]."""
    reason: RemovalReason
    """Why it was removed: the kind of page furniture it is."""
    start: int
    """Start offset into the article's original text."""
    end: int
    """End offset (exclusive) into the article's original text."""


@dataclass
class Caption:
    """A photo caption or credit kept apart from the body."""

    text: str
    """The caption or credit, exactly original[start:end]."""
    start: int
    """Start offset into the article's original text."""
    end: int
    """End offset (exclusive) into the article's original text."""


@dataclass
class Sentence:
    """One sentence of an article's clean text."""

    id: str
    """Sentence id: "<article id>:s<index>"."""
    article: str
    """Id of the article the sentence belongs to."""
    index: int
    """Position of the sentence in its article, from 0."""
    text: str
    """The sentence, exactly original[start:end]."""
    start: int
    """Start offset into the article's original text."""
    end: int
    """End offset (exclusive) into the article's original text."""
    norm: str = field(default="", metadata={"exclude": True})
    """Normalised for matching (quotes, dashes, spacing); never displayed, kept out of JSON."""
    entities: list[Entity] = field(default_factory=list)
    """Named entities found in the sentence."""
    numbers: list[float] = field(default_factory=list)
    """Numeric values found in the sentence (used to tell apart claims that state different numbers)."""


@dataclass
class Entity:
    """A named entity found in a sentence (from spaCy)."""

    text: str
    """The entity as printed."""
    label: str
    """spaCy entity label: PERSON, ORG, GPE, NORP, DATE, CARDINAL, ..."""
    start: int
    """Start offset into the article's original text."""
    end: int
    """End offset (exclusive) into the article's original text."""


@dataclass
class ArticleWarning:
    """Something wrong in an article that a reader should know (not silently fixed)."""

    kind: WarningKind
    """Kind of problem, e.g. "garbled-quote", "truncated-sentence", "single-article"."""
    message: str
    """What is wrong, in words."""
    start: int | None = None
    """Start offset into the article's original text; null for the whole article."""
    end: int | None = None
    """End offset (exclusive) into the article's original text; null for the whole article."""


@dataclass
class Article:
    """One outlet's report, as read and cleaned."""

    id: str
    """Short id, unique within the report ("a1", "a2", ...); claims, mentions and citations refer to it."""
    source: str
    """File path or URL the article came from (with "#n" for the n-th record of a multi-record file)."""
    title: str
    """Headline, as read from the input (empty when none was found)."""
    outlet: str | None
    """Publishing outlet, from the input's metadata or an outlet tag in the text; null when unknown."""
    published: str | None
    """Publication date (ISO YYYY-MM-DD); null when unknown."""
    language: str
    """Language of the text (ISO 639-1 code, e.g. "en")."""
    original: str
    """The decoded, mojibake-repaired input text; every start/end offset in the report counts in it."""
    text: str = ""
    """The clean text that was analysed: the kept parts of the original, joined by blank lines."""
    kept: list[Span] = field(default_factory=list)
    """The kept segments of the original text, in order; they map the clean text back to the original."""
    removed: list[Removed] = field(default_factory=list)
    """Page furniture taken out of the analysed text, each with its reason."""
    captions: list[Caption] = field(default_factory=list)
    """Photo captions and credits, kept apart from the body."""
    provenance: list[str] = field(default_factory=list)
    """Syndication and republication notices, verbatim."""
    sentences: list[Sentence] = field(default_factory=list)
    """Sentences of the clean text, in order."""
    warnings: list[ArticleWarning] = field(default_factory=list)
    """Problems in the article a reader should know of (not silently fixed)."""
    exclusive_claims: list[str] = field(default_factory=list)
    """Ids of claims that only this article's outlet states."""
    omitted_claims: list[str] = field(default_factory=list)
    """Ids of well-supported claims (stated by enough other outlets) that this article leaves out."""
    published_inferred: bool = False
    """True when the publication date was inferred from other articles rather than read."""
    meta: dict[str, Any] = field(default_factory=dict, metadata={"exclude": True})
    """Free-form metadata from the input; kept out of JSON."""

    @property
    def label(self) -> str:
        """How the article is named in reports: its outlet, else its id."""
        return self.outlet or self.id


@dataclass
class Mention:
    """One sentence stating a claim."""

    article: str
    """Id of the article that states the claim here."""
    sentence: str
    """Id of the sentence that states it."""
    text: str
    """The sentence's text, exactly original[start:end]."""
    start: int
    """Start offset into that article's original text."""
    end: int
    """End offset (exclusive) into that article's original text."""


@dataclass
class Claim:
    """One fact, as stated by one or more articles."""

    id: str
    """Claim id ("c1", "c2", ...)."""
    text: str
    """The plainest wording among the mentions."""
    articles: list[str]
    """Ids of the articles that state the claim."""
    outlets: list[str]
    """Names of the outlets that state it, each once (an article without outlet counts under its id)."""
    mentions: list[Mention]
    """Each sentence that states the claim."""
    independent_sources: int = 0
    """Independent sources behind the claim (copies and shared origins count once); 0 = not computed."""
    score: float = 0.0
    """How closely the mentions agree (mean pairwise similarity, 0-1)."""
    independent_groups: list[list[str]] = field(default_factory=list)
    """The independent sources behind the claim: one list of article ids per source (copies share one)."""
    agreement: Agreement | None = None
    """For a claim stated by two outlets or more: "agreed", or "contested" when its mentions differ
    (see ``contests``); None for a claim of one outlet, or when not analysed."""
    contests: list[Contest] = field(default_factory=list)
    """Why the outlets contest the claim, one entry per reason found (empty when they agree)."""


@dataclass
class Contest:
    """One way in which the outlets stating a claim disagree."""

    reason: ContestReason
    """figures (different figures for one measure), negation (one mention denies what another
    states), actors (who did what to whom is swapped) or speaker (one quote, different speakers)."""
    detail: str
    """What differs, in words (e.g. "people killed: 200 (Outlet A) against 150 (Outlet B)")."""
    articles: list[str]
    """Ids of the articles whose mentions differ."""


@dataclass
class SummarySentence:
    """One sentence of the neutral summary with its citations."""

    text: str
    """The summary sentence."""
    claims: list[str]
    """Ids of the claims it states."""
    articles: list[str]
    """Ids of the articles that support it (its citation, e.g. [a1, a3])."""


@dataclass
class Skipped:
    """An input that could not be analysed, and why."""

    source: str
    """The input (path, URL or record) that was skipped."""
    reason: str
    """Why it could not be analysed."""


@dataclass
class Quantity:
    """A number in an article together with what it counts (analysis/details/numbers.py)."""

    id: str
    """Quantity id ("n1", "n2", ...)."""
    article: str
    """Id of the article that states the number."""
    sentence: str
    """Id of the sentence that states the number."""
    text: str
    """The words as printed, e.g. "more than 4,100"."""
    value: float
    """The number (4100.0 for "more than 4,100"); the low end of a range."""
    start: int
    """Start offset into Article.original."""
    end: int
    """End offset (exclusive) into Article.original."""
    high: float | None = None
    """The high end of a range ("10-20" -> 20.0)."""
    qualifier: str = ""
    """As printed: "more than", "tops", "about", ... ("" when exact)."""
    bound: Bound = "exact"
    """Whether the value is exact, a lower or upper bound, approximate, or a range."""
    kind: QuantityKind = "other"
    """What sort of thing is counted."""
    event: str = ""
    """What happened to what is counted: killed | injured | held | released | ..."""
    counts: str = ""
    """The counted thing as printed, e.g. "Palestinians", "aid trucks"."""
    unit: str = ""
    """Currency or unit when there is one ("USD", "%")."""
    date: str | None = None
    """Date of the report it comes from (its article's publication date)."""


@dataclass
class NumberComparison:
    """One measure reported by several outlets, and whether they agree."""

    measure: str
    """E.g. "people killed"."""
    quantities: list[str]
    """Quantity ids, one or more per article."""
    articles: list[str]
    """Ids of the articles whose quantities are compared."""
    outlets: list[str]
    """Their outlets."""
    verdict: Verdict
    """Whether the outlets agree, one updates another (a later report), or they differ."""
    note: str
    """A sentence saying what agrees or differs, with dates."""


@dataclass
class Quote:
    """A direct quote with its speaker (analysis/details/quotes.py)."""

    id: str
    """Quote id ("q1", "q2", ...)."""
    article: str
    """Id of the article that prints the quote."""
    sentence: str
    """Id of the sentence where the quote opens."""
    text: str
    """The quoted words, without the outer marks."""
    start: int
    """Start offset of the quoted words, into Article.original."""
    end: int
    """End offset (exclusive) of the quoted words, into Article.original."""
    speaker: str | None = None
    """As named in the article ("White House spokesperson Ben LaBolt")."""
    verb: str = ""
    """The attribution verb ("said", "claimed", "told")."""
    attribution: AttributionMethod = "none"
    """How the speaker was found: pattern | pronoun | previous | none."""
    complete: bool = True
    """False when the closing mark is missing."""


@dataclass
class DiffPiece:
    """One run of a word-level diff: op is "=" (same), "-" (only first), "+" (only second)."""

    op: DiffOp
    """"=" same in both wordings, "-" only in the first, "+" only in the second."""
    text: str
    """The words of this run."""


@dataclass
class QuoteMatch:
    """The same quote across outlets: verbatim, reworded (with a word diff), or paraphrase."""

    kind: QuoteMatchKind
    """Verbatim (same words), reworded (a word diff), or paraphrase (stated without quote marks)."""
    quotes: list[str]
    """Quote ids (for a paraphrase, the one quote)."""
    articles: list[str]
    """Ids of the articles that print the quote."""
    outlets: list[str]
    """Their outlets."""
    similarity: float
    """0-1, word overlap of the two wordings."""
    diff: list[DiffPiece] = field(default_factory=list)
    """First quote -> second (or -> the unquoted sentence)."""
    sentence: str | None = None
    """Paraphrase: id of the sentence that states it without quote marks."""
    text: str = ""
    """Paraphrase: that sentence's text."""


@dataclass
class DateEvidence:
    """A sentence that dates an event, and how the date was resolved."""

    article: str
    """Id of the article the evidence comes from."""
    sentence: str
    """Sentence id ("" for a caption)."""
    text: str
    """The sentence that carries the time expression."""
    expression: str
    """The time expression as printed ("on Friday", "October 20")."""
    how: DateHow
    """How the date was resolved: an explicit date, a weekday, or a relative expression."""
    start: int
    """Start offset of the expression, into Article.original."""
    end: int
    """End offset (exclusive) of the expression, into Article.original."""
    inferred: bool = False
    """Resolved against an inferred publication date."""


@dataclass
class TimelineEntry:
    """An event with a calendar date and the outlets that report it."""

    date: str
    """ISO date (the first day, for a week or month)."""
    event: str
    """The plainest evidence sentence."""
    articles: list[str]
    """Ids of the articles that report the event."""
    outlets: list[str]
    """Their outlets."""
    evidence: list[DateEvidence]
    """The dated sentences the entry rests on."""
    precision: Precision = "day"
    """Whether the entry is one day, a week or a month."""
    until: str | None = None
    """Last day, for a week or month."""


@dataclass
class EntityVariant:
    """How one article writes a merged entity's name, and how often."""

    article: str
    """Article id."""
    outlet: str
    """That article's outlet."""
    name: str
    """The surface form, as written (quote marks stripped)."""
    count: int
    """How often the article uses this form."""


@dataclass
class SpellingNote:
    """An outlet that spells a name differently from the other outlets' majority."""

    article: str
    """Id of the article with the odd spelling."""
    outlet: str
    """Its outlet."""
    spelling: str
    """The spelling this article uses."""
    majority: str
    """The spelling most other outlets use."""
    majority_outlets: list[str]
    """The outlets that use the majority spelling."""


@dataclass
class MergedEntity:
    """One person, organisation or place, merged across articles by name variants."""

    id: str
    """Entity id ("e1", "e2", ...)."""
    name: str
    """Canonical name: the form most articles use."""
    label: str
    """The spaCy label most mentions carry (PERSON, ORG, GPE, ...)."""
    outlets: list[str]
    """Outlets that mention the entity."""
    variants: list[EntityVariant]
    """How each article writes the entity's name, with counts."""
    mentions: list[Mention]
    """Each place the entity is mentioned."""
    spelling_notes: list[SpellingNote] = field(default_factory=list)
    """Outlets that spell the name differently from the other outlets' majority."""


@dataclass
class FramingTerm:
    """A term one outlet uses for a referent, with one example sentence."""

    term: str
    """The term as printed."""
    count: int
    """Occurrences in the article."""
    sentence: str
    """Sentence id of the example."""
    example: str
    """The example sentence's text."""
    start: int
    """The term in the example, into Article.original."""
    end: int
    """End offset (exclusive) of the term in the example, into Article.original."""


@dataclass
class FramingOutlet:
    """The terms one article uses for a referent."""

    article: str
    """Article id."""
    outlet: str
    """That article's outlet."""
    terms: list[FramingTerm]
    """The terms this article uses for the referent."""


@dataclass
class Framing:
    """How each outlet names the same referent (person, group, place, event or action)."""

    id: str
    """Framing id ("f1", "f2", ...)."""
    referent: str
    """The name most outlets use."""
    kind: FramingKind
    """What sort of referent it is."""
    basis: str
    """Where the referent came from: "claims", "entity", "numbers", or several joined by "+"."""
    outlets: list[FramingOutlet]
    """Each outlet's terms for the referent."""
    claims: list[str] = field(default_factory=list)
    """Claim ids the alignment came from."""
    entity: str | None = None
    """Merged entity id, when matched."""


@dataclass
class Marker:
    """A word or phrase that carries judgement, flagged in one article."""

    kind: MarkerKind
    """What the word does: judging or neutral attribution verb, hedge, scare quote, or loaded term."""
    text: str
    """The word or phrase, exactly original[start:end]."""
    article: str
    """Id of the article where the word was flagged."""
    sentence: str
    """Id of the sentence it is in."""
    start: int
    """Start offset into Article.original."""
    end: int
    """End offset (exclusive) into Article.original."""
    note: str = ""
    """Why it was flagged, and what other outlets write."""
    source: str = ""
    """Lexicon or rule that flagged it."""
    distinctive: bool = False
    """No other article in the story uses this word."""


@dataclass
class CopiedSpan:
    """A passage two articles share (analysis/provenance/reuse.py); offsets into each one's original."""

    a_start: int
    """Start of the passage in article a's original text."""
    a_end: int
    """End (exclusive) of the passage in article a's original text."""
    b_start: int
    """Start of the passage in article b's original text."""
    b_end: int
    """End (exclusive) of the passage in article b's original text."""
    a_text: str
    """The passage as printed in article a, exactly a.original[a_start:a_end]."""
    b_text: str
    """The passage as printed in article b, exactly b.original[b_start:b_end]."""
    matched_words: int
    """Words found on both sides."""
    similarity: float
    """Matched words / words in the longer side of the passage."""
    a_sentences: list[str] = field(default_factory=list)
    """Sentence ids the passage covers."""
    b_sentences: list[str] = field(default_factory=list)
    """Ids of the sentences of b the passage covers."""


@dataclass
class Substitution:
    """Words one article writes where the other writes different words inside copied text."""

    a_words: str
    """As printed in article a (first place)."""
    b_words: str
    """As printed in article b."""
    count: int
    """Places where the swap occurs."""
    a_starts: list[int] = field(default_factory=list)
    """Offsets into a's original, one per place."""
    b_starts: list[int] = field(default_factory=list)
    """Offsets into b's original, one per place."""


@dataclass
class ReusePair:
    """Text reuse between two articles: score, copied passages, swaps and likely direction."""

    a: str
    """Article id."""
    b: str
    """Id of the second article."""
    score: float
    """Mean of the two coverages (0-1)."""
    a_coverage: float
    """Share of a's words inside copied passages."""
    b_coverage: float
    """Share of b's words inside copied passages (0-1)."""
    kind: ReuseKind
    """Near-identical, a rewrite (copied text with word swaps), a copy (most of one), or shared passages."""
    spans: list[CopiedSpan]
    """The passages the two articles share."""
    substitutions: list[Substitution] = field(default_factory=list)
    """Systematic swaps only."""
    source: str | None = None
    """Likely original (article id), None when undecided."""
    copy: str | None = None
    """Likely copy (article id), null when undecided."""
    confidence: float = 0.0
    """0-1, for the direction."""
    evidence: list[str] = field(default_factory=list)
    """Why that direction."""


@dataclass
class SyndicationNotice:
    """A notice in an article saying it is syndicated, wire copy or republished."""

    article: str
    """Id of the article carrying the notice."""
    text: str
    """The notice as printed."""
    kind: NoticeKind
    """What the notice says: syndicated, credited to an agency, or republished."""
    agency: str | None = None
    """The agency or outlet named, if any."""
    start: int | None = None
    """Start offset into Article.original (null when not found there)."""
    end: int | None = None
    """End offset (exclusive) into Article.original (null when not found there)."""


@dataclass
class DuplicateGroup:
    """Articles that are the same story: near-identical texts or one agency story under several mastheads."""

    articles: list[str]
    """Ids of the articles in the group."""
    outlets: list[str]
    """Their outlets."""
    kind: DuplicateKind
    """Near-identical texts, or one agency story under several mastheads."""
    similarity: float
    """Lowest estimated similarity within the group."""
    agency: str | None = None
    """The agency whose story it is, when known."""


@dataclass
class CitedSource:
    """Whom an article attributes information to (analysis/provenance/sources.py)."""

    article: str
    """Id of the article that cites the source."""
    name: str
    """The source as named, e.g. "Bloomberg", "Ben LaBolt", "sources familiar with the negotiations"."""
    kind: SourceKind
    """What sort of source it is."""
    cue: str
    """The attributing phrase, exactly original[start:end]."""
    start: int
    """Start offset of the attributing phrase, into Article.original."""
    end: int
    """End offset (exclusive), into Article.original."""
    sentence: str | None = None
    """Id of the sentence the cue is in (null when none)."""


@dataclass
class SourcingShare:
    """Per article: shares of its claims (or sentences) that are named-sourced, anonymous, unattributed."""

    article: str
    """Article id."""
    basis: SourcingBasis
    """What the shares count: the article's claims, or its sentences."""
    total: int
    """Number of claims (or sentences) counted."""
    named: float
    """Share attributed to named sources (0-1)."""
    anonymous: float
    """Share attributed to anonymous sources (0-1)."""
    unattributed: float
    """Share with no attribution (0-1)."""


@dataclass
class Report:
    """Everything an analysis found. Stages fill it in order (see pipeline.py)."""

    articles: list[Article] = field(default_factory=list)
    """Every article that was analysed, in input order."""
    skipped: list[Skipped] = field(default_factory=list)
    """Every input that could not be analysed, with the reason."""
    notes: list[str] = field(default_factory=list)
    """Remarks about the analysis as a whole (e.g. only one article, duplicate files)."""
    story_groups: list[list[str]] = field(default_factory=list)
    """The articles partitioned into stories, as lists of article ids, largest story first (ties: the
    one with the earliest article first). One list holding every id when the inputs tell one story.
    Articles of different stories never share a claim, and the summary covers the first (largest)."""
    claims: list[Claim] = field(default_factory=list)
    """Facts, each grouping the sentences from different articles that state it."""
    summary: list[SummarySentence] = field(default_factory=list)
    """A neutral summary built from the best-supported claims, one entry per sentence."""
    entities: list[MergedEntity] = field(default_factory=list)
    """People, organisations and places merged across articles by name variants."""
    framing: list[Framing] = field(default_factory=list)
    """How each outlet names the same referents (word choice and framing)."""
    markers: list[Marker] = field(default_factory=list)
    """Words and phrases that carry judgement: attribution verbs, hedges, scare quotes, loaded terms."""
    quantities: list[Quantity] = field(default_factory=list)
    """Numbers extracted with what they count."""
    number_comparisons: list[NumberComparison] = field(default_factory=list)
    """The same measure aligned across outlets: agreement, update or disagreement."""
    quotes: list[Quote] = field(default_factory=list)
    """Direct quotes with their speakers."""
    quote_matches: list[QuoteMatch] = field(default_factory=list)
    """The same quote across outlets, classified as verbatim, reworded or paraphrase."""
    timeline: list[TimelineEntry] = field(default_factory=list)
    """Events with calendar dates, and the outlets that report them."""
    reuse: list[ReusePair] = field(default_factory=list)
    """Pairs of articles that share text: the edges of the copy graph."""
    syndication: list[SyndicationNotice] = field(default_factory=list)
    """Syndication, wire-copy and republication notices found in the articles."""
    duplicates: list[DuplicateGroup] = field(default_factory=list)
    """Articles that are the same story: near-identical texts, or one agency story under several mastheads."""
    sources: list[CitedSource] = field(default_factory=list)
    """Whom each article attributes its information to."""
    sourcing: list[SourcingShare] = field(default_factory=list)
    """Per article, the shares of its claims that are named-sourced, anonymous or unattributed."""
    stages: list[str] = field(default_factory=list)
    """Names of the analysis stages that ran, in order; a section whose stage did not run was not analysed."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds each stage took, by stage name."""

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
