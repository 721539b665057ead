"""Outlet registry quality on AllSides: distinct outlet strings -> outlets, and the strings that split.

    PYTHONPATH=src python bench/outlet_registry.py [--db /tmp/outlets.db] [--show 40]

Stores every AllSides article (no clustering, no analysis), links them to outlets
(``parallax.corpus.outlets.link_articles``) and prints the counts, then the outlets
that gathered several outlet strings, for checking the merges by hand.
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

from parallax.corpus.connect import open_store
from parallax.corpus.outlets import link_articles, load_outlets
from parallax.ingest.sources import iter_sources
from parallax.ingest.urls import Fetcher, FetchSettings
from parallax.model import Article

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/parallax-outlets-bench.db")
    parser.add_argument("--show", type=int, default=40)
    args = parser.parse_args()
    if not DATA.exists():
        raise SystemExit(f"no AllSides data at {DATA}")
    store = open_store(args.db)
    if store.count_articles() == 0:
        articles = [
            r.item for r in iter_sources([str(DATA)], Fetcher(FetchSettings())) if isinstance(r.item, Article)
        ]
        for start in range(0, len(articles), 2000):
            store.add_articles(articles[start : start + 2000])
    began = time.perf_counter()
    linked = link_articles(store)
    print(f"linked {linked} articles in {time.perf_counter() - began:.1f} s")
    strings: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    for name, outlet_id in store.rows(
        "SELECT a.outlet, l.outlet_id FROM articles a JOIN article_outlets l ON l.article_id = a.id"
    ):
        strings[str(name)][int(outlet_id)] += 1
    outlets = load_outlets(store)
    with_leaning = sum(1 for o in outlets if o.fact("leaning"))
    print(f"distinct outlet strings: {len(strings)}; outlets: {len(outlets)} ({with_leaning} with a leaning)")
    print(
        f"strings whose articles went to two or more outlets (bylines, mislabelled records): "
        f"{sum(1 for c in strings.values() if len(c) > 1)}"
    )
    merged = [o for o in outlets if len(o.names) > 1]
    print(f"outlets holding two or more strings: {len(merged)}")
    for outlet in merged[: args.show]:
        names = sorted(outlet.names.items(), key=lambda kv: -kv[1])[:6]
        print(f"  {outlet.name} [{outlet.fact('leaning')}]: " + "; ".join(f"{n} ({c})" for n, c in names))


if __name__ == "__main__":
    main()
