"""How each outlet names the same referent: word choice and framing.

Two sources say that two terms name the same thing:

1. Aligned claims. The mentions of one claim state the same fact; where their wording
   differs in a short stretch between shared words ("pushing Israel to postpone" /
   "pushing the Zionist regime to postpone"), the two stretches name the same referent.
   Longer differing stretches are split by dependency role (subject with subject, object
   with object, verb with verb).
2. Matched entities. The variants of one merged entity, and the appositions spaCy
   attaches to its mentions ("The Palestinian Resistance group, Hamas").

Terms linked this way form one referent. A referent is reported when outlets differ:
for each outlet, its terms with their counts in the article and one example sentence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from parallax.analysis.entities import FAMILIES, fold, name_key, strip_marks
from parallax.lexicons import load_attribution_verbs, stop_words
from parallax.model import Article, Claim, Framing, FramingOutlet, FramingTerm, MergedEntity, Sentence
from parallax.stage import Context, stage

MAX_TERM_WORDS = 4  # a differing stretch longer than this is split by role, not taken whole
MAX_BLOCK_WORDS = 10  # stretches longer than this are not aligned at all
MIN_SHARED = 0.35  # share of words two mentions must have in common to be aligned word by word
MAX_TERMS = 8  # a referent with more terms than this is a chain of poor alignments: dropped
VERB_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "parataxis", "csubj"})
PHRASE_DEPS = frozenset({"det", "compound", "amod", "nmod", "poss"})
KIND_OF_FAMILY = {"person": "person", "group": "group", "place": "place", "event": "event"}
QUOTE_CHARS = "‘’“”\"'`´"

Parser = Callable[[list[str]], list[Any]]  # texts -> spaCy Docs


@dataclass
class Word:
    text: str
    key: str  # folded, for alignment
    start: int  # into Article.original
    end: int
    dep: str
    head: int  # index of the head word in the sentence's word list (-1 when it is no word)
    children: list[int] = field(default_factory=list)


@dataclass
class Term:
    """A stretch of one sentence that names a referent."""

    text: str
    article: str
    sentence: str
    start: int
    end: int
    kind: str = ""


def words_of(sentence: Sentence, doc: Any) -> list[Word]:
    """The sentence's tokens without punctuation and quote marks, with dependency links."""
    index: dict[int, int] = {}
    words: list[Word] = []
    for token in doc:
        text = token.text.strip(QUOTE_CHARS)
        if not text or not any(c.isalnum() for c in text):
            continue
        offset = token.text.find(text)
        index[token.i] = len(words)
        start = sentence.start + token.idx + offset
        words.append(
            Word(text, fold(text).replace("’", "'"), start, start + len(text), token.dep_, token.head.i)
        )
    for word in words:
        word.head = index.get(word.head, -1)
    for i, word in enumerate(words):
        if word.head >= 0 and word.head != i:
            words[word.head].children.append(i)
    return words


def stem(word: str) -> str:
    """A crude English stem, so inflections do not count as different words."""
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|x|ch|sh|z)es$", word):
        return word[:-2]
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def is_content(words: Sequence[Word]) -> bool:
    stops = stop_words()
    return any(w.key not in stops and w.key.isalpha() for w in words) and not any(
        any(c.isdigit() for c in w.key) for w in words
    )


def trim(words: list[Word]) -> list[Word]:
    """A stretch without leading or trailing function words other than a determiner."""
    stops = stop_words()
    while words and words[-1].key in stops:
        words = words[:-1]
    while words and words[0].key in stops and words[0].dep != "det":
        words = words[1:]
    return words


def term_from(words: list[Word], article: str, sentence: Sentence, original: str) -> Term:
    start, end = words[0].start, words[-1].end
    return Term(original[start:end], article, sentence.id, start, end, kind_of(words))


def kind_of(words: Sequence[Word]) -> str:
    """Action for verbs, else group (plural noun) or event (singular noun); refined by entities later."""
    head = next((w for w in words if w.head < 0 or all(w.head != i for i in range(len(words)))), words[-1])
    if any(w.dep in VERB_DEPS for w in words) and not any(w.dep in ("nsubj", "dobj", "pobj") for w in words):
        return "action"
    return "group" if head.key.endswith("s") and not head.key.endswith("ss") else "event"


def phrase_of(words: list[Word], i: int, allowed: set[int]) -> list[int]:
    """A word with its modifiers (determiner, compounds, adjectives) inside ``allowed``."""
    chosen = {i}
    for child in words[i].children:
        if child in allowed and words[child].dep in PHRASE_DEPS:
            chosen.update(phrase_of(words, child, allowed))
    return sorted(chosen)


def pair_by_role(
    a: list[Word], a_idx: list[int], b: list[Word], b_idx: list[int]
) -> list[tuple[list[int], list[int]]]:
    """Pair the content words of two differing stretches that play the same dependency role."""
    stops = stop_words()
    roles_a: dict[str, list[int]] = defaultdict(list)
    roles_b: dict[str, list[int]] = defaultdict(list)
    for i in a_idx:
        if a[i].key not in stops and a[i].dep not in PHRASE_DEPS:
            roles_a[a[i].dep].append(i)
    for j in b_idx:
        if b[j].key not in stops and b[j].dep not in PHRASE_DEPS:
            roles_b[b[j].dep].append(j)
    pairs = []
    for role, items in roles_a.items():
        if (
            len(items) == 1
            and len(roles_b.get(role, [])) == 1
            and role not in ("conj", "appos", "advmod", "prep")
        ):
            pairs.append((phrase_of(a, items[0], set(a_idx)), phrase_of(b, roles_b[role][0], set(b_idx))))
    return pairs


NOMINAL_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "npadvmod", "oprd", "dative", "conj"}
)
MODIFIER_DEPS = frozenset(
    {
        "amod",
        "compound",
        "nmod",
        "poss",
        "det",
        "advmod",
        "nummod",
        "quantmod",
        "prep",
        "aux",
        "auxpass",
        "neg",
        "prt",
        "case",
        "cc",
        "mark",
        "punct",
        "predet",
    }
)


def roots_of(words: list[Word], idx: list[int]) -> list[int]:
    """Words of a stretch whose head lies outside it."""
    inside = set(idx)
    return [i for i in idx if words[i].head not in inside or words[i].head == i]


def role_class(word: Word) -> str:
    if word.dep in VERB_DEPS:
        return "verbal"
    if word.dep in NOMINAL_DEPS:
        return "nominal"
    return ""


def candidate_pairs(
    a: list[Word], a_idx: list[int], b: list[Word], b_idx: list[int]
) -> list[tuple[list[int], list[int]]]:
    """Pairs of phrases in two differing stretches that name the same thing."""
    stops = stop_words()
    roots_a = [i for i in roots_of(a, a_idx) if a[i].key not in stops]
    roots_b = [j for j in roots_of(b, b_idx) if b[j].key not in stops]
    if len(roots_a) == 1 and len(roots_b) == 1:
        return [(phrase_of(a, roots_a[0], set(a_idx)), phrase_of(b, roots_b[0], set(b_idx)))]
    return pair_by_role(a, a_idx, b, b_idx)


def context_of(words: list[Word], word: Word) -> set[str]:
    """Content words around a verb: its head, its dependents and theirs."""
    stops = stop_words()
    near = [words[word.head]] if word.head >= 0 else []
    for child in word.children:
        near.append(words[child])
        near.extend(words[g] for g in words[child].children)
    return {w.key for w in near if w.key not in stops and w is not word}


def acceptable(left: list[Word], right: list[Word], a: list[Word], b: list[Word]) -> bool:
    """Both phrases name something in the same grammatical role, and differ by more than spelling.

    Two verbs must also share a word around them (the same object, subject or head), or they
    are more likely two different actions than two names for one.
    """
    heads = []
    for phrase in (left, right):
        head = next((w for w in phrase if w.dep not in MODIFIER_DEPS), None)
        if head is None or not role_class(head):
            return False
        if role_class(head) == "verbal" and sum(1 for w in phrase if w.dep not in MODIFIER_DEPS) > 1:
            return False
        heads.append(head)
    if role_class(heads[0]) != role_class(heads[1]):
        return False
    subjects = {"nsubj", "nsubjpass"}
    if heads[0].dep != heads[1].dep and not {heads[0].dep, heads[1].dep} <= subjects:
        return False  # not in the same grammatical slot
    if role_class(heads[0]) == "verbal" and not context_of(a, heads[0]) & context_of(b, heads[1]):
        return False
    verbs = load_attribution_verbs()
    if heads[0].key in verbs and heads[1].key in verbs:
        return False  # reporting verbs are compared as markers, not as names
    return fuzz.ratio(" ".join(w.key for w in left), " ".join(w.key for w in right)) < 80


def align_mentions(
    a: list[Word], b: list[Word], sa: Sentence, sb: Sentence, original_a: str, original_b: str
) -> list[tuple[Term, Term]]:
    """Pairs of differing terms between two mentions of one claim."""
    keys_a, keys_b = [w.key for w in a], [w.key for w in b]
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    if not a or not b or shared / min(len(a), len(b)) < MIN_SHARED:
        return []
    pairs: list[tuple[Term, Term]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or max(i2 - i1, j2 - j1) > MAX_BLOCK_WORDS:
            continue
        for left_idx, right_idx in candidate_pairs(a, list(range(i1, i2)), b, list(range(j1, j2))):
            left, right = trim([a[i] for i in left_idx]), trim([b[j] for j in right_idx])
            if not left or not right or not is_content(left) or not is_content(right):
                continue
            if len(left) > MAX_TERM_WORDS or len(right) > MAX_TERM_WORDS or not acceptable(left, right, a, b):
                continue
            if [stem(w.key) for w in left if w.dep != "det"] == [
                stem(w.key) for w in right if w.dep != "det"
            ]:
                continue  # an inflection or a determiner, not another name
            pairs.append(
                (term_from(left, sa.article, sa, original_a), term_from(right, sb.article, sb, original_b))
            )
    return pairs


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


def count_term(article: Article, term: str) -> tuple[int, int, Sentence | None, tuple[int, int]]:
    """Plain and quote-marked occurrences of a term in an article, with its first sentence."""
    pattern = _term_pattern(term)
    if pattern is None:
        return 0, 0, None, (0, 0)
    plain = quoted = 0
    first: Sentence | None = None
    where = (0, 0)
    for sentence in article.sentences:
        norm = _folded(sentence.text)
        for m in pattern.finditer(norm):
            before = norm[m.start() - 1] if m.start() else ""
            after = norm[m.end()] if m.end() < len(norm) else ""
            if before and before in QUOTE_CHARS and after in QUOTE_CHARS + "'":
                quoted += 1
            else:
                plain += 1
            if first is None:
                first, where = sentence, (sentence.start + m.start(), sentence.start + m.end())
    return plain, quoted, first, where


def link_terms(pairs: Sequence[tuple[Term, Term]]) -> list[list[Term]]:
    """Terms joined into referents (connected through aligned pairs)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: dict[str, list[Term]] = defaultdict(list)
    for left, right in pairs:
        ka, kb = term_key(left.text), term_key(right.text)
        if not ka or not kb or ka == kb:
            continue
        parent[find(ka)] = find(kb)
        members[ka].append(left)
        members[kb].append(right)
    groups: dict[str, list[Term]] = defaultdict(list)
    for key, terms in members.items():
        groups[find(key)].extend(terms)
    return list(groups.values())


def build_framing(
    terms: list[Term],
    articles: Sequence[Article],
    entities: Sequence[MergedEntity],
    claims_of: dict[str, list[str]],
) -> Framing | None:
    """One referent's row: each outlet's terms with counts and an example; None when outlets agree."""
    seen_in: dict[str, Term] = {}  # term key -> first term seen (as written in its sentence)
    for term in terms:
        seen_in.setdefault(term_key(term.text), term)
    if len(seen_in) < 2 or len(seen_in) > MAX_TERMS:
        return None
    by_article: list[FramingOutlet] = []
    use: dict[str, set[str]] = defaultdict(set)  # term key -> articles using it
    mentions: Counter[str] = Counter()
    plain_count: Counter[tuple[str, str]] = Counter()
    for article in articles:
        row: list[FramingTerm] = []
        for key, sample in seen_in.items():
            plain, quoted, first, (start, end) = count_term(article, sample.text)
            example = next((t for t in terms if term_key(t.text) == key and t.article == article.id), None)
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
    apposed = any(t.kind == "entity-apposition" for t in terms)
    if not apposed and not is_distinctive(use, plain_count, referent_key, kind):
        return None
    claim_ids = sorted({c for t in terms for c in claims_of.get(t.sentence, [])}, key=lambda c: (len(c), c))
    basis = "+".join(
        sorted(
            {
                "claims" if t.kind != "entity-apposition" and claims_of.get(t.sentence) else "entity"
                for t in terms
            }
        )
    )
    return Framing("", referent, kind, basis, by_article, claim_ids, entity.id if entity else None)


def is_distinctive(
    use: dict[str, set[str]], plain_count: Counter[tuple[str, str]], referent: str, kind: str
) -> bool:
    """Some outlet prefers a term of its own to the referent's usual name.

    For actions the term must also be rarer than the usual one (a tie between two
    verbs is more often two different actions than two names for one).
    """
    for key, articles in use.items():
        if key == referent:
            continue
        rarer = len(articles) < len(use[referent])
        for article in articles:
            if plain_count[(article, key)] > plain_count[(article, referent)] and (rarer or kind != "action"):
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
) -> list[Framing]:
    """Referents named differently by different outlets, most widely reported first."""
    by_id = {s.id: s for a in articles for s in a.sentences}
    originals = {a.id: a.original for a in articles}
    wanted = [sid for c in claims if len(set(c.articles)) > 1 for sid in (m.sentence for m in c.mentions)]
    wanted += [m.sentence for e in entities if len(e.outlets) > 1 for m in e.mentions]
    unique = [sid for sid in dict.fromkeys(wanted) if sid in by_id]
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
    framings = [
        f for group in link_terms(pairs) if (f := build_framing(group, articles, entities, claims_of))
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


@stage(requires=("sentences", "claims", "merged_entities"), provides=("framing",))
def compare_word_choice(ctx: Context) -> None:
    """How each outlet names the same people, groups, places, events and actions."""
    from parallax.analysis.parsing import shared_parser

    report = ctx.report
    parse = shared_parser(ctx).parse_many
    report.framing = compare_framing(report.articles, report.claims, report.entities, parse)
