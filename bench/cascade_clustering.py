"""Story clustering with static title+lead vectors, and a clustering cascade (bench/cascade.py).

Run through ``python bench/cascade.py --part clustering [--leads ...] [--bands ...]``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def embed_leads_static(texts: Sequence[str]) -> np.ndarray:
    """Static-model lead vectors, zero-padded to the store's width (cosines unchanged)."""
    from parallax.corpus.vectors import DIM
    from parallax.nlp.static import embed_static

    rows = embed_static(texts)
    return np.hstack([rows, np.zeros((rows.shape[0], DIM - rows.shape[1]), dtype=np.float32)])


def embed_leads_none(texts: Sequence[str]) -> np.ndarray:
    """Zero lead vectors: clustering on names and terms alone (how much the vector adds)."""
    from parallax.corpus.vectors import DIM

    return np.zeros((len(texts), DIM), dtype=np.float32)


def make_cascade_clusterer(store: Any, band: float) -> Any:
    """A StoryClusterer on static vectors whose close calls are rescored with MiniLM: when an
    article's best candidate story scores within ``band`` of the join threshold, its candidates
    are scored again with MiniLM vectors of the article and of the neighbours (computed once
    each). Story links and splits keep the static vectors."""
    from parallax.corpus.embedding import embed_leads
    from parallax.corpus.features import lead_text
    from parallax.corpus.stories import StoryClusterer

    class CascadeClusterer(StoryClusterer):
        def __init__(self) -> None:
            super().__init__(store, None, self.embed_and_remember)
            self.leads: dict[int, str] = {}  # article id -> its lead text
            self.lead_of_vector: dict[bytes, str] = {}  # static vector -> its lead text
            self.minilm: dict[str, np.ndarray] = {}  # lead text -> MiniLM vector
            self.decided = self.rescored = 0

        def embed_and_remember(self, texts: Sequence[str]) -> np.ndarray:
            rows = embed_leads_static(texts)
            self.lead_of_vector.update((row.tobytes(), text) for row, text in zip(rows, texts, strict=True))
            return rows

        def cluster_batch(self, articles: Sequence[Any], summary: Any) -> Any:
            for a in articles:
                self.leads[a.id] = lead_text(a.title, a.text, self.settings.lead_chars)
            return super().cluster_batch(articles, summary)

        def minilm_vector(self, text: str) -> np.ndarray:
            if text not in self.minilm:
                self.minilm[text] = embed_leads([text])[0]
            return self.minilm[text]

        def candidate_stories(self, vector: np.ndarray, profile: Any, day: int | None) -> Any:
            ranked = super().candidate_stories(vector, profile, day)
            s = self.settings
            if not ranked or abs(ranked[0][0] - self.join_at) > band:
                self.decided += 1
                return ranked
            self.rescored += 1
            mine = self.minilm_vector(self.lead_of_vector[vector.tobytes()])
            per_story: dict[int, list[float]] = {}
            for other, similarity in self.vectors.search(vector, s.neighbours):
                if similarity < s.min_similarity or other not in self.story_of:
                    continue
                gap = self.days_apart(day, self.day.get(other))
                if gap is not None and gap > s.window_days:
                    continue
                cosine = float(mine @ self.minilm_vector(self.leads[other]))
                score = self.pair_score(cosine, profile, self.profile(other), gap)
                per_story.setdefault(self.story_of[other], []).append(score)
            rescored = []
            for story, scores in per_story.items():
                best = sorted(scores, reverse=True)[: s.top_links]
                rescored.append((sum(best) / len(best), story))
            return sorted(rescored, reverse=True)

    return CascadeClusterer()


def measure_clustering_cascade(limit: int | None, bands: Sequence[float]) -> None:
    """ECB+ clustering with the cascade clusterer, one run per band."""
    import tempfile

    from clustering import bcubed, load_ecb, write_jsonl
    from parallax.corpus.connect import open_store
    from parallax.corpus.intake import ingest

    docs = load_ecb(limit)
    gold = {d["id"]: d["event"] for d in docs}
    print(f"clustering cascade: ECB+ {len(docs)} documents; static vectors, MiniLM for close calls")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ecb.jsonl"
        write_jsonl(source, docs)
        for band in bands:
            store = open_store(str(Path(tmp) / f"band{band}.db"))
            ingest(store, [str(source)], cluster=False)
            began = time.perf_counter()
            clusterer = make_cascade_clusterer(store, band)
            clusterer.cluster_pending()
            seconds = time.perf_counter() - began
            predicted = {i: story["id"] for story in store.list_stories() for i in story["article_ids"]}
            store.close()
            p, r, f1 = bcubed({k: predicted.get(k, f"missing:{k}") for k in gold}, gold)
            share = clusterer.rescored / max(clusterer.rescored + clusterer.decided, 1)
            print(
                f"  band +-{band:<5} BCubed P {p:.3f} R {r:.3f} F1 {f1:.3f}  rescored {share:.1%} of "
                f"articles, MiniLM vectors {len(clusterer.minilm)}/{len(docs)}  clustering {seconds:.1f} s"
            )


def measure_clustering(limit: int | None, leads: Sequence[str]) -> None:
    """ECB+ story clustering (bench/clustering.py's run) with MiniLM lead vectors, then static ones."""
    import tempfile

    from clustering import evaluate, load_ecb, write_jsonl
    from parallax.nlp.static import ensure_static_model

    ensure_static_model()
    docs = load_ecb(limit)
    gold = {d["id"]: d["event"] for d in docs}
    print(f"clustering: ECB+ {len(docs)} documents, default ClusterSettings, lead vectors from:")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ecb.jsonl"
        write_jsonl(source, docs)
        embedders = {"minilm": None, "static": embed_leads_static, "none": embed_leads_none}
        for name in leads:
            embed = embedders[name]
            result = evaluate(Path(tmp) / f"{name}.db", [str(source)], gold, embed)
            print(
                f"  {name:6s} BCubed P {result['precision']:.3f} R {result['recall']:.3f} "
                f"F1 {result['f1']:.3f}  stories {result['stories']}  {result['seconds']:.1f} s"
            )
