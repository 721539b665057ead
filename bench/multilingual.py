"""Cross-language quality and cost: claim pairs, stories, and the multilingual encoder's price.

Reads tests/data/multilingual_pairs.jsonl (fictional fact sentences in en/fr/de/es, see
scripts/build_multilingual_pairs.py) and prints:

* claim pair recall and precision: each pair scored as the claims stage scores a pair from
  articles in different languages (``score_pair`` over the calibrated multilingual cosine
  and the sentence features; no entities, as no parse is run here), "same claim" when the
  score reaches ``Options.claim_threshold``; per split and per language pair;
* story BCubed F1 across languages: one article per story and language (the story's facts,
  bare wording; 20 articles of 5 stories) and the bundled example (examples/calder-cable-car:
  4 languages of one story and an unrelated article), clustered by the corpus clusterer in
  a throwaway SQLite store;
* the encoder's cost per sentence against MiniLM (load time apart).

Run: ``PYTHONPATH=src python bench/multilingual.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def load_pairs() -> list[dict]:
    lines = (DATA / "multilingual_pairs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def sentence_of(text: str, language: str, article: str):  # type: ignore[no-untyped-def]
    from parallax.clean.normalise import normalise_for_matching
    from parallax.model import Sentence
    from parallax.text.numbers import list_values

    return Sentence(
        id=f"{article}:s0", article=article, index=0, text=text, start=0, end=len(text),
        norm=normalise_for_matching(text), numbers=list_values(text, language),
    )  # fmt: skip


def score_claim_pairs(pairs: list[dict]) -> list[float]:
    """The claims stage's pair score of each pair (cross-language cosine, features)."""
    from parallax.analysis.claims.crosslingual import calibrate_cosines
    from parallax.analysis.claims.grouping import describe_sentence, score_pair
    from parallax.nlp.multilingual import load_multilingual_encoder

    texts = sorted({t for p in pairs for t in (p["a"], p["b"])})
    row = {t: n for n, t in enumerate(texts)}
    vectors = load_multilingual_encoder().encode(texts)
    scores = []
    for pair in pairs:
        left, right = pair["languages"]
        a, b = sentence_of(pair["a"], left, "a1"), sentence_of(pair["b"], right, "a2")
        raw = float(vectors[row[pair["a"]]] @ vectors[row[pair["b"]]])
        cosine = float(calibrate_cosines(np.array([raw]))[0])
        scores.append(score_pair(cosine, describe_sentence(a), describe_sentence(b)))
    return scores


def pair_quality(pairs: list[dict], scores: list[float], threshold: float) -> tuple[float, float]:
    """(precision, recall) of "same claim" decisions."""
    hits = sum(1 for p, s in zip(pairs, scores, strict=True) if s >= threshold and p["same"])
    said = sum(1 for s in scores if s >= threshold)
    same = sum(1 for p in pairs if p["same"])
    return (hits / said if said else 1.0), (hits / same if same else 1.0)


def story_bcubed() -> tuple[float, float, float]:
    """BCubed (precision, recall, F1) of the corpus clusterer on one article per story and language."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from clustering import bcubed
    from parallax.corpus.connect import open_store
    from parallax.corpus.stories import StoryClusterer
    from parallax.ingest import read_sources
    from parallax.ingest.common import new_article

    source = json.loads((DATA / "multilingual_facts.json").read_text(encoding="utf-8"))
    articles, gold = [], {}
    for story in source["stories"]:
        for language in ("en", "fr", "de", "es"):
            facts = [f[language] for f in story["facts"]]
            article = new_article(f"{story['id']}-{language}", "\n\n".join(facts[1:]), title=facts[0],
                                  outlet=f"{language} outlet", published="2026-11-20")  # fmt: skip
            article.text = article.original
            articles.append(article)
            gold[f"{story['id']}-{language}"] = story["id"]
    example, _skipped = read_sources([ROOT / "examples" / "calder-cable-car"])
    for article in example:  # the bundled example: four languages of one story, one unrelated
        article.text = article.original
        articles.append(article)
        gold[article.source] = "unrelated" if "fremdes" in article.source else "calder"
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.db")
        store.add_articles(articles)
        StoryClusterer(store).cluster_pending()
        predicted = {}
        for record in store.story_records():
            for member in store.story_members(record.id):
                predicted[member.source] = str(record.id)
        store.close()
    return bcubed({k: predicted.get(k, f"missing:{k}") for k in gold}, gold)


def encoder_cost(texts: list[str]) -> tuple[float, float]:
    """Milliseconds per sentence: multilingual encoder, MiniLM (models loaded beforehand)."""
    from parallax.nlp.multilingual import load_multilingual_encoder
    from parallax.nlp.pretrained import load_embedder

    multilingual, minilm = load_multilingual_encoder(), load_embedder()
    multilingual.encode(texts[:8])
    minilm.encode(texts[:8])
    began = time.perf_counter()
    multilingual.encode(texts)
    middle = time.perf_counter()
    minilm.encode(texts, batch_size=32, normalize_embeddings=True)
    ended = time.perf_counter()
    return 1000 * (middle - began) / len(texts), 1000 * (ended - middle) / len(texts)


def main() -> None:
    from parallax.options import Options

    threshold = Options().claim_threshold
    pairs = load_pairs()
    scores = score_claim_pairs(pairs)
    for split in ("train", "val"):
        chosen = [(p, s) for p, s in zip(pairs, scores, strict=True) if p["split"] == split]
        precision, recall = pair_quality([p for p, _ in chosen], [s for _, s in chosen], threshold)
        print(f"claim pairs {split}: {len(chosen)} pairs, precision {precision:.3f}, recall {recall:.3f}")
    by_languages: dict[str, list[int]] = defaultdict(list)
    for n, p in enumerate(pairs):
        if p["split"] == "val":
            by_languages["-".join(p["languages"])].append(n)
    for key, rows in sorted(by_languages.items()):
        precision, recall = pair_quality([pairs[n] for n in rows], [scores[n] for n in rows], threshold)
        print(f"  val {key}: precision {precision:.3f}, recall {recall:.3f}")
    precision, recall, f1 = story_bcubed()
    print(f"stories across languages: BCubed precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    texts = sorted({t for p in pairs for t in (p["a"], p["b"])})
    multilingual, minilm = encoder_cost(texts)
    print(f"encoder cost per sentence ({len(texts)} sentences): multilingual {multilingual:.2f} ms, "
          f"MiniLM {minilm:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
