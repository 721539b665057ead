"""Load benchmark of the web app: p50 and p99 latency of the story list and story pages.

Serves a corpus with ``parallax serve`` in a separate process on 127.0.0.1 and
drives it with concurrent httpx clients (20 by default). Story pages are
requested only for stories with a cached analysis: ``--analyse N`` takes the N
largest stories of 2 to ``--max-size`` articles and first analyses (and caches
in the corpus) those that have no analysis yet, as ``parallax story ID`` does.

    parallax ingest ../shared/datasets/allsides/articles.jsonl.gz --db allsides.db
    python bench/web.py --db allsides.db --clients 20 --requests 4000 --analyse 30 --max-size 12

``--analysed-only`` analyses nothing: the story pages are the first ``--analyse``
stories (largest first, up to ``--max-size`` articles) that already have a
cached analysis, such as those ``parallax ingest`` or ``parallax analyse-pending``
made. The server runs without its background analysis worker (``--no-worker``),
so the figures are page serving alone; ``--worker`` keeps the worker running.

Without a corpus store, ``--synthetic N`` serves N made-up stories from memory
instead (titles, outlets and dates drawn at random; every story page shows the
analysis in ``--report FILE``, a JSON report such as ``parallax analyze
examples/harbour-bridge --format json`` writes): the same pages and code paths,
minus reading the store.

Prints one line per kind of page: requests, errors, p50, p90, p99, max (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
# The figures in docs/benchmarks.md use BABE's biased words: point at the shared copy
# unless PARALLAX_BABE already names one (Parallax never searches for BABE itself).
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ensure_analyses(db: str, wanted: int, max_size: int, analysed_only: bool = False) -> list[str]:
    """Ids of ``wanted`` stories with a cached analysis, analysing (and caching) those that lack one.

    The sample is documented and repeatable: the largest live stories of 2 to
    ``max_size`` articles (ties by id), as ``parallax stories --min-size 2``
    lists them; each is analysed as ``parallax story ID`` would, and the report
    is cached in the corpus, so a second run analyses nothing.
    """
    from parallax.corpus.connect import open_store
    from parallax.corpus.export import analyse_story

    store = open_store(db)
    try:
        records = [r for r in store.story_records(include_ids=False, min_size=2) if r.size <= max_size]
        if analysed_only:
            records = [r for r in records if r.analysed]
        sample = records[:wanted]
        began = time.perf_counter()
        for number, record in enumerate(sample, 1):
            if not record.analysed:
                analyse_story(store, record.id)
                print(
                    f"  analysed story {record.id} ({record.size} articles), {number}/{len(sample)}",
                    file=sys.stderr,
                )
        if len(sample) < wanted:
            print(f"warning: only {len(sample)} stories of 2-{max_size} articles", file=sys.stderr)
        if time.perf_counter() - began > 1:
            print(f"  analysing took {time.perf_counter() - began:.0f} s", file=sys.stderr)
        sizes = [r.size for r in sample]
        if sizes:
            print(f"  sample: {len(sample)} stories of {min(sizes)}-{max(sizes)} articles", file=sys.stderr)
        return [r.id for r in sample]
    finally:
        store.close()


def list_urls(outlets: list[str], words: list[str]) -> list[str]:
    """Story-list pages as people use them: plain, sorted, searched, filtered."""
    urls = ["/", "/?sort=size", "/?page=2", "/?sort=oldest", "/?sort=recent"]
    urls += ["/?single=1", "/?single=1&page=2"]
    urls += [f"/?q={w}" for w in words]
    urls += ["/?" + urlencode({"outlet": o}) for o in outlets]
    urls += ["/?since=2016-01-01&until=2016-12-31", "/?q=trump&sort=size", "/?since=2019-06-01"]
    return urls


async def run_load(
    base: str, urls: dict[str, list[str]], clients: int, requests: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds = list(urls)
    counter = iter(range(requests))
    rng = random.Random(7)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for _ in counter:
                kind = rng.choice(kinds)
                url = rng.choice(urls[kind])
                began = time.perf_counter()
                reply = await http.get(url)
                elapsed = (time.perf_counter() - began) * 1000
                if reply.status_code != 200:
                    errors[kind] += 1
                timings[kind].append(elapsed)

    await asyncio.gather(*(client() for _ in range(clients)))
    for kind, count in errors.items():
        timings[f"{kind} errors"] = [float(count)]
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


WORDS = [
    "election",
    "senate",
    "court",
    "climate",
    "police",
    "tax",
    "trade",
    "health",
    "border",
    "budget",
    "storm",
    "vote",
    "strike",
    "school",
    "energy",
    "market",
    "war",
    "talks",
    "deal",
    "protest",
]


def synthetic_source(count: int, report_path: str) -> Any:
    """A memory source of ``count`` made-up stories, each analysed as ``report_path``."""
    import json

    from parallax.codec import report_from_dict
    from parallax.web.source import MemorySource, StoryRow

    report = report_from_dict(json.loads(Path(report_path).read_text(encoding="utf-8")))
    outlets = [f"Outlet {n}" for n in range(490)]
    rng = random.Random(11)
    source = MemorySource()
    for n in range(count):
        day = f"20{rng.randint(12, 20)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        words = " ".join(rng.sample(WORDS, 4))
        size = rng.choice([1, 1, 2, 2, 3, 4, 6, 9, 15, 40])
        row = StoryRow(
            str(n), f"Story {n}: {words}", size, sorted(rng.sample(outlets, min(size, 8))), day, day
        )
        source.add(row, report if n < 200 else None)
    return source


def serve_synthetic(count: int, report_path: str, port: int) -> None:
    import uvicorn

    from parallax.web.app import create_app

    uvicorn.run(
        create_app(source=synthetic_source(count, report_path)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def start_server(
    db: str, port: int, synthetic: int = 0, report: str = "", worker: bool = False
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "parallax", "serve", "--db", db, "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    if synthetic:
        command = [
            sys.executable,
            __file__,
            "--serve-synthetic",
            str(synthetic),
            "--report",
            report,
            "--port",
            str(port),
        ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/outlets", timeout=5).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start within 120 s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="corpus database (SQLite path or postgresql:// URL)")
    parser.add_argument("--synthetic", type=int, default=0, help="serve this many made-up stories instead")
    parser.add_argument("--report", default="", help="JSON report shown on synthetic story pages")
    parser.add_argument("--serve-synthetic", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=4000, help="measured requests in all")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument(
        "--cold", action="store_true", help="measure from a cold server: no first views, no warm-up"
    )
    parser.add_argument("--analyse", type=int, default=30, help="stories that must have a cached analysis")
    parser.add_argument("--max-size", type=int, default=12, help="largest story to analyse for the benchmark")
    parser.add_argument(
        "--analysed-only", action="store_true", help="story pages only of stories already analysed"
    )
    parser.add_argument("--worker", action="store_true", help="keep the server's analysis worker running")
    args = parser.parse_args(argv)
    if args.serve_synthetic:
        serve_synthetic(args.serve_synthetic, args.report, args.port)
        return
    if args.synthetic:
        if not args.report:
            raise SystemExit("--synthetic needs --report FILE (a JSON report)")
        stories = [str(n) for n in range(min(args.analyse, 200))]
        label = f"{args.synthetic} synthetic stories in memory"
    else:
        if not args.db:
            raise SystemExit("give --db (a corpus) or --synthetic N --report FILE")
        if "://" not in args.db and not Path(args.db).exists():
            raise SystemExit(
                f"no corpus at {args.db}: run `parallax ingest ../shared/datasets/allsides/"
                f"articles.jsonl.gz --db {args.db}` first"
            )
        stories = ensure_analyses(args.db, args.analyse, args.max_size, args.analysed_only)
        label = args.db
    port = free_port()
    server = start_server(args.db or "", port, args.synthetic, args.report, args.worker)
    base = f"http://127.0.0.1:{port}"
    try:
        outlets: list[str] = httpx.get(base + "/api/outlets", timeout=60).json()[:20]
        total = httpx.get(base + "/api/stories", params={"limit": 1}, timeout=60).json()["total"]
        urls = {
            "story list": list_urls(outlets, ["election", "climate", "court", "senate", "police", "tax"]),
            "story page": [f"/stories/{sid}" for sid in stories],
        }
        first_views = []
        for url in () if args.cold else (u for group in urls.values() for u in group):  # a warm server
            began = time.perf_counter()
            httpx.get(base + url, timeout=120)
            first_views.append((time.perf_counter() - began) * 1000)
        if not args.cold:
            asyncio.run(run_load(base, urls, args.clients, args.warmup))
        began = time.perf_counter()
        timings = asyncio.run(run_load(base, urls, args.clients, args.requests))
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"corpus: {label}, {total} stories; {len(stories)} story pages with cached analyses")
    if first_views:
        print(
            f"first view of each of {len(first_views)} pages, one at a time (not counted below): "
            f"median {statistics.median(first_views):.0f} ms, max {max(first_views):.0f} ms"
        )
    else:
        print("cold server: the measured requests include every page's first view")
    print(
        f"{args.clients} concurrent clients, {args.requests} requests in {wall:.1f} s "
        f"({args.requests / wall:.0f} requests/s)"
    )
    print(f"{'page':<12} {'n':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in timings.items():
        if kind.endswith("errors"):
            print(f"{kind}: {int(values[0])}")
            continue
        print(
            f"{kind:<12} {len(values):>6} {statistics.median(values):>8.1f} {percentile(values, 0.9):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {max(values):>8.1f}"
        )


if __name__ == "__main__":
    main()
