"""Where corpus ingest spends its time, and what embedding a lead costs (issue 12, ingest speed).

    python bench/ingest_speed.py --part embed --leads 1536     # torch vs ONNX on AllSides leads
    python bench/ingest_speed.py --part profile --articles 3000  # cProfile of one ingest
    python bench/ingest_speed.py --part split --articles 2000    # embedding against the rest, CPU

``embed``: the title+lead texts of the first N AllSides articles (``lead_text`` at the
default ``lead_chars``, and at any ``--lead-chars`` given), embedded by each backend in
calls of 128 (one clustering batch), rounds interleaved so that both see the same load;
prints CPU and wall ms per lead, word pieces per lead and the lowest cosine between the
backends' vectors.

``profile``: ``parallax.corpus.intake.ingest`` of the first N articles into a fresh
SQLite corpus under cProfile; prints wall and CPU seconds, the load average, peak memory,
and the functions with the most time of their own and in total.

``split``: the CPU an ingest spends outside the lead model, unprofiled: the leads of the
first N articles are embedded first (CPU seconds of that alone, in this thread), then the
articles are ingested into a fresh corpus with those vectors handed in as the embedder, so
the ingest's CPU is reading, storing and clustering alone. With the lead thread the wall
time of an ingest on an idle two-core machine is about the larger of the two.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"


def first_articles(n: int) -> list[dict[str, str]]:
    rows = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as handle:
        for line in handle:
            if len(rows) >= n:
                break
            rows.append(json.loads(line))
    return rows


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def part_embed(leads: int, chars: list[int], rounds: int, variants: list[str]) -> None:
    import numpy as np

    from parallax.corpus.features import lead_text
    from parallax.nlp.onnx_embedder import load_onnx_embedder
    from parallax.nlp.pretrained import load_embedder

    rows = first_articles(leads)
    onnx = load_onnx_embedder()
    threads = int(os.environ.get("PARALLAX_THREADS", "2"))

    def run_torch(texts: list[str]) -> np.ndarray:
        import torch

        torch_model = load_embedder()
        torch.set_num_threads(threads)
        out = [
            torch_model.encode(
                texts[i : i + 128], batch_size=16, normalize_embeddings=True, show_progress_bar=False
            )
            for i in range(0, len(texts), 128)
        ]
        return np.vstack(out)

    def run_onnx(texts: list[str], batch: int = 16) -> np.ndarray:
        return np.vstack(
            [
                onnx.encode(texts[i : i + 128], batch_size=batch, threads=threads)
                for i in range(0, len(texts), 128)
            ]
        )

    for limit in chars:
        texts = [lead_text(r["title"], r["text"], limit) for r in rows]
        pieces = sum(len(e.ids) for e in onnx.tokenizer.encode_batch(texts)) / len(texts)
        print(f"lead_chars {limit}: {len(texts)} leads, {pieces:.1f} word pieces per lead (with [CLS]/[SEP])")
        runs = {
            "torch b16": run_torch,
            "onnx b16": run_onnx,
            "onnx b32": lambda t: run_onnx(t, 32),
            "onnx b8": lambda t: run_onnx(t, 8),
        }
        chosen = {name: fn for name, fn in runs.items() if name.split()[0] in variants}
        for fn in chosen.values():
            fn(texts[:64])
        kept: dict[str, np.ndarray] = {}
        for r in range(rounds):
            for name, fn in chosen.items():
                load = os.getloadavg()[0]
                w, c = clock()
                kept[name] = fn(texts)
                w2, c2 = clock()
                print(
                    f"  round {r + 1} {name}: {1000 * (w2 - w) / len(texts):.2f} ms wall, "
                    f"{1000 * (c2 - c) / len(texts):.2f} ms CPU per lead "
                    f"({threads} threads, load {load:.1f})",
                    flush=True,
                )
        if "torch b16" in kept and "onnx b16" in kept:
            cos = (kept["torch b16"] * kept["onnx b16"]).sum(axis=1)
            print(f"  cosine torch vs onnx: min {cos.min():.6f}, mean {cos.mean():.6f}")


def part_profile(articles: int, top: int, out: Path | None) -> None:
    from parallax.corpus.connect import open_store
    from parallax.corpus.intake import ingest

    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "part.jsonl.gz"
        with (
            gzip.open(ALLSIDES, "rt", encoding="utf-8") as src,
            gzip.open(part, "wt", encoding="utf-8") as dst,
        ):
            for n, line in enumerate(src):
                if n >= articles:
                    break
                dst.write(line)
        store = open_store(str(Path(tmp) / "corpus.db"))
        load = os.getloadavg()[0]
        profiler = cProfile.Profile()
        w, c = clock()
        profiler.enable()
        summary = ingest(store, [str(part)])
        profiler.disable()
        w2, c2 = clock()
        stories = len(store.list_stories(include_ids=False))
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{summary.read} articles: {w2 - w:.1f} s wall, {c2 - c:.1f} s CPU (profiled), load {load:.1f} -> "
        f"{os.getloadavg()[0]:.1f}, peak {peak:.0f} MB, {stories} stories"
    )
    stats = pstats.Stats(profiler)
    if out is not None:
        stats.dump_stats(str(out))
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def write_part(articles: int, folder: Path) -> Path:
    part = folder / "part.jsonl.gz"
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as src, gzip.open(part, "wt", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= articles:
                break
            dst.write(line)
    return part


def part_split(articles: int) -> None:
    import numpy as np

    from parallax.corpus.connect import open_store
    from parallax.corpus.embedding import embed_leads, load_lead_model
    from parallax.corpus.features import lead_text
    from parallax.corpus.intake import ingest
    from parallax.corpus.pairs import ClusterSettings
    from parallax.ingest.records import read_jsonl_file
    from parallax.model import Article

    limit = ClusterSettings().lead_chars
    folder = Path(tempfile.mkdtemp())
    part = write_part(articles, folder)
    read = [a for a in read_jsonl_file(part) if isinstance(a, Article)]  # as the ingest reads them
    leads = list(dict.fromkeys(lead_text(a.title, a.original, limit) for a in read))
    load_lead_model()
    embed_leads(leads[:32])
    load = os.getloadavg()[0]
    w, c = time.perf_counter(), time.thread_time()
    vectors = np.vstack([embed_leads(leads[i : i + 128]) for i in range(0, len(leads), 128)])
    w2, c2 = time.perf_counter(), time.thread_time()
    table = {text: vectors[i] for i, text in enumerate(leads)}
    print(
        f"embedding {len(leads)} leads in calls of 128: {1000 * (c2 - c) / len(leads):.2f} ms CPU and "
        f"{1000 * (w2 - w) / len(leads):.2f} ms wall per lead (load {load:.1f})",
        flush=True,
    )

    def lookup(texts: object) -> np.ndarray:
        return np.vstack([table[t] for t in texts])  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "corpus.db"))
        load = os.getloadavg()[0]
        w, c = time.perf_counter(), time.process_time()
        summary = ingest(store, [str(part)], embed=lookup)
        w2, c2 = time.perf_counter(), time.process_time()
        store.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(
        f"ingest of {summary.read} articles without the model: "
        f"{1000 * (c2 - c) / summary.read:.2f} ms CPU and "
        f"{1000 * (w2 - w) / summary.read:.2f} ms wall per article (load {load:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("embed", "profile", "split"), required=True)
    parser.add_argument("--leads", type=int, default=1536)
    parser.add_argument("--lead-chars", type=int, nargs="*", default=[])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backends", nargs="+", choices=("onnx", "torch"), default=["onnx", "torch"])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--save", type=Path, default=None, help="profile: keep the pstats file here")
    args = parser.parse_args()
    if not ALLSIDES.exists():
        sys.exit(f"{ALLSIDES} is absent: the benchmark needs ../shared beside the repository")
    if args.part == "embed":
        from parallax.corpus.pairs import ClusterSettings

        part_embed(args.leads, [ClusterSettings().lead_chars, *args.lead_chars], args.rounds, args.backends)
    elif args.part == "split":
        part_split(args.articles)
    else:
        part_profile(args.articles, args.top, args.save)


if __name__ == "__main__":
    main()
