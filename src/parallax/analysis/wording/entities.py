"""Entities merged across articles by their name variants.

spaCy finds people, organisations and places sentence by sentence (``Sentence.entities``).
Here the same referent, written differently, becomes one ``MergedEntity``:

* the same name in other marks or cases ("‘Israel’", "Israel's", "U.S." and "US");
* a surname alone or a shorter form ("Biden", "Joe Biden", "Mr. Biden"), when only one
  longer name in the story contains it;
* an acronym and its full form ("EU", "European Union");
* spelling variants ("Blinken"/"Blinkin"), by fuzzy matching (rapidfuzz).

An outlet that spells a name differently from the other outlets' majority is noted.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from parallax.lexicons import load_titles
from parallax.model import Article, EntityVariant, Mention, MergedEntity, SpellingNote
from parallax.stage import Context, stage
from parallax.text.disjoint import DisjointSet

# spaCy labels kept, and the family each belongs to (names merge only within a family,
# unless they are written identically).
FAMILIES = {
    "PERSON": "person",
    "ORG": "group",
    "NORP": "group",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "event",
}
QUOTES = "'\"‘’“”`´«»‹›"
FUZZY_NAME = 88  # rapidfuzz ratio (0-100) above which two names of one family are one spelling apart
FUZZY_TOKEN = 75  # ratio above which two name words are spellings of one word


@dataclass
class _Cluster:
    key: str
    family: str
    names: Counter[str] = field(default_factory=Counter)  # normalised name -> mentions
    labels: Counter[str] = field(default_factory=Counter)
    items: list[tuple[Article, Mention, str]] = field(default_factory=list)  # article, mention, surface name

    @property
    def tokens(self) -> tuple[str, ...]:
        return _split_key(self.key)


@lru_cache(maxsize=1 << 16)
def _split_key(key: str) -> tuple[str, ...]:
    return tuple(key.split())


def fold(text: str) -> str:
    """Lower case without accents, for comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1 << 16)
def strip_marks(text: str) -> str:
    """A name without surrounding quote marks, possessive ending or a leading 'the'."""
    name = " ".join(text.split()).strip(QUOTES + " ,;:.-–—()[]")
    name = re.sub(r"[’']s?$", "", name).strip(QUOTES + " ")
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    return name.strip(QUOTES + " ")


def strip_title(name: str) -> str:
    """A person's name without a leading title or role ("President Joe Biden" -> "Joe Biden")."""
    lowered = fold(name)
    changed = True
    while changed:
        changed = False
        for title in load_titles():
            if lowered.startswith(title + " ") and len(lowered) > len(title) + 1:
                name = name[len(title) + 1 :].lstrip()
                lowered = fold(name)
                changed = True
                break
    return name


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str, label: str) -> str:
    """The name used for comparison: marks stripped, and titles for people."""
    name = strip_marks(text)
    if FAMILIES.get(label) == "person":
        name = strip_title(name)
    return name


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Comparison key: folded case, no dots or quote marks, single spaces."""
    key = fold(name).replace(".", "").replace("’", "'")
    key = re.sub(r"[^\w' -]", " ", key)
    return " ".join(key.replace("-", " ").split())


def initials(key: str) -> str:
    words = [w for w in key.split() if w not in {"of", "the", "and", "for"}]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def collect_clusters(articles: Sequence[Article]) -> list[_Cluster]:
    """Entity mentions grouped by identical comparison key."""
    by_key: dict[str, _Cluster] = {}
    for article in articles:
        for sentence in article.sentences:
            for entity in sentence.entities:
                family = FAMILIES.get(entity.label)
                if family is None:
                    continue
                name = normalise_name(entity.text, entity.label)
                key = name_key(name)
                if not key or not any(c.isalpha() for c in key):
                    continue
                cluster = by_key.get(key)
                if cluster is None:
                    cluster = _Cluster(key=key, family=family)
                    by_key[key] = cluster
                cluster.names[name] += 1
                cluster.labels[entity.label] += 1
                surface = strip_marks(entity.text)
                mention = Mention(article.id, sentence.id, entity.text, entity.start, entity.end)
                cluster.items.append((article, mention, surface))
    for cluster in by_key.values():  # the family of the majority label
        cluster.family = FAMILIES[cluster.labels.most_common(1)[0][0]]
    return list(by_key.values())


def is_acronym_pair(a: str, b: str) -> bool:
    """True when one name is the initials of the other ("eu", "european union")."""
    return initials(a) == b.replace(" ", "") or initials(b) == a.replace(" ", "")


def is_inflection(a: str, b: str) -> bool:
    """True when two words differ only by a plural or possessive ending ("American", "Americans")."""
    short, long = sorted((a, b), key=len)
    return long in (short + "s", short + "es", short + "'s")


def is_part_of(short: Sequence[str], long: Sequence[str]) -> bool:
    """True when a person's shorter name is part of a longer one (surname, first names)."""
    if len(short) >= len(long) or not short:
        return False
    if short[-1] != long[-1] and short != long[: len(short)]:
        return False
    return set(short) <= set(long)


def are_spelling_variants(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two names of the same length whose words match, one or more only fuzzily."""
    if len(a) != len(b) or a == b:
        return False
    joined_a, joined_b = " ".join(a), " ".join(b)
    if min(len(joined_a), len(joined_b)) < 5 or fuzz.ratio(joined_a, joined_b) < FUZZY_NAME:
        return False
    return all(x == y or fuzz.ratio(x, y) >= FUZZY_TOKEN for x, y in zip(a, b, strict=True))


def _near_in_length(size: int) -> tuple[float, float]:
    """The lengths a name can have to be within ``FUZZY_NAME`` of a name of ``size`` characters:
    the ratio is at most 100 * (1 - |a - b| / (a + b)) (an edit per character of difference),
    widened by a point so that rounding never leaves a variant out."""
    keep = (FUZZY_NAME - 1) / 100
    return size * keep / (2 - keep), size * (2 - keep) / keep


def link_clusters(clusters: list[_Cluster]) -> list[list[_Cluster]]:
    """Union clusters that name the same referent; ambiguous short names stay apart."""
    same: DisjointSet[int] = DisjointSet(range(len(clusters)))
    # Only clusters that could pass a test are compared: spelling variants have as many words
    # (and one family), an acronym equals the other name's initials, and a short person name
    # shares the longer one's last word or its first word.
    sized: dict[tuple[str, int], list[int]] = defaultdict(list)
    compact: dict[tuple[str, str], list[int]] = defaultdict(list)
    acronyms: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_end: dict[str, list[int]] = defaultdict(list)
    for j, b in enumerate(clusters):
        sized[(b.family, len(b.tokens))].append(j)
        compact[(b.family, b.key.replace(" ", ""))].append(j)
        if initials(b.key):
            acronyms[(b.family, initials(b.key))].append(j)
        if b.family == "person" and b.tokens:
            by_end[b.tokens[-1]].append(j)
            by_end[" " + b.tokens[0]].append(j)
    for block in sized.values():  # by the length of the name: see _near_in_length
        block.sort(key=lambda j: (len(" ".join(clusters[j].tokens)), j))
    lengths = {key: [len(" ".join(clusters[j].tokens)) for j in block] for key, block in sized.items()}
    for i, a in enumerate(clusters):
        block, sizes = sized[(a.family, len(a.tokens))], lengths[(a.family, len(a.tokens))]
        lo, hi = _near_in_length(len(" ".join(a.tokens)))
        candidates = set(block[bisect_left(sizes, lo) : bisect_right(sizes, hi)])
        if a.family != "person":
            candidates.update(compact.get((a.family, initials(a.key)), ()))
            candidates.update(acronyms.get((a.family, a.key.replace(" ", "")), ()))
        for j in sorted(j for j in candidates if j > i):
            b = clusters[j]
            spelled = are_spelling_variants(a.tokens, b.tokens)
            if spelled or (a.family != "person" and is_acronym_pair(a.key, b.key)):
                same.merge(i, j)
    for i, a in enumerate(clusters):  # short person names: merge only when one longer name fits
        if a.family != "person" or not a.tokens:
            continue
        near = set(by_end.get(a.tokens[-1], ())) | set(by_end.get(" " + a.tokens[0], ()))
        longer = {same[j] for j in near if is_part_of(a.tokens, clusters[j].tokens)}
        if len(longer) == 1:
            same.merge(i, longer.pop())
    groups: dict[int, list[_Cluster]] = defaultdict(list)
    for i, cluster in enumerate(clusters):
        groups[same[i]].append(cluster)
    return list(groups.values())


def choose_canonical(group: list[_Cluster]) -> str:
    """The fullest name that most articles use."""
    outlets_per_name: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for cluster in group:
        for article, _mention, _surface in cluster.items:
            outlets_per_name[cluster.key].add(article.id)
        counts[cluster.key] += sum(cluster.names.values())
    fullest = max(len(c.tokens) for c in group) if group[0].family == "person" else 0
    pool = [c for c in group if len(c.tokens) >= fullest]
    best = max(pool, key=lambda c: (len(outlets_per_name[c.key]), counts[c.key], len(c.key), c.key))
    return best.names.most_common(1)[0][0]


def note_spellings(group: list[_Cluster]) -> list[SpellingNote]:
    """Outlets whose spelling of a name word differs from the other outlets' majority."""
    words: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # word -> article -> names
    outlet_of: dict[str, str] = {}
    for cluster in group:
        for article, _mention, surface in cluster.items:
            outlet_of[article.id] = article.label
            for word in cluster.tokens:
                words[word][article.id].add(surface)
    spellings = sorted(words, key=lambda w: (-len(words[w]), w))
    notes: list[SpellingNote] = []
    done: set[str] = set()
    for word in spellings:
        if word in done:
            continue
        similar = [
            w
            for w in spellings
            if w not in done
            and (w == word or (fuzz.ratio(w, word) >= FUZZY_TOKEN and not is_inflection(w, word)))
        ]
        done.update(similar)
        if len(similar) < 2:
            continue
        majority = similar[0]  # most articles first
        majority_articles = set(words[majority])
        if len(majority_articles) < 2:
            continue
        for other in similar[1:]:
            if len(words[other]) >= len(majority_articles):
                continue
            for article_id, names in sorted(words[other].items()):
                if article_id in majority_articles:
                    continue  # the outlet also uses the majority spelling
                majority_name = sorted(n for a in majority_articles for n in words[majority][a])[0]
                notes.append(
                    SpellingNote(
                        article=article_id,
                        outlet=outlet_of[article_id],
                        spelling=sorted(names)[0],
                        majority=majority_name,
                        majority_outlets=sorted({outlet_of[a] for a in majority_articles}),
                    )
                )
    return notes


def build_entity(group: list[_Cluster], index: int) -> MergedEntity:
    labels: Counter[str] = Counter()
    variants: Counter[tuple[str, str]] = Counter()
    outlet_of: dict[str, str] = {}
    order: dict[str, int] = {}
    mentions: list[Mention] = []
    for cluster in group:
        labels.update(cluster.labels)
        for article, mention, surface in cluster.items:
            variants[(article.id, surface)] += 1
            outlet_of[article.id] = article.label
            order.setdefault(article.id, len(order))
            mentions.append(mention)
    mentions.sort(key=lambda m: (m.article, m.start))
    article_rank = {a: i for i, a in enumerate(sorted(order))}
    return MergedEntity(
        id=f"e{index}",
        name=choose_canonical(group),
        label=labels.most_common(1)[0][0],
        outlets=sorted({outlet_of[a] for a in order}),
        variants=[
            EntityVariant(article=a, outlet=outlet_of[a], name=name, count=n)
            for (a, name), n in sorted(
                variants.items(), key=lambda kv: (article_rank[kv[0][0]], -kv[1], kv[0][1])
            )
        ],
        mentions=mentions,
        spelling_notes=note_spellings(group),
    )


def merge_entities(articles: Sequence[Article]) -> list[MergedEntity]:
    """Entities of all articles merged by name variants, most widely reported first."""
    groups = link_clusters(collect_clusters(articles))
    built = [build_entity(group, 0) for group in groups]
    built.sort(key=lambda e: (-len(e.outlets), -len(e.mentions), e.name))
    for i, entity in enumerate(built, start=1):
        entity.id = f"e{i}"
    return built


@stage(
    requires=("article.sentences", "article.outlet", "sentence.entities"),
    provides=("report.entities",),
)
def match_entities(ctx: Context) -> None:
    """People, organisations and places merged across articles by name variants."""
    ctx.report.entities = merge_entities(ctx.report.articles)
