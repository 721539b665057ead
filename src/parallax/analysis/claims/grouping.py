"""Group sentences from different articles that state the same fact into claims.

Two sentences state the same claim when their combined similarity reaches
``Options.claim_threshold``. The combination (``score_pair``) starts from the
embedding cosine and the lexical overlap of content words, then adjusts for
agreement of named entities, numbers and weekdays: paraphrases and machine
translations join, while sentences on the same topic, or about the same
people, that state different facts ("two Americans released on Friday" and
"two more hostages released on Monday") stay apart.

Clustering is greedy average linkage over the candidate pairs, best first,
with one constraint: a claim holds at most one sentence per article (a near
verbatim repeat inside one article is attached afterwards as an extra mention).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from parallax.analysis.claims.crosslingual import blend_cross_language, restate_in_main_language
from parallax.lexicons import load_hedges
from parallax.model import Article, Claim, Mention, Sentence
from parallax.stage import Context, stage
from parallax.text.dates import WEEKDAYS, find_date_expressions, parse_iso_date, resolve_date
from parallax.text.words import fact_stop_words, stem, tokenize_words

# Below this cosine two sentences are never compared further (nor joined).
COSINE_FLOOR = 0.45
# How much lexical overlap weighs against the embedding cosine, and the share of
# weighted word overlap (Dice) within the lexical part (the rest is rapidfuzz).
LEXICAL_SHARE = 0.4
LEXICAL_DICE = 0.6
# How much a mention's closeness to the other mentions counts when choosing the claim's text.
CENTRALITY_WEIGHT = 4.0
# Pairs scoring this little below the threshold are compared clause by clause too; a long
# sentence's main clause (CLAUSE_MIN_WORDS words or more) then stands in for it, its cosine
# discounted a little (a part matches more easily than a whole).
NEAR_MISS = 0.15
# A group joins another when one pair between them reaches the threshold and all pairs
# between them average at least this little below it.
LINKAGE_SLACK = 0.0
CLAUSE_MIN_WORDS = 16
CLAUSE_DISCOUNT = 0.03
# A same-article sentence this close to a mention repeats it (attached, not a new claim).
REPEAT_SIMILARITY = 0.93


# A statement of intent or expectation ("will be released", "intends to release") is not the
# accomplished fact ("released"): the word after one of these is "intended".
_INTENT = re.compile(
    r"\b(?:will|would|shall|'ll|could|may|might|(?:intends?|intended|plans?|planned|ready|going|expected|set|"
    r"agreed|promised|vowed|threatened|hopes?|wants?) to)\s+(?:not\s+)?(?:soon\s+)?(?:be\s+)?([a-z]+)"
)
# Where a sentence's main clause ends: a semicolon or dash, or a comma before an apposition,
# a relative or subordinate clause, an attribution or a participle.
_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s|\s+[\u2013\u2014-]\s+|,\s+(?=(?:a|an|who|which|whom|whose|while|whereas|where|when|"
    r"according|as|after|before|because|since|in order|so that|including|especially|but|amid|"
    r"despite|although|though|[a-z]+ing)\b)|\s+(?=(?:in order to|so that|to allow|to buy)\b)"
)
_DONE = re.compile(r"\b([a-z]{3,}ed)\b")
_NAMED = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT")
# Words that mark loaded, hedged or attributed wording; the plainest mention avoids them.
QUOTE_MARKS = '"“”„‘’`«»'


@dataclass
class Features:
    """What the pair score looks at, computed once per sentence."""

    words: frozenset[str]  # stems of content words
    names: frozenset[str]  # lower-cased tokens of named entities
    people: frozenset[str]  # lower-cased tokens of PERSON entities
    numbers: frozenset[float]
    weekdays: frozenset[str]  # named in the text ("on Monday")
    text: str  # lower-cased matching form
    days: frozenset[int] = field(default_factory=frozenset)  # dates named or resolved (ordinals)
    intended: frozenset[str] = field(default_factory=frozenset)  # stems stated as intent ("will free")
    done: frozenset[str] = field(default_factory=frozenset)  # stems stated as done ("freed")


def find_days(text: str, anchor: dt.date | None, *, weekdays: bool = True) -> frozenset[int]:
    """Day ordinals a sentence names: calendar dates ("October 20", "20 Oct") and, unless
    ``weekdays`` is false, weekdays, resolved against the anchor (news reports name the
    weekdays of the past week). Nothing without an anchor (the year is unknown)."""
    if anchor is None:
        return frozenset()
    days: set[int] = set()
    for expr in find_date_expressions(text):
        if expr.how == "explicit" or (weekdays and expr.how == "weekday"):
            span = resolve_date(expr, anchor)
            if span is not None:
                days.add(span[0].toordinal())
    return frozenset(days)


@lru_cache(maxsize=1 << 16)
def fact_words(lowered: str) -> frozenset[str]:
    """The stemmed content words of a lower-cased text (kept: the summary asks again for each
    wording, and a story re-analysed asks for the same sentences)."""
    stops = fact_stop_words()
    return frozenset(stem(w) for w in tokenize_words(lowered) if w not in stops)


def describe_sentence(sentence: Sentence, anchor: dt.date | None = None) -> Features:
    """The features ``score_pair`` compares; ``anchor``: the article's (known or assumed) date."""
    lowered = (sentence.norm or sentence.text).lower()
    stops = fact_stop_words()
    words = fact_words(lowered)
    names: set[str] = set()
    people: set[str] = set()
    for entity in sentence.entities:
        if entity.label not in _NAMED:
            continue
        tokens = {stem(t) for t in tokenize_words(entity.text) if t not in stops}
        names |= tokens
        if entity.label == "PERSON":
            people |= tokens
    weekdays = frozenset(d for d in WEEKDAYS if re.search(rf"\b{d}\b", lowered))
    intended = {stem(m.group(1)).rstrip("e") for m in _INTENT.finditer(lowered)}
    intent_spans = [m.span(1) for m in _INTENT.finditer(lowered)]
    done = {
        stem(m.group(1)).rstrip("e")
        for m in _DONE.finditer(lowered)
        if not any(a <= m.start() < b for a, b in intent_spans)
    }
    return Features(
        words=words,
        names=frozenset(names),
        people=frozenset(people),
        numbers=frozenset(sentence.numbers),
        weekdays=weekdays,
        text=lowered,
        days=find_days(lowered, anchor, weekdays=bool(weekdays)),
        intended=frozenset(intended),
        done=frozenset(done - intended),
    )


def weigh_words(features: Sequence[Features]) -> dict[str, float]:
    """Inverse sentence frequency of each content word within the story.

    Words every report repeats (the story's main actors and places) say little
    about whether two sentences state the same fact; rare shared words say much.
    """
    counts: Counter[str] = Counter(w for f in features for w in f.words)
    total = max(len(features), 2)
    return {w: max(math.log(total / n), 0.1) for w, n in counts.items()}


def lexical_overlap(a: Features, b: Features, weights: dict[str, float] | None = None) -> float:
    """0-1: shared content words (Dice, weighted by rarity in the story) blended with
    fuzzy token matching (rapidfuzz)."""
    if not a.words or not b.words:
        return 0.0
    weigh = (lambda w: weights.get(w, 1.0)) if weights else (lambda w: 1.0)
    shared = sum(weigh(w) for w in a.words & b.words)
    left, right = sum(weigh(w) for w in a.words), sum(weigh(w) for w in b.words)
    # Dice, blended with containment: one report often states the fact plus a clause more.
    dice = (shared / (left + right) + 0.5 * shared / min(left, right)) if left and right else 0.0
    fuzzy = fuzz.token_sort_ratio(a.text, b.text) / 100.0
    return LEXICAL_DICE * dice + (1 - LEXICAL_DICE) * fuzzy


def score_pair(
    cosine: float, a: Features, b: Features, mutual: bool = False, weights: dict[str, float] | None = None
) -> float:
    """Combined similarity (about 0-1) of two sentences; see the module docstring.

    ``mutual``: each sentence is the other's closest match in the other's article.
    ``weights``: word rarity in the story (``weigh_words``).
    """
    score = (1 - LEXICAL_SHARE) * cosine + LEXICAL_SHARE * lexical_overlap(a, b, weights)
    if mutual:
        score += 0.04
    if a.numbers and b.numbers:
        score += 0.04 if a.numbers & b.numbers else -0.15
    if a.weekdays and b.weekdays and not a.weekdays & b.weekdays:
        score -= 0.25  # "on Friday" against "on Monday": different events
    elif a.days and b.days and not a.days & b.days:
        score -= 0.25  # "on October 16" against "on Friday" (the 20th): different events
    if (a.intended & b.done) or (b.intended & a.done):
        score -= 0.15  # "will be released" against "released": an intent is not the deed
    if a.people and b.people and not a.people & b.people:
        score -= 0.1
    if a.names and b.names:
        score += 0.06 * len(a.names & b.names) / len(a.names | b.names)
    return score


def is_claim_sentence(sentence: Sentence, min_chars: int) -> bool:
    """Long enough, and with enough words, to state a fact."""
    text = sentence.text.strip()
    return len(text) >= min_chars and len(tokenize_words(text)) >= 4


class PairScores:
    """Pair scores over the eligible sentences, computed on demand and remembered."""

    def __init__(self, cosines: np.ndarray, features: Sequence[Features], articles: Sequence[str]) -> None:
        self.cosines = cosines
        self.clause_cosines: dict[tuple[int, int], float] = {}  # best clause match, where better
        self.vectors = np.zeros((len(articles), 1), dtype=np.float32)  # sentence vectors, when known
        self.features = features
        self.known: dict[tuple[int, int], float] = {}
        self.mutual = find_mutual_matches(cosines, articles)
        self.weights = weigh_words(features)

    def __call__(self, i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        if key not in self.known:
            cosine = float(self.cosines[i, j])
            if key in self.clause_cosines:
                cosine = max(cosine, self.clause_cosines[key])
            if cosine < COSINE_FLOOR:
                self.known[key] = cosine  # far apart: never joins
            else:
                self.known[key] = score_pair(
                    cosine, self.features[i], self.features[j], key in self.mutual, self.weights
                )
        return self.known[key]


def find_mutual_matches(cosines: np.ndarray, articles: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs (i < j) from different articles where each is the other's best match in its article."""
    names = list(dict.fromkeys(articles))
    column_of = {name: n for n, name in enumerate(names)}
    home = np.array([column_of[a] for a in articles])
    winners = np.empty((len(articles), len(names)), dtype=np.int64)  # best sentence per article
    for n in range(len(names)):
        columns = np.nonzero(home == n)[0]
        winners[:, n] = columns[np.argmax(cosines[:, columns], axis=1)]
    found: set[tuple[int, int]] = set()
    for i in range(len(articles)):
        for n in range(len(names)):
            j = int(winners[i, n])
            if n != home[i] and winners[j, home[i]] == i:
                found.add((min(i, j), max(i, j)))
    return found


def find_main_clause(text: str) -> str | None:
    """The sentence up to its first clause boundary after a few words ("two hostages were
    released, a mother and daughter identified as ..." -> "two hostages were released"), or
    None when the sentence is short or has no such boundary."""
    if len(text.split()) < CLAUSE_MIN_WORDS:
        return None
    for match in _CLAUSE_BREAK.finditer(text):
        head = text[: match.start()].strip()
        if len(head.split()) >= 6:
            return head
    return None


def rescore_by_clauses(
    pairs: PairScores, near: Sequence[tuple[int, int]], heads: dict[int, np.ndarray]
) -> list[tuple[int, int, float]]:
    """Scores of near-miss pairs (i, j) compared by their best-matching parts: whole sentence
    or main clause on either side (``heads``: main-clause vectors). Vectorised over the pairs."""
    if not heads:
        return []
    left = np.array([i for i, _ in near])
    right = np.array([j for _, j in near])
    dim = pairs.cosines.shape[0]
    base = np.zeros((dim, next(iter(heads.values())).shape[0]), dtype=np.float32)
    has = np.zeros(dim, dtype=bool)
    for k, vector in heads.items():
        base[k] = vector
        has[k] = True
    whole = pairs.vectors
    best = np.full(len(near), -1.0)
    for a, b, ok in (
        (base[left], whole[right], has[left]),
        (whole[left], base[right], has[right]),
        (base[left], base[right], has[left] & has[right]),
    ):
        sims = np.einsum("ij,ij->i", a, b)
        best = np.where(ok, np.maximum(best, sims), best)
    rescored = []
    for (i, j), cosine in zip(near, best.tolist(), strict=True):
        if cosine - CLAUSE_DISCOUNT > pairs.cosines[i, j]:
            pairs.clause_cosines[(i, j)] = cosine - CLAUSE_DISCOUNT
            pairs.known.pop((i, j), None)
            rescored.append((i, j, pairs(i, j)))
    return rescored


def cluster_sentences(
    articles: Sequence[str],
    cosines: np.ndarray,
    features: Sequence[Features],
    threshold: float,
    clause_vectors: Callable[[list[int]], dict[int, np.ndarray]] | None = None,
    vectors: np.ndarray | None = None,
    stories: Sequence[int] | None = None,
) -> tuple[list[list[int]], PairScores]:
    """Greedy average-linkage clusters with at most one sentence per article.

    ``articles[i]`` is the article of sentence i; ``stories[i]``, when given, its story
    group: sentences of different stories never share a cluster (a cannot-link).
    ``clause_vectors(positions)``, when given, returns main-clause vectors for those sentences
    that have a main clause; pairs that just miss the threshold are then compared by their
    best-matching clauses too. Returns the clusters (lists of sentence positions) and the
    pair scores used.
    """
    count = len(articles)
    pairs = PairScores(cosines, features, articles)
    pairs.vectors = vectors if vectors is not None else np.zeros((len(articles), 1), dtype=np.float32)
    candidates: list[tuple[float, int, int]] = []
    near: list[tuple[int, int]] = []
    rows, cols = np.nonzero(np.triu(cosines >= COSINE_FLOOR, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if stories is not None and stories[i] != stories[j]:
            continue
        if articles[i] != articles[j]:
            score = pairs(i, j)
            if score >= threshold:
                candidates.append((score, i, j))
            elif score >= threshold - NEAR_MISS:
                near.append((i, j))
    if near and clause_vectors is not None:
        heads = clause_vectors(sorted({k for pair in near for k in pair}))
        for i, j, score in rescore_by_clauses(pairs, near, heads):
            if score >= threshold:
                candidates.append((score, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    owner = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    for _score, i, j in candidates:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        if {articles[k] for k in members[a]} & {articles[k] for k in members[b]}:
            continue
        links = [pairs(x, y) for x in members[a] for y in members[b]]
        if sum(links) / len(links) < threshold - LINKAGE_SLACK:
            continue
        keep, gone = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
        for k in members[gone]:
            owner[k] = keep
        members[keep].extend(members.pop(gone))
    return [sorted(m) for m in members.values()], pairs


def measure_plainness(text: str, judged: frozenset[str]) -> float:
    """A penalty (lower is plainer): quote marks, ``judged`` words (``Resources.judgement_words``:
    loaded words and judgement-laden verbs) or hedges, odd length, damage."""
    stripped = text.strip()
    words = tokenize_words(stripped)
    penalty = 0.0
    penalty += 0.5 * sum(stripped.count(q) for q in QUOTE_MARKS)
    penalty += 1.5 * sum(1 for w in words if w in judged)
    lowered = f" {stripped.lower()} "
    penalty += 1.5 * sum(1 for h in load_hedges() if f" {h} " in lowered)
    length = len(stripped)
    if length < 40:
        penalty += (40 - length) / 15
    elif length > 140:
        penalty += (length - 140) / 60  # long mentions tend to carry details others do not state
    if stripped and not stripped[0].isupper():
        penalty += 1.0
    if stripped and stripped[-1] not in ".!?\"”’'`)":
        penalty += 1.5  # probably truncated
    if "[" in stripped or "(" in stripped[:3]:
        penalty += 1.0
    if has_unbalanced_quotes(stripped):
        penalty += 2.0  # garbled in copying or translation
    return penalty


def has_unbalanced_quotes(text: str) -> bool:
    """Whether quote marks fail to pair up (an opening mark with no closing one, or the reverse)."""
    if text.count("“") != text.count("”") or text.count('"') % 2 or text.count("`") % 2:
        return True
    return text.count("‘") > text.count("’")  # ’ also serves as an apostrophe


def choose_text(
    mentions: Sequence[Mention], judged: frozenset[str], centrality: Sequence[float] | None = None
) -> str:
    """The plainest mention's text (ties go to the earliest).

    ``centrality`` (mean similarity of each mention to the others) favours the
    wording closest to what all mentions share over one with extra details.
    """
    central = centrality or [0.0] * len(mentions)

    def cost(k: int) -> tuple[float, int]:
        return measure_plainness(mentions[k].text, judged) - CENTRALITY_WEIGHT * central[k], k

    best = min(range(len(mentions)), key=cost)
    return " ".join(mentions[best].text.split())


def build_claims(
    report_articles: Sequence[Article],
    sentences: Sequence[Sentence],
    clusters: Sequence[Sequence[int]],
    pairs: PairScores,
    judged: frozenset[str],
) -> list[Claim]:
    """Claims from clusters, ordered by support then first appearance, ids c1, c2, ..."""
    order = {a.id: n for n, a in enumerate(report_articles)}
    label = {a.id: a.label for a in report_articles}
    drafts: list[tuple[int, tuple[int, int], Claim]] = []
    for cluster in clusters:
        members = sorted(cluster, key=lambda k: (order[sentences[k].article], sentences[k].index))
        mentions = [
            Mention(
                sentences[k].article, sentences[k].id, sentences[k].text, sentences[k].start, sentences[k].end
            )
            for k in members
        ]
        article_ids = list(dict.fromkeys(m.article for m in mentions))
        outlets = list(dict.fromkeys(label[a] for a in article_ids))
        links = [pairs(x, y) for n, x in enumerate(members) for y in members[n + 1 :]]
        centrality = [
            float(np.mean([pairs(x, y) for y in members if y != x])) if len(members) > 1 else 0.0
            for x in members
        ]
        score = round(float(np.mean(links)), 4) if links else 1.0
        claim = Claim(
            id="",
            text=choose_text(mentions, judged, centrality),
            articles=article_ids,
            outlets=outlets,
            mentions=mentions,
            score=score,
        )
        first = sentences[members[0]]
        drafts.append((len(outlets), (order[first.article], first.index), claim))
    drafts.sort(key=lambda d: (-d[0], d[1]))
    claims = [d[2] for d in drafts]
    for n, claim in enumerate(claims, 1):
        claim.id = f"c{n}"
    return claims


def attach_repeats(
    clusters: list[list[int]], articles: Sequence[str], cosines: np.ndarray, features: Sequence[Features]
) -> list[list[int]]:
    """Fold a lone sentence that repeats another of its own article into that sentence's cluster."""
    where = {k: n for n, cluster in enumerate(clusters) for k in cluster}
    result = [list(c) for c in clusters]
    dropped: set[int] = set()
    own: dict[str, list[int]] = {}  # each article's sentences, in order: a repeat is looked for there only
    for k, article in enumerate(articles):
        own.setdefault(article, []).append(k)
    for n, cluster in enumerate(clusters):
        if len(cluster) != 1:
            continue
        k = cluster[0]
        for other in own[articles[k]]:
            if other == k or where[other] in dropped or where[other] == n:
                continue
            similar = cosines[k, other] >= REPEAT_SIMILARITY and (
                fuzz.token_sort_ratio(features[k].text, features[other].text) >= 90
            )
            if similar and (other < k or len(clusters[where[other]]) > 1):
                result[where[other]].append(k)
                dropped.add(n)
                break
    return [c for n, c in enumerate(result) if n not in dropped]


def drop_background_days(features: list[Features], articles: Sequence[str]) -> list[Features]:
    """Forget days that half the articles or more name (the story's background, "the October 7
    attack"): two sentences naming it and a different day may still state one fact."""
    named: dict[int, set[str]] = {}
    for feature, article in zip(features, articles, strict=True):
        for day in feature.days:
            named.setdefault(day, set()).add(article)
    total = len(set(articles))
    background = {day for day, where in named.items() if total > 2 and 2 * len(where) >= total}
    for feature in features:
        feature.days = feature.days - background
    return features


def assume_dates(articles: Sequence[Article]) -> dict[str, dt.date | None]:
    """Per article, the date its weekdays count back from: its publication date, else the
    story's latest known publication date (reports of one story appear within days), moved
    later when the article itself names a later calendar day of that year. None when no
    article of the story is dated (the timeline stage infers more, later)."""
    known = {a.id: parse_iso_date(a.published) for a in articles}
    dated = [d for d in known.values() if d is not None]
    if not dated:
        return dict.fromkeys(known)
    story = max(dated)
    anchors: dict[str, dt.date | None] = {}
    for article in articles:
        own = known[article.id]
        if own is not None:
            anchors[article.id] = own
            continue
        named = [d for s in article.sentences for d in find_days(s.text, story, weekdays=False)]
        later = max(named, default=0)
        anchors[article.id] = dt.date.fromordinal(later) if later > story.toordinal() else story
    return anchors


def describe_story(articles: Sequence[Article], sentences: Sequence[Sentence]) -> list[Features]:
    """``describe_sentence`` for each of a story's claim sentences, days counted from each
    article's assumed date and the story's background days dropped."""
    anchors = assume_dates(articles)
    described = [describe_sentence(s, anchors.get(s.article)) for s in sentences]
    return drop_background_days(described, [s.article for s in sentences])


@stage(
    requires=(
        "article.sentences",
        "article.outlet",
        "article.published",
        "sentence.norm",
        "sentence.entities",
        "sentence.numbers",
        "ctx.vectors",
        "report.story_groups",
    ),
    provides=("report.claims", "claim.score", "ctx.claim_vectors"),
)
def group_claims(ctx: Context) -> None:
    """Group sentences from different articles (of the same story) that state the same fact into claims."""
    report = ctx.report
    every = ctx.sentences()
    vectors = ctx.vectors if ctx.vectors is not None else np.zeros((0, 1), dtype=np.float32)
    keep = [n for n, s in enumerate(every) if is_claim_sentence(s, ctx.options.min_sentence_chars)]
    sentences = [every[n] for n in keep]
    if not sentences:
        report.claims = []
        ctx.claim_vectors = {}
        return
    matrix = vectors[keep]
    cosines = np.clip(matrix @ matrix.T, -1.0, 1.0)
    cosines = blend_cross_language(cosines, sentences, report.articles)  # no-op for one language
    articles = [s.article for s in sentences]
    features = describe_story(report.articles, sentences)
    heads = {n: head for n, s in enumerate(sentences) if (head := find_main_clause(s.norm or s.text))}

    def embed_heads(positions: list[int]) -> dict[int, np.ndarray]:
        wanted = [k for k in positions if k in heads]
        found = ctx.resources.embed([heads[k] for k in wanted])
        return dict(zip(wanted, found, strict=True))

    story_of = {a: n for n, group in enumerate(report.story_groups) for a in group}
    stories = [story_of.get(a, 0) for a in articles] if len(report.story_groups) > 1 else None
    clusters, pairs = cluster_sentences(
        articles, cosines, features, ctx.options.claim_threshold, embed_heads, matrix, stories
    )
    clusters = attach_repeats(clusters, articles, cosines, features)
    report.claims = build_claims(report.articles, sentences, clusters, pairs, ctx.resources.judgement_words)
    restate_in_main_language(
        report.claims, report.articles, lambda m: choose_text(m, ctx.resources.judgement_words)
    )
    # Claim vectors (mean of mention vectors) for later stages, e.g. the summary's redundancy check.
    row = {s.id: n for n, s in enumerate(sentences)}
    claim_vectors = {}
    for claim in report.claims:
        mean = matrix[[row[m.sentence] for m in claim.mentions]].mean(axis=0)
        claim_vectors[claim.id] = mean / (np.linalg.norm(mean) or 1.0)
    ctx.claim_vectors = claim_vectors
