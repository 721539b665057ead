"""What the analysis cache saves when one article joins a story (issue 13 item 6, issue 12 item 3).

For each story size N (the AllSides cut of ``bench/speed.py``: the largest topic within one
ISO week, its first N articles by date and id):

1. cold: a full analysis of the N articles with no cache, as before the cache existed;
2. cold with the store cache: the same, writing every vector and parse to an empty
   ``text_cache`` table in a temporary SQLite corpus (the cost of filling the cache);
3. warm: the first N-1 articles analysed with a fresh store cache (not timed), then the
   N articles analysed again through it: only the new article's texts are embedded and parsed.

Each timed analysis starts with the process's per-text memos emptied (``forget_memos``), as
in a new process. Prints the seconds of each (wall, and CPU for cold and warm), the warm/cold ratios, the
stages that dominate the warm run, what the warm run still computed, the cache's bytes per
article by kind, how many articles' title+lead texts (what ingest embeds for clustering)
equal a sentence text the analysis embeds (only those could seed the cache from ingest),
and whether the warm report equals the cold one.

    python bench/reuse.py [--articles 20,100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import parallax
from parallax.codec import report_to_dict
from parallax.corpus.connect import open_store
from parallax.corpus.features import lead_text
from parallax.corpus.text_cache import StoreCache
from parallax.model import Article, Report
from parallax.options import Options
from speed import SHARED, cut_allsides_story, time_model_loading


def copy_articles(articles: list[Article]) -> list[Article]:
    """Fresh Article objects (an analysis fills in its articles' fields)."""
    return [
        Article(
            id="",
            source=a.source,
            title=a.title,
            outlet=a.outlet,
            published=a.published,
            language=a.language,
            original=a.original,
        )
        for a in articles
    ]


CPU: dict[int, float] = {}  # id of a report -> CPU seconds of the process (all threads) making it


def forget_memos() -> int:
    """Empty every bounded ``functools.lru_cache`` (the per-text memos of words, names and terms),
    so that a timed analysis starts as in a new process with its models loaded, not helped by
    the texts of the analyses before it. Returns how many were emptied."""
    import functools
    import gc

    memos = [
        f
        for f in gc.get_objects()
        if isinstance(f, functools._lru_cache_wrapper) and f.cache_parameters()["maxsize"] is not None
    ]
    for memo in memos:
        memo.cache_clear()
    return len(memos)


def timed(articles: list[Article], options: Options, cache: StoreCache | None) -> tuple[float, Report]:
    """Wall seconds of one analysis, and its report; its CPU seconds go to ``CPU``: on a machine
    shared with other work the CPU time is the steadier measure of what an analysis costs."""
    forget_memos()
    began, cpu = time.perf_counter(), time.process_time()
    report = parallax.analyze(copy_articles(articles), options, cache=cache)
    CPU[id(report)] = time.process_time() - cpu
    return time.perf_counter() - began, report


def comparable(report: Report) -> dict[str, object]:
    data = report_to_dict(report)
    return {k: v for k, v in data.items() if k not in ("timings", "generated_by")}


def cache_bytes(cache: StoreCache) -> dict[str, tuple[int, int]]:
    rows = cache.store.rows("SELECT kind, COUNT(*), SUM(LENGTH(value)) FROM text_cache GROUP BY kind")
    return {str(kind): (int(n), int(size)) for kind, n, size in rows}


def measure(articles: list[Article], options: Options, folder: Path) -> None:
    n = len(articles)
    print(f"\n== story of {n} articles (load average {os.getloadavg()[0]:.2f}) ==")
    cold, report = timed(articles, options, None)
    sentences = sum(len(a.sentences) for a in report.articles)
    print(f"cold, no cache:          {cold:6.2f} s  ({sentences} sentences)")

    filled = open_store(str(folder / f"filled-{n}.db"))
    fill_cache = StoreCache(filled)
    filling, _ = timed(articles, options, fill_cache)
    print(f"cold, filling the cache: {filling:6.2f} s")
    for kind, (rows, size) in sorted(cache_bytes(fill_cache).items()):
        print(f"  cache {kind}: {rows} texts, {size / n / 1024:.1f} KiB per article")
    filled.close()

    store = open_store(str(folder / f"warm-{n}.db"))
    cache = StoreCache(store)
    timed(articles[:-1], options, cache)
    misses, hits = dict(cache.stats.misses), dict(cache.stats.hits)
    warm, warm_report = timed(articles, options, cache)
    print(f"warm, one article joins: {warm:6.2f} s  ratio warm/cold {warm / cold:.3f}")
    cold_cpu, warm_cpu = CPU[id(report)], CPU[id(warm_report)]
    print(f"CPU seconds: cold {cold_cpu:.2f}, warm {warm_cpu:.2f}, ratio warm/cold {warm_cpu / cold_cpu:.3f}")
    for kind in sorted(cache.stats.misses):
        made = cache.stats.misses[kind] - misses.get(kind, 0)
        reused = cache.stats.hits.get(kind, 0) - hits.get(kind, 0)
        print(f"  {kind.split(':')[0]}: computed {made} texts, reused {reused}")
    top = sorted(warm_report.timings.items(), key=lambda item: -item[1])[:6]
    print("  warm stages: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in top))
    cold_top = sorted(report.timings.items(), key=lambda item: -item[1])[:4]
    print("  cold stages: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in cold_top))
    store.close()
    same_report = comparable(warm_report) == comparable(report)
    print(f"  warm report equals the cold one (apart from timings): {'yes' if same_report else 'NO'}")

    texts = {s.norm or s.text for a in report.articles for s in a.sentences}
    leads = [lead_text(a.title, a.original) for a in articles]
    same = sum(1 for lead in leads if lead in texts)
    print(f"title+lead texts equal to an analysed sentence: {same} of {n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="20", help="story sizes, comma-separated (default 20)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.articles.split(",")]
    options = Options()
    loads = time_model_loading(options)
    print("model loading: " + ", ".join(f"{k} {v:.1f} s" for k, v in loads.items()))
    topic, articles = cut_allsides_story(SHARED / "datasets" / "allsides" / "articles.jsonl.gz", max(sizes))
    print(f"AllSides topic '{topic}': {len(articles)} articles cut")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            measure(articles[:size], options, Path(folder))


if __name__ == "__main__":
    main()
