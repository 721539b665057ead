"""Mutation fuzzing of every reader, or of every CLI command: cases, crashes, hangs and peak memory.

    PYTHONPATH=src python bench/fuzz.py --cases 2000
    PYTHONPATH=src python bench/fuzz.py --cases 100000 --budget 300   # at most 5 minutes a format
    PYTHONPATH=src python bench/fuzz.py --target cli --cases 2000
    PYTHONPATH=src python bench/fuzz.py --cases 100000 --jobs 2 --shards 4   # both cores, formats split in 4

With ``--target cli`` each case is one hostile command line (tests/fuzz_cli.py:
any command, arguments, option values, files of mutated content, odd paths, ``-o``
targets) run in-process through typer's CliRunner; a crash is an exception out of
the command, an exit code other than 0, 1 and 2, or a failure without a message.

Each case is a format's seed mutated (tests/fuzz_inputs.py: bytes changed,
inserted, deleted, repeated, cut, and fragments that broke readers before),
written to a file with the format's extension and read through
``parallax.ingest.read_sources``, as ``parallax analyze`` and ``parallax ingest``
read it. A crash is an exception out of the reader or an input not accounted
for (tests/fuzz_inputs.py ``check_items``); a hang is a case still running
after ``--hang`` seconds (it is interrupted). Each format runs in a process of
its own, so the peak resident memory is that format's (the imports included:
the baseline is printed beside it). URL lists never reach the network.
"""

from __future__ import annotations

import argparse
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_cli import Ground, check_result, guard_network, make_command, quiet_server, run_command  # noqa: E402
from fuzz_inputs import SEEDS, check_items, make_case  # noqa: E402
from parallax.ingest import read_sources  # noqa: E402
from parallax.ingest.urls import Fetcher, FetchSettings  # noqa: E402


class Hang(BaseException):
    """Raised by the alarm in a case that runs too long (not an Exception: readers must not catch it)."""


@dataclass
class Outcome:
    suffix: str
    cases: int = 0
    articles: int = 0
    skipped: int = 0
    crashes: int = 0
    hangs: int = 0
    slowest_s: float = 0.0
    first_use_s: float = 0.0
    seconds: float = 0.0
    base_mb: float = 0.0
    peak_mb: float = 0.0
    examples: list[str] = field(default_factory=list)


def merged(parts: list[Outcome]) -> Outcome:
    """One format's figures from its shards: counts added, times and memory at their worst."""
    total = Outcome(parts[0].suffix)
    for part in parts:
        total.cases += part.cases
        total.articles += part.articles
        total.skipped += part.skipped
        total.crashes += part.crashes
        total.hangs += part.hangs
        total.slowest_s = max(total.slowest_s, part.slowest_s)
        total.first_use_s = max(total.first_use_s, part.first_use_s)
        total.seconds += part.seconds
        total.base_mb = max(total.base_mb, part.base_mb)
        total.peak_mb = max(total.peak_mb, part.peak_mb)
        total.examples.extend(part.examples)
    return total


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def fuzz_format(
    suffix: str, cases: int, seed: int, hang_s: float, budget_s: float, shard: int = 0
) -> Outcome:
    """``cases`` mutated inputs of one format; shard k > 0 draws cases of its own (shard 0: as unsharded)."""
    rng = random.Random(f"{seed}:{suffix}" if shard == 0 else f"{seed}:{suffix}:{shard}")
    fetcher = Fetcher(FetchSettings(host_interval=0), resolver=lambda host: ["10.0.0.1"])
    outcome = Outcome(suffix)
    # First use loads tables (dateparser compiles every locale's patterns the first time a page's
    # date is in no language it knows: seconds, once per process): timed here, not counted as a case.
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / f"seed{suffix}"
        warm.write_bytes(SEEDS[suffix])
        read_sources([warm], fetcher)
        odd_date = Path(folder) / "odd-date.html"
        odd_date.write_bytes(SEEDS[".html"].replace(b"2024-03-12", b"12 quay 2024"))
        read_sources([odd_date], fetcher)
    outcome.first_use_s = time.perf_counter() - began
    outcome.base_mb = rss_mb()
    signal.signal(signal.SIGALRM, on_alarm)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"case{suffix}"
        for number in range(cases):
            if time.perf_counter() - began > budget_s:
                break
            data = make_case(suffix, rng)
            path.write_bytes(data)
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, hang_s)
            try:
                articles, skipped = read_sources([path], fetcher)
                check_items(articles, skipped)
                outcome.articles += len(articles)
                outcome.skipped += len(skipped)
            except Hang:
                outcome.hangs += 1
                outcome.examples.append(f"case {number}: hang over {hang_s:g} s ({len(data)} bytes)")
            except Exception as exc:
                outcome.crashes += 1
                where = traceback.extract_tb(exc.__traceback__)[-1]
                place = f"{Path(where.filename).name}:{where.lineno}"
                outcome.examples.append(f"case {number}: {type(exc).__name__}: {str(exc)[:120]} at {place}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            outcome.slowest_s = max(outcome.slowest_s, time.perf_counter() - started)
            outcome.cases += 1
    fetcher.close()
    outcome.seconds = time.perf_counter() - began
    outcome.peak_mb = rss_mb()
    return outcome


def fuzz_cli(cases: int, seed: int, hang_s: float, budget_s: float, analyses: bool) -> Outcome:
    """Hostile command lines (tests/fuzz_cli.py), each run in-process with a hang alarm."""
    import shutil

    rng = random.Random(f"{seed}:cli")
    outcome = Outcome("cli")
    codes: dict[int, int] = {}
    signal.signal(signal.SIGALRM, on_alarm)
    with tempfile.TemporaryDirectory() as folder, guard_network(), quiet_server():
        corpus = Path(folder) / "corpus.db"
        began = time.perf_counter()
        stage = "--no-analyse" if analyses else "--no-cluster"  # analyse-pending and story cases analyse
        made = run_command(["ingest", str(ROOT / "examples" / "harbour-bridge"), "--db", str(corpus), stage])
        assert made.exit_code == 0, made.output
        outcome.first_use_s = time.perf_counter() - began
        ground = Ground.make(Path(folder), corpus)
        outcome.base_mb = rss_mb()
        began = time.perf_counter()
        for number in range(cases):
            if time.perf_counter() - began > budget_s:
                break
            case = Path(tempfile.mkdtemp(prefix="case-", dir=folder))
            args = make_command(ground, case, rng, analyses=analyses)
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, hang_s)
            try:
                result = run_command(args, case)
                problem = check_result(args, result)
                codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
                if problem:
                    outcome.crashes += 1
                    where = ""
                    if result.exception is not None and result.exception.__traceback__ is not None:
                        last = traceback.extract_tb(result.exception.__traceback__)[-1]
                        where = f" at {Path(last.filename).name}:{last.lineno}"
                    outcome.examples.append(f"case {number}: {problem}{where}: {args!r}"[:400])
            except Hang:
                outcome.hangs += 1
                outcome.examples.append(f"case {number}: hang over {hang_s:g} s: {args!r}"[:400])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            outcome.slowest_s = max(outcome.slowest_s, time.perf_counter() - started)
            outcome.cases += 1
            shutil.rmtree(case, ignore_errors=True)
        outcome.seconds = time.perf_counter() - began
    outcome.peak_mb = rss_mb()
    outcome.articles = codes.get(0, 0)  # the table's "articles" column holds exits with 0 here,
    outcome.skipped = codes.get(1, 0) + codes.get(2, 0)  # and "skipped" those with 1 or 2
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per format")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hang", type=float, default=10.0, help="seconds after which a case is a hang")
    parser.add_argument("--formats", nargs="*", default=sorted(SEEDS), help="extensions to fuzz")
    parser.add_argument(
        "--budget", type=float, default=float("inf"), help="seconds per format after which it stops early"
    )
    parser.add_argument("--target", choices=["readers", "cli"], default="readers", help="what to fuzz")
    parser.add_argument("--jobs", type=int, default=1, help="readers: processes run at once")
    parser.add_argument(
        "--shards",
        type=int,
        default=1,
        help="readers: split each format's cases over this many processes (each with its own budget)",
    )
    parser.add_argument(
        "--no-analyses", action="store_true", help="cli: give no command input it could analyse (fast)"
    )
    args = parser.parse_args()
    if args.target == "cli":
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
            job = pool.submit(fuzz_cli, args.cases, args.seed, args.hang, args.budget, not args.no_analyses)
            out = job.result()
        print(
            f"{'target':<8} {'cases':>6} {'crashes':>7} {'hangs':>5} {'exit 0':>6} {'exit 1/2':>8} "
            f"{'slowest s':>9} {'total s':>8} {'setup s':>7} {'base MB':>7} {'peak MB':>7}"
        )
        print(
            f"{'cli':<8} {out.cases:>6} {out.crashes:>7} {out.hangs:>5} {out.articles:>6} {out.skipped:>8} "
            f"{out.slowest_s:>9.2f} {out.seconds:>8.1f} {out.first_use_s:>7.1f} {out.base_mb:>7.0f} "
            f"{out.peak_mb:>7.0f}"
        )
        for example in out.examples[:20]:
            print(f"    {example}")
        return
    print(
        f"{'format':<10} {'cases':>6} {'crashes':>7} {'hangs':>5} {'articles':>8} {'skipped':>8} "
        f"{'slowest s':>9} {'total s':>8} {'first s':>7} {'base MB':>7} {'peak MB':>7}"
    )
    total_crashes = total_hangs = 0
    shards = max(1, args.shards)
    per_shard = -(-args.cases // shards)

    def run_shard(suffix: str, shard: int) -> Outcome:
        # a process of its own per shard, so the peak memory is that shard's
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
            return pool.submit(
                fuzz_format, suffix, per_shard, args.seed, args.hang, args.budget, shard
            ).result()

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as threads:
        jobs = {s: [threads.submit(run_shard, s, k) for k in range(shards)] for s in args.formats}
        for parts in jobs.values():
            out = merged([job.result() for job in parts])
            report_format(out)
            total_crashes += out.crashes
            total_hangs += out.hangs
    print(f"all formats: {total_crashes} crashes, {total_hangs} hangs")


def report_format(out: Outcome) -> None:
    print(
        f"{out.suffix:<10} {out.cases:>6} {out.crashes:>7} {out.hangs:>5} {out.articles:>8} "
        f"{out.skipped:>8} {out.slowest_s:>9.2f} {out.seconds:>8.1f} {out.first_use_s:>7.1f} "
        f"{out.base_mb:>7.0f} {out.peak_mb:>7.0f}",
        flush=True,
    )
    for example in out.examples[:5]:
        print(f"    {example}")


if __name__ == "__main__":
    main()
