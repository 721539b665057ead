"""Windowed story clustering (parallax.corpus.windows, in this process, no Ray) against the
in-process clusterer on the same AllSides articles of March-April 2020: time and BCubed agreement.

    nice -n 10 python bench/windows.py ARTICLES EVERY DAYS OVERLAP    # e.g. 300 4 14 7
"""

from __future__ import annotations

import gzip
import json
import sys
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
    count, every, days, overlap = (int(x) for x in sys.argv[1:5])
    records = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if (record["date"] or "")[:7] in ("2020-03", "2020-04"):
                records.append(record)
    records = sorted(records, key=lambda r: r["id"])[::every][:count]
    with tempfile.TemporaryDirectory(prefix="parallax-windows-") as folder:
        tmp = Path(folder)
        source = tmp / "articles.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with open_store(str(tmp / "local.db")) as store:
            began = time.perf_counter()
            ingest(store, [str(source)])
            print(f"in-process ingest + clustering: {time.perf_counter() - began:.1f} s")
            local = {str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")}
        with open_store(str(tmp / "windows.db")) as store:
            ingest(store, [str(source)], cluster=False)
            began = time.perf_counter()
            summary = cluster_by_windows(store, WindowPlan(days, overlap))
            print(f"windowed embedding + clustering: {time.perf_counter() - began:.1f} s; {summary}")
            windowed = {str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")}
    precision, recall, f1 = bcubed(windowed, local)
    print(
        f"{len(local)} articles: {len(set(local.values()))} stories in-process, "
        f"{len(set(windowed.values()))} windowed; BCubed P {precision:.4f} R {recall:.4f} F1 {f1:.4f}"
    )


if __name__ == "__main__":
    main()
