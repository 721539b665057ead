"""Epithets: definite noun phrases that stand for a named group ("Hamas ... the militant group").

After a mention of a group (an ORG or NORP entity), a definite noun phrase whose head is a
type noun ("the militant group", "the resistance movement", "the terrorist organization")
in the same sentence, after the name, or in the next sentence usually names that group
again. To keep precision high the phrase counts only when

* it opens with "the" and its head noun is one of TYPE_NOUNS (not a compound's modifier);
* no other group is named between the mention and the phrase, nor in the phrase itself;
* it is not inside a name (an entity's span).
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.analysis.claims.alignment import Term, Word, phrase_of
from parallax.model import Article, MergedEntity, Sentence

TYPE_NOUNS = frozenset(
    {
        *("group", "groups", "movement", "organization", "organisation", "faction", "militia"),
        *("militants", "fighters", "terrorists", "insurgents", "rebels", "guerrillas"),
    }
)
GROUP_LABELS = frozenset({"ORG", "NORP"})
# Framing treats an epithet as it treats an apposition: a name for the entity, not an alignment.
EPITHET_KIND = "entity-apposition"


def following_sentences(article: Article, sentence_id: str) -> list[Sentence]:
    """The sentence with this id and the one after it, in its article."""
    for n, sentence in enumerate(article.sentences):
        if sentence.id == sentence_id:
            return article.sentences[n : n + 2]
    return []


def epithet_sentences(entity: MergedEntity, articles: Sequence[Article]) -> list[str]:
    """Ids of the sentences where an epithet of a group entity may stand (each mention's and the next)."""
    if entity.label not in GROUP_LABELS:
        return []
    by_article = {a.id: a for a in articles}
    found = []
    for mention in entity.mentions:
        article = by_article.get(mention.article)
        if article is not None:
            found += [s.id for s in following_sentences(article, mention.sentence)]
    return found


def find_epithet(
    words: list[Word], after: int, names: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]] = ()
) -> tuple[int, int] | None:
    """(start, end) into the article of the first definite type-noun phrase starting at or after
    offset ``after``, when no other group name (``names``: offsets) comes before it; else None.
    A phrase holding a word of any name (``spans``) does not count ("the Biden administration")."""
    taken = {i for i, w in enumerate(words) if any(a <= w.start and w.end <= b for a, b in [*names, *spans])}
    allowed = set(range(len(words))) - taken
    for i, word in enumerate(words):
        if word.start < after:
            continue
        if any(after <= a < word.start for a, _ in names):
            return None  # another group is named first: the phrase may be about it
        if word.key not in TYPE_NOUNS or word.dep == "compound" or i in taken:
            continue
        phrase = phrase_of(words, i, allowed)
        if words[phrase[0]].key != "the" or phrase[-1] != i or len(phrase) < 2:
            continue
        if phrase != list(range(phrase[0], i + 1)):
            continue  # a gap: part of the phrase is a name
            continue
        return words[phrase[0]].start, words[i].end
    return None


def find_epithets(
    entity: MergedEntity, articles: Sequence[Article], words_by_sentence: dict[str, list[Word]]
) -> list[tuple[Term, Term]]:
    """(epithet, name) pairs for a group entity, from the parsed sentences in ``words_by_sentence``
    (the mention's sentence and the next one must be there to be looked at)."""
    if entity.label not in GROUP_LABELS:
        return []
    by_article = {a.id: a for a in articles}
    pairs: list[tuple[Term, Term]] = []
    seen: set[tuple[str, int]] = set()
    for mention in entity.mentions:
        article = by_article.get(mention.article)
        if article is None:
            continue
        after = mention.end
        for sentence in following_sentences(article, mention.sentence):
            words = words_by_sentence.get(sentence.id)
            if not words:
                break
            others = [
                (e.start, e.end)
                for e in sentence.entities
                if e.label in GROUP_LABELS and not (e.start <= mention.start < e.end)
                if e.text.lower() != mention.text.lower()
            ]
            spans = [(e.start, e.end) for e in sentence.entities]
            found = find_epithet(words, after, others, spans)
            if found is None:
                if others:
                    break  # another group named: the next sentence may be about it
                after = sentence.end
                continue
            start, end = found
            if (sentence.id, start) not in seen:
                seen.add((sentence.id, start))
                text = article.original[start:end]
                name = article.original[mention.start : mention.end]
                epithet = Term(text, article.id, sentence.id, start, end, EPITHET_KIND)
                anchor = Term(name, article.id, mention.sentence, mention.start, mention.end, EPITHET_KIND)
                pairs.append((epithet, anchor))
            break
    return pairs
