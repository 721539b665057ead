"""Which sentences need a MiniLM vector: the cheap first step of the claims cascade (issue 12).

Every sentence gets a static vector (model2vec distilled from MiniLM, ``parallax.nlp.static``),
some sixty times cheaper to compute (0.15 s against 10 s of CPU for the 2,137 sentences of the
50-article story of bench/speed.py). A sentence needs its MiniLM vector only when it could
join a claim, i.e. when for some sentence of another article the claims' pair score
(``grouping.score_pair``) could reach the claim threshold. That is decided pair by pair with
everything but the MiniLM cosine computed exactly (weighted word overlap, fuzzy token match,
shared names and numbers, differing people, weekdays, intent against deed; the mutual-match
bonus assumed) and the MiniLM cosine bounded from above by the static cosine plus ``margin``
(``CASCADE_MARGIN``, picked on the ECB+ train topics: ``bench/claims_cascade.py``). A sentence
with no such pair stays a claim of its own whatever MiniLM would say, so it keeps a zero row.

Also kept: a sentence that repeats another of its own article (rapidfuzz token-sort ratio 90 or
more: the claims stage may attach it as an extra mention). Sentences too short to be claims get
no MiniLM vector in cascade mode (they are read only by the summary's echo and centrality
checks, where a zero row counts as "not close").

Only for one-language stories: across languages the claims stage takes its cosines from the
multilingual encoder, which this bound knows nothing about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from parallax.analysis.claims.grouping import (
    CLAUSE_DISCOUNT,
    COSINE_FLOOR,
    LEXICAL_DICE,
    LEXICAL_SHARE,
    Features,
    describe_sentence,
    find_main_clause,
    is_claim_sentence,
    weigh_words,
)
from parallax.model import Sentence

# The MiniLM cosine of a pair is taken to be at most its static cosine plus this margin.
CASCADE_MARGIN = 0.05
# A same-article sentence this close (rapidfuzz token-sort ratio) may be a repeat (grouping.attach_repeats).
REPEAT_RATIO = 90.0
# score_pair's bonuses and penalties (kept in step with it: tests/test_claims_cascade.py checks the bound).
# The bonuses at most: mutual best match, a shared number, shared names (times their Jaccard).
MUTUAL_BONUS = 0.04
NUMBER_BONUS, NUMBER_PENALTY = 0.04, 0.15
NAMES_BONUS = 0.06
PEOPLE_PENALTY, WEEKDAY_PENALTY, INTENT_PENALTY = 0.1, 0.25, 0.15


def indicator(sets: Sequence[Iterable[object]], column: dict[object, int] | None = None) -> sparse.csr_matrix:
    """A sentences x items 0/1 matrix: row n marks the items of ``sets[n]``; ``column`` (item ->
    column, extended here) lets two matrices share their columns."""
    column = {} if column is None else column
    rows: list[int] = []
    cols: list[int] = []
    for n, items in enumerate(sets):
        for item in items:
            rows.append(n)
            cols.append(column.setdefault(item, len(column)))
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(column), 1)))


def count_on_pairs(
    left: sparse.csr_matrix, right: sparse.csr_matrix, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Items sentence i[k] (rows of ``left``) shares with sentence j[k] (rows of ``right``), per k."""
    return np.asarray(left[i].multiply(right[j]).sum(axis=1)).ravel()


def bound_adjustments(features: Sequence[Features], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """score_pair's adjustments for the pairs (i[k], j[k]), each bonus at its largest (mutual assumed)."""
    adjust = np.full(len(i), MUTUAL_BONUS)
    if not len(i):
        return adjust

    def both_and_shared(sets: Sequence[frozenset[object]]) -> tuple[np.ndarray, np.ndarray]:
        marks = indicator(sets)
        has = np.array([bool(x) for x in sets])
        return has[i] & has[j], count_on_pairs(marks, marks, i, j)

    both, shared = both_and_shared([f.numbers for f in features])
    adjust += np.where(both, np.where(shared > 0, NUMBER_BONUS, -NUMBER_PENALTY), 0.0)
    both, shared = both_and_shared([f.weekdays for f in features])
    adjust -= WEEKDAY_PENALTY * (both & (shared == 0))
    both, shared = both_and_shared([f.people for f in features])
    adjust -= PEOPLE_PENALTY * (both & (shared == 0))
    stems: dict[object, int] = {}
    intended = indicator([f.intended for f in features], stems)
    done = indicator([f.done for f in features], stems)
    if intended.nnz and done.nnz:
        intended.resize((len(features), len(stems)))
        done.resize((len(features), len(stems)))
        crossed = (count_on_pairs(intended, done, i, j) > 0) | (count_on_pairs(done, intended, i, j) > 0)
        adjust -= INTENT_PENALTY * crossed
    names = indicator([f.names for f in features])
    sizes = np.array([len(f.names) for f in features], dtype=np.float64)
    shared = count_on_pairs(names, names, i, j)
    union = np.maximum(sizes[i] + sizes[j] - shared, 1.0)
    adjust += np.where((sizes[i] > 0) & (sizes[j] > 0), NAMES_BONUS * shared / union, 0.0)
    return adjust


def word_overlap(features: Sequence[Features]) -> np.ndarray:
    """grouping.lexical_overlap's weighted Dice-with-containment part, for every pair."""
    weights = weigh_words(features)
    column: dict[object, int] = {}
    marks = indicator([f.words for f in features], column)
    weight = np.zeros(marks.shape[1])
    for word, n in column.items():
        weight[n] = weights[str(word)]
    shared = np.asarray((marks.multiply(weight[None, :]).tocsr() @ marks.T).todense(), dtype=np.float32)
    size = (marks @ weight).astype(np.float32)
    left, right = size[:, None], size[None, :]
    smaller = np.maximum(np.minimum(left, right), np.float32(1e-9))
    return shared / (left + right + np.float32(1e-9)) + np.float32(0.5) * shared / smaller


def find_repeats(texts: Sequence[str], articles: Sequence[str]) -> np.ndarray:
    """Whether each sentence has a near-verbatim twin in its own article (a possible repeat)."""
    found = np.zeros(len(texts), dtype=bool)
    own: dict[str, list[int]] = {}
    for k, article in enumerate(articles):
        own.setdefault(article, []).append(k)
    for rows in own.values():
        if len(rows) < 2:
            continue
        mine = [texts[k] for k in rows]
        ratios = process.cdist(mine, mine, scorer=fuzz.token_sort_ratio, score_cutoff=REPEAT_RATIO, workers=1)
        np.fill_diagonal(ratios, 0)
        found[np.array(rows)[(ratios >= REPEAT_RATIO).any(axis=1)]] = True
    return found


def choose_minilm_sentences(
    sentences: Sequence[Sentence],
    static: np.ndarray,
    threshold: float,
    min_chars: int,
    margin: float | None = None,
    heads: np.ndarray | None = None,
) -> np.ndarray:
    """Which of ``sentences`` (a story's, with their unit-length static vectors in ``static``)
    need a MiniLM vector: a boolean row per sentence (see the module docstring); ``margin``
    defaults to ``CASCADE_MARGIN``. ``heads``: static vectors of each sentence's main clause
    (``grouping.find_main_clause``; a zero row where it has none), since the claims stage may
    compare a pair that just misses by their clauses."""
    margin = CASCADE_MARGIN if margin is None else margin
    need = np.zeros(len(sentences), dtype=bool)
    keep = [n for n, s in enumerate(sentences) if is_claim_sentence(s, min_chars)]
    if len(keep) < 2:
        return need
    chosen = [sentences[n] for n in keep]
    features = [describe_sentence(s) for s in chosen]  # days need no anchor: they only lower scores
    names = [s.article for s in chosen]
    code = {a: n for n, a in enumerate(dict.fromkeys(names))}
    articles = np.array([code[a] for a in names])
    vectors = static[keep].astype(np.float32)
    upper = np.minimum(vectors @ vectors.T + np.float32(margin), np.float32(1.0))
    best = upper  # the cosine the pair score may use: the whole sentences', or their clauses' (discounted)
    if heads is not None and np.any(heads[keep]):
        clauses = heads[keep].astype(np.float32)
        across = clauses @ vectors.T
        closest = np.maximum(np.maximum(across, across.T), clauses @ clauses.T)
        best = np.maximum(upper, np.minimum(closest + np.float32(margin - CLAUSE_DISCOUNT), np.float32(1.0)))
    # Everything but the fuzzy match and the adjustments, which are bounded first by their largest.
    known = (1 - LEXICAL_SHARE) * best + np.float32(LEXICAL_SHARE * LEXICAL_DICE) * word_overlap(features)
    fuzzy_share = LEXICAL_SHARE * (1 - LEXICAL_DICE)
    most = fuzzy_share + MUTUAL_BONUS + NUMBER_BONUS + NAMES_BONUS
    open_pairs = np.triu((known + most >= threshold) & (upper >= COSINE_FLOOR), k=1)
    open_pairs &= articles[:, None] != articles[None, :]
    rows, cols = np.nonzero(open_pairs)
    fixed = known[rows, cols] + bound_adjustments(features, rows, cols)
    hopeful = fixed + fuzzy_share >= threshold
    rows, cols, fixed = rows[hopeful], cols[hopeful], fixed[hopeful]
    order = np.argsort(-fixed, kind="stable")
    found = np.zeros(len(chosen), dtype=bool)
    texts = [f.text for f in features]
    for k in order.tolist():
        i, j = int(rows[k]), int(cols[k])
        if found[i] and found[j]:
            continue
        if fixed[k] + fuzzy_share * fuzz.token_sort_ratio(texts[i], texts[j]) / 100.0 >= threshold:
            found[i] = found[j] = True
    found |= find_repeats(texts, names)
    need[np.array(keep)[found]] = True
    return need


def embed_heads(
    sentences: Sequence[Sentence], embed: Callable[[list[str]], np.ndarray], dims: int
) -> np.ndarray:
    """Static vectors of each sentence's main clause (``embed``: the static model), zero rows
    where a sentence has none."""
    rows = np.zeros((len(sentences), dims), dtype=np.float32)
    found = {n: head for n, s in enumerate(sentences) if (head := find_main_clause(s.norm or s.text))}
    if found:
        rows[list(found)] = embed(list(found.values()))
    return rows
