"""Input and cleaning: speed, what is removed, and furniture precision/recall on the seeds.

    python bench/ingest_clean.py [SEEDS_DIR] [--allsides N]

Prints: time to read and clean the seeds; removal precision and recall against
tests/data/clean_seed_furniture.json; then, for the first N AllSides articles
(../shared/datasets/allsides/articles.jsonl.gz, read as JSON records), articles
and characters per second and the removals by reason.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

from parallax.clean.evaluate import empty_score, score_removals
from parallax.clean.furniture import clean_article
from parallax.ingest import prepare, read_sources
from parallax.ingest.records import record_to_article

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "clean_seed_furniture.json"


def bench_seeds(seeds: Path) -> None:
    began = time.perf_counter()
    articles, skipped = read_sources([seeds])
    read_s = time.perf_counter() - began
    report = prepare(articles, skipped)
    began = time.perf_counter()
    for article in report.articles:
        clean_article(article)
    clean_s = time.perf_counter() - began
    chars = sum(len(a.original) for a in report.articles)
    print(f"seeds: {len(report.articles)} articles, {chars} characters")
    print(f"  read {read_s * 1000:.1f} ms, clean {clean_s * 1000:.1f} ms")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    score = empty_score()
    for article in report.articles:
        score = score.add(score_removals(article.removed, gold.get(Path(article.source).name[:3], [])))
    print(f"  furniture recall    {score.recall:.3f} ({score.matched}/{score.annotated})")
    print(f"  removal precision   {score.precision:.3f} ({score.matched}/{score.removed})")
    for prefix, reason in score.missed:
        print(f"  missed: {reason}: {prefix!r}")
    for extra in score.extra:
        print(f"  not annotated: {extra.reason}: {extra.text[:60]!r}")


def bench_allsides(path: Path, limit: int) -> None:
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if len(records) >= limit:
                break
    began = time.perf_counter()
    articles = [a for i, r in enumerate(records) if (a := record_to_article(r, f"{path}#{i + 1}"))]
    read_s = time.perf_counter() - began
    began = time.perf_counter()
    for article in articles:
        clean_article(article)
    clean_s = time.perf_counter() - began
    chars = sum(len(a.original) for a in articles)
    removed_chars = sum(r.end - r.start for a in articles for r in a.removed)
    reasons = Counter(r.reason for a in articles for r in a.removed)
    print(f"allsides: {len(articles)} articles, {chars / 1e6:.1f} M characters")
    print(
        f"  read {read_s:.2f} s, clean {clean_s:.2f} s ({len(articles) / clean_s:.0f} articles/s, "
        f"{chars / clean_s / 1e6:.2f} M chars/s)"
    )
    print(f"  removed {removed_chars / chars:.1%} of the characters; by reason:")
    for reason, count in reasons.most_common():
        print(f"    {reason:20s} {count}")
    print(f"  articles with nothing kept: {sum(1 for a in articles if not a.kept)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    parser.add_argument("--allsides", type=int, default=2000, help="AllSides articles to clean (0: none)")
    args = parser.parse_args()
    seeds = Path(args.seeds)
    if seeds.exists():
        bench_seeds(seeds)
    else:
        print(f"{seeds} is absent: seed numbers skipped")
    allsides = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"
    if args.allsides and allsides.exists():
        bench_allsides(allsides, args.allsides)


if __name__ == "__main__":
    main()
