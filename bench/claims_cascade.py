"""The claims cascade (issue 12 item 1): how often MiniLM runs, what each stage costs, what changes.

Parts (``--part``, default all):

* ``margin``: picks ``CASCADE_MARGIN`` (parallax.analysis.claims.cascade) on the ECB+ train
  topics (the topic split of bench/cascade.py: topics shuffled with seed 12, first half train).
  Each topic's documents are one story (no cleaning); its sentences are parsed and embedded with
  MiniLM and the static model once, then the claims stage runs with every MiniLM vector and with
  the cascade's zero rows at each margin. Agreement: of the cross-article sentence pairs the full
  run puts in one claim, the share the cascade keeps (recall), and of the cascade's, the share
  the full run has (precision). The smallest margin with both at or above 0.995 is printed, and
  the held-out topics are reported at it and at the shipped margin.
* ``runs``: the seeds and the ``--articles`` AllSides story of bench/speed.py, the whole
  analysis with ``claims_cascade`` off and on, alternating (``--repeat`` rounds; a warm-up run
  of each on the seeds first): wall and CPU seconds of every stage, sentences and claim-sentence pairs given a
  MiniLM vector, main-clause encodings, the claims' agreement between the two, the summary's
  sentences, the seeds' pair precision and recall (bench/claims_quality.py), and how long MiniLM
  alone takes to embed every sentence once (the ratio issue 12 asks for).

    python bench/claims_cascade.py [--part margin|runs|all] [--articles 50] [--repeat 2]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
BABE = SHARED / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))

from parallax.model import Report, Sentence  # noqa: E402
from parallax.options import Options  # noqa: E402
from parallax.stage import Context  # noqa: E402

MARGINS = (0.0, 0.025, 0.05, 0.075, 0.1, 0.15)
AGREEMENT = 0.995  # issue 12: quality within 0.005


def claim_pairs(report: Report) -> set[tuple[str, str]]:
    """Cross-article sentence pairs (by id) that one claim holds."""
    found: set[tuple[str, str]] = set()
    for claim in report.claims:
        article = {m.sentence: m.article for m in claim.mentions}
        for a, b in itertools.combinations(sorted(article), 2):
            if article[a] != article[b]:
                found.add((a, b))
    return found


def agreement(full: set[tuple[str, str]], cascade: set[tuple[str, str]]) -> tuple[float, float]:
    """(recall, precision) of the cascade's claim pairs against the full run's."""
    kept = len(full & cascade)
    return kept / max(len(full), 1), kept / max(len(cascade), 1)


# --- margin: ECB+ topics -------------------------------------------------------------------


@dataclass
class Topic:
    name: str
    report: Report
    minilm: np.ndarray
    static: np.ndarray
    heads: np.ndarray  # static vectors of the main clauses (zero rows without one)


def read_topics() -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
    """ECB+ documents grouped by topic: (train topics, held-out topics)."""
    by_topic: dict[int, list[dict[str, Any]]] = {}
    with (SHARED / "datasets" / "ecbplus" / "documents.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            by_topic.setdefault(doc["topic"], []).append(doc)
    topics = sorted(by_topic)
    random.Random(12).shuffle(topics)
    train = set(topics[: len(topics) // 2])
    ordered = [sorted(by_topic[t], key=lambda d: d["doc"]) for t in sorted(by_topic)]
    return [d for d in ordered if d[0]["topic"] in train], [d for d in ordered if d[0]["topic"] not in train]


def prepare_topic(docs: list[dict[str, Any]]) -> Topic:
    """One ECB+ topic as a story: sentences, MiniLM and static vectors of every sentence."""
    from claims_quality import ecb_articles
    from parallax.analysis.claims.cascade import embed_heads
    from parallax.analysis.reading.sentences import split_sentences

    ctx = Context(report=Report(articles=ecb_articles(docs)), options=Options())
    split_sentences(ctx)
    sentences = ctx.sentences()
    texts = [s.norm or s.text for s in sentences]
    static = ctx.resources.embed_static(texts)
    heads = embed_heads(sentences, ctx.resources.embed_static, static.shape[1])
    return Topic(f"topic {docs[0]['topic']}", ctx.report, ctx.resources.embed(texts), static, heads)


def group_with(topic: Topic, vectors: np.ndarray) -> Report:
    from parallax.analysis.claims.grouping import group_claims

    ctx = Context(report=copy.deepcopy(topic.report), options=Options())
    ctx.vectors = vectors
    group_claims(ctx)
    return ctx.report


@dataclass
class Tally:
    full: int = 0
    kept: int = 0
    cascade: int = 0
    sentences: int = 0
    minilm: int = 0

    def line(self) -> str:
        recall, precision = self.kept / max(self.full, 1), self.kept / max(self.cascade, 1)
        return (
            f"claim pairs kept {self.kept}/{self.full} (recall {recall:.4f}), precision {precision:.4f}; "
            f"MiniLM for {self.minilm}/{self.sentences} sentences "
            f"({self.minilm / max(self.sentences, 1):.1%})"
        )

    def holds(self) -> bool:
        return self.kept >= AGREEMENT * self.full and self.kept >= AGREEMENT * self.cascade


def tally_margins(topics: Sequence[Topic], margins: Sequence[float], options: Options) -> dict[float, Tally]:
    from parallax.analysis.claims.cascade import choose_minilm_sentences

    tallies = {m: Tally() for m in margins}
    for topic in topics:
        sentences = [s for a in topic.report.articles for s in a.sentences]
        full = claim_pairs(group_with(topic, topic.minilm))
        for margin in margins:
            need = choose_minilm_sentences(
                sentences,
                topic.static,
                options.claim_threshold,
                options.min_sentence_chars,
                margin,
                topic.heads,
            )
            vectors = np.where(need[:, None], topic.minilm, 0.0).astype(np.float32)
            cascade = claim_pairs(group_with(topic, vectors))
            t = tallies[margin]
            t.full += len(full)
            t.kept += len(full & cascade)
            t.cascade += len(cascade)
            t.sentences += len(sentences)
            t.minilm += int(need.sum())
    return tallies


def measure_margin() -> None:
    from parallax.analysis.claims.cascade import CASCADE_MARGIN

    options = Options()
    train_docs, held_docs = read_topics()
    began = time.perf_counter()
    train = [prepare_topic(d) for d in train_docs]
    print(
        f"margin: {len(train)} ECB+ train topics parsed and embedded in {time.perf_counter() - began:.0f} s"
    )
    tallies = tally_margins(train, MARGINS, options)
    for margin, tally in tallies.items():
        print(f"  train, margin {margin:.3f}: {tally.line()}")
    chosen = next((m for m in MARGINS if tallies[m].holds()), MARGINS[-1])
    print(f"  smallest margin with agreement >= {AGREEMENT} on train: {chosen} (shipped: {CASCADE_MARGIN})")
    held = [prepare_topic(d) for d in held_docs]
    for margin, tally in tally_margins(held, sorted({chosen, CASCADE_MARGIN}), options).items():
        print(f"  held out ({len(held)} topics), margin {margin:.3f}: {tally.line()}")


# --- runs: the whole analysis, cascade off and on ------------------------------------------


@dataclass
class Run:
    report: Report
    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    encoded: list[int] = field(default_factory=list)  # texts per MiniLM call, in order
    minilm_rows: int = 0
    sentences: int = 0
    pairs_with_minilm: int = 0
    pairs: int = 0


def analyse(report: Report, options: Options) -> Run:
    """Every default stage over a copy of ``report``, timed one by one (wall and CPU)."""
    from parallax import pipeline
    from parallax.analysis.claims.grouping import is_claim_sentence

    ctx = Context(report=copy.deepcopy(report), options=options)
    run = Run(ctx.report)
    plain = ctx.resources.embed

    def counted(texts: Sequence[str]) -> np.ndarray:
        run.encoded.append(len(texts))
        return plain(texts)

    ctx.resources.embed = counted  # type: ignore[method-assign]
    for st in pipeline.build(pipeline.default_stages()):
        wall, cpu = time.perf_counter(), time.process_time()
        st(ctx)
        run.wall[st.name] = time.perf_counter() - wall
        run.cpu[st.name] = time.process_time() - cpu
    sentences: list[Sentence] = ctx.sentences()
    vectors = ctx.vectors if ctx.vectors is not None else np.zeros((len(sentences), 1))
    has = np.linalg.norm(vectors, axis=1) > 0
    run.minilm_rows, run.sentences = int(has.sum()), len(sentences)
    claim = [n for n, s in enumerate(sentences) if is_claim_sentence(s, options.min_sentence_chars)]
    home = [sentences[n].article for n in claim]
    for x, y in itertools.combinations(range(len(claim)), 2):
        if home[x] != home[y]:
            run.pairs += 1
            run.pairs_with_minilm += bool(has[claim[x]] and has[claim[y]])
    return run


def describe(name: str, run: Run) -> str:
    wall, cpu = sum(run.wall.values()), sum(run.cpu.values())
    top = sorted(run.cpu.items(), key=lambda kv: -kv[1])[:5]
    return (
        f"  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU; MiniLM: {run.minilm_rows}/{run.sentences} sentences "
        f"({run.minilm_rows / max(run.sentences, 1):.1%}), {run.pairs_with_minilm}/{run.pairs} "
        f"claim-sentence pairs ({run.pairs_with_minilm / max(run.pairs, 1):.1%}), "
        f"encodings per call {run.encoded}; CPU by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in top)
    )


def compare_runs(label: str, report: Report, repeat: int, warm: bool) -> None:
    from claims_quality import measure_quality
    from parallax.nlp import embedding

    off, on = Options(claims_cascade=False), Options(claims_cascade=True)
    if warm:
        analyse(report, off), analyse(report, on)  # warm-up: models loaded, first-call costs paid
    runs: dict[str, list[Run]] = {"off": [], "on": []}
    for _ in range(repeat):
        for name, options in (("off", off), ("on", on)):
            runs[name].append(analyse(report, options))
    print(f"{label} (load average {os.getloadavg()[0]:.1f}):")
    for name in ("off", "on"):
        for run in runs[name]:
            print(describe(f"cascade {name}", run))
    for stage in ("embed_sentences", "group_claims", "summarise"):
        mean = {k: np.mean([r.cpu[stage] for r in v]) for k, v in runs.items()}
        print(f"  {stage}: CPU {mean['off']:.2f} s off, {mean['on']:.2f} s on (mean of {repeat})")
    total = {k: np.mean([sum(r.cpu.values()) for r in v]) for k, v in runs.items()}
    wall = {k: np.mean([sum(r.wall.values()) for r in v]) for k, v in runs.items()}
    print(
        f"  whole analysis: CPU {total['off']:.2f} s off, {total['on']:.2f} s on; "
        f"wall {wall['off']:.2f} s off, {wall['on']:.2f} s on"
    )
    first_off, first_on = runs["off"][0].report, runs["on"][0].report
    recall, precision = agreement(claim_pairs(first_off), claim_pairs(first_on))
    same_summary = [s.text for s in first_off.summary] == [s.text for s in first_on.summary]
    print(
        f"  claims: {len(first_off.claims)} off, {len(first_on.claims)} on; claim pairs kept {recall:.4f}, "
        f"precision {precision:.4f}; summary identical: {same_summary}"
    )
    if label == "seeds":
        for name, rep in (("off", first_off), ("on", first_on)):
            q = measure_quality(rep)
            print(
                f"  seed annotation, cascade {name}: pair precision {q.precision:.3f}, recall {q.recall:.3f}"
            )
    texts = [s.norm or s.text for a in first_off.articles for s in a.sentences]
    wall_alone, cpu_alone = time.perf_counter(), time.process_time()
    embedding.embed_texts(texts, off.model_name, off.batch_size)
    wall_alone, cpu_alone = time.perf_counter() - wall_alone, time.process_time() - cpu_alone
    print(
        f"  MiniLM alone, every sentence once: {wall_alone:.2f} s wall, {cpu_alone:.2f} s CPU; "
        f"analysis / that: wall {wall['off'] / wall_alone:.2f} off, {wall['on'] / wall_alone:.2f} on; CPU "
        f"{total['off'] / cpu_alone:.2f} off, {total['on'] / cpu_alone:.2f} on"
    )


def measure_runs(articles: int, repeat: int) -> None:
    from parallax.ingest import prepare, read_sources
    from speed import cut_allsides_story

    read, skipped = read_sources([SHARED / "seeds"])
    compare_runs("seeds", prepare(read, skipped), repeat, warm=True)
    path = SHARED / "datasets" / "allsides" / "articles.jsonl.gz"
    if articles and path.exists():
        label, story = cut_allsides_story(path, articles)
        compare_runs(f"AllSides story: {label}", prepare(story, []), repeat, warm=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("margin", "runs", "all"), default="all")
    parser.add_argument("--articles", type=int, default=50, help="AllSides story size (0 skips it)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each setting")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: this benchmark needs ../shared beside the repository")
        return 1
    if args.part in ("runs", "all"):
        measure_runs(args.articles, args.repeat)
    if args.part in ("margin", "all"):
        measure_margin()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
