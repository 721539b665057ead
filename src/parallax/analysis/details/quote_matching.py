"""Quotes matched across outlets: verbatim, reworded (quote drift, with a word diff), or a
paraphrase presented as a quote (one outlet quotes words another states as its own).

Only pairs of wordings that can match are compared (``candidate_pairs``), and each compared
pair's word overlap is kept in the run's analysis cache, so when one article joins a story
only its quotes' pairs are scored again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from itertools import pairwise

from parallax.analysis.details.speakers import SPEECH_VERBS
from parallax.model import DiffPiece, Quote, QuoteMatch, Report, Sentence
from parallax.nlp.article_cache import code_digest, digest, reuse_values
from parallax.nlp.cache import AnalysisCache
from parallax.text.disjoint import DisjointSet
from parallax.text.words import fact_stop_words

_NOT_WORD = re.compile(r"[^\w'\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def normalise_words(text: str) -> list[str]:
    """Lower-case words with punctuation and apostrophe variants removed."""
    # One substitution over the whole text, then a split: the same words as cleaning
    # each whitespace-separated token on its own, at a fraction of the cost.
    cleaned = _NOT_WORD.sub("", text.translate(_APOSTROPHES))
    return [w for w in (t.strip("'").lower() for t in cleaned.split()) if w]


def word_diff(first: str, second: str) -> list[DiffPiece]:
    """A word-level diff of two wordings (comparison ignores case and punctuation)."""
    a, b = first.split(), second.split()
    ka = [" ".join(normalise_words(w)) for w in a]
    kb = [" ".join(normalise_words(w)) for w in b]
    pieces: list[DiffPiece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("=", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(DiffPiece("-", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(DiffPiece("+", " ".join(b[j1:j2])))
    return pieces


def overlap(a: list[str], b: list[str]) -> float:
    """Share of the shorter wording's words found, in order, in the other."""
    if not a or not b:
        return 0.0
    matched = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / min(len(a), len(b))


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _content(words: Iterable[str]) -> set[str]:
    stops = fact_stop_words()
    return {w for w in words if w not in stops and len(w) > 2}


def _context_words(report: Report, quote: Quote) -> set[str]:
    article = report.article(quote.article)
    for s in article.sentences:
        if s.id == quote.sentence:
            return _content(normalise_words(s.text)) - set(normalise_words(quote.text)) - SPEECH_VERBS
    return set()


def candidate_pairs(words: list[list[str]], content: list[set[str]]) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of wordings ``compare_quotes`` can match, in order: the same words,
    one of three or more words inside the other (which then holds its first two words in a row),
    or two content words shared (as a reworded pair must). Every other pair is skipped."""
    same: dict[tuple[str, ...], list[int]] = {}  # the whole wording -> wordings equal to it
    starting: dict[tuple[str, str], list[int]] = {}  # first two words -> wordings of 3+ words
    holding: dict[str, list[int]] = {}  # content word -> wordings that hold it
    for n, (w, c) in enumerate(zip(words, content, strict=True)):
        if not w:
            continue
        same.setdefault(tuple(w), []).append(n)
        if len(w) >= 3:
            starting.setdefault((w[0], w[1]), []).append(n)
        for word in c:
            holding.setdefault(word, []).append(n)
    found: set[tuple[int, int]] = set()
    for members in same.values():
        found.update((i, j) for i in members for j in members if i < j)
    for n, w in enumerate(words):
        for bigram in set(pairwise(w)):
            found.update((min(n, m), max(n, m)) for m in starting.get(bigram, ()) if m != n)
        shared = Counter(m for word in content[n] for m in holding[word] if m > n)
        found.update((n, m) for m, count in shared.items() if count >= 2)
    return sorted(found)


def compare_quotes(
    report: Report,
    reworded_at: float = 0.5,
    paraphrase_at: float = 0.6,
    cache: AnalysisCache | None = None,
) -> list[QuoteMatch]:
    """Match quotes across articles: verbatim, reworded (with a word diff), paraphrase.
    The word overlap of each pair of wordings is kept in ``cache``, when given, for the next run."""
    labels = {a.id: a.label for a in report.articles}
    quotes = report.quotes
    words = {q.id: normalise_words(q.text) for q in quotes}
    content = {qid: _content(w) for qid, w in words.items()}
    same: DisjointSet[str] = DisjointSet(q.id for q in quotes)

    scored: list[tuple[Quote, Quote]] = []  # pairs whose word overlap decides whether they are reworded
    for i, j in candidate_pairs([words[q.id] for q in quotes], [content[q.id] for q in quotes]):
        a, b = quotes[i], quotes[j]
        if a.article == b.article:
            continue
        wa, wb = words[a.id], words[b.id]
        short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        if short == long or (len(short) >= 3 and _contains(long, short)):
            if len(short) < 3 and not (_context_words(report, a) & _context_words(report, b)):
                continue  # "Yes." in two unrelated sentences is not the same quote
            same.merge(a.id, b.id)
        elif len(short) >= 4 and len(content[a.id] & content[b.id]) >= 2:
            scored.append((a, b))
    scores = reuse_values(
        cache,
        f"quote-overlap:{code_digest()}",
        [digest(words[a.id], words[b.id]) for a, b in scored],
        lambda wanted: [overlap(words[scored[n][0].id], words[scored[n][1].id]) for n in wanted],
        float,
        (lambda score: repr(score).encode("ascii"), lambda data: float(data)),
    )
    reworded = [(a, b, score) for (a, b), score in zip(scored, scores, strict=True) if score >= reworded_at]
    matches: list[QuoteMatch] = []
    clusters: dict[str, list[Quote]] = {}
    for q in quotes:
        clusters.setdefault(same[q.id], []).append(q)
    for members in clusters.values():
        if len({q.article for q in members}) > 1:
            matches.append(
                QuoteMatch(
                    kind="verbatim", quotes=[q.id for q in members],
                    articles=list(dict.fromkeys(q.article for q in members)),
                    outlets=list(dict.fromkeys(labels[q.article] for q in members)), similarity=1.0,
                )
            )  # fmt: skip
    seen_pairs: set[tuple[str, str]] = set()
    for a, b, score in sorted(reworded, key=lambda x: -x[2]):
        first, second = sorted((same[a.id], same[b.id]))
        pair = (first, second)
        if pair in seen_pairs or pair[0] == pair[1]:
            continue
        seen_pairs.add(pair)
        matches.append(
            QuoteMatch(
                kind="reworded", quotes=[a.id, b.id], articles=[a.article, b.article],
                outlets=list(dict.fromkeys([labels[a.article], labels[b.article]])),
                similarity=round(score, 3), diff=word_diff(a.text, b.text),
            )
        )  # fmt: skip
    matches += find_paraphrases(report, words, paraphrase_at, {q.id: same[q.id] for q in quotes})
    return matches


def _quoted_ranges(report: Report) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for q in report.quotes:
        out.setdefault(q.article, []).append((q.start, q.end))
    return out


def longest_run(a: list[str], b: list[str]) -> int:
    """Length of the longest run of words the two wordings share."""
    if not a or not b:
        return 0
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def find_paraphrases(
    report: Report, words: dict[str, list[str]], threshold: float, group: dict[str, str] | None = None
) -> list[QuoteMatch]:
    """Quotes whose words another article states as its own, without quote marks.

    A sentence qualifies when it holds ``threshold`` of the quote's content words and
    shares a run of at least four words (or most of a short quote) with it. ``group``
    maps each quote to its verbatim group, so one group is reported once per article.
    """
    labels = {a.id: a.label for a in report.articles}
    quoted = _quoted_ranges(report)
    out: list[QuoteMatch] = []
    done: set[tuple[str, str]] = set()
    # Each sentence outside quote marks is read once: its words, and an index from content
    # word to the sentences holding it, so a quote is scored only against sentences that
    # share enough of its content words to reach ``threshold`` (the best sentence among
    # them is the same one a scan of every sentence would pick).
    plain: dict[str, list[tuple[Sentence, list[str]]]] = {}
    holding: dict[str, dict[str, list[int]]] = {}  # article -> content word -> sentence positions
    for article in report.articles:
        ranges = quoted.get(article.id, [])
        rows = plain.setdefault(article.id, [])
        index = holding.setdefault(article.id, {})
        for s in article.sentences:
            if any(a < s.end and s.start < b for a, b in ranges):
                continue  # the other article quotes it too (or something else here)
            swords = normalise_words(s.text)
            for w in _content(swords):
                index.setdefault(w, []).append(len(rows))
            rows.append((s, swords))
    everywhere: dict[str, list[tuple[str, int]]] = {}  # content word -> (article, row) holding it
    row_content: dict[tuple[str, int], set[str]] = {}
    for article_id, index in holding.items():
        for w, where in index.items():
            for row in where:
                everywhere.setdefault(w, []).append((article_id, row))
                row_content.setdefault((article_id, row), set()).add(w)
    by_id = {a.id: a for a in report.articles}
    order = {a.id: n for n, a in enumerate(report.articles)}
    for q in report.quotes:
        qwords = words[q.id]
        qcontent = _content(qwords)
        if len(qwords) < 5 or len(qcontent) < 3:
            continue
        needed_run = min(4, max(2, int(0.6 * len(qwords))))
        # A sentence holding ``least`` of the quote's content words holds one of its
        # ``len - least + 1`` rarest (pigeonhole): only their sentences are counted.
        least = next((k for k in range(len(qcontent) + 1) if k / len(qcontent) >= threshold), None)
        if least is None:
            continue
        rarest = sorted(qcontent, key=lambda w: (len(everywhere.get(w, ())), w))[: len(qcontent) - least + 1]
        counts: dict[str, dict[int, int]] = {}  # article -> row -> content words shared
        for w in rarest:
            for article_id, row in everywhere.get(w, ()):
                tally = counts.setdefault(article_id, {})
                if row not in tally:
                    tally[row] = len(qcontent & row_content[(article_id, row)])
        for article in sorted((by_id[a] for a in counts), key=lambda a: order[a.id]):
            if article.id == q.article:
                continue  # (an article with no sentence sharing a content word has nothing to find)
            key = ((group or {}).get(q.id, q.id), article.id)
            if key in done:
                continue
            shared = counts[article.id]
            best: tuple[float, Sentence | None] = (0.0, None)
            for row in sorted(n for n, count in shared.items() if count / len(qcontent) >= threshold):
                s, swords = plain[article.id][row]
                score = shared[row] / len(qcontent)
                if score > best[0] and longest_run(qwords, swords) >= needed_run:
                    best = (score, s)
            score, sentence = best
            if sentence is None or score < threshold:
                continue
            done.add(key)
            out.append(
                QuoteMatch(
                    kind="paraphrase", quotes=[q.id], articles=[q.article, article.id],
                    outlets=list(dict.fromkeys([labels[q.article], labels[article.id]])),
                    similarity=round(score, 3), diff=word_diff(q.text, sentence.text),
                    sentence=sentence.id, text=sentence.text,
                )
            )  # fmt: skip
    return out
