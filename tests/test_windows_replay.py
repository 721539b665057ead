"""A window that holds a whole corpus, replaying its arrivals' document frequencies
(``WindowPlan.exact``), places every article as the in-process clusterer does; weighing by the
whole corpus from the start does not. AllSides records of March 2020 with stand-in vectors
(``conftest.bag_embedder``), so no model is loaded."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from conftest import bag_embedder, need_shared
from parallax.corpus.connect import open_store
from parallax.corpus.features import lead_text
from parallax.corpus.intake import ingest
from parallax.corpus.pairs import ClusterSettings
from parallax.corpus.stories import StoryClusterer
from parallax.corpus.windows import Window, cluster_window, corpus_counts

COUNT = 120


def corpus(folder: Path) -> Path:
    source = need_shared("datasets", "allsides", "articles.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        march = [r for line in lines if (r := json.loads(line))["date"] and r["date"].startswith("2020-03")]
    path = folder / "march.jsonl"
    records = sorted(march, key=lambda r: r["id"])[::4][:COUNT]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def partition(story_of: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for article, story in story_of.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def test_windows_replay_places_a_whole_corpus_window_as_in_process(tmp_path: Path) -> None:
    path, settings = corpus(tmp_path), ClusterSettings()
    with open_store(str(tmp_path / "local.db")) as store:
        ingest(store, [str(path)], cluster=False)
        pending = store.pending_articles(2**62)
        StoryClusterer(store, settings, bag_embedder).cluster_pending()
        local = partition({int(a): int(s) for a, s in store.rows("SELECT id, story_id FROM articles")})
    assert len(pending) == COUNT and len(local) < COUNT  # some stories have several articles
    vectors = bag_embedder([lead_text(a.title, a.text, settings.lead_chars) for a in pending])
    replayed, whole = corpus_counts(pending, settings, exact=COUNT), corpus_counts(pending, settings)
    assert replayed.early is not None and whole.early is None
    early = replayed.early.for_window([a.id for a in pending])
    exact = cluster_window(Window(0, 0, pending, vectors, replayed, early), settings)
    assert partition(exact.story_of) == local
    assert np.array_equal(early.ids, np.asarray(sorted(a.id for a in pending)))
    fixed = cluster_window(Window(0, 0, pending, vectors, whole), settings)
    assert partition(fixed.story_of) != local  # early pairs joined on thin frequencies stay apart
