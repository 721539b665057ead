"""Memory of one analysis against the text it is given: what the server's per-job text cap bounds.

    python bench/job_memory.py --sizes 25000 50000 100000 200000

For each size, a fresh process analyses AllSides articles (taken in file order,
one story's worth of outlets at a time, until their text reaches the size) with
``parallax.analyze`` and the default options, as one Analyse job does, and
prints the peak resident memory: before the analysis (imports and models loaded
by a one-article warm-up) and after it. The growth per 100,000 characters,
extrapolated to the web app's cap on the text of one job
(``Limits.max_total_chars``), is what one job may add to the server.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pick_articles(chars: int) -> list[dict[str, str]]:
    """AllSides records in file order until their text holds ``chars`` characters."""
    picked: list[dict[str, str]] = []
    total = 0
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            text = str(record.get("text") or "")
            if len(text) < 500:
                continue
            picked.append({"text": text, "title": str(record.get("title") or ""), "outlet": record["outlet"]})
            total += len(text)
            if total >= chars:
                break
    return picked


def measure(chars: int) -> None:
    """In this process: warm up, analyse ``chars`` characters, print one JSON line."""
    import tempfile

    import parallax

    records = pick_articles(chars)
    folder = Path(tempfile.mkdtemp(prefix="parallax-jobmem-"))
    story, warm = folder / "story.jsonl", folder / "warm.jsonl"
    story.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    short = [{**r, "text": r["text"][:2000]} for r in records[:2]]
    warm.write_text("".join(json.dumps(r) + "\n" for r in short), encoding="utf-8")
    parallax.analyze([str(warm)])  # loads the models
    before = peak_mb()
    began = time.perf_counter()
    report = parallax.analyze([str(story)])
    seconds = time.perf_counter() - began
    after = peak_mb()
    sentences = sum(len(a.sentences) for a in report.articles)
    print(
        json.dumps(
            {
                "chars": sum(len(r["text"]) for r in records),
                "articles": len(report.articles),
                "sentences": sentences,
                "before_mb": round(before),
                "peak_mb": round(after),
                "seconds": round(seconds, 1),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: measure one size
    args = parser.parse_args()
    if args.one:
        measure(args.one)
        return
    from parallax.web.uploads import Limits

    cap = Limits().max_total_chars
    heads = ("chars", "articles", "sentences", "before MB", "peak MB", "added MB", "s")
    print(" ".join(f"{h:>9}" for h in heads))
    rows = []
    for size in args.sizes:
        run = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, timeout=3600
        )
        if run.returncode:
            print(f"{size}: failed\n{run.stderr[-2000:]}")
            continue
        row = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append(row)
        added = row["peak_mb"] - row["before_mb"]
        print(
            f"{row['chars']:>9,} {row['articles']:>9} {row['sentences']:>9} {row['before_mb']:>9} "
            f"{row['peak_mb']:>9} {added:>9} {row['seconds']:>9}",
            flush=True,
        )
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        slope = ((last["peak_mb"] - last["before_mb"]) - (first["peak_mb"] - first["before_mb"])) / (
            (last["chars"] - first["chars"]) / 100_000
        )
        print(
            f"added memory: about {slope:.0f} MB per 100,000 characters (smallest to largest run); "
            f"at the cap of one job ({cap:,} characters) about {slope * cap / 100_000:,.0f} MB "
            "if it stays linear"
        )


if __name__ == "__main__":
    main()
