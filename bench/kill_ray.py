"""kill -9 a Ray run again and again: a worker mid-task, then the driver with its local cluster;
then let it finish: nothing lost, nothing duplicated, no story analysed twice.

The input arrives as a stream: ``--articles`` AllSides records in ``--kills`` files, and round n
starts the real ``parallax ingest FILE_1 ... FILE_n --db DB --engine ray --workers 2`` (reading,
embedding, clustering, then the analysis queue) in a new session, so every round has new articles
to read, embed, cluster and analyse besides what the kills before it left. Rounds take turns at a target, a
read task, the lead encoder or a story analysis: the round waits until a Ray worker is busy on its
target (on any task when the target does not come within ``--target-wait`` seconds, as when nothing
is left to embed), kills that worker with SIGKILL (Ray retries its task), then after a random 2 to
``--max-wait`` seconds kills the driver and the local cluster it started with SIGKILL (a crash of
the machine running the driver). The last run goes to the end, and the corpus is checked:

- every input record is stored exactly once, every article is in one live story, nothing waits to
  be clustered, SQLite's integrity check passes (``kill_ingest.check``);
- the analysis queue: every queued story is ``done``, none ``failed``, each analysis saved once
  (``analysed_count`` = 1) and one stored analysis per done story.

    python bench/kill_ray.py --kills 20 --articles 300

Prints one line per round (what was killed, when, what was stored) and the checks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kill_ingest import check, count_stored, write_input  # bench/kill_ingest.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
TARGETS = (b"ray::read_shard", b"ray::MapWorker(MapBatches(LeadEncoder))", b"ray::analyse_story_task")


def split_input(source: Path, parts: int) -> list[str]:
    """The records in ``parts`` files of consecutive lines (the arrival order)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    size = -(-len(lines) // parts)
    paths = []
    for n in range(parts):
        path = source.with_name(f"part-{n:02d}.jsonl")
        path.write_text("".join(lines[n * size : (n + 1) * size]), encoding="utf-8")
        paths.append(str(path))
    source.unlink()
    return paths


def start_run(shards: list[str], db: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "parallax", "ingest", *shards, "--db", str(db), "--engine", "ray"]
    return subprocess.Popen(
        [*command, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,  # its own session: the driver and the cluster it starts
    )


def run_processes(session: int) -> list[tuple[int, bytes]]:
    """(pid, title) of every process of the run: the driver's session holds its cluster and workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != session:
                continue
            found.append((int(entry.name), (entry / "cmdline").read_bytes().split(b"\0", 1)[0]))
        except (OSError, ProcessLookupError):
            continue
    return found


def busy_workers(session: int, targets: tuple[bytes, ...]) -> list[tuple[int, str]]:
    """(pid, title) of the run's Ray workers that are on one of ``targets`` now."""
    return [
        (pid, t.decode(errors="replace").split()[0])
        for pid, t in run_processes(session)
        if t.startswith(targets)
    ]


def crash(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the driver, then every process of its session (the local cluster and its workers)."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for pid, _ in run_processes(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def kill_worker(process: subprocess.Popen[bytes], target: bytes, patience: float) -> str:
    """Kill one worker of the run busy on ``target`` (on any task after ``patience`` seconds);
    what was killed."""
    began = time.monotonic()
    while time.monotonic() < began + 600 and process.poll() is None:
        wanted = (target,) if time.monotonic() < began + patience else TARGETS
        busy = busy_workers(process.pid, wanted)
        if busy:
            time.sleep(0.5)
            pid, title = busy[0]
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            return title
        time.sleep(0.2)
    return "no busy worker seen"


def queue_problems(db: Path) -> tuple[list[str], str]:
    from parallax.corpus.connect import open_store

    problems = []
    with open_store(str(db)) as store:
        rows = store.rows("SELECT state, analysed_count, attempts FROM analysis_queue")
        analyses = int(store.scalar("SELECT COUNT(*) FROM analyses"))
    states = [r[0] for r in rows]
    if any(s != "done" for s in states):
        problems.append(f"queue states {sorted(set(states))}")
    twice = sum(1 for r in rows if int(r[1]) != 1)
    if twice:
        problems.append(f"{twice} stories analysed more or less than once")
    if analyses != len(rows):
        problems.append(f"{analyses} stored analyses for {len(rows)} queued stories")
    reclaimed = sum(1 for r in rows if int(r[2]) > 1)
    return problems, f"{len(rows)} stories analysed once each; {reclaimed} were claimed again after a kill"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--max-wait", type=float, default=30.0, help="longest run after the worker kill, s")
    parser.add_argument("--target-wait", type=float, default=180.0, help="wait for a target, s")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="parallax-kill-ray-") as tmp:
        folder = Path(tmp)
        source, ids = write_input(folder, args.articles)
        shards = split_input(source, args.kills)
        db = folder / "corpus.db"
        began = time.monotonic()
        for n in range(1, args.kills + 1):
            process = start_run(shards[:n], db)
            killed = kill_worker(process, TARGETS[(n - 1) % len(TARGETS)], args.target_wait)
            wait = rng.uniform(2.0, args.max_wait)
            try:
                process.wait(timeout=wait)
                print(f"round {n:2d}: killed {killed}; the run finished before the driver kill")
                continue
            except subprocess.TimeoutExpired:
                crash(process)
            time.sleep(1.0)
            print(
                f"round {n:2d}: killed {killed}, then the driver {wait:4.1f} s later; "
                f"{count_stored(db)} articles stored"
            )
        final = start_run(shards, db)
        code = final.wait(timeout=3600)
        problems = check(db, ids)
        queue, counts = queue_problems(db)
        print(f"\nfinal run exit code {code}; {time.monotonic() - began:.0f} s in all")
        print(
            "corpus: "
            + (
                "nothing lost, nothing duplicated, every article in one story"
                if not problems
                else "; ".join(problems)
            )
        )
        print("queue: " + ("; ".join(queue) if queue else counts))


if __name__ == "__main__":
    main()
