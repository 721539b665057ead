"""Corpus-mode scale: ingest plus clustering of the AllSides articles, at growing sizes.

    python bench/scale.py                       # all 37,554 articles, one fresh corpus
    python bench/scale.py --sizes 5000 10000    # separate runs at these sizes

Within one run, the cumulative clustering time is also recorded as the clusterer
passes 5k, 10k and 20k articles (``cluster_s_at``): articles arrive in file order,
so this is the clustering cost of the first N articles, the curve that shows
whether the cost per article grows with the corpus.

Each size runs in a fresh process on a fresh SQLite corpus, so peak memory
(ru_maxrss) is that of one ingest. Reported per size: wall time, CPU time of the
process (all its threads: on a shared machine the steadier figure), the load
average before and after, articles per second, seconds spent reading/storing versus
clustering, peak memory, stories. Leads are embedded in a thread from the moment
their articles are stored (``corpus.embedding.LeadPrefetch``), so "reading and
storing" also holds the start of the embedding and "clustering" the rest.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CHECKPOINTS = (1000, 2000, 5000, 10000, 20000, 30000)
ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def run_one(size: int, workdir: Path) -> dict[str, float]:
    """Ingest the first ``size`` articles into a fresh corpus (in this process)."""
    from parallax.corpus.connect import open_store
    from parallax.corpus.intake import ingest

    part = workdir / f"allsides-{size}.jsonl.gz"
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as src, gzip.open(part, "wt", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= size:
                break
            dst.write(line)
    marks: dict[str, float] = {}
    done = [0]
    checkpoints: dict[int, float] = {}
    wanted = sorted(c for c in CHECKPOINTS if c < size)

    cpu_at: dict[int, float] = {}

    def progress(stage: str, n: int) -> None:
        marks.setdefault(stage, time.perf_counter())
        marks.setdefault(stage + "-cpu", time.process_time())
        if stage == "cluster":
            done[0] += n
            while wanted and done[0] >= wanted[0]:
                at = wanted.pop(0)
                checkpoints[at] = round(time.perf_counter() - marks["cluster"], 1)
                cpu_at[at] = round(time.process_time() - marks["cluster-cpu"], 1)
                print(  # progress of a long run (stderr; run --one to watch it)
                    f"clustered {at}: {checkpoints[at]} s wall, {cpu_at[at]} s CPU since clustering began; "
                    f"load {os.getloadavg()[0]:.1f}",
                    file=sys.stderr,
                    flush=True,
                )

    store = open_store(str(workdir / f"corpus-{size}.db"))
    load_before = os.getloadavg()[0]
    began, cpu_began = time.perf_counter(), time.process_time()
    summary = ingest(store, [str(part)], progress=progress)
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    stories = len(store.list_stories(include_ids=False))
    store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cluster_start = marks.get("cluster", began + wall)
    return {
        "articles": summary.read,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "cpu_ms_per_article": round(1000 * cpu / max(1, summary.read), 2),
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "articles_per_s": round(summary.read / wall, 1),
        "read_store_s": round(cluster_start - began, 1),
        "cluster_s": round(began + wall - cluster_start, 1),
        "peak_mb": round(peak_mb),
        "stories": stories,
        "near_duplicates": summary.clustering.duplicates,
        "merges": summary.clustering.merged,
        "splits": summary.clustering.split,
        "cluster_s_at": {str(k): v for k, v in checkpoints.items()},
        "cluster_cpu_s_at": {str(k): v for k, v in cpu_at.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[37554])
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not ALLSIDES.exists():
        sys.exit(f"{ALLSIDES} is absent: the benchmark needs ../shared beside the repository")
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.workdir)), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(size), "--workdir", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
