"""Benchmark the MinHash LSH near-duplicate index (parallax.text.neardup).

Prints, for each index threshold:
* recall on synthetic copies of AllSides articles, per edit kind and edit rate
  (word deletions, word substitutions, sentence reordering, truncation, and all
  four together), with the originals hidden among distractor articles;
* the false-positive rate on ECB+: pairs of documents about the same event
  (written independently, not copies) that the index links;
* throughput: documents indexed and queried per second.

Usage: python bench/neardup.py [--originals 300] [--distractors 2000] [--thresholds 0.2,0.3,0.5]
Needs ../shared/datasets/allsides/articles.jsonl.gz and ../shared/datasets/ecbplus/documents.jsonl.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from parallax.analysis.provenance.reuse import compare_pair
from parallax.model import Article
from parallax.text.neardup import NearDuplicateIndex

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
RATES = (0.05, 0.10, 0.20, 0.30)
KINDS = ("delete", "substitute", "reorder", "truncate", "mixed")


def read_allsides(limit: int, min_words: int = 200) -> list[str]:
    path = SHARED / "allsides" / "articles.jsonl.gz"
    if not path.exists():
        sys.exit(f"{path} is absent: this benchmark needs ../shared beside the repository")
    texts: list[str] = []
    seen: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            key = text[:200]
            if len(text.split()) >= min_words and key not in seen:
                seen.add(key)
                texts.append(text)
                if len(texts) >= limit:
                    break
    return texts


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def make_copy(text: str, kind: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    """A copy of ``text`` with ``rate`` of it edited in the given way."""
    if kind == "mixed":
        for step in ("reorder", "delete", "substitute", "truncate"):
            text = make_copy(text, step, rate / 2, rng, vocab)
        return text
    if kind == "reorder":
        sentences = split_sentences(text)
        moved = max(1, round(rate * len(sentences)))
        for _ in range(moved):
            s = sentences.pop(rng.randrange(len(sentences)))
            sentences.insert(rng.randrange(len(sentences) + 1), s)
        return " ".join(sentences)
    words = text.split()
    if kind == "truncate":
        return " ".join(words[: max(1, round(len(words) * (1 - rate)))])
    if kind == "delete":
        return " ".join(w for w in words if rng.random() >= rate)
    if kind == "substitute":
        return " ".join(rng.choice(vocab) if rng.random() < rate else w for w in words)
    raise ValueError(kind)


def measure_recall(
    index: NearDuplicateIndex, originals: list[str], rng: random.Random
) -> dict[tuple[str, float], float]:
    vocab = [w for text in originals[:50] for w in text.split()]
    recall: dict[tuple[str, float], float] = {}
    for kind, rate in itertools.product(KINDS, RATES):
        hits = 0
        for k, text in enumerate(originals):
            copy = make_copy(text, kind, rate, rng, vocab)
            if any(m.key == f"orig{k}" for m in index.query(copy)):
                hits += 1
        recall[(kind, rate)] = hits / len(originals)
    return recall


def shares_wire_text(a: str, b: str) -> bool:
    """True when one text shares copied passages covering half or more of the other (real reuse)."""
    pair, _ = compare_pair(
        Article("a", "a", "", None, None, "en", a), Article("b", "b", "", None, None, "en", b)
    )
    return pair is not None and max(pair.a_coverage, pair.b_coverage) >= 0.5


def measure_false_positives(threshold: float) -> tuple[int, int, int, int, int]:
    """(same-event pairs linked, of which real copies, same-event pairs, other pairs linked, documents)."""
    path = SHARED / "ecbplus" / "documents.jsonl"
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    index = NearDuplicateIndex(threshold=threshold)
    event = {}
    for d in docs:
        index.add(d["doc"], d["text"])
        event[d["doc"]] = d["event"]
    by_event: dict[str, int] = defaultdict(int)
    for d in docs:
        by_event[d["event"]] += 1
    same_pairs = sum(n * (n - 1) // 2 for n in by_event.values())
    text = {d["doc"]: d["text"] for d in docs}
    linked_same = copies = linked_other = 0
    for a, b, _ in index.find_pairs():
        if event[a] == event[b]:
            linked_same += 1
            copies += shares_wire_text(text[a], text[b])
        else:
            linked_other += 1
    return linked_same, copies, same_pairs, linked_other, len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=300)
    parser.add_argument("--distractors", type=int, default=2000)
    parser.add_argument("--thresholds", default="0.2,0.3,0.5")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    texts = read_allsides(args.originals + args.distractors)
    originals, distractors = texts[: args.originals], texts[args.originals :]
    print(
        f"AllSides: {len(originals)} originals among {len(distractors)} distractors "
        f"(mean {sum(len(t.split()) for t in texts) / len(texts):.0f} words)"
    )
    for threshold in (float(t) for t in args.thresholds.split(",")):
        index = NearDuplicateIndex(threshold=threshold)
        began = time.perf_counter()
        for k, text in enumerate(originals):
            index.add(f"orig{k}", text)
        for k, text in enumerate(distractors):
            index.add(f"other{k}", text)
        add_rate = len(texts) / (time.perf_counter() - began)
        began = time.perf_counter()
        for text in distractors[:500]:
            index.query(text)
        query_rate = min(500, len(distractors)) / (time.perf_counter() - began)
        recall = measure_recall(index, originals, random.Random(args.seed))
        linked_same, copies, same_pairs, linked_other, n_docs = measure_false_positives(threshold)
        print(f"\nthreshold {threshold}  (num_perm {index.num_perm}, {index.shingle_size}-word shingles)")
        print("recall   " + "  ".join(f"{r:>5.0%}" for r in RATES))
        for kind in KINDS:
            print(f"{kind:<9}" + "  ".join(f"{recall[(kind, r)]:>5.2f}" for r in RATES))
        wrong = linked_same - copies
        print(
            f"ECB+ same-event pairs linked: {linked_same}/{same_pairs} = {linked_same / same_pairs:.4f}, "
            f"of which {copies} share wire text (copied passages cover >= half of one document); "
            f"not copies: {wrong}/{same_pairs} = {wrong / same_pairs:.4f}; "
            f"different-event pairs linked: {linked_other} ({n_docs} documents)"
        )
        print(f"throughput: {add_rate:.0f} docs/s indexed, {query_rate:.0f} docs/s queried")


if __name__ == "__main__":
    main()
