"""Windowed story clustering (parallax.corpus.windows, in this process, no Ray) against the
in-process clusterer on the same dated AllSides articles: time and BCubed agreement.

    nice -n 10 python bench/windows.py ARTICLES EVERY DAYS OVERLAP    # e.g. 300 4 14 7
    nice -n 10 python bench/windows.py 2000 1 14 7 --months 2020-03,2020-04,2020-05,2020-06
    nice -n 10 python bench/windows.py 300 4 14 7 --exact 0   # corpus-wide frequencies only

The records of ``--months`` (default March-April 2020) are sorted by id and every EVERY-th is
kept, up to ARTICLES; both paths read them in that order. ``--exact``: how many first arrivals
each window weighs as the in-process path does when they arrive (``WindowPlan.exact``).
Prints wall and CPU seconds (this process) and the load average beside them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import tempfile
import time
from pathlib import Path

from clustering import bcubed  # bench/clustering.py, beside this file
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.windows import WindowPlan, cluster_by_windows

ALLSIDES = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("articles", "every", "days", "overlap"):
        parser.add_argument(name, type=int)
    parser.add_argument("--months", default="2020-03,2020-04", help="comma-separated YYYY-MM")
    parser.add_argument("--exact", type=int, default=WindowPlan().exact)
    args = parser.parse_args()
    months = set(args.months.split(","))
    records = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if (record["date"] or "")[:7] in months:
                records.append(record)
    records = sorted(records, key=lambda r: r["id"])[:: args.every][: args.articles]
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="parallax-windows-") as folder:
        tmp = Path(folder)
        source = tmp / "articles.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with open_store(str(tmp / "local.db")) as store:
            began, cpu = time.perf_counter(), time.process_time()
            ingest(store, [str(source)])
            print(
                f"in-process ingest + clustering: {time.perf_counter() - began:.1f} s "
                f"(CPU {time.process_time() - cpu:.1f} s)"
            )
            local = {str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")}
        with open_store(str(tmp / "windows.db")) as store:
            ingest(store, [str(source)], cluster=False)
            began, cpu = time.perf_counter(), time.process_time()
            plan = WindowPlan(args.days, args.overlap, args.exact)
            summary = cluster_by_windows(store, plan)
            print(
                f"windowed embedding + clustering: {time.perf_counter() - began:.1f} s "
                f"(CPU {time.process_time() - cpu:.1f} s); {summary}"
            )
            windowed = {str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")}
    precision, recall, f1 = bcubed(windowed, local)
    print(
        f"{len(local)} articles: {len(set(local.values()))} stories in-process, "
        f"{len(set(windowed.values()))} windowed; BCubed P {precision:.4f} R {recall:.4f} F1 {f1:.4f}; "
        f"load average at end {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
