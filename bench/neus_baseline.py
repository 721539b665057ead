"""A plain baseline for story clustering on NeuS: TF-IDF vectors, global average linkage.

    python bench/neus_baseline.py            # threshold tuned on train, reported on val

Each article's title and lead become a TF-IDF vector (scikit-learn's
``TfidfVectorizer``: sublinear tf, English stop words, words and word pairs, fitted
on the split itself); all pairs are compared by cosine and clustered by average
linkage, cut where the average cosine falls below a threshold. The threshold is
chosen on NeuS train (best BCubed F1 over a grid) and applied unchanged to val.
This sees every pair at once (offline), which the incremental clusterer never
does, so it is a strong reference rather than a like-for-like one.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from clustering import bcubed, load_neus  # bench/clustering.py, beside this file

GRID = [round(0.02 * n, 2) for n in range(2, 31)]  # average cosine 0.04 .. 0.60


def build_tree(docs: list[dict[str, str]]) -> np.ndarray:
    """The average-linkage tree of the documents' TF-IDF cosines."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=2)
    matrix = vectorizer.fit_transform([d["title"] + "\n" + d["text"] for d in docs])
    similarity = (matrix @ matrix.T).toarray().astype(np.float32)
    distances = squareform(np.clip(1.0 - similarity, 0.0, 2.0), checks=False).astype(np.float64)
    del similarity
    return linkage(distances, "average")


def score_cut(tree: np.ndarray, docs: list[dict[str, str]], threshold: float) -> tuple[float, float, float]:
    labels = fcluster(tree, 1.0 - threshold, "distance")
    predicted = {d["id"]: str(label) for d, label in zip(docs, labels, strict=True)}
    return bcubed(predicted, {d["id"]: d["event"] for d in docs})


def main() -> None:
    began = time.perf_counter()
    train = load_neus("train")
    train_tree = build_tree(train)
    on_train = {t: score_cut(train_tree, train, t) for t in GRID}
    best = max(GRID, key=lambda t: on_train[t][2])
    val = load_neus("val")
    val_tree = build_tree(val)
    p, r, f = score_cut(val_tree, val, best)
    oracle = max(GRID, key=lambda t: score_cut(val_tree, val, t)[2])
    op, orr, of = score_cut(val_tree, val, oracle)
    print(
        json.dumps(
            {
                "run": "tfidf-average-link",
                "threshold_from_train": best,
                "train": [round(x, 4) for x in on_train[best]],
                "val": [round(p, 4), round(r, 4), round(f, 4)],
                "val_best_threshold_for_reference": oracle,
                "val_at_its_own_best": [round(op, 4), round(orr, 4), round(of, 4)],
                "seconds": round(time.perf_counter() - began, 1),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
