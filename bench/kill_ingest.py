"""kill -9 an ingest again and again at random moments, then let it finish: nothing lost, nothing twice.

Runs the real ``parallax ingest`` (a new process each time, so each restart pays
for loading the models) on the first ``--articles`` AllSides records, kills it with
SIGKILL after a random 1 to ``--max-wait`` seconds, ``--kills`` times, then runs it
to the end and checks the corpus:

- every input record is stored exactly once (input ids, content hashes);
- every stored article is in exactly one live story and nothing waits to be clustered;
- SQLite's integrity check passes.

    python bench/kill_ingest.py --kills 20 --articles 1500

Prints one line per kill (when, articles stored so far) and the checks.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def write_input(folder: Path, count: int) -> tuple[Path, list[str]]:
    path = folder / "articles.jsonl"
    ids: list[str] = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for line in itertools.islice(source, count):
            ids.append(str(json.loads(line)["id"]))
            out.write(line)
    return path, ids


def ingest_process(source: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "parallax", "ingest", str(source), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )


def count_stored(db: Path) -> int:
    from parallax.corpus.connect import open_store
    from parallax.errors import StoreError

    if not db.exists():
        return 0
    try:
        with open_store(str(db)) as store:
            return store.count_articles()
    except StoreError:
        return -1  # busy at that moment


def check(db: Path, ids: list[str]) -> list[str]:
    """Problems with the finished corpus; empty when nothing was lost or duplicated."""
    from parallax.corpus.connect import open_store

    problems: list[str] = []
    with open_store(str(db)) as store:
        stored = sorted(a.input_id for a in store.iter_articles())
        if stored != sorted(ids):
            missing = len(set(ids) - set(stored))
            problems.append(f"{len(stored)} stored for {len(ids)} inputs ({missing} missing)")
        hashes = [h for (h,) in store.rows("SELECT content_hash FROM articles")]
        if len(hashes) != len(set(hashes)):
            problems.append(f"{len(hashes) - len(set(hashes))} articles stored twice")
        if store.count_pending():
            problems.append(f"{store.count_pending()} articles never clustered")
        members = [i for s in store.list_stories() for i in s["article_ids"]]
        if sorted(members) != stored:
            problems.append("stories do not hold every stored article exactly once")
        if store.scalar("PRAGMA integrity_check") != "ok":
            problems.append("SQLite integrity check failed")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--max-wait", type=float, default=25.0, help="longest run before a kill, seconds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="parallax-kill-") as tmp:
        folder = Path(tmp)
        source, ids = write_input(folder, args.articles)
        db = folder / "corpus.db"
        began = time.monotonic()
        for n in range(1, args.kills + 1):
            process = ingest_process(source, db)
            wait = rng.uniform(1.0, args.max_wait)
            try:
                process.wait(timeout=wait)
                print(f"kill {n:2d}: the ingest finished within {wait:.1f} s; nothing to kill")
                continue
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            print(f"kill {n:2d}: after {wait:5.1f} s, {count_stored(db):5d} articles stored")
        final = ingest_process(source, db)
        code = final.wait()
        problems = check(db, ids)
        print(f"\nfinal run exit code {code}; {time.monotonic() - began:.0f} s in all")
        print(
            "checks: "
            + (
                "nothing lost, nothing duplicated, every article in one story"
                if not problems
                else "; ".join(problems)
            )
        )


if __name__ == "__main__":
    main()
