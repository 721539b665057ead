"""A request flood against ``parallax serve``: no server errors, bounded latency, flat memory.

Runs the real server in its own process on 127.0.0.1 over a corpus and sends,
from ``--clients`` concurrent clients for ``--seconds``, a mix of every kind of
request: the story list, story pages, article pages, the JSON API and the
Analyse endpoint (small pasted articles, which start real analyses). Analyses
beyond the server's queue bound are expected to be refused with 429; any 5xx
or a dropped connection counts as a server error. The server's resident memory
is sampled once a second.

    parallax ingest examples/harbour-bridge --db /tmp/flood.db
    python bench/flood.py --db /tmp/flood.db --clients 50 --seconds 60

Prints, per kind of request: count, status codes, p50 / p99 / max latency; then
the memory samples (first and last ten seconds, peak). Loopback only; the loop
is bounded by ``--seconds`` and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import ensure_analyses, free_port, percentile, start_server

PASTE = (
    "The harbour authority said on {day} that {n} ferries would stop running while the wall is repaired. "
    "Officials expect the work to take {n} weeks."
)


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample_memory(pid: int, stop: threading.Event, samples: list[float]) -> None:
    while not stop.wait(1.0):
        try:
            samples.append(rss_mb(pid))
        except OSError:
            return


def plan(stories: list[str], articles: dict[str, list[str]]) -> dict[str, list[str]]:
    """GET targets by kind; Analyse is a POST, chosen by kind "analyse"."""
    with_articles = [s for s in stories if articles.get(s)]
    return {
        "list": ["/", "/?sort=size", "/?q=harbour", "/?page=2", "/?since=2020-01-01"],
        "story": [f"/stories/{s}" for s in stories] or ["/"],
        "article": [f"/stories/{s}/articles/{a}" for s in with_articles for a in articles[s][:5]] or ["/"],
        "api": ["/api/stories", "/api/outlets"]
        + [f"/api/stories/{s}" for s in stories]
        + [f"/api/stories/{s}/report" for s in stories],
        "analyse": ["/api/analyse"],
    }


async def flood(
    base: str, targets: dict[str, list[str]], clients: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, Counter[str]]]:
    timings: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    end = time.monotonic() + seconds
    weights = {"list": 3, "story": 3, "article": 2, "api": 3, "analyse": 1}
    kinds = [k for k, w in weights.items() for _ in range(w)]

    async def client(number: int) -> None:
        rng = random.Random(number)
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while time.monotonic() < end:
                kind = rng.choice(kinds)
                url = rng.choice(targets[kind])
                began = time.perf_counter()
                try:
                    if kind == "analyse":
                        text = PASTE.format(day=rng.choice(["Monday", "Friday"]), n=rng.randint(2, 9))
                        reply = await http.post(url, data={"text": [text, text.upper()]})
                    else:
                        reply = await http.get(url)
                    status = str(reply.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                timings[kind].append((time.perf_counter() - began) * 1000)
                statuses[kind][status] += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    return timings, statuses


def story_articles(base: str, stories: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for sid in stories:
        reply = httpx.get(f"{base}/api/stories/{sid}/report", timeout=60)
        if reply.status_code == 200:
            found[sid] = [a["id"] for a in reply.json().get("articles", [])]
    return found


def warm_up(base: str) -> None:
    """One analysis before the flood, so the models are loaded before memory is sampled."""
    text = PASTE.format(day="Monday", n=3)
    job = httpx.post(f"{base}/api/analyse", data={"text": [text, text.upper()]}, timeout=60).json()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/jobs/{job['id']}", timeout=60).json()["state"] in ("done", "failed"):
            return
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="corpus database (SQLite path or postgresql:// URL)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--analyse", type=int, default=10, help="stories given a cached analysis first")
    parser.add_argument("--max-size", type=int, default=12)
    args = parser.parse_args()
    stories = ensure_analyses(args.db, args.analyse, args.max_size)
    port = free_port()
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    samples: list[float] = []
    stop = threading.Event()
    try:
        targets = plan(stories, story_articles(base, stories))
        warm_up(base)
        sampler = threading.Thread(target=sample_memory, args=(server.pid, stop, samples), daemon=True)
        sampler.start()
        timings, statuses = asyncio.run(flood(base, targets, args.clients, args.seconds))
        stop.set()
        alive = server.poll() is None
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in timings.values())
    errors = sum(n for c in statuses.values() for s, n in c.items() if not s.isdigit() or s.startswith("5"))
    print(
        f"corpus: {args.db}; {len(stories)} analysed stories; {args.clients} clients for {args.seconds:g} s"
    )
    print(f"{total} requests ({total / args.seconds:.0f}/s); server errors: {errors}; server alive: {alive}")
    print(f"{'kind':<8} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for kind, values in sorted(timings.items()):
        codes = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[kind].items()))
        print(
            f"{kind:<8} {len(values):>6} {statistics.median(values):>8.1f} {percentile(values, 0.99):>8.1f} "
            f"{max(values):>8.1f}  {codes}"
        )
    if samples:
        head, tail = samples[:10], samples[-10:]
        print(
            f"server memory (MB): first 10 s mean {statistics.mean(head):.0f}, "
            f"last 10 s mean {statistics.mean(tail):.0f}, peak {max(samples):.0f} ({len(samples)} samples)"
        )


if __name__ == "__main__":
    main()
