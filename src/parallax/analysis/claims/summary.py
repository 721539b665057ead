"""A neutral summary built from the most widely shared content, each sentence citing its sources.

What the outlets share is what a neutral summary says. Each content word of the story counts
the independent articles (copies count once, ``join_copies``) that use it in their title or
body; a word only one article uses adds nothing. The summary is chosen greedily, one claim
at a time (``pick_candidates``): the next sentence is the usable wording of a claim that adds
the most shared words not yet covered (each weighed by its number of sources), per word of
its own length (``measure_gain``). Words already covered add nothing, so a sentence that
repeats the chosen ones gains nothing (maximal marginal relevance over the words); one that
says the same thing in other words (close claim vectors) only adds its citations to the
sentence shown, and a different fact on a topic already covered (close vectors, a shared
name the story seldom mentions) is left out. A claim stated by copies counts its independent
sources only, one that stands first in its article (the lead) gains a little, and quotations,
loaded words and scare quotes shrink the gain; a claim competes only with its plainest
wordings.

Only usable wordings compete (``restate_claim``): captions (``candidates.is_caption``), pieces
of quotations, quotations without their speaker and datelines are never summary sentences.
The summary stops at ``count`` sentences, at about WORDS_PER_SENTENCE words a sentence, or
when nothing adds shared content. When no claim is stated by two outlets, the summary says
so and ranks by shared words alone (a lexical centrality), not by position. The chosen
sentences are put in story order (where their mentions sit in the articles, on average).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from parallax.analysis.claims.candidates import has_speaker, is_caption, is_fragment, strip_dateline
from parallax.analysis.claims.crosslingual import find_main_language
from parallax.analysis.claims.grouping import (
    QUOTE_MARKS,
    fact_words,
    has_unbalanced_quotes,
    measure_plainness,
)
from parallax.analysis.wording.markers import quotation_spans
from parallax.lexicons import tokenize_words
from parallax.model import Claim, Report, SummarySentence
from parallax.stage import Context, stage
from parallax.text.disjoint import DisjointSet

# Two claims whose vectors are this close say the same thing (for the summary).
REDUNDANT_COSINE = 0.8
REDUNDANT_WORDS = 0.6
# Two claims this close that share a name the story seldom mentions (in at most
# BACKGROUND_SHARE of its claims) are on the same topic: one summary sentence is enough.
SAME_TOPIC_COSINE = 0.68
BACKGROUND_SHARE = 0.2
_NAME = re.compile(r"(?<=[\w,;:]\s)[A-Z][a-z]+|^[A-Z][a-z]+(?=\W)")
# A reuse pair scoring this much makes one article a copy of the other (Options.reuse_link_score's default).
COPY_SCORE = 0.5
# The gain of a claim: shared words per word of length to this power (0: long sentences win,
# 1: short ones do); a lead sentence adds LEAD_WEIGHT (a share of the gain) when some claim
# is shared.
LENGTH_POWER = 0.5
LEAD_WEIGHT = 0.1
# A claim's wordings compete when they are at most this much less plain (``measure_plainness``:
# 1.5 is one loaded word) than its plainest; a scare quote costs as much as a loaded word.
PLAINNESS_MARGIN = 1.5
SCARE_QUOTE_COST = 1.5
# A scare quote: a short capitalised phrase in single quote marks ("the ‘Israeli’-occupied territories").
SCARE_QUOTE = re.compile(r"(?:‘|(?<![\w])')[A-Z][\w .-]{0,30}(?:’|'(?!\w))")
# A quotation's gain is multiplied by QUOTATION_FACTOR; each loaded word divides it by 1 + LOADED_COST.
QUOTATION_FACTOR = 0.5
LOADED_COST = 0.5
# The summary's length: about this many words a sentence, all sentences together.
WORDS_PER_SENTENCE = 35
# A wording with this share of its words inside quote marks is a quotation (it needs its speaker).
QUOTED_SHARE = 0.5
# A fragment (a parse without a finite clause) this short is a caption.
FRAGMENT_WORDS = 12
# Said when no claim has two outlets.
NO_SHARED_CLAIM = (
    "summary: no claim is stated by two outlets; the summary takes the sentences that share the "
    "most words with the other articles (centrality), not the first ones"
)


def measure_support(claim: Claim) -> int:
    """Independent sources when known, else the number of outlets."""
    return claim.independent_sources if claim.independent_sources > 0 else len(claim.outlets)


def locate_in_story(report: Report, claim: Claim) -> float:
    """Where a claim sits in the story, 0 (top) to 1 (bottom): the mean relative position of its mentions."""
    positions: list[float] = []
    for mention in claim.mentions:
        article = report.article(mention.article)
        index = next((s.index for s in article.sentences if s.id == mention.sentence), 0)
        positions.append(index / max(1, len(article.sentences) - 1))
    return sum(positions) / len(positions) if positions else 1.0


def is_quotation(text: str) -> bool:
    """True when the text opens with a quote mark (a direct quotation rather than a report)."""
    return text.lstrip()[:1] in QUOTE_MARKS


def _word_overlap(a: str, b: str) -> float:
    fa, fb = content_words(a), content_words(b)
    if not fa or not fb:
        return 0.0
    return 2 * len(fa & fb) / (len(fa) + len(fb))


def find_names(text: str) -> set[str]:
    """Capitalised words of ``text`` (names, roughly), sentence-initial words included."""
    return {m.group().lower() for m in _NAME.finditer(text)}


def find_rare_names(claims: list[Claim]) -> set[str]:
    """Names that at most BACKGROUND_SHARE of the claims (or two) mention: not the main actors."""
    counts: dict[str, int] = {}
    for claim in claims:
        for name in find_names(claim.text):
            counts[name] = counts.get(name, 0) + 1
    return {n for n, c in counts.items() if c <= max(2.0, BACKGROUND_SHARE * len(claims))}


def measure_closeness(a: Claim, b: Claim, vectors: dict[str, np.ndarray]) -> float:
    """The cosine of two claims' vectors (0 when either has none)."""
    if a.id in vectors and b.id in vectors:
        return float(vectors[a.id] @ vectors[b.id])
    return 0.0


def is_redundant(a: Claim, b: Claim, vectors: dict[str, np.ndarray]) -> bool:
    """Whether two claims say the same thing, for the summary's purposes."""
    if measure_closeness(a, b, vectors) >= REDUNDANT_COSINE:
        return True
    return _word_overlap(a.text, b.text) >= REDUNDANT_WORDS


def is_same_topic(a: Claim, b: Claim, vectors: dict[str, np.ndarray], rare: set[str]) -> bool:
    """Whether two claims are on one narrow topic (close vectors and a shared rare name), so
    that a summary with both would read as a near repeat."""
    close = measure_closeness(a, b, vectors) >= SAME_TOPIC_COSINE
    return close and bool(find_names(a.text) & find_names(b.text) & rare)


def main_story_claims(report: Report) -> list[Claim]:
    """The claims of the largest story group (``Report.story_groups``); all claims when there is one."""
    if len(report.story_groups) < 2:
        return report.claims
    main = set(report.story_groups[0])
    return [c for c in report.claims if set(c.articles) <= main]


def has_shared_claim(claims: list[Claim]) -> bool:
    """Whether any claim is stated by two outlets or more."""
    return any(len(c.outlets) > 1 for c in claims)


def join_copies(report: Report, articles: list[str]) -> DisjointSet[str]:
    """The articles, joined where one copied the other (a reuse pair scoring COPY_SCORE or more,
    near-duplicates): the words of copies count once."""
    found: DisjointSet[str] = DisjointSet(articles)
    present = set(articles)
    for pair in report.reuse:
        if pair.a in present and pair.b in present and pair.score >= COPY_SCORE:
            found.merge(pair.a, pair.b)
    for group in report.duplicates:
        members = [a for a in group.articles if a in present]
        for other in members[1:]:
            found.merge(members[0], other)
    return found


def content_words(text: str) -> frozenset[str]:
    """The stemmed content words of ``text`` (as ``grouping.describe_sentence`` finds them)."""
    return fact_words(text.lower())


def count_sources(report: Report, copies: DisjointSet[str]) -> dict[str, int]:
    """Per content word: how many independent articles (copies count once) use it in their
    title or body."""
    found: dict[str, set[str]] = {}
    for aid in copies:
        article = report.article(aid)
        words = set(content_words(article.title or ""))
        for sentence in article.sentences:
            words |= content_words(sentence.text)
        for word in words:
            found.setdefault(word, set()).add(copies[aid])
    return {w: len(groups) for w, groups in found.items()}


def quoted_share(text: str) -> float:
    """The share of the text's words that stand inside quote marks."""
    inside = sum(len(tokenize_words(text[a:b])) for a, b in quotation_spans(text))
    return inside / max(1, len(tokenize_words(text)))


def is_unusable_quote(text: str) -> bool:
    """Whether the text is a piece of a quotation (unbalanced quote marks) or mostly a
    quotation (QUOTED_SHARE of its words or more) without its speaker; a report that quotes a
    phrase ("calling it a “witch hunt”") is usable."""
    if not any(q in text for q in QUOTE_MARKS if q not in "’'"):
        return False
    if has_unbalanced_quotes(text):
        return True
    return quoted_share(text) >= QUOTED_SHARE and not has_speaker(text)


@dataclass
class Candidate:
    """One wording a claim may take in the summary."""

    claim: Claim
    text: str
    words: frozenset[str]
    length: int
    lead: bool  # stated in the first sentence of one of its articles
    cost: float  # wording factor: 1 for plain reporting, less for quotations and loaded words


def list_candidates(
    report: Report, claims: list[Claim], judged: frozenset[str], fragments: frozenset[str]
) -> list[Candidate]:
    """Every usable wording of every claim (``restate_claim``), each claim restricted to the
    mentions that are not captions."""
    index = {s.id: s.index for a in report.articles for s in a.sentences}
    captions = find_captions(report, claims, fragments)
    main_language = find_main_language(report.claims, report.articles)
    found: list[Candidate] = []
    for original in claims:
        restated = restate_claim(original, report, captions, main_language)
        if restated is None:
            continue
        claim, wordings = restated
        lead = any(index.get(m.sentence, 1) == 0 for m in claim.mentions)
        scare = {w: len(SCARE_QUOTE.findall(w)) for w in wordings}
        plainness = {w: measure_plainness(w, judged) + SCARE_QUOTE_COST * scare[w] for w in wordings}
        plainest = min(plainness.values())
        for text in wordings:
            if plainness[text] > plainest + PLAINNESS_MARGIN:
                continue
            loaded = sum(1 for w in tokenize_words(text) if w in judged) + scare[text]
            cost = (QUOTATION_FACTOR if is_quotation(text) else 1.0) / (1.0 + LOADED_COST * loaded)
            found.append(Candidate(claim, text, content_words(text), max(1, len(text.split())), lead, cost))
    return found


def measure_gain(candidate: Candidate, sources: dict[str, int], covered: set[str], shared: bool) -> float:
    """The shared content a candidate adds (the sources of its new words that two independent
    articles or more use), per word of its length (to the power LENGTH_POWER); scaled by the
    claim's share of independent articles (three copies of one wire story count as one
    source), more for a lead sentence, less for quotations and loaded words."""
    new = sum(sources[w] for w in candidate.words - covered if sources.get(w, 0) >= 2)
    claim = candidate.claim
    independence = min(1.0, measure_support(claim) / max(1, len(claim.articles)))
    lead = 1.0 + (LEAD_WEIGHT if shared and candidate.lead else 0.0)
    return new * independence * lead * candidate.cost / candidate.length**LENGTH_POWER


def pick_candidates(
    candidates: list[Candidate],
    sources: dict[str, int],
    count: int,
    vectors: dict[str, np.ndarray],
    shared: bool,
    first: set[str],
) -> list[Candidate]:
    """Up to ``count`` candidates of distinct claims within ``count * WORDS_PER_SENTENCE`` words,
    greedily by ``measure_gain`` (claims in ``first`` before the others); a claim on a topic
    already covered (``is_same_topic``) is left out, and the choice stops when nothing adds
    shared content."""
    rare = find_rare_names([c.claim for c in candidates])
    budget = count * WORDS_PER_SENTENCE
    covered: set[str] = set()
    chosen: list[Candidate] = []
    left = list(candidates)
    while left and len(chosen) < count:
        used = sum(c.length for c in chosen)
        fits = [c for c in left if not chosen or used + c.length <= budget]
        if not fits:
            break
        best = max(fits, key=lambda c: (c.claim.id in first, measure_gain(c, sources, covered, shared)))
        if chosen and measure_gain(best, sources, covered, shared) <= 0:
            break
        left = [c for c in left if c.claim.id != best.claim.id]
        if any(is_redundant(c.claim, best.claim, vectors) for c in chosen):
            continue
        if any(is_same_topic(c.claim, best.claim, vectors, rare) for c in chosen):
            continue
        chosen.append(best)
        covered |= best.words
    return chosen


def find_captions(report: Report, claims: list[Claim], fragments: frozenset[str] | None) -> frozenset[str]:
    """Ids of the claims' sentences that are captions (``candidates.is_caption``). Only short
    fragments (FRAGMENT_WORDS words at most) count: a long sentence whose parse has no finite
    clause is more often a parse that missed one."""
    by_id = {s.id: s for a in report.articles for s in a.sentences}
    short = frozenset(
        f for f in fragments or () if f in by_id and len(by_id[f].text.split()) <= FRAGMENT_WORDS
    )
    mentioned = {(m.sentence, m.article) for c in claims for m in c.mentions if m.sentence in by_id}
    return frozenset(sid for sid, aid in mentioned if is_caption(by_id[sid], report.article(aid), short))


def restate_claim(
    claim: Claim, report: Report, captions: frozenset[str], main_language: str | None = None
) -> tuple[Claim, list[str]] | None:
    """The claim as the summary may use it: without its mentions in ``captions``
    (``find_captions``), and the wordings of its mentions that may be a summary sentence (no
    piece of a quotation, no quotation without its speaker, no dateline); None when there is
    none. In a story of several languages the wordings are those in ``main_language``
    (``find_main_language``), so that the summary reads in one language: a claim no article
    states in that language is left out."""
    supporting = [m for m in claim.mentions if m.sentence not in captions]
    worded = supporting
    if main_language is not None:
        worded = [m for m in supporting if report.article(m.article).language == main_language]
    texts = dict.fromkeys(" ".join(strip_dateline(m.text).split()) for m in worded)
    wordings = [t for t in texts if t and not is_unusable_quote(t)]
    if not wordings:
        return None
    if len(supporting) == len(claim.mentions):
        return claim, wordings
    articles = list(dict.fromkeys(m.article for m in supporting))
    outlets = list(dict.fromkeys(report.article(a).label for a in articles))
    groups = [g for g in ([a for a in g if a in articles] for g in claim.independent_groups) if g]
    restated = replace(
        claim,
        articles=articles,
        outlets=outlets,
        mentions=supporting,
        independent_sources=len(groups) if claim.independent_sources else 0,
        independent_groups=groups,
    )
    return restated, wordings


def write_summary(
    report: Report,
    count: int,
    judged: frozenset[str],
    vectors: dict[str, np.ndarray] | None = None,
    *,
    fragments: frozenset[str] | None = None,
) -> list[SummarySentence]:
    """Up to ``count`` summary sentences from the report's claims, in story order; when the inputs
    form several stories, from the claims of the largest (``main_story_claims``).

    ``judged`` are the words that make a wording less plain (``Resources.judgement_words``);
    ``vectors`` the claim vectors; ``fragments`` the ids of sentences whose parse is a fragment
    (a short one is never a summary sentence).
    """
    original = main_story_claims(report)
    shared = has_shared_claim(original)
    members = list(dict.fromkeys(a for c in original for a in c.articles))
    sources = count_sources(report, join_copies(report, members))
    candidates = list_candidates(report, original, judged, fragments or frozenset())
    first: set[str] = set()
    if shared:
        # Plain claims several outlets state go first when there are enough of them.
        plain = {c.claim.id for c in candidates if len(c.claim.outlets) > 1 and not is_quotation(c.text)}
        first = plain if len(plain) >= count else set()
    chosen = pick_candidates(candidates, sources, count, vectors or {}, shared, first)
    chosen.sort(key=lambda c: locate_in_story(report, c.claim))
    # A claim that says the same thing as a chosen one adds its sources to that sentence.
    cited: dict[str, list[Claim]] = {c.claim.id: [c.claim] for c in chosen}
    taken = set(cited)
    for candidate in candidates:
        if candidate.claim.id in taken:
            continue
        twin = next((c for c in chosen if is_redundant(c.claim, candidate.claim, vectors or {})), None)
        if twin is not None:
            cited[twin.claim.id].append(candidate.claim)
            taken.add(candidate.claim.id)
    order = {a.id: n for n, a in enumerate(report.articles)}
    summary: list[SummarySentence] = []
    for shown in chosen:
        claims = cited[shown.claim.id]
        article_ids = sorted({a for c in claims for a in c.articles}, key=order.__getitem__)
        summary.append(SummarySentence(text=shown.text, claims=[c.id for c in claims], articles=article_ids))
    return summary


def find_fragments(ctx: Context) -> frozenset[str]:
    """Ids of the claim sentences whose parse has no finite clause (``candidates.is_fragment``),
    through the analysis cache, so a warm re-analysis decodes no parse for them."""
    from parallax.nlp.article_cache import derive_per_sentence

    by_id = {s.id: s for a in ctx.report.articles for s in a.sentences}
    mentioned = (m.sentence for c in ctx.report.claims for m in c.mentions)
    wanted = list(dict.fromkeys(sid for sid in mentioned if sid in by_id))
    sentences = [by_id[sid] for sid in wanted]
    flags = derive_per_sentence(
        ctx.resources.parser, ctx.resources.cache, "fragment", sentences, lambda _s, d: is_fragment(d), bool
    )
    return frozenset(s.id for s, flag in zip(sentences, flags, strict=True) if flag)


@dataclass
class SummaryInputs:
    """What ``write_summary`` reads besides the report, gathered once from an analysis so that
    summaries can be written again from it (``bench/summary.py`` keeps it per story)."""

    report: Report
    judged: frozenset[str]
    claim_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    fragments: frozenset[str] = frozenset()

    def write(self, count: int) -> list[SummarySentence]:
        """Up to ``count`` summary sentences (``write_summary``)."""
        return write_summary(
            self.report,
            count,
            self.judged,
            self.claim_vectors,
            fragments=self.fragments,
        )


def gather_inputs(ctx: Context) -> SummaryInputs:
    """The summary's inputs from an analysis that has grouped its claims."""
    return SummaryInputs(
        ctx.report, ctx.resources.judgement_words, ctx.claim_vectors or {}, find_fragments(ctx)
    )


@stage(
    requires=(
        "article.sentences",
        "article.captions",
        "article.title",
        "report.claims",
        "claim.independent_sources",
        "ctx.claim_vectors",
        "report.story_groups",
        "report.reuse",
        "report.duplicates",
    ),
    provides=("report.summary", "report.notes"),
)
def summarise(ctx: Context) -> None:
    """A neutral summary of ``Options.summary_sentences`` sentences from the best-supported claims
    (of the largest story when the inputs tell several)."""
    report = ctx.report
    report.summary = gather_inputs(ctx).write(ctx.options.summary_sentences)
    if report.summary and not has_shared_claim(main_story_claims(report)):
        report.notes.append(NO_SHARED_CLAIM)
