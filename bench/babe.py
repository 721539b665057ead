"""Loaded-language detection measured on BABE (Spinde et al. 2021).

    python bench/babe.py [--babe ../shared/datasets/babe/sentences.jsonl] [--seed 13] [--no-classifier]

Held-out evaluation: the sentences are split once, by a seeded shuffle, into a train
part (80%) and a test part (20%). The BABE extension of the lexicon is derived from the
train part only, the sentence classifier is trained on the train part only, and every
figure printed is measured on the test part.

Printed:
* token level: precision and recall of biased-word detection (a word of a test sentence
  is predicted biased when it is in the lexicon; gold = the words BABE's annotators marked);
* sentence level: biased/non-biased F1 of (a) the lexicon rule "any loaded word" and
  (b) logistic regression over all-MiniLM-L6-v2 sentence embeddings plus lexicon counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from parallax.lexicons import (  # noqa: E402
    derive_babe_words,
    load_attribution_verbs,
    load_hedges,
    read_babe_rows,
    select_vader_words,
    tokenize_words,
)

DEFAULT_BABE = ROOT.parent / "shared" / "datasets" / "babe" / "sentences.jsonl"


def split_rows(
    rows: list[dict[str, Any]], seed: int = 13, test_share: float = 0.2
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A seeded train/test split of BABE's sentences."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * (1 - test_share))
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]


def gold_words(row: dict[str, Any]) -> set[str]:
    return {t for w in row.get("biased_words") or [] for t in tokenize_words(str(w))}


def score_tokens(rows: list[dict[str, Any]], lexicon: set[str]) -> dict[str, float]:
    """Token-level precision/recall/F1 of 'word in lexicon' against the marked biased words."""
    tp = fp = fn = 0
    for row in rows:
        words = set(tokenize_words(str(row["text"])))
        gold = gold_words(row) & words
        predicted = words & lexicon
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def f1_scores(gold: list[bool], predicted: list[bool]) -> dict[str, float]:
    """F1 of the biased class, of the non-biased class, and their mean (macro F1)."""
    out: dict[str, float] = {}
    for name, positive in (("biased", True), ("non_biased", False)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == positive and p == positive)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != positive and p == positive)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == positive and p != positive)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[f"f1_{name}"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out["macro_f1"] = (out["f1_biased"] + out["f1_non_biased"]) / 2
    out["accuracy"] = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / max(len(gold), 1)
    return out


def lexicon_features(text: str, lexicon: set[str]) -> list[float]:
    words = tokenize_words(text)
    verbs = load_attribution_verbs()
    lowered = " ".join(words)
    return [
        float(sum(1 for w in words if w in lexicon)),
        float(sum(1 for w in words if w in verbs and verbs[w].judgement)),
        float(sum(1 for h in load_hedges() if f" {h} " in f" {lowered} ")),
    ]


def evaluate_lexicon(rows: list[dict[str, Any]], seed: int = 13, threshold: float = 2.0) -> dict[str, Any]:
    """Token- and sentence-level scores of the lexicons on the held-out part (no model needed)."""
    train, test = split_rows(rows, seed)
    vader = select_vader_words(threshold)
    babe = derive_babe_words(train)
    combined = vader | babe
    result: dict[str, Any] = {
        "train": len(train),
        "test": len(test),
        "vader_words": len(vader),
        "babe_words": len(babe),
    }
    for name, lexicon in (("vader", vader), ("babe_train", babe), ("combined", combined)):
        result[f"tokens_{name}"] = score_tokens(test, lexicon)
    gold = [bool(r["biased"]) for r in test]
    rule = [any(w in combined for w in tokenize_words(str(r["text"]))) for r in test]
    result["sentences_rule"] = f1_scores(gold, rule)
    return result


def evaluate_classifier(
    rows: list[dict[str, Any]], seed: int = 13, threshold: float = 2.0
) -> dict[str, float]:
    """Logistic regression over MiniLM embeddings + lexicon counts; trained on train, scored on test."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from parallax.nlp.pretrained import load_embedder

    train, test = split_rows(rows, seed)
    lexicon = select_vader_words(threshold) | derive_babe_words(train)
    model = load_embedder()

    def features(part: list[dict[str, Any]]) -> Any:
        texts = [str(r["text"]) for r in part]
        vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        extra = np.array([lexicon_features(t, lexicon) for t in texts])
        return np.hstack([vectors, np.log1p(extra)])

    classifier = LogisticRegression(max_iter=2000, C=1.0, random_state=seed)
    classifier.fit(features(train), [bool(r["biased"]) for r in train])
    predicted = [bool(p) for p in classifier.predict(features(test))]
    return f1_scores([bool(r["biased"]) for r in test], predicted)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--babe", default=str(DEFAULT_BABE), help="BABE's sentences.jsonl")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threshold", type=float, default=2.0, help="VADER valence size for loaded words")
    parser.add_argument("--no-classifier", action="store_true", help="skip the embedding classifier")
    args = parser.parse_args()
    path = Path(args.babe)
    if not path.exists():
        sys.exit(f"BABE not found at {path}: give --babe PATH (sentences.jsonl)")
    rows = read_babe_rows(path)
    began = time.perf_counter()
    result: dict[str, Any] = evaluate_lexicon(rows, args.seed, args.threshold)
    if not args.no_classifier:
        result["sentences_classifier"] = evaluate_classifier(rows, args.seed, args.threshold)
    result["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(result, indent=2, default=lambda v: round(v, 4)))


if __name__ == "__main__":
    main()
