"""Framing pairs from aligned numbers: what two outlets call the same counted measure.

The numbers stage aligns quantities that report the same measure across outlets
(``Report.number_comparisons``). Where the figures agree, or one updates the other, the
words around the two numbers name the same thing, so they are candidate framing pairs:

* the counted nouns ("more than 200 settlers" / "more than 200 people");
* a noun that names the measure itself against the verb of the other outlet's counted
  noun ("the death toll ... tops 5,000" / "4,100 Palestinians martyred").

Two event verbs are not paired here (figures that agree can still sit in sentences about
different actions: "two hostages released" / "two Americans detained"); verbs are paired
by the claim alignment, where the whole sentences state one fact.
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.analysis.claims.alignment import VERB_DEPS, Term, Word, is_raising_verb, root_of
from parallax.analysis.wording.entities import fold
from parallax.model import Article, NumberComparison, Quantity
from parallax.text.words import stop_words

COUNTED_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "ROOT"})
PAIRED_VERDICTS = frozenset({"agree", "update"})


def counted_noun(words: list[Word], quantity: Quantity) -> tuple[list[int], bool]:
    """The counted noun phrase (indices) and whether the number modifies it ("200 people")."""
    number = [i for i, w in enumerate(words) if w.start < quantity.end and quantity.start < w.end]
    if not number:
        return [], False
    head = words[number[-1]].head
    if words[number[-1]].dep == "nummod" and head >= 0 and head not in number:
        return [head], True  # the head noun alone: "American hostages" and "hostages" are one name
    keys = fold(quantity.counts).split()
    if not keys:
        return [], False
    for i in range(len(words) - len(keys) + 1):
        if [w.key for w in words[i : i + len(keys)]] == keys:
            return list(range(i, i + len(keys))), False
    return [], False


def is_plain_noun(text: str) -> bool:
    """A common noun: "Americans" or "Palestinians" say who, not what the outlet calls them."""
    return text[:1].islower() and text.isalpha()


def event_verb(words: list[Word], noun: int) -> int | None:
    """The verb saying what happened to the counted noun ("Palestinians martyred")."""
    word = words[noun]
    for child in word.children:
        if words[child].dep in ("acl", "relcl"):
            return descend(words, child)
    if word.dep in COUNTED_DEPS and word.head >= 0 and words[word.head].dep in VERB_DEPS:
        return descend(words, word.head)
    return None


def descend(words: list[Word], verb: int) -> int:
    """Past a verb that only frames another ("believed to have been kidnapped")."""
    if is_raising_verb(words, verb):
        return next((c for c in words[verb].children if words[c].dep == "xcomp"), verb)
    return verb


def term_of(words: list[Word], idx: list[int], article: Article, sentence: str, kind: str) -> Term:
    start, end = words[idx[0]].start, words[idx[-1]].end
    return Term(article.original[start:end], article.id, sentence, start, end, kind)


def counted_pairs(
    articles: Sequence[Article],
    quantities: Sequence[Quantity],
    comparisons: Sequence[NumberComparison],
    words: dict[str, list[Word]],
) -> list[tuple[Term, Term]]:
    """Pairs of terms naming one counted measure in two outlets whose figures agree or update."""
    by_id = {q.id: q for q in quantities}
    by_article = {a.id: a for a in articles}
    stops = stop_words()
    pairs: list[tuple[Term, Term]] = []
    for comparison in comparisons:
        if comparison.verdict not in PAIRED_VERDICTS:
            continue
        sides: list[tuple[str, Term | None, Term | None, bool]] = []  # article, noun, verb, counted
        for qid in comparison.quantities:
            quantity = by_id.get(qid)
            sentence_words = words.get(quantity.sentence) if quantity else None
            if quantity is None or not sentence_words or quantity.article not in by_article:
                continue
            article = by_article[quantity.article]
            noun_idx, counted = counted_noun(sentence_words, quantity)
            noun_idx = [i for i in noun_idx if sentence_words[i].key not in stops]
            if not noun_idx:
                continue
            noun = term_of(sentence_words, noun_idx, article, quantity.sentence, "numbers")
            verb_at = event_verb(sentence_words, noun_idx[-1]) if counted else None
            verb = (
                term_of(sentence_words, [verb_at], article, quantity.sentence, "numbers")
                if verb_at is not None and sentence_words[verb_at].key not in stops
                else None
            )
            sides.append((quantity.article, noun, verb, counted))
        for i, (art_a, noun_a, verb_a, counted_a) in enumerate(sides):
            for art_b, noun_b, verb_b, counted_b in sides[i + 1 :]:
                if art_a == art_b or noun_a is None or noun_b is None:
                    continue
                if counted_a and counted_b:
                    if (
                        is_plain_noun(noun_a.text)
                        and is_plain_noun(noun_b.text)
                        and root_of(fold(noun_a.text)) != root_of(fold(noun_b.text))
                    ):
                        pairs.append((noun_a, noun_b))
                elif counted_a and not counted_b and verb_a is not None:
                    pairs.append((verb_a, noun_b))
                elif counted_b and not counted_a and verb_b is not None:
                    pairs.append((noun_a, verb_b))
    return pairs
