"""Text reuse between articles: shared passages, systematic word swaps, and who copied whom.

How passages are found, for each pair of articles:

1. Both kept texts become lists of normalised words, each with its offsets in
   ``Article.original`` (so passages may cross sentence boundaries that a
   scraper glued together).
2. Every run of ``SEED`` words that occurs in both texts is a seed; seeds on
   the same diagonal merge into exact runs.
3. Runs are chained in reading order when the gap between them is short on
   both sides. A gap is an edit: a word dropped, added or swapped. Chains,
   not single runs, are the copied passages, so light edits and term swaps do
   not cut a passage apart, while a passage moved elsewhere forms its own
   chain (reordering).
4. Inside each gap a word-level diff finds swaps ("hostages" -> "detainees").
   A swap seen in two or more places is systematic: one outlet put its own
   words into the copied text.

The direction of copying weighs three kinds of evidence: the earlier
publication date, which text is more completely contained in the other, and
the swap pattern (the copy's words are idiosyncratic: the other articles of
the story use the original's words, and the copy often maps several words
onto one).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise
from typing import TYPE_CHECKING

from parallax.analysis.provenance.direction import judge_direction, vocabulary
from parallax.analysis.provenance.reuse_cache import PairCache, PairResult, Token, tokenize_article
from parallax.model import Article, CopiedSpan, ReuseKind, ReusePair, Substitution
from parallax.stage import Context, stage
from parallax.text.words import stop_words

if TYPE_CHECKING:
    from parallax.nlp.cache import AnalysisCache

SEED = 3  # words in a seed n-gram
MAX_GAP = 12  # words an edit may span on either side inside one passage
MIN_PASSAGE_WORDS = 10  # matched words a passage needs
MIN_DENSITY = 0.5  # matched words / words in the longer side of a passage
MAX_SWAP_WORDS = 4  # longest word group counted as a swap
STOPWORDS = stop_words()  # spaCy's English function words
__all__ = ["compare_pair", "detect_reuse", "find_reuse", "judge_direction", "tokenize_article"]


@dataclass
class Run:
    a0: int  # first word in a
    a1: int  # one past the last word in a
    b0: int
    b1: int


@dataclass
class Chain:
    runs: list[Run] = field(default_factory=list)

    @property
    def a_end(self) -> int:
        return max(r.a1 for r in self.runs)

    @property
    def b_end(self) -> int:
        return max(r.b1 for r in self.runs)


GramIndex = dict[tuple[str, ...], list[int]]  # seed n-gram -> where it starts, in order


def index_grams(tokens: list[Token], seed: int = SEED) -> GramIndex:
    """Where each run of ``seed`` words starts in a token list."""
    positions: GramIndex = defaultdict(list)
    for j in range(len(tokens) - seed + 1):
        positions[tuple(t.norm for t in tokens[j : j + seed])].append(j)
    return dict(positions)


def find_runs(
    a: list[Token],
    b: list[Token],
    seed: int = SEED,
    *,
    a_index: GramIndex | None = None,
    b_index: GramIndex | None = None,
) -> list[Run]:
    """Exact runs of at least ``seed`` words shared by both token lists.

    ``a_index`` and ``b_index`` are the lists' ``index_grams`` when the caller has them
    (an article is compared with every other one: its index is built once). Only the
    n-grams the two lists share are walked, in a's reading order.
    """
    a_index = index_grams(a, seed) if a_index is None else a_index
    positions = index_grams(b, seed) if b_index is None else b_index
    shared = sorted(
        ((i, hits) for gram, where in a_index.items() if (hits := positions.get(gram)) for i in where),
        key=lambda item: item[0],
    )
    open_runs: dict[int, Run] = {}  # diagonal -> run still growing
    runs: list[Run] = []
    for i, hits in shared:
        if len(hits) > 8:  # a boilerplate phrase repeated all over b proves nothing
            continue
        for j in hits:
            diagonal = j - i
            run = open_runs.get(diagonal)
            if run is not None and run.a1 >= i + seed - 1:
                run.a1, run.b1 = i + seed, j + seed
            else:
                run = Run(i, i + seed, j, j + seed)
                open_runs[diagonal] = run
                runs.append(run)
    return runs


def chain_runs(runs: list[Run], max_gap: int = MAX_GAP) -> list[Chain]:
    """Join runs that follow each other on both sides with short gaps (edits) into chains."""
    chains: list[Chain] = []
    for run in sorted(runs, key=lambda r: (r.a0, r.b0)):
        best: Chain | None = None
        best_gap = max_gap * 2 + 1
        for chain in chains:
            gap_a, gap_b = run.a0 - chain.a_end, run.b0 - chain.b_end
            if -SEED < gap_a <= max_gap and -SEED < gap_b <= max_gap:
                gap = max(gap_a, 0) + max(gap_b, 0)
                if gap < best_gap:
                    best, best_gap = chain, gap
        if best is None:
            chains.append(Chain([run]))
        else:
            best.runs.append(run)
    return chains


def _covered(chain: Chain) -> tuple[set[int], set[int]]:
    a_words: set[int] = set()
    b_words: set[int] = set()
    for r in chain.runs:
        a_words.update(range(r.a0, r.a1))
        b_words.update(range(r.b0, r.b1))
    return a_words, b_words


def _text(tokens: list[Token], lo: int, hi: int, original: str) -> str:
    return original[tokens[lo].start : tokens[hi - 1].end] if hi > lo else ""


@dataclass
class Swap:
    a_norm: str
    b_norm: str
    a_text: str
    b_text: str
    a_start: int
    b_start: int
    a_gap: list[Token] = field(default_factory=list, repr=False)  # the gap the swap sits in
    b_gap: list[Token] = field(default_factory=list, repr=False)
    window: tuple[int, int, int, int] = (0, 0, 0, 0)  # the swap inside the gaps
    a_original: str = field(default="", repr=False)
    b_original: str = field(default="", repr=False)


def _content(words: list[str]) -> bool:
    return any(w not in STOPWORDS and not w.isdigit() for w in words)


def find_swaps(a: list[Token], b: list[Token], chain: Chain, a_doc: Article, b_doc: Article) -> list[Swap]:
    """Word groups replaced inside the gaps of one chain (word-level diff of each gap)."""
    swaps: list[Swap] = []
    runs = sorted(chain.runs, key=lambda r: r.a0)
    gaps = [(prev.a1, nxt.a0, prev.b1, nxt.b0, "inside") for prev, nxt in pairwise(runs)]
    # The words just before and after the passage: "The harbour council closed ..." vs
    # "The harbour municipal authority closed ...", where the shared lead-in is too short to seed.
    width = MAX_SWAP_WORDS + 2
    first, last = runs[0], max(runs, key=lambda r: r.a1)
    gaps.append((max(first.a0 - width, 0), first.a0, max(first.b0 - width, 0), first.b0, "before"))
    gaps.append((last.a1, min(last.a1 + width, len(a)), last.b1, min(last.b1 + width, len(b)), "after"))
    for lo_a, hi_a, lo_b, hi_b, where in gaps:
        if hi_a <= lo_a or hi_b <= lo_b:
            continue
        gap_a = [t.norm for t in a[lo_a:hi_a]]
        gap_b = [t.norm for t in b[lo_b:hi_b]]
        matcher = SequenceMatcher(a=gap_a, b=gap_b, autojunk=False)
        opcodes = matcher.get_opcodes()
        for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
            if op != "replace" or i2 - i1 > 2 * MAX_SWAP_WORDS or j2 - j1 > 2 * MAX_SWAP_WORDS:
                continue
            if where == "before" and not (k == len(opcodes) - 1 and k > 0 and opcodes[k - 1][0] == "equal"):
                continue  # must touch the passage and follow a shared word
            if where == "after" and not (k == 0 and len(opcodes) > 1 and opcodes[1][0] == "equal"):
                continue
            words_a, words_b = gap_a[i1:i2], gap_b[j1:j2]
            if not (_content(words_a) and _content(words_b)):
                continue
            swaps.append(
                Swap(
                    " ".join(words_a),
                    " ".join(words_b),
                    _text(a, lo_a + i1, lo_a + i2, a_doc.original),
                    _text(b, lo_b + j1, lo_b + j2, b_doc.original),
                    a[lo_a + i1].start,
                    b[lo_b + j1].start,
                    a[lo_a:hi_a],
                    b[lo_b:hi_b],
                    (i1, i2, j1, j2),
                    a_doc.original,
                    b_doc.original,
                )
            )
    return swaps


def _is_short(swap: Swap) -> bool:
    return len(swap.a_norm.split()) <= MAX_SWAP_WORDS and len(swap.b_norm.split()) <= MAX_SWAP_WORDS


def _narrow(swap: Swap, a_terms: set[str], b_terms: set[str]) -> Swap | None:
    """A long replacement that starts or ends with a term swapped elsewhere, cut down to that swap.

    "captives" -> "detainees in the weeks since" is an edit and an addition; when
    "detainees" replaces other words elsewhere, the swap is "captives" -> "detainees".
    """
    i1, i2, j1, j2 = swap.window
    a_words, b_words = swap.a_norm.split(), swap.b_norm.split()
    for term in sorted(b_terms, key=len, reverse=True):
        n = len(term.split())
        if len(a_words) <= MAX_SWAP_WORDS and n < len(b_words):
            for lo in (0, len(b_words) - n):
                if " ".join(b_words[lo : lo + n]) == term:
                    return _cut(swap, i1, i2, j1 + lo, j1 + lo + n)
    for term in sorted(a_terms, key=len, reverse=True):
        n = len(term.split())
        if len(b_words) <= MAX_SWAP_WORDS and n < len(a_words):
            for lo in (0, len(a_words) - n):
                if " ".join(a_words[lo : lo + n]) == term:
                    return _cut(swap, i1 + lo, i1 + lo + n, j1, j2)
    return None


def _cut(swap: Swap, i1: int, i2: int, j1: int, j2: int) -> Swap:
    a, b = swap.a_gap, swap.b_gap
    return Swap(
        " ".join(t.norm for t in a[i1:i2]),
        " ".join(t.norm for t in b[j1:j2]),
        swap.a_original[a[i1].start : a[i2 - 1].end] if swap.a_original else "",
        swap.b_original[b[j1].start : b[j2 - 1].end] if swap.b_original else "",
        a[i1].start,
        b[j1].start,
        a,
        b,
        (i1, i2, j1, j2),
        swap.a_original,
        swap.b_original,
    )


def systematic_swaps(swaps: list[Swap]) -> tuple[list[Substitution], list[Swap]]:
    """Swaps seen in two or more places, or whose replacement words stand in for several originals."""
    short = [s for s in swaps if _is_short(s)]
    a_terms = {s.a_norm for s in short}
    b_terms = {s.b_norm for s in short}
    for s in swaps:
        if not _is_short(s):
            narrowed = _narrow(s, a_terms, b_terms)
            if (
                narrowed is not None
                and _content(narrowed.a_norm.split())
                and _content(narrowed.b_norm.split())
            ):
                short.append(narrowed)
    swaps = short
    by_pair: dict[tuple[str, str], list[Swap]] = defaultdict(list)
    for s in swaps:
        by_pair[(s.a_norm, s.b_norm)].append(s)
    b_total = Counter(s.b_norm for s in swaps)
    a_total = Counter(s.a_norm for s in swaps)
    found = []
    picked: list[Swap] = []
    for (a_norm, b_norm), places in by_pair.items():
        if len(places) >= 2 or b_total[b_norm] >= 2 or a_total[a_norm] >= 2:
            picked.extend(places)
            found.append(
                Substitution(
                    a_words=places[0].a_text,
                    b_words=places[0].b_text,
                    count=len(places),
                    a_starts=[p.a_start for p in places],
                    b_starts=[p.b_start for p in places],
                )
            )
    found.sort(key=lambda s: (-s.count, s.a_words.lower()))
    return found, picked


def _sentences_in(article: Article, start: int, end: int) -> list[str]:
    """Ids of the article's sentences at least half inside [start, end)."""
    ids = []
    for s in article.sentences:
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > 0 and overlap * 2 >= s.end - s.start:
            ids.append(s.id)
    return ids


def compare_pair(
    a_doc: Article,
    b_doc: Article,
    a: list[Token] | None = None,
    b: list[Token] | None = None,
    *,
    min_words: int = MIN_PASSAGE_WORDS,
    indexes: tuple[GramIndex, GramIndex] | None = None,
) -> tuple[ReusePair | None, list[Swap]]:
    """Shared passages of two articles, or None when they share none.

    ``indexes`` are the two token lists' ``index_grams``, when the caller has them."""
    a = tokenize_article(a_doc) if a is None else a
    b = tokenize_article(b_doc) if b is None else b
    if not a or not b:
        return None, []
    spans: list[CopiedSpan] = []
    swaps: list[Swap] = []
    a_cov: set[int] = set()
    b_cov: set[int] = set()
    a_index, b_index = indexes if indexes is not None else (None, None)
    for chain in chain_runs(find_runs(a, b, a_index=a_index, b_index=b_index)):
        a_words, b_words = _covered(chain)
        a0, a1 = min(a_words), max(a_words) + 1
        b0, b1 = min(b_words), max(b_words) + 1
        matched = min(len(a_words), len(b_words))
        similarity = matched / max(a1 - a0, b1 - b0)
        if matched < min_words or similarity < MIN_DENSITY:
            continue
        a_start, a_end = a[a0].start, a[a1 - 1].end
        b_start, b_end = b[b0].start, b[b1 - 1].end
        spans.append(
            CopiedSpan(
                a_start=a_start,
                a_end=a_end,
                b_start=b_start,
                b_end=b_end,
                a_text=a_doc.original[a_start:a_end],
                b_text=b_doc.original[b_start:b_end],
                matched_words=matched,
                similarity=round(similarity, 3),
                a_sentences=_sentences_in(a_doc, a_start, a_end),
                b_sentences=_sentences_in(b_doc, b_start, b_end),
            )
        )
        a_cov.update(range(a0, a1))
        b_cov.update(range(b0, b1))
        swaps.extend(find_swaps(a, b, chain, a_doc, b_doc))
    if not spans:
        return None, swaps
    spans.sort(key=lambda s: s.a_start)
    a_coverage = len(a_cov) / len(a)
    b_coverage = len(b_cov) / len(b)
    substitutions, swaps = systematic_swaps(swaps)
    score = (a_coverage + b_coverage) / 2
    kind: ReuseKind
    if substitutions and score >= 0.2:
        kind = "rewrite"
    elif min(a_coverage, b_coverage) >= 0.8:
        kind = "near-identical"
    elif max(a_coverage, b_coverage) >= 0.5:
        kind = "copy"
    else:
        kind = "shared-passages"
    pair = ReusePair(
        a=a_doc.id,
        b=b_doc.id,
        score=round(score, 3),
        a_coverage=round(a_coverage, 3),
        b_coverage=round(b_coverage, 3),
        kind=kind,
        spans=spans,
        substitutions=substitutions,
    )
    return pair, swaps


def find_reuse(
    articles: list[Article], *, min_words: int = MIN_PASSAGE_WORDS, cache: AnalysisCache | None = None
) -> list[ReusePair]:
    """Every pair of articles that shares passages, most reused first.

    Through ``cache`` (``parallax.nlp.cache``), each article's words and each pair's passages
    and swaps are kept (``PairCache``): when one article joins a story, only its own words are
    read and only its pairs aligned. The direction is judged afresh every time: it reads the
    other articles' words, which change when one joins."""
    store = PairCache(articles, min_words, cache)
    tokens: dict[str, list[Token]] = {}
    indexes: dict[str, GramIndex] = {}

    def words_of(doc: Article) -> list[Token]:
        if doc.id not in tokens:
            tokens.update(store.tokens([d for d in articles if d.id not in tokens]))
        return tokens[doc.id]

    def index_of(doc: Article) -> GramIndex:
        if doc.id not in indexes:
            indexes[doc.id] = index_grams(words_of(doc))
        return indexes[doc.id]

    def compare(a_doc: Article, b_doc: Article) -> PairResult:
        shared = index_of(a_doc).keys() & index_of(b_doc).keys()
        if len(shared) < min_words // SEED:
            return None, []  # cannot hold a passage: skip the alignment
        pair, swaps = compare_pair(
            a_doc,
            b_doc,
            words_of(a_doc),
            words_of(b_doc),
            min_words=min_words,
            indexes=(index_of(a_doc), index_of(b_doc)),
        )
        return pair, [(s.a_norm, s.b_norm) for s in swaps] if pair is not None else []

    pairs: list[ReusePair] = []
    vocab: dict[str, str] = {}
    for (a_doc, b_doc), (pair, swaps) in store.compare_all(compare):
        if pair is None:
            continue
        if swaps and not vocab:
            vocab = {d.id: vocabulary(t.norm for t in words_of(d)) for d in articles}
        others = [vocab[d.id] for d in articles if d.id not in (a_doc.id, b_doc.id)] if swaps else []
        judge_direction(pair, a_doc, b_doc, swaps, others)
        pairs.append(pair)
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


@stage(
    requires=("article.kept", "article.sentences", "article.outlet", "article.published"),
    provides=("report.reuse",),
)
def detect_reuse(ctx: Context) -> None:
    """Shared passages between every pair of articles (the copy graph's edges)."""
    ctx.report.reuse = find_reuse(
        ctx.report.articles, min_words=ctx.options.reuse_min_words, cache=ctx.resources.cache
    )
