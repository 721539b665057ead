"""The similarity cascade of issue 12, measured without changing the product.

A static model (model2vec distilled from all-MiniLM-L6-v2, see
src/parallax/nlp/static.py) scores every sentence pair; pairs whose static cosine is
below a low bound are rejected and above a high bound accepted, and MiniLM scores only
the pairs in between. Parts (``--part``, default all):

* ``quality``: ECB+ sentence pairs (same topic, different documents; positive when the
  two sentences share an ``ACT`` coreference instance, so hard negatives share the
  topic) split by topic into train and held-out halves, and the seed annotation
  (tests/data/seed_claims.json). Static and MiniLM cosine as pair scorers (ROC AUC,
  best-threshold F1), then cascades whose bounds are picked on the ECB+ train half and
  reported on the held-out half and the seeds: the share of pairs (and of sentences)
  that still need MiniLM and the F1 against MiniLM alone. Also the claims prefilter:
  how many pairs at or above claims' COSINE_FLOOR a static low bound would drop.
* ``speed``: sentences per second of each model on 2,000 AllSides sentences, and the
  seconds to load each model (first load in this process).
* ``spacy``: ``nlp.pipe`` over the paragraphs of the 50-article story of bench/speed.py
  with the current pipeline, batch sizes, ``n_process=2``, and a lean pipeline.
* ``clustering`` (bench/cascade_clustering.py): ECB+ story clustering through the real
  corpus path (bench/clustering.py) with MiniLM title+lead vectors, static ones, and none (zero
  vectors); ``--limit N`` for a subset, ``--leads static,none`` to skip the slow MiniLM run;
  ``--bands 0.05,0.1`` also runs a cascade that rescores close join calls with MiniLM.
* ``imports``: ``python -X importtime -c "import parallax.cli"``: wall time and the
  heaviest top-level packages.

    python bench/cascade.py [--part quality|speed|spacy|imports|clustering|all] [--sentences 2000]

Needs ../shared beside the repository and the static model (built on first use).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_curve, roc_auc_score

if TYPE_CHECKING:
    pass

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

HEAVY = ("torch", "sentence_transformers", "transformers", "spacy", "sklearn", "model2vec")
EPSILONS = (0.0, 0.005, 0.01, 0.02, 0.05)  # share of MiniLM's decisions a bound may overturn


@dataclass
class Pairs:
    """Scored sentence pairs: indices into a sentence list, gold labels, both cosines."""

    left: np.ndarray
    right: np.ndarray
    gold: np.ndarray
    static: np.ndarray
    minilm: np.ndarray
    group: np.ndarray  # ECB+ topic, or 0

    def take(self, mask: np.ndarray) -> Pairs:
        return Pairs(
            *(getattr(self, f)[mask] for f in ("left", "right", "gold", "static", "minilm", "group"))
        )


def embed_both(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors from the static model and from MiniLM, rows in ``texts`` order."""
    from parallax.nlp.embedding import embed_texts
    from parallax.nlp.pretrained import STANDARD_EMBEDDER
    from parallax.nlp.static import embed_static, ensure_static_model

    ensure_static_model()
    return embed_static(texts), embed_texts(texts, STANDARD_EMBEDDER)


def score_pairs(texts: list[str], index: list[tuple[int, int, bool, int]]) -> Pairs:
    static, minilm = embed_both(texts)
    left = np.array([p[0] for p in index])
    right = np.array([p[1] for p in index])
    return Pairs(
        left,
        right,
        np.array([p[2] for p in index]),
        np.einsum("ij,ij->i", static[left], static[right]),
        np.einsum("ij,ij->i", minilm[left], minilm[right]),
        np.array([p[3] for p in index]),
    )


def read_ecbplus_pairs() -> tuple[list[str], list[tuple[int, int, bool, int]]]:
    """Distinct ECB+ sentences and their same-topic, cross-document pairs."""
    path = SHARED / "datasets" / "ecbplus" / "sentences.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    by_topic: dict[int, list[int]] = defaultdict(list)
    for n, r in enumerate(rows):
        by_topic[int(r["doc"].split("_")[0])].append(n)
    actions = [{i for i in r["instances"] if i.startswith("ACT")} for r in rows]
    index = [
        (a, b, bool(actions[a] & actions[b]), topic)
        for topic, members in by_topic.items()
        for a, b in itertools.combinations(members, 2)
        if rows[a]["doc"] != rows[b]["doc"]
    ]
    return texts, index


def read_seed_pairs() -> tuple[list[str], list[tuple[int, int, bool, int]]]:
    """The seeds' sentences (as Parallax splits them) and their cross-article pairs,
    positive when the annotation puts both in one group; ambiguous sentences left out."""
    import parallax
    from claims_quality import ANNOTATION, find_sentence

    report = parallax.analyze([SHARED / "seeds"])
    data = json.loads(ANNOTATION.read_text(encoding="utf-8"))
    group_of: dict[str, int] = {}
    for n, group in enumerate(data["groups"]):
        for file_name, snippet in group["mentions"]:
            found = find_sentence(report, file_name, snippet)
            if found is not None:
                group_of[found.id] = n
    ambiguous = {s.id for s in (find_sentence(report, f, t) for f, t in data["ambiguous"]) if s is not None}
    sentences = [s for a in report.articles for s in a.sentences if s.id not in ambiguous]
    texts = [s.norm or s.text for s in sentences]
    index = [
        (a, b, sentences[a].id in group_of and group_of[sentences[a].id] == group_of.get(sentences[b].id), 0)
        for a, b in itertools.combinations(range(len(sentences)), 2)
        if sentences[a].article != sentences[b].article
    ]
    return texts, index


def choose_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1 on these pairs, and that F1."""
    precision, recall, thresholds = precision_recall_curve(gold, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    best = int(np.argmax(f1[:-1]))
    return float(thresholds[best]), float(f1[best])


def choose_bounds(static: np.ndarray, accepted: np.ndarray, epsilon: float) -> tuple[float, float]:
    """Static bounds that overturn at most ``epsilon`` of MiniLM's accepts (below ``low``)
    and of its rejects (above ``high``) on these pairs."""
    yes, no = static[accepted], static[~accepted]
    low = float(np.quantile(yes, epsilon)) if yes.size else float("inf")
    high = float(np.quantile(no, 1 - epsilon)) if no.size else float("-inf")
    return (low - 1e-6, high + 1e-6) if epsilon == 0 else (low, high)


def run_cascade(pairs: Pairs, low: float, high: float, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The cascade's decisions and which pairs went to MiniLM."""
    undecided = (pairs.static >= low) & (pairs.static <= high)
    decided = np.where(pairs.static > high, True, False)
    return np.where(undecided, pairs.minilm >= threshold, decided), undecided


def share_of_sentences(pairs: Pairs, sent: np.ndarray) -> float:
    """Share of the sentences in these pairs that take part in a pair sent to MiniLM."""
    every = set(pairs.left.tolist()) | set(pairs.right.tolist())
    needed = set(pairs.left[sent].tolist()) | set(pairs.right[sent].tolist())
    return len(needed) / max(len(every), 1)


def report_scorers(name: str, pairs: Pairs) -> None:
    print(f"  {name}: {len(pairs.gold)} pairs, {int(pairs.gold.sum())} positive")
    for model in ("static", "minilm"):
        scores = getattr(pairs, model)
        threshold, f1 = choose_threshold(scores, pairs.gold)
        print(
            f"    {model:6s} AUC {roc_auc_score(pairs.gold, scores):.3f}  "
            f"best F1 {f1:.3f} at cosine {threshold:.3f}"
        )


def report_cascades(train: Pairs, test: Pairs, name: str, threshold: float) -> None:
    """Cascades at MiniLM ``threshold``, bounds picked on ``train``, reported on ``test``."""
    alone = f1_score(test.gold, test.minilm >= threshold)
    print(f"  {name}: MiniLM alone F1 {alone:.3f} at cosine {threshold:.3f}; bounds picked on ECB+ train")
    print("    epsilon   low    high   to-MiniLM pairs  sentences  F1     dF1     agree")
    for epsilon in EPSILONS:
        low, high = choose_bounds(train.static, train.minilm >= threshold, epsilon)
        decided, sent = run_cascade(test, low, high, threshold)
        f1 = f1_score(test.gold, decided)
        agree = float(np.mean(decided == (test.minilm >= threshold)))
        print(
            f"    {epsilon:<8} {low:6.3f} {high:6.3f}  {sent.mean():14.1%}  "
            f"{share_of_sentences(test, sent):9.1%}  {f1:.3f}  {f1 - alone:+.3f}  {agree:.4f}"
        )


def find_lonely(pairs: Pairs, low: float) -> tuple[int, int]:
    """How many sentences have no pair with a static cosine at or above ``low`` (they would
    need no MiniLM vector), out of how many."""
    best: dict[int, float] = defaultdict(lambda: -1.0)
    for a, b, score in zip(pairs.left.tolist(), pairs.right.tolist(), pairs.static.tolist(), strict=True):
        best[a] = max(best[a], score)
        best[b] = max(best[b], score)
    return sum(score < low for score in best.values()), len(best)


def report_prefilter(train: Pairs, tests: dict[str, Pairs]) -> None:
    """Claims' prefilter: a static low bound in place of MiniLM's COSINE_FLOOR, by pair and
    by sentence (a sentence with no pair at or above the bound needs no MiniLM vector)."""
    from parallax.analysis.claims.grouping import COSINE_FLOOR

    print(f"  claims prefilter: static low bound for MiniLM cosine >= COSINE_FLOOR ({COSINE_FLOOR})")
    print("    per set: pairs skipped / floor pairs lost / gold pairs lost | sentences needing no MiniLM")
    for epsilon in EPSILONS:
        low, _ = choose_bounds(train.static, train.minilm >= COSINE_FLOOR, epsilon)
        cells = []
        for name, test in tests.items():
            skipped = test.static < low
            above = test.minilm >= COSINE_FLOOR
            lost = (skipped & above).sum() / max(above.sum(), 1)
            gold_lost = (skipped & test.gold).sum() / max(test.gold.sum(), 1)
            lonely, every = find_lonely(test, low)
            cells.append(
                f"{name}: {skipped.mean():5.1%} / {lost:5.2%} / {gold_lost:5.2%} | {lonely / every:5.1%}"
            )
        print(f"    eps {epsilon:<6} low {low:6.3f}  " + "   ".join(cells))


def measure_quality() -> None:
    texts, index = read_ecbplus_pairs()
    ecb = score_pairs(texts, index)
    topics = sorted(set(ecb.group.tolist()))
    random.Random(12).shuffle(topics)
    train_topics = set(topics[: len(topics) // 2])
    in_train = np.array([t in train_topics for t in ecb.group.tolist()])
    train, held = ecb.take(in_train), ecb.take(~in_train)
    seed_texts, seed_index = read_seed_pairs()
    seeds = score_pairs(seed_texts, seed_index)
    held_topics = len(topics) - len(train_topics)
    print(f"quality: ECB+ split by topic ({len(train_topics)} train / {held_topics} held out)")
    for name, pairs in (("ECB+ train", train), ("ECB+ held-out", held), ("seeds", seeds)):
        report_scorers(name, pairs)
    report_cascades(train, held, "ECB+ held-out", choose_threshold(train.minilm, train.gold)[0])
    # The seed annotation is stricter (one fact, not one event): its operating threshold is
    # MiniLM's best on the seeds themselves (in-sample), the bounds still come from ECB+ train.
    report_cascades(train, seeds, "seeds", choose_threshold(seeds.minilm, seeds.gold)[0])
    report_prefilter(train, {"ECB+ held-out": held, "seeds": seeds})


def read_allsides_sentences(count: int) -> list[str]:
    """The first ``count`` sentences (a naive split) of AllSides articles, in file order."""
    found: list[str] = []
    with gzip.open(SHARED / "datasets" / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            found.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if 20 <= len(s) <= 600)
            if len(found) >= count:
                return found[:count]
    return found


def measure_speed(count: int) -> None:
    import torch

    from parallax.nlp import pretrained as models
    from parallax.nlp.embedding import choose_threads
    from parallax.nlp.static import ensure_static_model, load_static_model

    texts = read_allsides_sentences(count)
    threads = choose_threads()
    torch.set_num_threads(threads)
    print(f"speed: {len(texts)} AllSides sentences, torch threads {threads}, load {os.getloadavg()[0]:.1f}")
    ensure_static_model()
    load_static_model.cache_clear()
    began = time.perf_counter()
    static = load_static_model()
    print(f"  static load {time.perf_counter() - began:.2f} s (files checked, model2vec imported)")
    began = time.perf_counter()
    minilm = models.load_embedder()
    print(f"  MiniLM load {time.perf_counter() - began:.2f} s (torch + sentence-transformers imported)")
    for name, encode in (
        ("static", lambda: static.encode(texts, use_multiprocessing=False)),
        ("MiniLM", lambda: minilm.encode(texts, batch_size=32, show_progress_bar=False)),
    ):
        began = time.perf_counter()
        encode()
        seconds = time.perf_counter() - began
        print(f"  {name:6s} {seconds:7.2f} s  {len(texts) / seconds:9.0f} sentences/s")


def load_lean_spacy() -> Any:
    """en_core_web_sm with only what sentences and NER need: no parser, the senter on."""
    import spacy

    from parallax.nlp.pretrained import SPACY_FALLBACKS, SPACY_UNUSED, STANDARD_SPACY

    for name in (STANDARD_SPACY, SPACY_FALLBACKS[STANDARD_SPACY]):
        try:
            nlp = spacy.load(name, exclude=[*SPACY_UNUSED, "parser"])
        except OSError:
            continue
        nlp.enable_pipe("senter")
        return nlp
    raise SystemExit("no en_core_web_sm pipeline installed")


def measure_spacy(articles: int) -> None:
    from parallax.nlp.pretrained import load_spacy
    from speed import cut_allsides_story

    _, story = cut_allsides_story(SHARED / "datasets" / "allsides" / "articles.jsonl.gz", articles)
    pieces = [p for a in story for p in (a.text or a.original).split("\n") if p.strip()]
    chars = sum(map(len, pieces))
    print(f"spacy: {len(story)} articles, {len(pieces)} paragraphs, {chars} characters")
    current = load_spacy()
    lean = load_lean_spacy()
    runs = [
        ("current " + "+".join(current.pipe_names), current, 128, 1),
        ("current, batch 32", current, 32, 1),
        ("current, batch 512", current, 512, 1),
        ("current, n_process=2", current, 128, 2),
        ("lean " + "+".join(lean.pipe_names), lean, 128, 1),
        ("lean, n_process=2", lean, 128, 2),
    ]
    for label, nlp, batch, processes in runs:
        began = time.perf_counter()
        docs = list(nlp.pipe(pieces, batch_size=batch, n_process=processes))
        seconds = time.perf_counter() - began
        ents = sum(len(d.ents) for d in docs)
        print(f"  {label:38s} {seconds:6.2f} s  {seconds / len(story):.3f} s/article  {ents} entities")


def measure_imports() -> None:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import parallax.cli"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    wall = time.perf_counter() - began
    heaviest: dict[str, int] = defaultdict(int)  # package -> cumulative time of its first import
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| *(\S+)", line)
        if match:
            package = match.group(2).split(".")[0]
            heaviest[package] = max(heaviest[package], int(match.group(1)))
    probe = f"import sys, parallax.cli; print(*sorted({set(HEAVY)!r} & set(sys.modules)))"
    heavy = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    print(f"imports: `import parallax.cli` in a new process: {wall:.2f} s wall")
    print(f"  heavy libraries imported by it: {heavy.stdout.strip() or 'none'} (of {', '.join(HEAVY)})")
    print("  heaviest packages (cumulative, so a package includes what it imports):")
    for package, micros in sorted(heaviest.items(), key=lambda kv: -kv[1])[:14]:
        print(f"  {package:28s} {micros / 1e6:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the similarity cascade, measured")
    parser.add_argument(
        "--part", choices=("quality", "speed", "spacy", "imports", "clustering", "all"), default="all"
    )
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--limit", type=int, default=None, help="ECB+ documents for --part clustering")
    parser.add_argument("--bands", default="", help="with --part clustering: cascade bands, e.g. 0.05,0.1")
    parser.add_argument("--leads", default="minilm,static,none", help="lead vectors for --part clustering")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: this benchmark needs ../shared beside the repository")
        return 1
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.part in ("imports", "all"):
        measure_imports()
    if args.part in ("speed", "all"):
        measure_speed(args.sentences)
    if args.part in ("quality", "all"):
        measure_quality()
    if args.part in ("spacy", "all"):
        measure_spacy(args.articles)
    if args.part in ("clustering", "all"):
        from cascade_clustering import measure_clustering, measure_clustering_cascade

        measure_clustering(args.limit, [x for x in args.leads.split(",") if x])
        if args.bands:
            measure_clustering_cascade(args.limit, [float(x) for x in args.bands.split(",")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
