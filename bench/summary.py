"""The neutral summary against NeuS's expert summaries, beside a first-sentence baseline.

    python bench/summary.py                      # all of NeuS val (307 stories)
    python bench/summary.py --split train --stories 60   # a draw of train stories, for tuning
    python bench/summary.py --stories 40 --seed 3        # a quicker draw of val

Each NeuS story holds three outlets' title and lead. Every story is analysed on its own,
as ``parallax analyze`` would (the full default pipeline; the title is the article's title,
the lead its body; no outlet names or dates, which NeuS does not give: each article is its
own outlet). Two summaries are scored against the ``ARTICLE=>`` part of ``neutral_summary``
(its ``TITLE=>`` headline is left out):

* parallax: ``Report.summary`` with ``--sentences`` sentences (default 3, one per article,
  the same length in sentences as the baseline);
* first-sentence: the first sentence of each article's lead (the analysis's own sentence
  split), in input order.

``--cache DIR`` keeps each story's analysis (``summary.SummaryInputs``: the report with its
claims, the vectors and the fragment flags) in DIR, one pickle per story, and reads it back on
later runs, so that changes to the summary alone are measured in seconds; delete DIR when
anything before the summary changes.

ROUGE-1, ROUGE-2 and ROUGE-L F1 come from Google's ``rouge-score`` package (Porter stemming
on), averaged over the stories, as percentages. The loaded-word share is the share of word
tokens that the project's loaded-word lexicon (``Resources.lexicon``, the one the markers
use) lists, pooled over all the summaries of one kind; the references' share is the bar the
summary must stay under.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from rouge_score import rouge_scorer

import parallax
from parallax.analysis.claims.summary import (
    SummaryInputs,
    gather_inputs,
    has_shared_claim,
    main_story_claims,
    summarise,
)
from parallax.ingest.common import new_article
from parallax.lexicons import tokenize_words
from parallax.model import Report
from parallax.options import Options
from parallax.pipeline import default_stages
from parallax.resources import Resources
from parallax.stage import Context, stage

NEUS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "neus"
METRICS = ("rouge1", "rouge2", "rougeL")


def load_stories(split: str, stories: int | None, seed: int) -> list[list[dict[str, str]]]:
    """NeuS stories of one split, each the list of its articles in file order."""
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (NEUS / f"{split}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            grouped[row["story"]].append(row)
    names = sorted(grouped)
    if stories:
        random.Random(seed).shuffle(names)
        names = sorted(names[:stories])
    return [grouped[n] for n in names]


def reference_text(summary: str) -> str:
    """The body of a NeuS neutral summary (after ``ARTICLE=>``), without its headline."""
    _, marker, body = summary.partition("ARTICLE=>")
    return (body if marker else summary).strip()


def analyse_story(rows: list[dict[str, str]], options: Options) -> SummaryInputs:
    """The story analysed by the default pipeline, its summary stage replaced by one that also
    keeps the summary's inputs."""
    articles = [
        new_article(f"{row['id']}.txt", row["text"], title=row["title"], outlet=f"outlet {n + 1}")
        for n, row in enumerate(rows)
    ]
    kept: list[SummaryInputs] = []

    @stage(requires=summarise.requires, provides=summarise.provides)
    def summarise_keeping(ctx: Context) -> None:
        summarise(ctx)
        kept.append(gather_inputs(ctx))

    stages = [summarise_keeping if s is summarise else s for s in default_stages()]
    parallax.analyze(articles, options, stages=stages)
    return kept[0]


def load_inputs(rows: list[dict[str, str]], options: Options, cache: Path | None) -> SummaryInputs:
    """The story's summary inputs, from ``cache`` when it holds them (else analysed, and kept there)."""
    path = cache / f"{rows[0]['story']}.pickle" if cache else None
    if path is not None and path.is_file():
        with path.open("rb") as handle:
            found: SummaryInputs = pickle.load(handle)
        return found
    inputs = analyse_story(rows, options)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(inputs, handle)
    return inputs


def first_sentences(report: Report) -> str:
    return " ".join(a.sentences[0].text for a in report.articles if a.sentences)


def measure_loaded(texts: list[str], loaded: frozenset[str]) -> tuple[int, int]:
    """(loaded word tokens, all word tokens) over ``texts``."""
    words = [w for t in texts for w in tokenize_words(t)]
    return sum(1 for w in words if w in loaded), len(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="val", choices=("val", "train"))
    parser.add_argument("--stories", type=int, default=0, help="a random draw of this many stories (0: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=3, help="summary sentences asked of Parallax")
    parser.add_argument("--details", type=Path, help="write one JSON line per story here")
    parser.add_argument("--cache", type=Path, help="keep each story's analysis here, and reuse it")
    args = parser.parse_args()
    if not NEUS.is_dir():
        print(f"NeuS not found at {NEUS}", file=sys.stderr)
        return 1
    began = time.perf_counter()
    options = Options(summary_sentences=args.sentences)
    loaded = frozenset(Resources(options).lexicon.words)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    scores: dict[str, dict[str, list[float]]] = {k: defaultdict(list) for k in ("parallax", "first-sentence")}
    texts: dict[str, list[str]] = {"parallax": [], "first-sentence": [], "reference": []}
    fallback = 0
    details = args.details.open("w", encoding="utf-8") if args.details else None
    stories = load_stories(args.split, args.stories or None, args.seed)
    for rows in stories:
        inputs = load_inputs(rows, options, args.cache)
        report = inputs.report
        summary = inputs.write(args.sentences)
        reference = reference_text(rows[0]["neutral_summary"])
        candidates = {
            "parallax": " ".join(s.text for s in summary),
            "first-sentence": first_sentences(report),
        }
        fallback += not has_shared_claim(main_story_claims(report))
        texts["reference"].append(reference)
        for kind, text in candidates.items():
            texts[kind].append(text)
            result = scorer.score(reference, text)
            for metric in METRICS:
                scores[kind][metric].append(100 * result[metric].fmeasure)
        if details:
            details.write(
                json.dumps({"story": rows[0]["story"], **candidates, "reference": reference}) + "\n"
            )
    if details:
        details.close()
    out: dict[str, object] = {"split": args.split, "stories": len(stories), "sentences": args.sentences}
    for kind, by_metric in scores.items():
        out[kind] = {m: round(statistics.fmean(v), 2) for m, v in by_metric.items()}
    for kind, kind_texts in texts.items():
        hits, total = measure_loaded(kind_texts, loaded)
        out[f"loaded_share_{kind}"] = round(hits / max(1, total), 4)
    out["stories_without_a_shared_claim"] = fallback
    out["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
