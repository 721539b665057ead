"""Whether the outlets that state a claim agree on it, or contest it.

A claim stated by two outlets or more is "contested" when its mentions differ in one of four
ways, and "agreed" otherwise:

1. figures   the same measure with figures that differ (``details/numbers.py``'s comparison
             of aligned quantities; a later, higher figure is an update, not a contest)
2. negation  one mention's main verb is negated ("did not release") and another's is not
3. actors    who did what to whom is swapped: one mention's subject is another's object
             under the same verb (from the dependency parse; passives read as actives)
4. speaker   one quote (the same words) attributed to different speakers (``details/quotes.py``)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz

from parallax.analysis.details.numbers import judge, measure_key, measure_label
from parallax.model import Article, Claim, Contest, Quantity, Quote, Report
from parallax.nlp.article_cache import derive_per_sentence
from parallax.stage import Context, stage
from parallax.text.words import stem, tokenize_words

# Two quotes whose words match at least this well (rapidfuzz ratio, 0-100) are one quote.
SAME_QUOTE = 85


def find_figure_contests(claim: Claim, report: Report, quantities: list[Quantity]) -> list[Contest]:
    """Measures the claim's mentions give different figures for."""
    sentences = {m.sentence for m in claim.mentions}
    by_measure: dict[tuple[str, str], list[Quantity]] = defaultdict(list)
    for q in quantities:
        if q.sentence in sentences:
            by_measure[measure_key(q)].append(q)
    labels = {a.id: a.label for a in report.articles}
    inferred = {a.id for a in report.articles if a.published_inferred}
    contests = []
    for key, group in by_measure.items():
        if len({q.article for q in group}) < 2:
            continue
        verdict, note = judge(group, labels, inferred)
        if verdict == "differ":
            articles = list(dict.fromkeys(q.article for q in group))
            contests.append(Contest("figures", f"{measure_label(key)}: {note}", articles))
    return contests


Clause = tuple[str, str, str, bool]  # (verb, doer, done-to, negated), as read_clause gives it


def read_clause(parse: Any) -> Clause:
    """(verb, doer, done-to, negated) of a parsed sentence's main verb, as stems ("" when
    absent); a passive's subject is what was done to, its "by" phrase the doer."""
    root = next((t for t in parse if t.dep_ == "ROOT"), None)
    if root is None:
        return "", "", "", False
    doer = done_to = ""
    negated = False
    for child in root.children:
        if child.dep_ == "neg":
            negated = True
        elif child.dep_ == "nsubj":
            doer = stem(child.text.lower())
        elif child.dep_ in ("dobj", "nsubjpass"):
            done_to = stem(child.text.lower())
        elif child.dep_ == "agent":
            by = next((g for g in child.children if g.dep_ == "pobj"), None)
            doer = stem(by.text.lower()) if by is not None else doer
    return stem(root.text.lower()), doer, done_to, negated


def find_clause_contests(claim: Claim, clauses: dict[str, Clause]) -> list[Contest]:
    """Negation and swapped actors between the claim's mentions (one contest of each at most);
    ``clauses``: ``read_clause`` of each mention sentence, by sentence id."""
    read = {m.article: (m, clauses[m.sentence]) for m in claim.mentions if m.sentence in clauses}
    found: dict[str, Contest] = {}
    items = list(read.values())
    for n, (first, (verb_a, doer_a, done_a, neg_a)) in enumerate(items):
        for second, (verb_b, doer_b, done_b, neg_b) in items[n + 1 :]:
            pair = [first.article, second.article]
            if neg_a != neg_b and "negation" not in found:
                denies, states = (first, second) if neg_a else (second, first)
                found["negation"] = Contest(
                    "negation", f'"{denies.text.strip()}" denies "{states.text.strip()}"', pair
                )
            swapped = doer_a and done_a and doer_a == done_b and done_a == doer_b and doer_a != done_a
            if swapped and verb_a == verb_b and "actors" not in found:
                found["actors"] = Contest(
                    "actors", f'"{first.text.strip()}" and "{second.text.strip()}" swap who did what', pair
                )
    return list(found.values())


def name_words(speaker: str) -> set[str]:
    return {stem(w) for w in tokenize_words(speaker.lower()) if len(w) > 2}


def find_speaker_contests(claim: Claim, quotes: list[Quote]) -> list[Contest]:
    """One quote printed in the claim's mentions with speakers who share no name."""
    sentences = {m.sentence for m in claim.mentions}
    said = [q for q in quotes if q.sentence in sentences and q.speaker]
    for n, a in enumerate(said):
        for b in said[n + 1 :]:
            if a.article == b.article or fuzz.ratio(a.text.lower(), b.text.lower()) < SAME_QUOTE:
                continue
            if not name_words(a.speaker or "") & name_words(b.speaker or ""):
                detail = f'"{a.text.strip()}" is attributed to {a.speaker} and to {b.speaker}'
                return [Contest("speaker", detail, [a.article, b.article])]
    return []


def read_mentions(ctx: Context, claims: list[Claim], articles: list[Article]) -> dict[str, Clause]:
    """``read_clause`` of each mention sentence of the given claims, by sentence id (through the
    analysis cache: a sentence read before is not parsed again)."""
    by_id = {s.id: s for a in articles for s in a.sentences}
    wanted = list(dict.fromkeys(m.sentence for c in claims for m in c.mentions if m.sentence in by_id))
    sentences = [by_id[sid] for sid in wanted]
    clauses = derive_per_sentence(
        ctx.resources.parser,
        ctx.resources.cache,
        "clause",
        sentences,
        lambda _s, doc: read_clause(doc),
        Clause,
    )
    return dict(zip(wanted, clauses, strict=True))


@stage(
    requires=(
        "report.claims",
        "report.quantities",
        "report.quotes",
        "article.sentences",
        "article.outlet",
        "article.published_inferred",
    ),
    provides=("claim.agreement", "claim.contests"),
)
def judge_agreement(ctx: Context) -> None:
    """Per claim stated by two outlets or more: agreed, or contested with the reasons."""
    report = ctx.report
    shared = [c for c in report.claims if len(set(c.outlets)) >= 2]
    shared_ids = {c.id for c in shared}
    clauses = read_mentions(ctx, shared, report.articles) if shared else {}
    for claim in report.claims:
        if claim.id not in shared_ids:
            claim.agreement, claim.contests = None, []
            continue
        claim.contests = [
            *find_figure_contests(claim, report, report.quantities),
            *find_clause_contests(claim, clauses),
            *find_speaker_contests(claim, report.quotes),
        ]
        claim.agreement = "contested" if claim.contests else "agreed"
