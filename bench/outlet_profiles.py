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
    python bench/outlet_profiles.py --corpus CORPUS.db   # story-level figures from stored analyses

With ``--corpus``, the story-level figures (exclusive, omitted and anonymous-source shares, copies
per article) are pooled the same way from the analyses stored in a corpus whose outlets carry a
leaning (an ingested AllSides subset, for example).
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

# Article-level columns, and each figure as (name, numerator column, denominator columns, scale).
COLUMNS = ("words", "loaded", "judging", "hedges", "wire", "articles")
FIGURES = [
    ("loaded/1k", "loaded", ("words",), 1000.0),
    ("judging verbs/1k", "judging", ("words",), 1000.0),
    ("hedges/1k", "hedges", ("words",), 1000.0),
    ("wire share", "wire", ("articles",), 1.0),
]
# Story-level columns (``parallax.corpus.profiles`` counts, summed per outlet) and figures.
STORY_COLUMNS = ("claims", "exclusive", "omitted", "anonymous_sources", "named_sources", "articles", "copies")
STORY_FIGURES = [
    ("exclusive share", "exclusive", ("claims",), 1.0),
    ("omitted share", "omitted", ("claims", "omitted"), 1.0),
    ("anonymous source share", "anonymous_sources", ("anonymous_sources", "named_sources"), 1.0),
    ("copies per article", "copies", ("articles",), 1.0),
]
Figure = tuple[str, str, tuple[str, ...], float]
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


def pooled(table: np.ndarray, columns: tuple[str, ...], figure: Figure) -> float:
    """A figure pooled over the rows of ``table`` (outlets): sum of its numerator / sum of its denominator."""
    _, part, whole, scale = figure
    total = sum(table[:, columns.index(c)].sum() for c in whole)
    return float(scale * table[:, columns.index(part)].sum() / total) if total else float("nan")


def bootstrap(
    per_outlet: dict[str, np.ndarray], columns: tuple[str, ...], figures: list[Figure], rounds: int, seed: int
) -> list[tuple[float, float, float]]:
    """(pooled value, 2.5 %, 97.5 %) of each figure for one group, resampling its outlets."""
    table = np.array([per_outlet[n] for n in sorted(per_outlet)])
    rng = np.random.default_rng(seed)
    draws = np.zeros((rounds, len(figures)))
    for r in range(rounds):
        sample = table[rng.integers(0, len(table), len(table))]
        draws[r] = [pooled(sample, columns, f) for f in figures]
    low, high = np.nanpercentile(draws, [2.5, 97.5], axis=0)
    points = [pooled(table, columns, f) for f in figures]
    return [(p, float(a), float(b)) for p, a, b in zip(points, low, high, strict=True)]


def print_groups(
    totals: dict[str, dict[str, np.ndarray]], columns: tuple[str, ...], figures: list[Figure], args: Any
) -> None:
    """One table row per leaning group: outlets, articles, words (when counted), each figure with its CI."""
    header = ["group", "outlets", "articles", *(["words"] if "words" in columns else [])]
    header += [f"{name} [95% CI]" for name, *_ in figures]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for n, group in enumerate(GROUPS):
        per_outlet = totals.get(group, {})
        if not per_outlet:
            continue
        table = np.array(list(per_outlet.values()))
        cells = [group, str(len(per_outlet)), str(int(table[:, columns.index("articles")].sum()))]
        if "words" in columns:
            cells.append(str(int(table[:, columns.index("words")].sum())))
        for (name, *_), (value, low, high) in zip(
            figures, bootstrap(per_outlet, columns, figures, args.rounds, args.seed + n), strict=True
        ):
            digits = 2 if "/1k" in name else 3
            cells.append(f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]")
        print("| " + " | ".join(cells) + " |")


def story_level(db: str, args: Any) -> None:
    """Story-level profile figures by the outlets' leaning group, from a corpus's stored analyses."""
    from parallax.corpus.connect import open_store
    from parallax.corpus.outlets import load_outlets
    from parallax.corpus.profiles import current_figures, outlet_profiles

    with open_store(db) as store:
        figures = current_figures(store)
        profiles = outlet_profiles(store, figures=figures)
        outlets = {o.id: o for o in load_outlets(store)}
    stories = len({story for story, _, _ in figures})
    print(f"corpus {db}: {stories} analysed stories, {len(figures)} analysed articles")
    totals: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    for outlet_id, profile in profiles.items():
        group = side_of(outlets[outlet_id].fact("leaning")) if outlet_id in outlets else None
        if group not in GROUPS:
            continue
        counts = dict(profile.counts)
        counts |= {"articles": profile.articles, "copies": sum(profile.copies_from.values())}
        row = np.array([counts.get(c, 0) for c in STORY_COLUMNS], dtype=float)
        totals[str(group)][outlets[outlet_id].name] = row
    print(f"bootstrap: {args.rounds} rounds over outlets, seed {args.seed}\n")
    print_groups(totals, STORY_COLUMNS, STORY_FIGURES, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, nargs="?", help="AllSides articles.jsonl.gz")
    parser.add_argument("--seconds", type=float, default=600.0, help="stop reading after this long")
    parser.add_argument("--limit", type=int, default=0, help="at most this many articles (0: all)")
    parser.add_argument("--rounds", type=int, default=2000, help="bootstrap rounds")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--corpus", default="", help="instead: story-level figures from this corpus's stored analyses"
    )
    args = parser.parse_args()
    if args.corpus:
        story_level(args.corpus, args)
        return

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
        row = np.array([counts.get(c, 1) for c in COLUMNS], dtype=float)  # articles: 1
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
    print_groups(totals, COLUMNS, FIGURES, args)


if __name__ == "__main__":
    main()
