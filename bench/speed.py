"""Wall time of a full analysis, with model loading timed apart.

1. the five seed reports (../shared/seeds);
2. a 50-article story cut from AllSides (../shared/datasets/allsides/articles.jsonl.gz):
   the largest topic within one ISO week, its first 50 articles by date and id,
   built as Article objects in memory.

Prints seconds per stage and sentences per second, and how long MiniLM alone takes to embed
every sentence of the story once (with the embedder the analysis used), and the ratio of the
analysis to that. ``--compare-embedders`` also embeds the same sentences with the other
embedder (ONNX Runtime against sentence-transformers) and prints the cost per sentence of
each; ``PARALLAX_EMBEDDER=torch`` runs the whole benchmark on sentence-transformers.
``--articles 10,25,50`` times the
story cut at each size (the same topic and week, its first N articles), to show how the
cost per article grows with the story; the load average is printed with each run, since
the machine may be shared.

``--stage-cpu RUNS`` also prints the CPU seconds of each stage over RUNS warm analyses (the
lowest of the runs), which a busy machine distorts less than wall time.

    python bench/speed.py [--articles 50 | --articles 10,25,50] [--skip-allsides] [--compare-embedders]
        [--stage-cpu RUNS]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gzip
import json
import os
import time
from pathlib import Path

import parallax
from parallax.model import Article, Report
from parallax.nlp import embedding
from parallax.nlp import pretrained as models
from parallax.options import Options
from parallax.stage import Stage

ROOT = Path(__file__).resolve().parent.parent
# The figures in docs/benchmarks.md use BABE's biased words: point at the shared copy
# unless PARALLAX_BABE already names one (Parallax never searches for BABE itself).
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))
CLAIM_STAGES = ("split_sentences", "embed_sentences", "group_claims", "compare_coverage", "summarise")
SHARED = ROOT.parent / "shared"


def time_model_loading(options: Options) -> dict[str, float]:
    """Seconds to import and load each model (first call in this process)."""
    began = time.perf_counter()
    models.load_spacy(options.spacy_model)
    spacy_seconds = time.perf_counter() - began
    began = time.perf_counter()
    if embedding.embedder_backend(options.model_name) == "onnx":
        from parallax.nlp.onnx_embedder import load_onnx_embedder

        load_onnx_embedder()
    else:
        models.load_embedder(options.model_name)
    embedder_seconds = time.perf_counter() - began
    return {"spacy": spacy_seconds, "embedder": embedder_seconds}


def cut_allsides_story(path: Path, count: int) -> tuple[str, list[Article]]:
    """The largest (topic, ISO week) group's first ``count`` articles, as Articles."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = collections.defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not record.get("date") or not record.get("text"):
                continue
            try:
                day = dt.date.fromisoformat(str(record["date"])[:10])
            except ValueError:
                continue
            iso = day.isocalendar()
            groups[(record["topic"], f"{iso.year}-W{iso.week:02d}")].append(record)
    (topic, week), records = max(groups.items(), key=lambda item: (len(item[1]), item[0]))
    records = sorted(records, key=lambda r: (r["date"], r["id"]))[:count]
    articles = [
        Article(
            id="",
            source=r["url"] or r["id"],
            title=r["title"] or "",
            outlet=r["outlet"],
            published=str(r["date"])[:10],
            language="en",
            original=r["text"],
        )
        for r in records
    ]
    return f"{topic}, {week} ({len(articles)} of {len(groups[(topic, week)])} articles)", articles


def report_run(name: str, report: Report, seconds: float) -> None:
    sentences = sum(len(a.sentences) for a in report.articles)
    print(f"{name}: {len(report.articles)} articles, {sentences} sentences, {len(report.claims)} claims")
    print(
        f"  analysis {seconds:.2f} s after model load, {sentences / seconds:.0f} sentences/s, "
        f"{seconds / len(report.articles):.2f} s/article (load average {os.getloadavg()[0]:.1f})"
    )
    slow = sorted(report.timings.items(), key=lambda kv: -kv[1])[:6]
    print("  slowest stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in slow))
    mine = [name for name in CLAIM_STAGES if name in report.timings]
    print("  claim stages: " + ", ".join(f"{k} {report.timings[k]:.2f}s" for k in mine))


def embed_alone(report: Report, options: Options, seconds: float, compare: bool) -> None:
    """Time the embedder alone on every sentence of ``report`` once; the analysis's ratio to it."""
    texts = [s.norm or s.text for a in report.articles for s in a.sentences]
    used = embedding.embedder_backend(options.model_name)
    began = time.perf_counter()
    embedding.embed_texts(texts, options.model_name, options.batch_size)
    alone = time.perf_counter() - began
    distinct = len(set(texts))
    print(
        f"  MiniLM ({used}) alone embeds the {len(texts)} sentences ({distinct} distinct) once in "
        f"{alone:.2f} s ({1000 * alone / distinct:.2f} ms/sentence); analysis / that = {seconds / alone:.2f}"
    )
    if not compare:
        return
    warm = ["A first sentence to load each model.", "And a second one."]
    embedding.embed_onnx(warm, options.batch_size)
    embedding.embed_torch(warm, options.model_name, options.batch_size)
    # Wall and CPU seconds: on a shared machine the CPU time says more about the cost.
    timed: dict[str, tuple[float, float]] = {}
    began, cpu = time.perf_counter(), time.process_time()
    onnx = embedding.embed_onnx(texts, options.batch_size)
    timed["onnx"] = (time.perf_counter() - began, time.process_time() - cpu)
    began, cpu = time.perf_counter(), time.process_time()
    torch = embedding.embed_torch(texts, options.model_name, options.batch_size)
    timed["torch"] = (time.perf_counter() - began, time.process_time() - cpu)
    lowest = float((onnx * torch).sum(axis=1).min())
    wall = {k: 1000 * v[0] / distinct for k, v in timed.items()}
    used_cpu = {k: 1000 * v[1] / distinct for k, v in timed.items()}
    print(
        f"  per sentence, wall: ONNX {wall['onnx']:.2f} ms, sentence-transformers {wall['torch']:.2f} ms "
        f"(x{wall['torch'] / wall['onnx']:.2f}); CPU: {used_cpu['onnx']:.2f} ms against "
        f"{used_cpu['torch']:.2f} ms (x{used_cpu['torch'] / used_cpu['onnx']:.2f}); lowest cosine between "
        f"them {lowest:.6f} ({embedding.choose_threads()} threads, load average {os.getloadavg()[0]:.1f})"
    )


def stage_cpu(given: list[object], options: Options, runs: int) -> None:
    """CPU seconds of each stage of ``runs`` warm analyses of ``given`` (the lowest of the runs),
    beside wall seconds: on a shared machine the CPU time says more about a stage's cost."""
    cpu: dict[str, list[float]] = collections.defaultdict(list)
    call = Stage.__call__

    def timed(self: Stage, ctx: object) -> None:
        began = time.process_time()
        call(self, ctx)
        cpu[self.name].append(time.process_time() - began)

    parallax.analyze(given, options)  # warm-up
    Stage.__call__ = timed
    try:
        began, wall = time.process_time(), time.perf_counter()
        for _ in range(runs):
            parallax.analyze(given, options)
        total, wall = (time.process_time() - began) / runs, (time.perf_counter() - wall) / runs
    finally:
        Stage.__call__ = call
    print(
        f"  CPU per warm analysis {total:.3f} s (wall {wall:.2f} s, {runs} runs, "
        f"load average {os.getloadavg()[0]:.1f}); lowest CPU per stage:"
    )
    for name, seconds in sorted(cpu.items(), key=lambda kv: -min(kv[1]))[:8]:
        print(f"    {name:28s} {min(seconds):.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="50", help="story size, or sizes separated by commas")
    parser.add_argument("--skip-allsides", action="store_true")
    parser.add_argument(
        "--compare-embedders", action="store_true", help="time ONNX and torch on the same sentences"
    )
    parser.add_argument(
        "--stage-cpu", type=int, default=0, metavar="RUNS", help="CPU seconds per stage of RUNS warm runs"
    )
    args = parser.parse_args()
    options = Options()
    began = time.perf_counter()
    # Import cost counted with model loading: what the analysis itself imports for its embedder.
    if embedding.embedder_backend(options.model_name) == "onnx":
        from parallax.nlp.parser import import_spacy_without_torch

        import_spacy_without_torch()
        import onnxruntime  # noqa: F401
    else:
        import sentence_transformers  # noqa: F401
    import spacy  # noqa: F401

    imports = time.perf_counter() - began
    loads = time_model_loading(options)
    print(
        f"model loading: imports {imports:.2f} s, spaCy {loads['spacy']:.2f} s, "
        f"embedder {loads['embedder']:.2f} s (including checks)"
    )
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        parallax.analyze([seeds], options)  # warm-up: first-call costs inside torch and spaCy
        began = time.perf_counter()
        report = parallax.analyze([seeds], options)
        seconds = time.perf_counter() - began
        report_run("seeds", report, seconds)
        if args.stage_cpu:
            stage_cpu([seeds], options, args.stage_cpu)
        embed_alone(report, options, seconds, args.compare_embedders)
    else:
        print(f"{seeds} is absent: skipping the seeds")
    allsides = SHARED / "datasets" / "allsides" / "articles.jsonl.gz"
    if args.skip_allsides or not allsides.exists():
        print("skipping the AllSides story")
        return 0
    for size in [int(n) for n in str(args.articles).split(",") if n.strip()]:
        began = time.perf_counter()
        label, articles = cut_allsides_story(allsides, size)
        print(f"AllSides story: {label}; cut in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        report = parallax.analyze(articles, options)
        seconds = time.perf_counter() - began
        report_run(f"allsides ({size})", report, seconds)
        if args.stage_cpu:
            stage_cpu(list(articles), options, args.stage_cpu)
        embed_alone(report, options, seconds, args.compare_embedders)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
