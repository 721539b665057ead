"""Accuracy of quantity extraction and quote attribution on the hand-annotated seeds.

    python bench/extraction.py [../shared/seeds]

Gold: tests/data/seed_numbers.json and tests/data/seed_quotes.json (every
quantity and every direct quote in the five seed reports, located by a short
substring). Runs only the stages these need (cleaning, sentences, timeline,
quotes, numbers; no embeddings) and prints precision, recall and accuracies.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The figures in docs/benchmarks.md use BABE's biased words: point at the shared copy
# unless PARALLAX_BABE already names one (Parallax never searches for BABE itself).
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))
DATA = ROOT / "tests" / "data"


def load_gold(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))["items"]
    return items


def locate(report: Any, item: dict[str, Any]) -> tuple[str, int, int] | None:
    """(article id, start, end) of an annotation's snippet in its seed's original text."""
    for a in report.articles:
        if Path(a.source.split("#")[0]).name == item["seed"]:
            at = a.original.find(item["near"])
            if at < 0:
                raise ValueError(f"annotation snippet {item['near']!r} is not in {item['seed']}")
            return a.id, at, at + len(item["near"])
    return None


def score_numbers(report: Any, gold: list[dict[str, Any]]) -> dict[str, float]:
    """Recall and precision of quantities (right value at the right place), kind and event accuracy."""
    matched: set[str] = set()
    found = value_ok = kind_ok = event_ok = 0
    for item in gold:
        where = locate(report, item)
        if where is None:
            continue
        art, lo, hi = where
        hits = [q for q in report.quantities if q.article == art and q.start < hi and lo < q.end]
        hits = [q for q in hits if q.value == item["value"]] or hits
        if not hits:
            continue
        q = hits[0]
        matched.add(q.id)
        found += 1
        value_ok += q.value == item["value"] and q.high == item.get("high") and q.bound == item["bound"]
        kind_ok += q.kind == item["kind"]
        event_ok += q.event == item["event"]
    total = len(gold)
    return {
        "quantity_recall": found / total if total else 0.0,
        "quantity_precision": len(matched) / len(report.quantities) if report.quantities else 0.0,
        "quantity_value_accuracy": value_ok / total if total else 0.0,
        "quantity_kind_accuracy": kind_ok / found if found else 0.0,
        "quantity_event_accuracy": event_ok / found if found else 0.0,
    }


def score_quotes(report: Any, gold: list[dict[str, Any]]) -> dict[str, float]:
    """Recall and precision of quote detection, and speaker accuracy over all gold quotes."""
    matched: set[str] = set()
    found = right = 0
    for item in gold:
        where = locate(report, item)
        if where is None:
            continue
        art, lo, hi = where
        hits = [q for q in report.quotes if q.article == art and q.start <= lo and hi <= q.end + 1]
        if not hits:
            continue
        q = hits[0]
        matched.add(q.id)
        found += 1
        speaker = (q.speaker or "").lower()
        right += any(word.lower() in speaker for word in item["speaker"])
    total = len(gold)
    return {
        "quote_recall": found / total if total else 0.0,
        "quote_precision": len(matched) / len(report.quotes) if report.quotes else 0.0,
        "quote_speaker_accuracy": right / total if total else 0.0,
    }


def analyse_seeds(seeds: Path) -> Any:
    """The seeds through the stages extraction needs (no embeddings)."""
    from parallax import pipeline
    from parallax.analysis.details.numbers import compare_numbers
    from parallax.analysis.details.quotes import compare_quote_wording
    from parallax.analysis.details.timeline import build_dated_timeline
    from parallax.analysis.reading.sentences import split_sentences
    from parallax.clean.furniture import clean_articles
    from parallax.ingest import prepare, read_sources
    from parallax.options import Options

    articles, skipped = read_sources([seeds])
    report = prepare(articles, skipped)
    stages = [clean_articles, split_sentences, build_dated_timeline, compare_quote_wording, compare_numbers]
    return pipeline.run(report, Options(), stages)


def main(argv: list[str]) -> int:
    seeds = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"{seeds} is absent: give the folder of seed reports", file=sys.stderr)
        return 2
    began = time.perf_counter()
    report = analyse_seeds(seeds)
    elapsed = time.perf_counter() - began
    numbers = score_numbers(report, load_gold("seed_numbers.json"))
    quotes = score_quotes(report, load_gold("seed_quotes.json"))
    print(
        f"seeds: {len(report.articles)} articles, {len(report.quantities)} quantities, "
        f"{len(report.quotes)} quotes"
    )
    for name, value in {**numbers, **quotes}.items():
        print(f"{name:28s} {value:.3f}")
    print("comparisons:", ", ".join(f"{c.measure}={c.verdict}" for c in report.number_comparisons))
    print("quote matches:", ", ".join(f"{m.kind}" for m in report.quote_matches))
    print("timeline entries:", len(report.timeline), "inferred dates:",
          ", ".join(f"{a.label}={a.published}" for a in report.articles if a.published_inferred))  # fmt: skip
    print("stage seconds: " + ", ".join(f"{k}={v:.2f}" for k, v in report.timings.items()))
    print(f"total seconds (with model loading): {elapsed:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
