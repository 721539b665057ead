"""Echoes: an article that states a claim in other words than the claim's grouping accepts.

Claim grouping is strict (a claim is one fact, stated closely enough to be the same
sentence's meaning). For the summary's question, "how many sources report this?", a
looser test serves: a sentence of another article echoes a claim when its vector is within
``ECHO_COSINE`` of the claim's, it shares a detail with one of the claim's mentions (a
number, a weekday or a date) and ``ECHO_WORDS`` content words besides, and it contradicts
none of the claim's details (different weekdays, or "will release" against "released").
Closeness of vectors alone is not enough: every sentence of a story is close to the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from parallax.analysis.claims.grouping import Features, describe_sentence
from parallax.model import Claim, Report, Sentence

ECHO_COSINE = 0.45
ECHO_WORDS = 2


@dataclass
class StoryVectors:
    """What the summary measures claims with: claim vectors and sentence vectors, by id."""

    claims: dict[str, np.ndarray] = field(default_factory=dict)
    sentences: dict[str, np.ndarray] = field(default_factory=dict)
    by_id: dict[str, Sentence] = field(default_factory=dict)  # every sentence of the report
    features: dict[str, Features] = field(default_factory=dict)

    def describe(self, sentence: Sentence) -> Features:
        """The sentence's features (``grouping.describe_sentence``), computed once."""
        found = self.features.get(sentence.id)
        if found is None:
            found = self.features[sentence.id] = describe_sentence(sentence)
        return found


def is_consistent(a: Features, b: Features) -> bool:
    """Whether two sentences' details agree: the same weekdays when both name one, and no
    act stated as done in one and as intended in the other."""
    if a.weekdays and b.weekdays and not a.weekdays & b.weekdays:
        return False
    return not (a.done & b.intended or a.intended & b.done)


def shares_detail(a: Features, b: Features) -> bool:
    """Whether two sentences name one number, weekday or date, and ECHO_WORDS other content words."""
    if not (a.numbers & b.numbers or a.weekdays & b.weekdays or a.days & b.days):
        return False
    details = {w for w in a.words | b.words if w in a.weekdays or any(ch.isdigit() for ch in w)}
    return len((a.words & b.words) - details) >= ECHO_WORDS


def echoes_claim(claim: Claim, sentence: Sentence, cosine: float, vectors: StoryVectors) -> bool:
    """Whether ``sentence`` (of an article that does not state the claim) states it in other words."""
    if cosine < ECHO_COSINE:
        return False
    other = vectors.describe(sentence)
    for mention in claim.mentions:
        if mention.sentence not in vectors.by_id:
            continue
        own = vectors.describe(vectors.by_id[mention.sentence])
        if shares_detail(own, other) and is_consistent(own, other):
            return True
    return False


def find_echoes(claim: Claim, report: Report, articles: list[str], vectors: StoryVectors) -> list[str]:
    """Articles (of ``articles``) that do not state the claim but echo it (see the module)."""
    vector = vectors.claims.get(claim.id)
    if vector is None:
        return []
    echoes = []
    for aid in articles:
        if aid in claim.articles:
            continue
        for sentence in report.article(aid).sentences:
            row = vectors.sentences.get(sentence.id)
            if row is not None and echoes_claim(claim, sentence, float(row @ vector), vectors):
                echoes.append(aid)
                break
    return echoes
