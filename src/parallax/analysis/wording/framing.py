"""How each outlet names the same referent: word choice and framing.

Two sources say that two terms name the same thing:

1. Aligned claims. The mentions of one claim state the same fact; where their wording
   differs in a short stretch between shared words ("pushing Israel to postpone" /
   "pushing the Zionist regime to postpone"), the two stretches name the same referent.
   Longer differing stretches are split by dependency role (subject with subject, object
   with object, verb with verb).
2. Matched entities. The variants of one merged entity, the appositions spaCy
   attaches to its mentions ("The Palestinian Resistance group, Hamas"), and the epithets
   that stand for a named group after it ("Hamas ... the militant group": ``epithets``).

Terms linked this way form one referent. A referent is reported when outlets differ:
for each outlet, its terms with their counts in the article and one example sentence.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from parallax.analysis.claims.alignment import (
    QUOTE_CHARS,
    Term,
    Word,
    align_mentions,
    is_content,
    phrase_of,
    trim,
    words_of,
)
from parallax.analysis.wording.counted import counted_pairs
from parallax.analysis.wording.entities import FAMILIES, fold, name_key, strip_marks
from parallax.analysis.wording.epithets import epithet_sentences, find_epithets
from parallax.model import (
    Article,
    Claim,
    Framing,
    FramingKind,
    FramingOutlet,
    FramingTerm,
    MergedEntity,
    NumberComparison,
    Quantity,
    Sentence,
)
from parallax.nlp.article_cache import derive_per_sentence
from parallax.stage import Context, stage
from parallax.text.disjoint import DisjointSet

MAX_TERMS = 8  # a referent with more terms than this is a chain of poor alignments: dropped
KIND_OF_FAMILY = {"person": "person", "group": "group", "place": "place", "event": "event"}
Parser = Callable[[list[str]], list[Any]]  # texts -> spaCy Docs
__all__ = ["compare_framing", "compare_word_choice", "count_term"]


def appositions(
    entity: MergedEntity, words_by_sentence: dict[str, list[Word]], originals: dict[str, str]
) -> list[Term]:
    """Descriptions set beside an entity's name ("The Palestinian Resistance group, Hamas")."""
    found: list[Term] = []
    for mention in entity.mentions:
        words = words_by_sentence.get(mention.sentence)
        if not words:
            continue
        inside = [i for i, w in enumerate(words) if mention.start <= w.start and w.end <= mention.end]
        if not inside:
            continue
        root = next((i for i in inside if words[i].head not in inside), inside[-1])
        others: list[int] = []
        if words[root].dep == "appos" and words[root].head >= 0:
            others.append(words[root].head)
        others.extend(c for c in words[root].children if words[c].dep == "appos")
        allowed = set(range(len(words))) - set(inside)
        for other in others:
            if other in inside:
                continue
            phrase = trim([words[i] for i in phrase_of(words, other, allowed)])
            if (
                phrase
                and is_content(phrase)
                and name_key(" ".join(w.text for w in phrase)) != name_key(entity.name)
            ):
                start, end = phrase[0].start, phrase[-1].end
                original = originals[mention.article]
                found.append(
                    Term(original[start:end], mention.article, mention.sentence, start, end, "group")
                )
    return found


@lru_cache(maxsize=1 << 16)
def term_key(text: str) -> str:
    key = name_key(strip_marks(text))
    return re.sub(r"^(?:the|a|an) ", "", key)


@lru_cache(maxsize=1 << 16)
def _folded(text: str) -> str:
    """A sentence as terms are searched in it (every referent searches every sentence)."""
    return fold(text).replace("’", "'")


@lru_cache(maxsize=1 << 12)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    words = [re.escape(w) for w in term_key(term).split()]
    if not words:
        return None
    return re.compile(r"(?<![\w])" + r"[\s\-]+".join(words) + r"(?![\w])", re.I)


@dataclass
class FoldedArticle:
    """An article's sentences folded as terms are searched in them, joined by a character no
    term pattern matches or counts as part of a word, so one search covers every sentence."""

    text: str
    starts: list[int]  # where each sentence's folded text starts in ``text``
    folded: list[str]

    @classmethod
    def of(cls, article: Article) -> FoldedArticle:
        folded = [_folded(s.text) for s in article.sentences]
        starts, at = [], 0
        for text in folded:
            starts.append(at)
            at += len(text) + 1
        return cls("\x00".join(folded), starts, folded)


def _matches_from(pattern: re.Pattern[str], text: str, first: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that can only match where ``first`` starts."""
    at = text.find(first)
    while at != -1:
        m = pattern.match(text, at)
        if m is not None:
            yield m
            at = text.find(first, max(m.end(), at + 1))
        else:
            at = text.find(first, at + 1)


def count_term(
    article: Article, term: str, folded: FoldedArticle | None = None
) -> tuple[int, int, Sentence | None, tuple[int, int]]:
    """Plain and quote-marked occurrences of a term in an article, with its first sentence.
    ``folded`` is ``FoldedArticle.of(article)`` when the caller counts many terms."""
    pattern = _term_pattern(term)
    if pattern is None or not article.sentences:
        return 0, 0, None, (0, 0)
    folded = FoldedArticle.of(article) if folded is None else folded
    words = term_key(term).split()
    # Folded text is lower case, and the dotless i is the only character left in it that the
    # pattern's IGNORECASE matches to an ASCII letter other than itself: without it, an ASCII
    # word the pattern matches appears in the text as written, so the pattern need only be
    # tried where its first word does (the matches ``finditer`` would find, found faster).
    literal = "ı" not in folded.text
    if literal and any(w.isascii() and w.lower() not in folded.text for w in words):
        return 0, 0, None, (0, 0)
    plain = quoted = 0
    first: Sentence | None = None
    where = (0, 0)
    literal = literal and words[0].isascii()
    found = (
        _matches_from(pattern, folded.text, words[0].lower()) if literal else pattern.finditer(folded.text)
    )
    for m in found:
        k = bisect_right(folded.starts, m.start()) - 1
        norm, start, end = folded.folded[k], m.start() - folded.starts[k], m.end() - folded.starts[k]
        before = norm[start - 1] if start else ""
        after = norm[end] if end < len(norm) else ""
        if before and before in QUOTE_CHARS and after in QUOTE_CHARS + "'":
            quoted += 1
        else:
            plain += 1
        if first is None:
            sentence = article.sentences[k]
            first, where = sentence, (sentence.start + start, sentence.start + end)
    return plain, quoted, first, where


def link_terms(pairs: Sequence[tuple[Term, Term]]) -> list[list[Term]]:
    """Terms joined into referents (connected through aligned pairs)."""
    referents: DisjointSet[str] = DisjointSet()
    members: dict[str, list[Term]] = defaultdict(list)
    for left, right in pairs:
        ka, kb = term_key(left.text), term_key(right.text)
        if not ka or not kb or ka == kb:
            continue
        referents.add(ka)
        referents.add(kb)
        referents.merge(ka, kb)
        members[ka].append(left)
        members[kb].append(right)
    groups: dict[str, list[Term]] = defaultdict(list)
    for key, terms in members.items():
        groups[referents[key]].extend(terms)
    return list(groups.values())


def build_framing(
    terms: list[Term],
    articles: Sequence[Article],
    entities: Sequence[MergedEntity],
    claims_of: dict[str, list[str]],
    folded: dict[str, FoldedArticle] | None = None,
) -> Framing | None:
    """One referent's row: each outlet's terms with counts and an example; None when outlets agree.
    ``folded`` holds ``FoldedArticle.of`` each article, by id, when the caller has them."""
    seen_in: dict[str, Term] = {}  # term key -> first term seen (as written in its sentence)
    first_in: dict[tuple[str, str], Term] = {}  # (term key, article) -> the first such term there
    for term in terms:
        seen_in.setdefault(term_key(term.text), term)
        first_in.setdefault((term_key(term.text), term.article), term)
    if len(seen_in) < 2 or len(seen_in) > MAX_TERMS:
        return None
    by_article: list[FramingOutlet] = []
    use: dict[str, set[str]] = defaultdict(set)  # term key -> articles using it
    mentions: Counter[str] = Counter()
    plain_count: Counter[tuple[str, str]] = Counter()
    for article in articles:
        row: list[FramingTerm] = []
        for key, sample in seen_in.items():
            plain, quoted, first, (start, end) = count_term(
                article, sample.text, folded.get(article.id) if folded else None
            )
            example = first_in.get((key, article.id))
            sentence = first
            if example is not None:
                sentence = next((s for s in article.sentences if s.id == example.sentence), first)
                start, end = example.start, example.end
            if sentence is None or plain + quoted == 0:
                if example is None:
                    continue
                plain = 1  # aligned in a sentence the plain count missed (e.g. hyphenated)
            written = article.original[start:end] if end > start else sample.text
            if quoted and not plain:
                written = f"‘{strip_marks(written)}’"
            row.append(
                FramingTerm(
                    written,
                    plain + quoted,
                    sentence.id if sentence else "",
                    sentence.text if sentence else "",
                    start,
                    end,
                )
            )
            use[key].add(article.id)
            mentions[key] += plain + quoted
            plain_count[(article.id, key)] = 0 if quoted and not plain else plain + quoted
        if row:
            row.sort(key=lambda t: (-t.count, t.term))
            by_article.append(FramingOutlet(article.id, article.label, row))
    distinct = {frozenset(use[k]) for k in use}
    if len(by_article) < 2 or len(use) < 2 or len(distinct) < 2:
        return None
    referent_key = max(use, key=lambda k: (len(use[k]), mentions[k], -len(k), k))
    referent = strip_marks(seen_in[referent_key].text)
    entity = match_entity(set(use), entities)
    kinds = {t.kind for t in terms}
    plain_kind = "action" if "action" in kinds else "group" if "group" in kinds else "event"
    kind = KIND_OF_FAMILY.get(FAMILIES.get(entity.label, ""), "thing") if entity else plain_kind
    if entity is not None:
        referent = entity.name
    apposed = any(t.kind in ("entity-apposition", "numbers") for t in terms)
    if not apposed and not is_distinctive(use, plain_count, referent_key, kind):
        return None
    claim_ids = sorted({c for t in terms for c in claims_of.get(t.sentence, [])}, key=lambda c: (len(c), c))
    basis = "+".join(
        sorted(
            {
                "numbers"
                if t.kind == "numbers"
                else "claims"
                if t.kind != "entity-apposition" and claims_of.get(t.sentence)
                else "entity"
                for t in terms
            }
        )
    )
    return Framing(
        "", referent, cast(FramingKind, kind), basis, by_article, claim_ids, entity.id if entity else None
    )


def is_distinctive(
    use: dict[str, set[str]], plain_count: Counter[tuple[str, str]], referent: str, kind: str
) -> bool:
    """Some outlet prefers a term of its own to the referent's usual name.

    For actions the term must also be rarer than the usual one, and the outlets must
    split: one writes this verb and not the usual one, another the usual one and not
    this verb (where every outlet writes both, as with "delay" and "postpone", no
    outlet differs).
    """
    for key, articles in use.items():
        if key == referent:
            continue
        if kind == "action":
            rarer = len(articles) < len(use[referent])
            split = bool(articles - use[referent]) and bool(use[referent] - articles)
            if not (rarer and split):
                continue
        for article in articles:
            if plain_count[(article, key)] > plain_count[(article, referent)]:
                return True
    return False


def match_entity(keys: set[str], entities: Sequence[MergedEntity]) -> MergedEntity | None:
    """The merged entity one of the terms names, if any."""
    for entity in entities:
        names = {term_key(v.name) for v in entity.variants} | {term_key(entity.name)}
        if names & keys:
            return entity
    return None


def compare_framing(
    articles: Sequence[Article],
    claims: Sequence[Claim],
    entities: Sequence[MergedEntity],
    parse: Parser,
    quantities: Sequence[Quantity] = (),
    comparisons: Sequence[NumberComparison] = (),
    read_words: Callable[[list[Sentence]], list[list[Word]]] | None = None,
) -> list[Framing]:
    """Referents named differently by different outlets, most widely reported first.

    ``read_words``, when given, stands for ``words_of`` each sentence's parse (the stage reads
    them through the analysis cache)."""
    by_id = {s.id: s for a in articles for s in a.sentences}
    originals = {a.id: a.original for a in articles}
    wanted = [sid for c in claims if len(set(c.articles)) > 1 for sid in (m.sentence for m in c.mentions)]
    wanted += [m.sentence for e in entities if len(e.outlets) > 1 for m in e.mentions]
    wanted += [sid for e in entities if len(e.outlets) > 1 for sid in epithet_sentences(e, articles)]
    compared = {q for c in comparisons for q in c.quantities}
    wanted += [q.sentence for q in quantities if q.id in compared]
    unique = [sid for sid in dict.fromkeys(wanted) if sid in by_id]
    if read_words is not None:
        words = dict(zip(unique, read_words([by_id[sid] for sid in unique]), strict=True))
    else:
        docs = parse([by_id[sid].text for sid in unique]) if unique else []
        words = {sid: words_of(by_id[sid], doc) for sid, doc in zip(unique, docs, strict=True)}
    claims_of: dict[str, list[str]] = defaultdict(list)
    pairs: list[tuple[Term, Term]] = []
    for claim in claims:
        mentions = [m for m in claim.mentions if m.sentence in words]
        for m in mentions:
            claims_of[m.sentence].append(claim.id)
        for i, ma in enumerate(mentions):
            for mb in mentions[i + 1 :]:
                if ma.article == mb.article:
                    continue
                sa, sb = by_id[ma.sentence], by_id[mb.sentence]
                pairs.extend(
                    align_mentions(
                        words[sa.id], words[sb.id], sa, sb, originals[sa.article], originals[sb.article]
                    )
                )
    for entity in entities:
        if len(entity.outlets) < 2:
            continue
        for term in appositions(entity, words, originals):
            anchor = next(m for m in entity.mentions if m.sentence == term.sentence)
            name = Term(
                originals[anchor.article][anchor.start : anchor.end],
                anchor.article,
                anchor.sentence,
                anchor.start,
                anchor.end,
                "entity-apposition",
            )
            term.kind = "entity-apposition"
            pairs.append((term, name))
        pairs.extend(find_epithets(entity, articles, words))
    pairs.extend(counted_pairs(articles, quantities, comparisons, words))
    folded = {a.id: FoldedArticle.of(a) for a in articles}
    framings = [
        f for group in link_terms(pairs) if (f := build_framing(group, articles, entities, claims_of, folded))
    ]
    framings.sort(key=lambda f: (-len(f.outlets), f.referent))
    merged: dict[str, Framing] = {}
    for framing in framings:  # two groups that resolve to one entity are one referent
        key = framing.entity or f"t:{fold(framing.referent)}"
        if key not in merged:
            merged[key] = framing
    result = list(merged.values())
    for i, framing in enumerate(result, start=1):
        framing.id = f"f{i}"
    return result


def encode_words(words: list[Word]) -> bytes:
    """A sentence's words as compact JSON rows (read back many times: faster than pydantic)."""
    rows = [[w.text, w.key, w.start, w.end, w.dep, w.head, w.children] for w in words]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_words(data: bytes) -> list[Word]:
    """The words ``encode_words`` wrote."""
    return [
        Word(text, key, start, end, dep, head, list(kids))
        for text, key, start, end, dep, head, kids in json.loads(data)
    ]


@stage(
    requires=(
        "article.sentences",
        "article.outlet",
        "sentence.entities",
        "report.claims",
        "report.entities",
        "report.quantities",
        "report.number_comparisons",
    ),
    provides=("report.framing",),
)
def compare_word_choice(ctx: Context) -> None:
    """How each outlet names the same people, groups, places, events and actions.

    Uses the aligned quantities of the numbers stage as a third source.
    """
    from parallax.analysis.reading.parsing import shared_parser

    report = ctx.report
    parser = shared_parser(ctx)

    def read_words(sentences: list[Sentence]) -> list[list[Word]]:
        codec = (encode_words, decode_words)
        return derive_per_sentence(
            parser, ctx.resources.cache, "words", sentences, words_of, list[Word], codec
        )

    report.framing = compare_framing(
        report.articles,
        report.claims,
        report.entities,
        parser.parse_many,
        report.quantities,
        report.number_comparisons,
        read_words,
    )
