"""Incremental story clustering: joins, near-duplicates, time window, merges, splits, quality floor."""

from __future__ import annotations

import json
import sys
import tempfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, floor, need_shared
from parallax.corpus.connect import open_store
from parallax.corpus.features import content_hash, extract_names, lead_text
from parallax.corpus.store import Store
from parallax.corpus.stories import ClusterSettings, StoryClusterer
from parallax.model import Article

DIM = 384


def word_vector(text: str) -> np.ndarray:
    """A deterministic bag-of-words vector: texts sharing words point the same way."""
    total = np.zeros(DIM)
    for word in text.lower().split():
        total += np.random.default_rng(zlib.crc32(word.strip(".,").encode())).standard_normal(DIM)
    norm = np.linalg.norm(total)
    return (total / norm if norm else total).astype(np.float32)


def bag_embedder(texts: Sequence[str]) -> np.ndarray:
    return np.vstack([word_vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def table_embedder(table: dict[str, np.ndarray]) -> Callable[[Sequence[str]], np.ndarray]:
    """Vectors chosen by the test, looked up by the article title that starts the lead."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.vstack([table[t.split(" ")[0]] for t in texts])

    return embed


def article(
    title: str, text: str, date: str = "2024-05-01", ident: str | None = None, outlet: str = "Paper"
) -> Article:
    return Article(
        id="",
        source="t",
        title=title,
        outlet=outlet,
        published=date,
        language="en",
        original=text,
        meta={"input_id": ident or title},
    )


def cluster(
    store: Store, articles: list[Article], settings: ClusterSettings, embed: Callable[..., np.ndarray]
) -> StoryClusterer:
    store.add_articles(articles)
    clusterer = StoryClusterer(store, settings, embed)
    clusterer.cluster_pending()
    return clusterer


SCORERS = Path(tempfile.mkdtemp(prefix="parallax-scorers-"))
STEEP = 10.0  # the text-only scorer's log-odds: STEEP * (cosine - 0.5)


def text_probability(similarity: float) -> float:
    return float(1.0 / (1.0 + np.exp(-STEEP * (similarity - 0.5))))


def text_only(**changes: float) -> ClusterSettings:
    """Settings whose scorer reads the lead vectors alone, so a test chooses every similarity;
    thresholds are given as cosines and turned into that scorer's probabilities."""
    from parallax.corpus.scorer import FEATURES

    path = SCORERS / "text_only.json"
    coef = [STEEP if name == "lead_cosine" else 0.0 for name in FEATURES]
    zeros, ones = [0.0] * len(FEATURES), [1.0] * len(FEATURES)
    scorer = {"features": list(FEATURES), "mean": zeros, "scale": ones, "coef": coef}
    path.write_text(json.dumps({**scorer, "intercept": -STEEP / 2, "threshold": 0.5}), encoding="utf-8")
    thresholds = {k: text_probability(v) if k.endswith("_threshold") else v for k, v in changes.items()}
    return ClusterSettings(scorer=str(path), **thresholds)  # type: ignore[arg-type]


def stories_by_ids(store: Store) -> list[set[str]]:
    return sorted((set(s["article_ids"]) for s in store.list_stories()), key=lambda s: sorted(s))


FLOOD = (
    "Heavy rain flooded the river valley near Ashford and Kelby; "
    "the Ashford council opened shelters for residents."
)
MINE = (
    "A collapse at the Brennock copper mine trapped twelve miners; "
    "Brennock rescue crews drilled through the night."
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(str(tmp_path / "c.db"))


def test_stories_group_reports_of_one_event_and_keep_others_apart(store: Store) -> None:
    articles = [
        article("Ashford flood", FLOOD, ident="f1"),
        article("Brennock mine", MINE, ident="m1"),
        article(
            "Ashford floods",
            FLOOD.replace("Heavy rain", "Torrential rain") + " Kelby roads closed.",
            ident="f2",
        ),
        article(
            "Brennock miners", MINE.replace("twelve", "12") + " Families waited at Brennock.", ident="m2"
        ),
    ]
    cluster(store, articles, ClusterSettings(), bag_embedder)
    assert stories_by_ids(store) == [{"f1", "f2"}, {"m1", "m2"}]
    kinds = [e["kind"] for s in store.list_stories() for e in store.story_history(s["id"])]
    assert kinds.count("create") == 2 and kinds.count("join") == 2


def test_stories_near_duplicates_collapse_first(store: Store) -> None:
    copy = FLOOD + " " + MINE  # a long text so that one changed word keeps the shingles close
    articles = [
        article("Wire copy", copy, ident="w1"),
        article("Wire copy again", copy.replace("night", "night."), ident="w2"),
    ]
    clusterer = cluster(store, articles, ClusterSettings(), bag_embedder)
    (story,) = store.list_stories()
    assert story["article_ids"] == ["w1", "w2"]
    events = store.story_history(story["id"])
    assert [e["kind"] for e in events] == ["create", "duplicate"]
    stored = store.story_members(story["id"])
    assert stored[1].dup_of == stored[0].id
    assert stored[1].id not in clusterer.vectors  # copies are not embedded


def test_stories_time_window_separates_far_apart_reports(store: Store) -> None:
    articles = [
        article("Ashford flood", FLOOD, date="2024-01-01", ident="jan"),
        article("Ashford flood again", FLOOD + " Kelby.", date="2024-03-01", ident="mar"),
    ]
    cluster(store, articles, ClusterSettings(window_days=7), bag_embedder)
    assert stories_by_ids(store) == [{"jan"}, {"mar"}]


def test_stories_merge_when_an_article_bridges_two_stories(store: Store) -> None:
    e1 = np.eye(DIM, dtype=np.float32)[0]
    other = np.eye(DIM, dtype=np.float32)[1]
    v = (0.45 * e1 + np.sqrt(1 - 0.45**2) * other).astype(np.float32)  # cosine 0.45 with e1
    bridge = (e1 + v) / np.linalg.norm(e1 + v)
    table = {"A1": e1, "A2": e1, "B1": v, "B2": v, "X": bridge}
    settings = text_only(
        join_threshold=0.5,
        merge_threshold=0.4,
        split_threshold=0.3,
        batch_size=1,
    )
    articles = [
        article(t, f"{t} text number {i}.", ident=t) for i, t in enumerate(["A1", "A2", "B1", "B2", "X"])
    ]
    cluster(store, articles, settings, table_embedder(table))
    assert stories_by_ids(store) == [{"A1", "A2", "B1", "B2", "X"}]
    merges = [e for e in store.story_history(store.list_stories()[0]["id"]) if e["kind"] == "merge"]
    assert len(merges) == 1 and merges[0]["detail"]["link"] == pytest.approx(STEEP * (0.45 - 0.5), abs=0.1)


def test_stories_split_when_members_fall_apart(store: Store) -> None:
    e1 = np.eye(DIM, dtype=np.float32)[0]
    other = np.eye(DIM, dtype=np.float32)[1]
    near = (0.7 * e1 + np.sqrt(1 - 0.49) * other).astype(np.float32)  # cosine 0.7 with e1
    table = {"A1": e1, "A2": e1, "B1": near, "B2": near}
    settings = text_only(
        join_threshold=0.5,
        merge_threshold=0.5,
        split_threshold=0.9,
        split_min_size=4,
    )
    articles = [article(t, f"{t} text number {i}.", ident=t) for i, t in enumerate(["A1", "A2", "B1", "B2"])]
    cluster(store, articles, settings, table_embedder(table))
    assert stories_by_ids(store) == [{"A1", "A2"}, {"B1", "B2"}]
    splits = {
        (e["story"], e["other"])
        for s in store.list_stories()
        for e in store.story_history(s["id"])
        if e["kind"] == "split"
    }
    assert len(splits) == 1


def test_stories_settling_splits_two_groups_that_one_bridging_member_holds_together(store: Store) -> None:
    """Connected components would keep this story whole; average linkage at the end of the run splits it."""
    e1, other = np.eye(DIM, dtype=np.float32)[:2]
    v = (0.2 * e1 + np.sqrt(1 - 0.2**2) * other).astype(np.float32)  # cosine 0.2 with e1
    bridge = (e1 + v) / np.linalg.norm(e1 + v)  # cosine 0.77 with both
    table = {"A1": e1, "A2": e1, "A3": e1, "X": bridge, "B1": v, "B2": v, "B3": v}
    settings = text_only(
        join_threshold=0.3,  # loose on arrival: every article joins the first story
        merge_threshold=0.3,
        split_threshold=0.6,
        split_min_size=4,
        batch_size=1,
    )
    articles = [article(t, f"{t} text number {i}.", ident=t) for i, t in enumerate(table)]
    cluster(store, articles, settings, table_embedder(table))
    groups = stories_by_ids(store)
    assert len(groups) == 2
    assert any({"A1", "A2", "A3"} <= g for g in groups) and any({"B1", "B2", "B3"} <= g for g in groups)
    kinds = [e["kind"] for s in store.list_stories() for e in store.story_history(s["id"])]
    assert "split" in kinds


def test_stories_state_survives_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
    with open_store(path) as store:
        cluster(store, [article("Ashford flood", FLOOD, ident="f1")], ClusterSettings(), bag_embedder)
    assert (tmp_path / "c.db.usearch").exists()
    (tmp_path / "c.db.usearch").unlink()  # the index file is a cache: it is rebuilt from the store
    with open_store(path) as store:
        later = article(
            "Ashford floods", "Kelby and Ashford residents returned home as flood water fell.", ident="f2"
        )
        clusterer = cluster(store, [later], ClusterSettings(), bag_embedder)
        assert stories_by_ids(store) == [{"f1", "f2"}]
        assert len(clusterer.vectors) == 2


def test_stories_features_lead_names_and_hash() -> None:
    text = "First sentence here. Second one follows! Third is long " + "word " * 100
    lead = lead_text("The Title", text, limit=60)
    assert lead.startswith("The Title. First sentence here.") and "Third" not in lead
    names = extract_names("The mayor of Ashford, Jane Doe, met Doe's team in Kelby on Monday.")
    assert {"ashford", "jane doe", "kelby"} <= set(names) and "monday" not in names and "the" not in names
    assert content_hash("T", "a  b") == content_hash("t", "A b") != content_hash("T", "a c")


@pytest.mark.slow
def test_stories_ecb_bcubed_floor() -> None:
    need_shared("datasets", "ecbplus", "documents.jsonl")
    sys.path.insert(0, str(ROOT / "bench"))
    import clustering as bench  # bench/clustering.py

    docs = bench.load_ecb()  # all 982 documents, 86 events
    gold = {d["id"]: d["event"] for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ecb.jsonl"
        bench.write_jsonl(source, docs)
        result = bench.evaluate(Path(tmp) / "ecb.db", [str(source)], gold)
    assert result["f1"] >= floor("corpus_ecb_bcubed_f1")
    assert result["precision"] >= floor("corpus_ecb_bcubed_precision")


@pytest.mark.slow
def test_stories_neus_val_bcubed_floor() -> None:
    """Undated same-topic stories (NeuS val, never used to fit or tune) through the real store."""
    need_shared("datasets", "neus", "val.jsonl")
    sys.path.insert(0, str(ROOT / "bench"))
    import clustering as bench  # bench/clustering.py

    docs = bench.load_neus("val")  # 307 stories, 921 articles, no dates
    gold = {d["id"]: d["event"] for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "neus.jsonl"
        bench.write_jsonl(source, docs)
        result = bench.evaluate(Path(tmp) / "neus.db", [str(source)], gold)
    assert result["f1"] >= floor("corpus_neus_val_bcubed_f1")
    assert result["precision"] >= floor("corpus_neus_val_bcubed_precision")


def test_stories_terms_and_years_tell_apart_two_occasions_of_the_same_people() -> None:
    from parallax.corpus.bags import Bag, Frequencies, cosine
    from parallax.corpus.features import extract_terms, term_bucket
    from parallax.corpus.stories import Profile, read_features, write_features

    fired = extract_terms("The Ravens fired coach Tom Alder on Monday after a 9-40 start in 2008.")
    hired = extract_terms("The Ravens hired coach Tom Alder on Monday, hoping he can rebuild in 2005.")
    assert term_bucket("fired") in fired and term_bucket("fired") not in hired
    assert term_bucket("coach tom") in fired and term_bucket("the") not in fired
    names, terms, lead = read_features(write_features(["ravens", "2008"], fired, hired))
    assert names == ["ravens", "2008"] and terms == fired and lead == hired
    assert read_features('["ravens"]') == (["ravens"], {}, {})  # the older names-only form still loads
    old_form = '{"names": ["ravens"], "terms": [[5, 2], [9, 1]]}'
    assert read_features(old_form) == (["ravens"], {5: 2, 9: 1}, {})  # the older list of term pairs
    freq = Frequencies()
    bags = [Bag.from_counts(c) for c in (fired, hired, fired)]
    for bag in bags:
        freq.add(bag)
    ta, tb = freq.weigh(bags[0]), freq.weigh(bags[1])
    assert cosine(ta, ta) == pytest.approx(1.0)
    assert 0.0 < cosine(ta, tb) < 0.9
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "c.db")) as store:
        clusterer = StoryClusterer(store, ClusterSettings(), bag_embedder)
        no_names = freq.weigh(Bag.from_counts({}))
        in_2008, in_2005 = Profile(no_names, ta, 2008), Profile(no_names, ta, 2005)
        assert clusterer.pair_score(0.8, in_2008, in_2005, 0) < clusterer.pair_score(0.8, in_2008, in_2008, 0)


def test_stories_bag_weights_follow_the_corpus_and_ignore_features_no_one_shares() -> None:
    from parallax.corpus.bags import Bag, Frequencies, cosine, overlap

    freq = Frequencies(size=64)
    a = Bag.from_counts({1: 3, 2: 1, 3: 1})  # 3 is in no other document
    b = Bag.from_counts({1: 1, 2: 1, 4: 1})
    for bag in (a, b):
        freq.add(bag)
    wa, wb = freq.weigh(a), freq.weigh(b)
    assert wa.idf[2] == 0.0 and wb.idf[2] == 0.0  # buckets 3 and 4: document frequency 1
    assert overlap(wa, wb) == pytest.approx(1.0) and cosine(wa, wb) > 0.9
    freq.add(Bag.from_counts({3: 1}))  # a later document shares bucket 3 with a
    wa, wb = freq.weigh(a), freq.weigh(b)
    assert wa.idf[2] > 0.0 and overlap(wa, wb) < 1.0  # weights are read when compared
    for _ in range(20):
        freq.add(Bag.from_counts({5: 1}))  # in a larger corpus bucket 1 is rarer, so it counts for more
    assert freq.weigh(a).idf[0] > wa.idf[0]


def test_stories_record_when_an_article_had_no_date(store: Store) -> None:
    articles = [
        article("Ashford flood", FLOOD, date="", ident="f1"),
        article("Ashford floods", FLOOD + " Kelby roads closed.", ident="f2"),
    ]
    cluster(store, articles, ClusterSettings(), bag_embedder)
    (story,) = store.list_stories()
    details = {e["article"]: e["detail"] for e in store.story_history(story["id"])}
    undated = [d for d in details.values() if d.get("undated")]
    assert len(details) == 2 and len(undated) == 1  # the dated article's event says nothing of dates
