"""Do text-measured outlet profiles separate outlets? Loaded words, judging attribution verbs and
hedges per 1,000 words by the AllSides leaning group, with bootstrap 95 % confidence intervals.

These three figures are lexicon-based and need no story analysis: each article is cut into
pieces (``cut_pieces``: paragraphs and glued sentences) and run through the same finders the
``flag_judgement_words`` stage uses (``parallax.analysis.wording.markers``), with the default
lexicons (VADER only for loaded words). Words are counted as ``parallax.corpus.profiles`` counts
them (whitespace tokens). No entities are found, so names are not excluded from loaded words.

A group's rate is its pooled rate: 1000 * (sum of counts) / (sum of words). The intervals
resample outlets (a cluster bootstrap: an outlet's articles move together, since articles of one
outlet are not independent), then articles within the drawn outlets are kept whole. Articles are
measured in a seeded random order until ``--seconds`` run out, so a partial run is a fair sample. The wire
share is the share of articles whose text opens with a "(Reuters) -" style dateline.

    nice -n 10 python bench/outlet_profiles.py ../shared/datasets/allsides/articles.jsonl.gz \
        --seconds 600
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from parallax.analysis.reading.sentences import cut_pieces
from parallax.analysis.wording.markers import find_attribution_verbs, find_hedges, find_loaded_words
from parallax.corpus.outlet_names import side_of
from parallax.corpus.outlets import dateline_agency
from parallax.lexicons import load_loaded_lexicon
from parallax.model import Article, Sentence

FIGURES = ("loaded", "judging", "hedges", "wire")
GROUPS = ("left", "center", "right")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def article_of(record: dict[str, Any]) -> Article:
    text = str(record.get("text") or "")
    article = Article(
        id=str(record.get("id")),
        source="allsides",
        title=str(record.get("title") or ""),
        outlet=str(record.get("outlet") or ""),
        published=None,
        language="en",
        original=text,
        text=text,
    )
    article.sentences = [
        Sentence(f"{article.id}:s{i}", article.id, i, text[start:end], start, end)
        for i, (start, end) in enumerate(cut_pieces(text, 0))
    ]
    return article


def measure(record: dict[str, Any], lexicon: Any) -> dict[str, int]:
    """One article's words and counts of loaded words, judging verbs, hedges and a wire dateline."""
    article = article_of(record)
    return {
        "words": len(article.text.split()),
        "loaded": len(find_loaded_words(article, lexicon)),
        "judging": len(find_attribution_verbs(article, judgement_only=True)),
        "hedges": len(find_hedges(article)),
        "wire": int(dateline_agency(article.text) is not None),
    }


def pooled(sums: np.ndarray, words: np.ndarray, figure: int) -> float:
    if figure == FIGURES.index("wire"):
        return float(sums[:, figure].sum() / sums[:, -1].sum())  # last column: articles
    return float(1000 * sums[:, figure].sum() / words.sum())


def bootstrap(
    per_outlet: dict[str, np.ndarray], rounds: int, seed: int
) -> tuple[list[float], list[tuple[float, float]]]:
    """Pooled figures of one group and their 95 % intervals from resampling its outlets."""
    names = sorted(per_outlet)
    table = np.array([per_outlet[n] for n in names])  # outlets x (words, counts..., articles)
    words, sums = table[:, 0], table[:, 1:]
    point = [pooled(sums, words, f) for f in range(len(FIGURES))]
    rng = np.random.default_rng(seed)
    draws = np.zeros((rounds, len(FIGURES)))
    for r in range(rounds):
        pick = rng.integers(0, len(names), len(names))
        for f in range(len(FIGURES)):
            draws[r, f] = pooled(sums[pick], words[pick], f)
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    return point, [(float(a), float(b)) for a, b in zip(low, high, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="AllSides articles.jsonl.gz")
    parser.add_argument("--seconds", type=float, default=600.0, help="stop reading after this long")
    parser.add_argument("--limit", type=int, default=0, help="at most this many articles (0: all)")
    parser.add_argument("--rounds", type=int, default=2000, help="bootstrap rounds")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    lexicon = load_loaded_lexicon()
    began = time.perf_counter()
    # group -> outlet -> [words, loaded, judging, hedges, wire, articles]
    totals: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    read = skipped = 0
    records = list(read_records(args.path))
    order = np.random.default_rng(args.seed).permutation(len(records))  # a fair sample if time runs out
    for index in order:
        record = records[int(index)]
        if (args.limit and read >= args.limit) or time.perf_counter() - began > args.seconds:
            break
        read += 1
        group = side_of(str(record.get("leaning") or ""))
        if group not in GROUPS or not record.get("text"):
            skipped += 1
            continue
        counts = measure(record, lexicon)
        row = np.array([counts["words"], *(counts[f] for f in FIGURES), 1], dtype=float)
        outlet = str(record.get("domain") or record.get("outlet") or "?")
        held = totals[group].get(outlet)
        totals[group][outlet] = row if held is None else held + row
    seconds = time.perf_counter() - began
    print(
        f"articles measured: {read} of {len(records)}, in random order (skipped {skipped}: no text or "
        f"no leaning) in {seconds:.0f} s"
    )
    print(f"lexicon: {'; '.join(lexicon.sources)}")
    print(f"bootstrap: {args.rounds} rounds over outlets, seed {args.seed}\n")
    header = ["group", "outlets", "articles", "words"]
    header += ["loaded/1k [95% CI]", "judging verbs/1k [95% CI]", "hedges/1k [95% CI]", "wire share [95% CI]"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for n, group in enumerate(GROUPS):
        per_outlet = totals.get(group, {})
        if not per_outlet:
            continue
        point, intervals = bootstrap(per_outlet, args.rounds, args.seed + n)
        table = np.array(list(per_outlet.values()))
        cells = [group, str(len(per_outlet)), str(int(table[:, -1].sum())), str(int(table[:, 0].sum()))]
        for f, (value, (low, high)) in enumerate(zip(point, intervals, strict=True)):
            digits = 3 if FIGURES[f] == "wire" else 2
            cells.append(f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
