"""A neutral summary built from the best-supported claims, each sentence citing its sources.

Claims are ranked by support (``Claim.independent_sources`` when computed, else
the number of outlets), then by how plain their wording is. A claim that says
the same thing as one already chosen adds its citations to that sentence
instead of repeating it; one that states a different fact on a topic already
covered (close vectors, a shared name the story seldom mentions) is left out.
The chosen sentences are put in story order (where
their mentions sit in the articles, on average).
"""

from __future__ import annotations

import re

import numpy as np

from parallax.analysis.claims.grouping import QUOTE_MARKS, describe_sentence, measure_plainness
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


def measure_support(claim: Claim) -> int:
    """Independent sources when known, else the number of outlets."""
    return claim.independent_sources if claim.independent_sources > 0 else len(claim.outlets)


def weigh_claim(report: Report, claim: Claim) -> float:
    """Higher is better: independent support, a little credit for copies, and lead position."""
    support = measure_support(claim)
    extra = max(0, len(claim.outlets) - support)
    return support + EXTRA_OUTLET_WEIGHT * extra + LEAD_WEIGHT * (1.0 - locate_in_story(report, claim))


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


def is_redundant(a: Claim, b: Claim, vectors: dict[str, np.ndarray]) -> bool:
    """Whether two claims say the same thing, for the summary's purposes."""
    if a.id in vectors and b.id in vectors and float(vectors[a.id] @ vectors[b.id]) >= REDUNDANT_COSINE:
        return True
    return _word_overlap(a.text, b.text) >= REDUNDANT_WORDS


def is_same_topic(a: Claim, b: Claim, vectors: dict[str, np.ndarray], rare: set[str]) -> bool:
    """Whether two claims are on one narrow topic (close vectors and a shared rare name), so
    that a summary with both would read as a near repeat."""
    if a.id not in vectors or b.id not in vectors:
        return False
    close = float(vectors[a.id] @ vectors[b.id]) >= SAME_TOPIC_COSINE
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


def write_summary(
    report: Report,
    count: int,
    judged: frozenset[str],
    vectors: dict[str, np.ndarray] | None = None,
) -> list[SummarySentence]:
    """Up to ``count`` summary sentences from the report's claims, in story order; when the inputs
    form several stories, from the claims of the largest (``main_story_claims``).

    ``judged`` are the words that make a wording less plain (``Resources.judgement_words``).
    """
    vectors = vectors or {}
    claims = main_story_claims(report)
    weight = {c.id: weigh_claim(report, c) for c in claims}
    ranked = sorted(claims, key=lambda c: (-weight[c.id], is_quotation(c.text), rank_wording(c, judged)))
    # A quotation reads as a summary sentence only when nothing plainer is left ("..., she said").
    multi = [c for c in ranked if len(c.outlets) > 1]
    plain = [c for c in multi if not is_quotation(c.text)]
    ranked = plain + [c for c in ranked if c not in plain] if len(plain) >= count else ranked
    rare = find_rare_names(claims)
    chosen: list[tuple[Claim, list[Claim]]] = []  # (claim shown, claims it cites)
    for claim in ranked:
        if len(chosen) >= count:
            break
        twin = next((entry for entry in chosen if is_redundant(entry[0], claim, vectors)), None)
        if twin is not None:
            twin[1].append(claim)  # the same fact: its sources support the sentence shown
            continue
        if any(is_same_topic(entry[0], claim, vectors, rare) for entry in chosen):
            continue  # a different fact on a topic already covered: left out, not cited

        chosen.append((claim, [claim]))
    chosen.sort(key=lambda entry: locate_in_story(report, entry[0]))
    order = {a.id: n for n, a in enumerate(report.articles)}
    summary: list[SummarySentence] = []
    for shown, cited in chosen:
        article_ids = sorted({a for c in cited for a in c.articles}, key=order.__getitem__)
        summary.append(SummarySentence(text=shown.text, claims=[c.id for c in cited], articles=article_ids))
    return summary


@stage(
    requires=(
        "article.sentences",
        "report.claims",
        "claim.score",
        "claim.independent_sources",
        "ctx.claim_vectors",
        "report.story_groups",
    ),
    provides=("report.summary",),
)
def summarise(ctx: Context) -> None:
    """A neutral summary of ``Options.summary_sentences`` sentences from the best-supported claims
    (of the largest story when the inputs tell several)."""
    ctx.report.summary = write_summary(
        ctx.report, ctx.options.summary_sentences, ctx.resources.judgement_words, ctx.claim_vectors
    )
