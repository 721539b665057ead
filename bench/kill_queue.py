"""kill -9 the analysis queue again and again at random moments, then resume: nothing lost, nothing twice.

Stores the first ``--articles`` AllSides records with the real ``parallax ingest
--no-analyse`` (killed ``--ingest-kills`` times first, then run to the end), then
runs the real ``parallax analyse-pending`` (a new process each time, so each
restart pays for loading the models) and kills it with SIGKILL, ``--kills``
times. The moment of each kill is random: the run is first let finish 0, 1 or 2
stories (drawn at random; on a slow machine a run killed after a fixed number of
seconds might never get past its first story), then killed after a further random
``--min-wait`` to ``--max-wait`` seconds, which lands anywhere: loading models,
mid-analysis, saving. A last ``analyse-pending`` runs to the end. After each kill
the queue row the killed process held (``running`` with its pid), if any, is
noted: that story was in flight. Checks on the finished corpus:

- every input record stored exactly once, every article in one live story, the
  SQLite integrity and foreign-key checks pass (as bench/kill_ingest.py);
- every live story with two or more outlets is ``current`` and has exactly one
  queue row, in state ``done``, with no claim left on it (worker, pid, lease);
- each story was analysed once: ``analysed_count`` is 1, one stored analysis;
- each story was claimed once plus once per kill that caught it in flight
  (``attempts``), so no story was analysed twice beyond the one in flight per kill.

    python bench/kill_queue.py --kills 20 --articles 500

Prints one line per kill (when, the queue's states, the story in flight) and the checks.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from kill_ingest import ALLSIDES, check, write_input

ROOT = Path(__file__).resolve().parent.parent
RUN_LIMIT_S = 1800.0  # the last runs, which are not killed, must end within this
PROGRESS_LIMIT_S = 600.0  # a run that finishes no story for this long is killed anyway


def parallax_process(*args: str, errors: bool = False) -> subprocess.Popen[bytes]:
    """A real ``parallax`` command; its error output kept (``errors``) only for the runs not killed."""
    return subprocess.Popen(
        [sys.executable, "-m", "parallax", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if errors else subprocess.DEVNULL,
        cwd=ROOT,
    )


def done_count(db: Path) -> int:
    return queue_states(db).get("done", 0)


def kill_later(process: subprocess.Popen[bytes], db: Path, stories: int, seconds: float) -> bool:
    """SIGKILL ``process`` ``seconds`` after it finished ``stories`` more stories (or after
    PROGRESS_LIMIT_S without them); False when it ended by itself before."""
    start = done_count(db)
    limit = time.monotonic() + PROGRESS_LIMIT_S
    while done_count(db) < start + stories and time.monotonic() < limit:
        if process.poll() is not None:
            return False
        time.sleep(0.25)
    return kill_after(process, seconds)


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL ``process`` after ``seconds``; False when it ended by itself before."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True


def finish(process: subprocess.Popen[bytes]) -> int:
    """Wait for a run that is not killed; its exit code (its error output is shown when it fails)."""
    _, err = process.communicate(timeout=RUN_LIMIT_S)
    if process.returncode:
        print((err or b"").decode("utf-8", "replace")[-2000:])
    return process.returncode


def queue_states(db: Path) -> Counter[str]:
    import sqlite3

    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return Counter(state for (state,) in conn.execute("SELECT state FROM analysis_queue"))
    except sqlite3.OperationalError:
        return Counter()  # the queue table does not exist yet


def in_flight(db: Path, pid: int) -> list[int]:
    """The stories the killed process ``pid`` had claimed (still ``running`` under its pid)."""
    import sqlite3

    with sqlite3.connect(db, timeout=30) as conn:
        rows = conn.execute("SELECT story_id FROM analysis_queue WHERE state = 'running' AND pid = ?", (pid,))
        return [int(sid) for (sid,) in rows]


def check_queue(db: Path, caught: Counter[int]) -> tuple[list[str], dict[str, int]]:
    """Problems with the finished queue (empty when each story was analysed once) and its figures.

    ``caught`` counts, per story, the kills that came while it was claimed.
    """
    from parallax.corpus.connect import open_store
    from parallax.corpus.queue import analysis_states

    problems: list[str] = []
    with open_store(str(db)) as store:
        states = analysis_states(store)
        wanted = {sid for sid, state in states.items() if state.status != "none"}
        late = sorted(sid for sid in wanted if states[sid].status != "current")
        if late:
            problems.append(f"{len(late)} multi-outlet stories not current: {late[:10]}")
        rows = {
            int(sid): (state, int(attempts), int(count), worker, pid, lease)
            for sid, state, attempts, count, worker, pid, lease in store.rows(
                "SELECT story_id, state, attempts, analysed_count, worker, pid, lease_until "
                "FROM analysis_queue"
            )
        }
        if set(rows) != wanted:
            problems.append(
                f"queue rows for {len(set(rows) - wanted)} stories not wanted, "
                f"none for {len(wanted - set(rows))} wanted"
            )
        not_done = {sid: row[0] for sid, row in rows.items() if row[0] != "done"}
        if not_done:
            problems.append(f"{len(not_done)} queue rows not done: {dict(list(not_done.items())[:10])}")
        twice = sorted(sid for sid, row in rows.items() if row[2] != 1)
        if twice:
            problems.append(f"{len(twice)} stories with analysed_count other than 1: {twice[:10]}")
        held = sorted(sid for sid, row in rows.items() if any(v is not None for v in row[3:]))
        if held:
            problems.append(f"{len(held)} finished rows still hold a claim (worker, pid or lease)")
        claims = sorted(sid for sid, row in rows.items() if row[1] != 1 + caught[sid])
        if claims:
            problems.append(
                "claims other than 1 + the kills that caught the story in flight: "
                + ", ".join(f"story {sid}: {rows[sid][1]} for {caught[sid]}" for sid in claims[:10])
            )
        stored = Counter(int(sid) for (sid,) in store.rows("SELECT story_id FROM analyses"))
        if set(stored) != wanted or any(n != 1 for n in stored.values()):
            extra = sum(n - 1 for n in stored.values())
            problems.append(
                f"stored analyses: {len(stored)} stories, {extra} extra, for {len(wanted)} wanted"
            )
        if store.rows("PRAGMA foreign_key_check"):
            problems.append("SQLite foreign-key check failed")
    figures = {
        "stories": len(states),
        "multi-outlet": len(wanted),
        "claims": sum(row[1] for row in rows.values()),
        "analyses saved": sum(row[2] for row in rows.values()),
        "stories claimed again": sum(1 for row in rows.values() if row[1] > 1),
    }
    return problems, figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20, help="kills during analyse-pending")
    parser.add_argument("--ingest-kills", type=int, default=2, help="kills during ingest --no-analyse first")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--min-wait", type=float, default=1.0, help="shortest wait before a kill, seconds")
    parser.add_argument("--max-wait", type=float, default=20.0, help="longest wait before a kill, seconds")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not ALLSIDES.exists():
        sys.exit(f"{ALLSIDES} is missing: this benchmark needs the shared AllSides data set")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="parallax-killq-") as tmp:
        folder = Path(tmp)
        source, ids = write_input(folder, args.articles)
        db = folder / "corpus.db"
        began = time.monotonic()
        for n in range(1, args.ingest_kills + 1):
            wait = rng.uniform(args.min_wait, args.max_wait)
            killed = kill_after(
                parallax_process("ingest", str(source), "--db", str(db), "--no-analyse"), wait
            )
            print(
                f"ingest kill {n}: " + (f"after {wait:4.1f} s" if killed else "the ingest ended first"),
                flush=True,
            )
        code = finish(parallax_process("ingest", str(source), "--db", str(db), "--no-analyse", errors=True))
        seconds = time.monotonic() - began
        print(
            f"ingest --no-analyse: exit {code}, queue {dict(queue_states(db))}, {seconds:.0f} s", flush=True
        )
        caught: Counter[int] = Counter()
        kills = 0
        for n in range(1, args.kills + 1):
            stories, wait = rng.choice([0, 1, 1, 2]), rng.uniform(args.min_wait, args.max_wait)
            process = parallax_process("analyse-pending", "--db", str(db))
            began_run = time.monotonic()
            if not kill_later(process, db, stories, wait):
                print(f"kill {n:2d}: analyse-pending ended first (exit {process.returncode})")
                continue
            kills += 1
            flying = in_flight(db, process.pid)
            caught.update(flying)
            states = dict(sorted(queue_states(db).items()))
            where = f"story {flying[0]} in flight" if flying else "no story claimed"
            print(
                f"kill {n:2d}: {stories} stories + {wait:4.1f} s ({time.monotonic() - began_run:5.1f} s "
                f"into the run), {where}; queue {states}",
                flush=True,
            )
        code = finish(parallax_process("analyse-pending", "--db", str(db), errors=True))
        print(f"\nfinal analyse-pending: exit {code}; {time.monotonic() - began:.0f} s in all")
        problems = check(db, ids)
        queue_problems, figures = check_queue(db, caught)
        problems.extend(queue_problems)
        print(f"{kills} kills during analyse-pending, {sum(caught.values())} with a story in flight")
        print(", ".join(f"{name} {value}" for name, value in figures.items()))
        print(
            "checks: "
            + (
                "nothing lost, nothing duplicated, every multi-outlet story current and analysed once"
                if not problems and code == 0
                else "; ".join(problems or [f"the final run failed (exit {code})"])
            )
        )


if __name__ == "__main__":
    main()
