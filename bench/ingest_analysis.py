"""Analysis as part of ingest: ingest + queue analysis of the first N AllSides articles, and the cost
of one article joining a 20-article story (no reuse yet: a full re-analysis of 21 articles).

    python bench/ingest_analysis.py                 # the first 1,000 articles
    python bench/ingest_analysis.py --limit 200     # a quicker subset
    python bench/ingest_analysis.py --skip-join     # only the ingest + analysis part

Runs through the real corpus path (a fresh SQLite file, ``ingest`` then ``work_queue``)
with the default options. Prints wall times, stories analysed, seconds per analysed story
and per article; then analyses the 20 first articles of the largest story and the same
20 plus one more, and prints both times.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from parallax.corpus.connect import open_store  # noqa: E402
from parallax.corpus.intake import ingest  # noqa: E402
from parallax.corpus.queue import count_states, work_queue  # noqa: E402

ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def first_lines(limit: int, out: Path) -> None:
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as source, out.open("w", encoding="utf-8") as sink:
        for number, line in enumerate(source):
            if number >= limit:
                break
            sink.write(line)


def measure_join(store_path: str, size: int = 20) -> None:
    import parallax

    store = open_store(store_path)
    try:
        stories = [s for s in store.story_records(include_ids=False) if s.size > size]
        if not stories:
            print(f"join: no story has more than {size} articles; skipped")
            return
        story = stories[0]
        members = [m.to_article() for m in store.story_members(story.id)][: size + 1]
    finally:
        store.close()
    began = time.perf_counter()
    parallax.analyze(members[:size])
    full = time.perf_counter() - began
    began = time.perf_counter()
    parallax.analyze(members)
    joined = time.perf_counter() - began
    print(f"join: story {story.id} ({story.size} articles); {size} articles analysed in {full:.1f} s")
    print(f"join: one more article -> re-analysis of {size + 1} articles in {joined:.1f} s (no reuse)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--skip-join", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        first_lines(args.limit, source)
        target = str(Path(tmp) / "corpus.db")
        store = open_store(target)
        began = time.perf_counter()
        summary = ingest(store, [str(source)])
        ingested = time.perf_counter() - began
        queued = count_states(store).get("pending", 0)
        began = time.perf_counter()
        done = work_queue(store)
        analysed = time.perf_counter() - began
        stories = len(store.story_records(include_ids=False))
        store.close()
        total = ingested + analysed
        print(f"articles: {summary.added} stored; {stories} stories; {queued} queued (two or more outlets)")
        print(f"ingest + clustering: {ingested:.1f} s")
        print(f"analysis: {done.analysed} stories analysed, {done.failed} failed, in {analysed:.1f} s")
        print(f"per analysed story: {analysed / max(done.analysed, 1):.2f} s")
        print(f"total: {total:.1f} s; per article: {total / max(summary.added, 1):.3f} s")
        if not args.skip_join:
            measure_join(target)


if __name__ == "__main__":
    main()
