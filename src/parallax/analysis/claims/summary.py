"""A neutral summary built from the best-supported claims, each sentence citing its sources.

Each claim's relevance adds up (``weigh_claim``):

* support: its independent sources (``Claim.independent_sources``, else its outlets), plus
  the independent outlets that state it in other words, below the claim threshold (a
  sentence of theirs within ``ECHO_COSINE`` of the claim: "echoes");
* a little credit for copies, for sitting near the top of its articles (the lead), and for
  centrality (how close the claim is to the rest of every other article);
* less plain wording (loaded words, quote marks) counts against it.

Only claims with a usable wording compete: captions, quotes without their speaker and
datelines are never summary sentences (``parallax.analysis.claims.candidates``), and the
plainest usable mention gives the claim's summary wording. The sentences are then chosen by
maximal marginal relevance: each next one is the most relevant claim less a penalty for
its closeness to those already chosen. A claim that says the same thing as one already
chosen adds its citations to that sentence instead of repeating it; one that states a
different fact on a topic already covered (close vectors, a shared name the story seldom
mentions) is left out. When no claim is stated by two outlets, the summary says so and
ranks by centrality alone, not by position. The chosen sentences are put in story order
(where their mentions sit in the articles, on average).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from parallax.analysis.claims.candidates import is_fragment, sort_mentions
from parallax.analysis.claims.echoes import StoryVectors, find_echoes
from parallax.analysis.claims.grouping import QUOTE_MARKS, choose_text, describe_sentence, measure_plainness
from parallax.analysis.claims.independence import UnionFind
from parallax.model import Claim, Report, Sentence, SummarySentence
from parallax.stage import Context, stage

# Two claims whose vectors are this close say the same thing (for the summary).
REDUNDANT_COSINE = 0.8
REDUNDANT_WORDS = 0.6
# Two claims this close that share a name the story seldom mentions (in at most
# BACKGROUND_SHARE of its claims) are on the same topic: one summary sentence is enough.
SAME_TOPIC_COSINE = 0.68
BACKGROUND_SHARE = 0.2
_NAME = re.compile(r"(?<=[\w,;:]\s)[A-Z][a-z]+|^[A-Z][a-z]+(?=\W)")
# How much the agreement among a claim's mentions (Claim.score) counts against plain wording.
COHESION_WEIGHT = 5.0
# Credit for outlets beyond the independent sources (copies still show the claim travelled),
# and for where the claim sits: news puts its main facts first (the lead), so a claim stated
# at the top of its articles earns up to LEAD_WEIGHT extra.
EXTRA_OUTLET_WEIGHT = 0.25
LEAD_WEIGHT = 1.5
# Each independent article that echoes a claim (``echoes``) counts ECHO_WEIGHT of support.
ECHO_WEIGHT = 0.5
# Centrality (mean over the other articles of the claim's best cosine with their sentences).
CENTRALITY_WEIGHT = 2.0
# How much less plain wording (rank_wording) costs, and a quotation's extra cost.
WORDING_WEIGHT = 0.1
QUOTATION_COST = 2.0
# A reuse pair scoring this much makes one article a copy of the other (Options.reuse_link_score's default).
COPY_SCORE = 0.5
# Maximal marginal relevance: the cost of a candidate's closeness to a chosen sentence.
MMR_WEIGHT = 1.0
# Said when no claim has two outlets.
NO_SHARED_CLAIM = (
    "summary: no claim is stated by two outlets; the summary takes the sentences closest to all "
    "the articles (centrality), not the first ones"
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
    fa = describe_sentence(Sentence("", "", 0, a, 0, len(a), a)).words
    fb = describe_sentence(Sentence("", "", 0, b, 0, len(b), b)).words
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


def rank_wording(claim: Claim, judged: frozenset[str]) -> float:
    """Lower is better: plain wording, and mentions that agree closely (a loosely grouped
    claim is a riskier summary sentence than a tight one)."""
    cohesion = min(claim.score, 1.0) if len(claim.mentions) > 1 else 0.0
    return measure_plainness(claim.text, judged) - COHESION_WEIGHT * cohesion


def main_story_claims(report: Report) -> list[Claim]:
    """The claims of the largest story group (``Report.story_groups``); all claims when there is one."""
    if len(report.story_groups) < 2:
        return report.claims
    main = set(report.story_groups[0])
    return [c for c in report.claims if set(c.articles) <= main]


def has_shared_claim(claims: list[Claim]) -> bool:
    """Whether any claim is stated by two outlets or more."""
    return any(len(c.outlets) > 1 for c in claims)


def restate_claim(
    claim: Claim, report: Report, judged: frozenset[str], fragments: frozenset[str] | None
) -> Claim | None:
    """The claim as the summary may use it: without its caption mentions, in the plainest
    wording that may be a summary sentence; None when there is none
    (``candidates.sort_mentions``)."""
    supporting, wordings = sort_mentions(claim, report, fragments)
    if not wordings:
        return None
    keep = claim.text in {m.text for m in wordings}  # grouping chose it among the same wordings
    text = claim.text if keep else choose_text(wordings, judged)
    if len(supporting) == len(claim.mentions):
        return replace(claim, text=text)
    articles = list(dict.fromkeys(m.article for m in supporting))
    outlets = list(dict.fromkeys(report.article(a).label for a in articles))
    groups = [g for g in ([a for a in g if a in articles] for g in claim.independent_groups) if g]
    return replace(
        claim,
        text=text,
        articles=articles,
        outlets=outlets,
        mentions=supporting,
        independent_sources=len(groups) if claim.independent_sources else 0,
        independent_groups=groups,
    )


def join_copies(report: Report, articles: list[str]) -> UnionFind:
    """The articles, joined where one copied the other (a reuse pair scoring COPY_SCORE or more,
    near-duplicates): echoes from copies count once."""
    found = UnionFind(articles)
    present = set(articles)
    for pair in report.reuse:
        if pair.a in present and pair.b in present and pair.score >= COPY_SCORE:
            found.union(pair.a, pair.b)
    for group in report.duplicates:
        members = [a for a in group.articles if a in present]
        for other in members[1:]:
            found.union(members[0], other)
    return found


def measure_centrality(claim: Claim, report: Report, articles: list[str], vectors: StoryVectors) -> float:
    """The mean over the articles of the claim's best cosine with their sentences (1 for those
    that state it; 0 without vectors)."""
    vector = vectors.claims.get(claim.id)
    if vector is None:
        return 0.0
    best: list[float] = []
    for aid in articles:
        rows = [vectors.sentences[s.id] for s in report.article(aid).sentences if s.id in vectors.sentences]
        if rows:
            best.append(1.0 if aid in claim.articles else float(np.max(np.stack(rows) @ vector)))
    return float(np.mean(best)) if best else 0.0


def weigh_claim(
    report: Report,
    claim: Claim,
    judged: frozenset[str],
    vectors: StoryVectors,
    copies: UnionFind,
    shared: bool,
) -> float:
    """Higher is better: support (with echoes), credit for copies, the lead and centrality, less
    wording cost. Without any ``shared`` claim, centrality and wording alone."""
    articles = list(copies.parent)
    centrality = measure_centrality(claim, report, articles, vectors)
    wording = WORDING_WEIGHT * rank_wording(claim, judged) + QUOTATION_COST * is_quotation(claim.text)
    if not shared:
        return CENTRALITY_WEIGHT * centrality - wording
    support = measure_support(claim)
    sources = {copies.find(a) for a in claim.articles}
    echoes = {copies.find(a) for a in find_echoes(claim, report, articles, vectors)} - sources
    extra = max(0, len(claim.outlets) - support)
    position = LEAD_WEIGHT * (1.0 - locate_in_story(report, claim))
    return (
        support
        + ECHO_WEIGHT * len(echoes)
        + EXTRA_OUTLET_WEIGHT * extra
        + position
        + CENTRALITY_WEIGHT * centrality
        - wording
    )


def pick_claims(
    claims: list[Claim],
    weight: dict[str, float],
    count: int,
    vectors: dict[str, np.ndarray],
    first: set[str] | None = None,
) -> list[tuple[Claim, list[Claim]]]:
    """Up to ``count`` (claim shown, claims it cites) by maximal marginal relevance; claims whose
    ids are in ``first`` go before all others."""
    rare = find_rare_names(claims)
    preferred = first or set()
    left = list(claims)
    chosen: list[tuple[Claim, list[Claim]]] = []

    def gain(claim: Claim) -> tuple[bool, float]:
        closest = max((measure_closeness(claim, entry[0], vectors) for entry in chosen), default=0.0)
        return claim.id in preferred, weight[claim.id] - MMR_WEIGHT * max(0.0, closest)

    while left and len(chosen) < count:
        claim = max(left, key=gain)
        left.remove(claim)
        twin = next((entry for entry in chosen if is_redundant(entry[0], claim, vectors)), None)
        if twin is not None:
            twin[1].append(claim)  # the same fact: its sources support the sentence shown
            continue
        if any(is_same_topic(entry[0], claim, vectors, rare) for entry in chosen):
            continue  # a different fact on a topic already covered: left out, not cited
        chosen.append((claim, [claim]))
    return chosen


def write_summary(
    report: Report,
    count: int,
    judged: frozenset[str],
    vectors: dict[str, np.ndarray] | None = None,
    *,
    sentence_vectors: dict[str, np.ndarray] | None = None,
    fragments: frozenset[str] | None = None,
) -> list[SummarySentence]:
    """Up to ``count`` summary sentences from the report's claims, in story order; when the inputs
    form several stories, from the claims of the largest (``main_story_claims``).

    ``judged`` are the words that make a wording less plain (``Resources.judgement_words``);
    ``vectors`` the claim vectors, ``sentence_vectors`` the sentence vectors by sentence id
    (for echoes and centrality); ``fragments`` the ids of sentences whose parse is a fragment
    (never a summary sentence).
    """
    by_id = {s.id: s for a in report.articles for s in a.sentences}
    story = StoryVectors(vectors or {}, sentence_vectors or {}, by_id)
    original = main_story_claims(report)
    shared = has_shared_claim(original)
    claims = [c for c in (restate_claim(c, report, judged, fragments) for c in original) if c is not None]
    members = list(dict.fromkeys(a for c in original for a in c.articles))
    copies = join_copies(report, members)
    weight = {c.id: weigh_claim(report, c, judged, story, copies, shared) for c in claims}
    first: set[str] = set()
    if shared:
        # Plain claims several outlets state go first when there are enough of them.
        plain = {c.id for c in claims if len(c.outlets) > 1 and not is_quotation(c.text)}
        first = plain if len(plain) >= count else set()
    chosen = pick_claims(claims, weight, count, story.claims, first)
    chosen.sort(key=lambda entry: locate_in_story(report, entry[0]))
    order = {a.id: n for n, a in enumerate(report.articles)}
    summary: list[SummarySentence] = []
    for shown, cited in chosen:
        article_ids = sorted({a for c in cited for a in c.articles}, key=order.__getitem__)
        summary.append(SummarySentence(text=shown.text, claims=[c.id for c in cited], articles=article_ids))
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


@stage(
    requires=(
        "article.sentences",
        "article.captions",
        "report.claims",
        "claim.score",
        "claim.independent_sources",
        "ctx.vectors",
        "ctx.claim_vectors",
        "report.story_groups",
    ),
    provides=("report.summary", "report.notes"),
)
def summarise(ctx: Context) -> None:
    """A neutral summary of ``Options.summary_sentences`` sentences from the best-supported claims
    (of the largest story when the inputs tell several)."""
    sentences = ctx.sentences()
    rows = ctx.vectors if ctx.vectors is not None and len(ctx.vectors) == len(sentences) else None
    by_id = {s.id: rows[n] for n, s in enumerate(sentences)} if rows is not None else {}
    report = ctx.report
    report.summary = write_summary(
        report,
        ctx.options.summary_sentences,
        ctx.resources.judgement_words,
        ctx.claim_vectors,
        sentence_vectors=by_id,
        fragments=find_fragments(ctx),
    )
    if report.summary and not has_shared_claim(main_story_claims(report)):
        report.notes.append(NO_SHARED_CLAIM)
