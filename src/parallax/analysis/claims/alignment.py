"""Word-by-word alignment of two sentences that state the same fact.

Two mentions of one claim are aligned over their folded words with difflib; where the
wording differs in a short stretch between shared words, the two stretches are the
candidate pair of names for one referent. The pair is kept only when both phrases fill
the same grammatical slot (spaCy dependency labels; the pipeline has no tagger, so no
part-of-speech tags are used) and, for two verbs, when an argument of one is aligned
with an argument of the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rapidfuzz import fuzz

from parallax.analysis.wording.entities import fold
from parallax.lexicons import load_attribution_verbs
from parallax.model import Sentence
from parallax.text.words import stem, stop_words

MAX_TERM_WORDS = 4  # a differing stretch longer than this is split by role, not taken whole
MAX_BLOCK_WORDS = 10  # stretches longer than this are not aligned at all
MIN_SHARED = 0.35  # share of words two mentions must have in common to be aligned word by word
VERB_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "parataxis", "csubj"})
PHRASE_DEPS = frozenset({"det", "compound", "amod", "nmod", "poss"})
QUOTE_CHARS = "‘’“”\"'`´"
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative"})


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


def is_content(words: Sequence[Word]) -> bool:
    return any(w.key not in stop_words() and w.key.isalpha() for w in words) and not any(
        any(c.isdigit() for c in w.key) for w in words
    )


def trim(words: list[Word]) -> list[Word]:
    """A stretch without leading or trailing function words other than a determiner."""
    while words and words[-1].key in stop_words():
        words = words[:-1]
    while words and words[0].key in stop_words() and words[0].dep != "det":
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
    roles_a: dict[str, list[int]] = defaultdict(list)
    roles_b: dict[str, list[int]] = defaultdict(list)
    for i in a_idx:
        if a[i].key not in stop_words() and a[i].dep not in PHRASE_DEPS:
            roles_a[a[i].dep].append(i)
    for j in b_idx:
        if b[j].key not in stop_words() and b[j].dep not in PHRASE_DEPS:
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
    roots_a = [i for i in roots_of(a, a_idx) if a[i].key not in stop_words()]
    roots_b = [j for j in roots_of(b, b_idx) if b[j].key not in stop_words()]
    if len(roots_a) == 1 and len(roots_b) == 1:
        return [(phrase_of(a, roots_a[0], set(a_idx)), phrase_of(b, roots_b[0], set(b_idx)))]
    return pair_by_role(a, a_idx, b, b_idx)


def root_of(word: str) -> str:
    """The Snowball stem, so that "owe"/"owing" and "cooperates"/"cooperating" meet."""
    return stem(word)


def index_of(words: list[Word], word: Word) -> int:
    return next(i for i, w in enumerate(words) if w is word)


def arguments_of(words: list[Word], i: int) -> set[int]:
    """A verb's arguments: subject, objects (also through a preposition), the noun it modifies."""
    found: set[int] = set()
    word = words[i]
    if word.dep in ("acl", "relcl") and word.head >= 0:
        found.add(word.head)
    for child in word.children:
        dep = words[child].dep
        if dep in ARGUMENT_DEPS:
            found.add(child)
        elif dep in ("prep", "agent"):
            found.update(g for g in words[child].children if words[g].dep == "pobj")
    return found


def arguments_align(a: list[Word], i: int, b: list[Word], j: int, aligned: dict[int, int]) -> bool:
    """Some argument of verb ``a[i]`` is aligned with, or has the stem of, an argument of ``b[j]``."""
    args_a, args_b = arguments_of(a, i), arguments_of(b, j)
    near_a = args_a | {c for x in args_a for c in a[x].children}
    near_b = args_b | {c for y in args_b for c in b[y].children}
    if any(aligned.get(x) in near_b for x in near_a):  # "200 people" / "200 settlers": the 200
        return True
    roots_a = {root_of(a[x].key) for x in args_a if a[x].key not in stop_words()}
    return bool(roots_a & {root_of(b[y].key) for y in args_b if b[y].key not in stop_words()})


def is_light_verb_for(words: list[Word], i: int, other: Word) -> bool:
    """``words[i]`` carries the other verb as its object noun ("carried out repairs" / "repairing")."""
    return any(
        words[c].dep == "dobj" and root_of(words[c].key) == root_of(other.key) for c in words[i].children
    )


def is_raising_verb(words: list[Word], i: int) -> bool:
    """A verb that only frames another one ("is believed to be holding", "agreed to hold off")."""
    deps = {words[c].dep for c in words[i].children}
    return "xcomp" in deps and not deps & {"dobj", "dative", "oprd"}


def acceptable(
    left: list[Word], right: list[Word], a: list[Word], b: list[Word], aligned: dict[int, int]
) -> bool:
    """Both phrases name something in the same grammatical slot, and differ by more than spelling.

    Two verbs must also have aligned arguments (the same subject or object, or the noun
    they modify), or they are more likely two different actions than two names for one;
    a reporting verb on either side is a marker, not a name.
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
    if [root_of(w.key) for w in left if w.dep != "det"] == [root_of(w.key) for w in right if w.dep != "det"]:
        return False  # an inflection or a determiner, not another name
    if role_class(heads[0]) == "verbal":
        verbs = load_attribution_verbs()
        if heads[0].key in verbs or heads[1].key in verbs:
            return False  # reporting verbs are compared as markers, not as names
        i, j = index_of(a, heads[0]), index_of(b, heads[1])
        if not arguments_align(a, i, b, j, aligned):
            return False
        if is_light_verb_for(a, i, heads[1]) or is_light_verb_for(b, j, heads[0]):
            return False
        if is_raising_verb(a, i) or is_raising_verb(b, j):
            return False
    return fuzz.ratio(" ".join(w.key for w in left), " ".join(w.key for w in right)) < 80


def splits_name(words: list[Word], idx: list[int]) -> bool:
    """The stretch is part of a longer capitalised name ("Construction" of "Dorrow Construction")."""
    whole = widened(words, idx)
    return len(whole) > len(idx) and all(words[i].text[:1].isupper() for i in whole if words[i].dep != "det")


def widened(words: list[Word], idx: list[int]) -> list[int]:
    """The stretch with the modifiers of its head that lie outside it."""
    roots = roots_of(words, idx)
    if len(roots) != 1:
        return idx
    return sorted(set(idx) | set(phrase_of(words, roots[0], set(range(len(words))))))


def align_mentions(
    a: list[Word], b: list[Word], sa: Sentence, sb: Sentence, original_a: str, original_b: str
) -> list[tuple[Term, Term]]:
    """Pairs of differing terms between two mentions of one claim."""
    keys_a, keys_b = [w.key for w in a], [w.key for w in b]
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    if not a or not b or shared / min(len(a), len(b)) < MIN_SHARED:
        return []
    aligned = {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}
    pairs: list[tuple[Term, Term]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or max(i2 - i1, j2 - j1) > MAX_BLOCK_WORDS:
            continue
        for left_idx, right_idx in candidate_pairs(a, list(range(i1, i2)), b, list(range(j1, j2))):
            if splits_name(a, left_idx) or splits_name(b, right_idx):
                left_idx, right_idx = widened(a, left_idx), widened(b, right_idx)
            left, right = trim([a[i] for i in left_idx]), trim([b[j] for j in right_idx])
            if not left or not right or not is_content(left) or not is_content(right):
                continue
            if (
                len(left) > MAX_TERM_WORDS
                or len(right) > MAX_TERM_WORDS
                or not acceptable(left, right, a, b, aligned)
            ):
                continue
            pairs.append(
                (term_from(left, sa.article, sa, original_a), term_from(right, sb.article, sb, original_b))
            )
    return pairs
