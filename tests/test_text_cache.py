"""The analysis cache: per-text sentence vectors and parses reused across analyses
(``parallax.nlp.cache``), in memory and in the corpus store (``parallax.corpus.text_cache``)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import parallax
from parallax.codec import report_to_dict
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.queue import enqueue_stories, run_analysis, work_queue
from parallax.corpus.store import Store
from parallax.corpus.text_cache import StoreCache
from parallax.model import Report
from parallax.nlp.cache import (
    MemoryCache,
    embed_cached,
    fetch_or_compute,
    parse_cached,
    parse_kind,
    text_key,
    vector_kind,
)
from parallax.nlp.embedding import embed_texts
from parallax.nlp.pretrained import load_spacy
from parallax.options import Options

MODEL = Options().model_name


def comparable(report: Report) -> dict[str, object]:
    """The report as JSON, without what differs from run to run (timings, the generator line)."""
    data = report_to_dict(report)
    return {k: v for k, v in data.items() if k not in ("timings", "generated_by")}


def test_cache_fetch_or_compute_computes_only_misses_once_each() -> None:
    cache = MemoryCache()
    asked: list[list[str]] = []

    def shout(texts: list[str]) -> list[str]:
        asked.append(list(texts))
        return [t.upper() for t in texts]

    first = fetch_or_compute(cache, "shout", ["a", "b", "a"], shout, str.encode, bytes.decode)
    assert first == ["A", "B", "A"]
    assert asked == [["a", "b"]]  # distinct texts, one call
    second = fetch_or_compute(cache, "shout", ["b", "c", "a"], shout, str.encode, bytes.decode)
    assert second == ["B", "C", "A"]
    assert asked[-1] == ["c"]
    assert cache.stats.hits == {"shout": 2} and cache.stats.misses == {"shout": 3}
    other = fetch_or_compute(cache, "other", ["a"], shout, str.encode, bytes.decode)
    assert other == ["A"] and asked[-1] == ["a"]  # another kind is another cache


def test_cache_per_article_results_come_back_equal_and_are_computed_once() -> None:
    from parallax.model import Entity, Sentence
    from parallax.nlp.article_cache import digest, reuse_per_article

    made: list[int] = []

    def compute(wanted: list[int]) -> list[list[Sentence]]:
        made.extend(wanted)
        return [[Sentence(f"a{n}:s0", f"a{n}", 0, "It rose 0.1.", 0, 12, entities=[Entity("It", "ORG", 0, 2)],
                          numbers=[0.1 + 0.2 * n])] for n in wanted]  # fmt: skip

    cache = MemoryCache()
    keys = [digest("a0", "text"), digest("a1", "other text")]
    first = reuse_per_article(cache, "test", keys, compute, Sentence)
    assert made == [0, 1]
    again = reuse_per_article(cache, "test", [*keys, digest("a2", "new")], compute, Sentence)
    assert made == [0, 1, 2]  # only the new key computed
    assert again[:2] == first and again[0] is not first[0]  # read back, equal to the first values
    assert digest("a0", "text") != digest("a0", "text ") and digest("a0", "text") == keys[0]


def test_cache_embedding_is_bit_identical_cold_and_warm() -> None:
    texts = ["The bridge closed on Monday.", "Engineers found cracks.", "The bridge closed on Monday."]
    plain = embed_texts(texts, MODEL)
    cache = MemoryCache()
    cold = embed_cached(cache, texts, MODEL, 32)
    warm = embed_cached(cache, texts[::-1], MODEL, 32)
    assert cold.dtype == np.float32 and cold.shape == plain.shape
    assert np.array_equal(cold, plain)
    assert np.array_equal(warm, plain[::-1])
    assert cache.stats.misses == {vector_kind(MODEL): 2}
    assert cache.stats.hits == {vector_kind(MODEL): 2}
    assert embed_cached(cache, [], MODEL, 32).shape == (0, plain.shape[1])


def test_cache_parse_round_trip_keeps_tokens_entities_and_sentences() -> None:
    nlp = load_spacy(Options().spacy_model)
    texts = ["Mayor Ana Ruiz closed the Harbour Bridge on Monday. Engineers from Arup said so."]
    plain = list(nlp.pipe(texts))
    cache = MemoryCache()
    parse_cached(cache, nlp, texts, 8)
    (back,) = parse_cached(cache, nlp, texts, 8)  # decoded from the stored bytes
    assert cache.stats.hits == {parse_kind(nlp): 1}

    def describe(doc: object) -> list[object]:
        return [
            [(t.text, t.idx, t.dep_, t.head.i, t.pos_, t.ent_type_, t.is_sent_start) for t in doc],  # type: ignore[attr-defined]
            [(e.start_char, e.end_char, e.label_) for e in doc.ents],  # type: ignore[attr-defined]
            [(s.start_char, s.end_char) for s in doc.sents],  # type: ignore[attr-defined]
        ]

    assert describe(back) == describe(plain[0])
    assert back.text == texts[0]
    assert any(e.label_ for e in back.ents)  # the comparison is not over empty annotations


def test_cache_report_with_and_without_cache_is_equal(example_dir: Path, example_report: Report) -> None:
    cache = MemoryCache()
    cold = parallax.analyze([example_dir], cache=cache)
    assert cache.stats.computed(vector_kind(MODEL)) > 0 and cache.stats.computed("spacy-doc") > 0
    assert comparable(cold) == comparable(example_report)
    before, decoded = cache.stats.computed(), cache.stats.found("spacy-doc")
    warm = parallax.analyze([example_dir], cache=cache)
    assert cache.stats.computed() == before  # nothing embedded, parsed or extracted the second time
    assert cache.stats.found(vector_kind(MODEL)) > 0
    # Every article's sentences, quantities, quotes and markers come back from the cache; so do
    # the parse-derived facts of each compared sentence, so no paragraph parse is even decoded.
    for kind in ("sentences:", "quantities:", "quotes:", "markers:", "words:", "clause:"):
        assert cache.stats.found(kind) > 0, kind
    assert cache.stats.found("spacy-doc") == decoded
    assert comparable(warm) == comparable(example_report)


def test_cache_one_article_joining_recomputes_only_that_article(
    example_dir: Path, example_report: Report
) -> None:
    files = sorted(example_dir.iterdir())
    cache = MemoryCache()
    parallax.analyze(files[:-1], cache=cache)
    misses, hits = dict(cache.stats.misses), dict(cache.stats.hits)
    warm = parallax.analyze(files, cache=cache)
    assert comparable(warm) == comparable(example_report)  # as if analysed from scratch

    def counted(table: dict[str, int], before: dict[str, int], prefix: str) -> int:
        return sum(n - before.get(kind, 0) for kind, n in table.items() if kind.startswith(prefix))

    # The old members' sentences come back from the cache; only the new article is segmented.
    assert counted(cache.stats.misses, misses, "sentences:") == 1
    assert counted(cache.stats.hits, hits, "sentences:") == len(files) - 1
    for kind in ("quantities:", "quotes:", "markers:"):
        assert counted(cache.stats.hits, hits, kind) >= 1, kind  # per-article results reused
        assert counted(cache.stats.misses, misses, kind) < len(files), kind
    assert counted(cache.stats.misses, misses, "spacy-doc") > 0  # the new article's paragraphs were parsed


@pytest.fixture
def store(target: str) -> Iterator[Store]:
    opened = open_store(target)
    yield opened
    opened.close()


def test_text_cache_in_store_keeps_first_value_and_survives_reopening(store: Store, target: str) -> None:
    cache = StoreCache(store)
    keys = [text_key(f"text {n}") for n in range(450)]  # more than one lookup chunk
    cache.put_many("kind", {k: k.encode() + b"\x00\xff" for k in keys})
    cache.put_many("kind", {keys[0]: b"other"})  # already there: left as it was
    assert cache.get_many("kind", [keys[0], "absent"]) == {keys[0]: keys[0].encode() + b"\x00\xff"}
    assert cache.get_many("other kind", keys[:3]) == {}
    assert cache.size()[0] == 450
    store.close()
    reopened = open_store(target)
    try:
        found = StoreCache(reopened).get_many("kind", keys)
        assert len(found) == 450 and found[keys[-1]] == keys[-1].encode() + b"\x00\xff"
    finally:
        reopened.close()


QUAKE = [
    (
        "Coast Herald",
        "A magnitude 6.1 earthquake struck Marlow Bay on Sunday. The harbour wall cracked in two places.",
    ),
    (
        "Daily Wire",
        "An earthquake of magnitude 6.1 hit Marlow Bay on Sunday. Officials said the harbour wall cracked.",
    ),
]
LATE = ("Bay Gazette", "The Marlow Bay earthquake on Sunday measured 6.1. Ferries stopped for a day.")


def write_articles(path: Path, items: list[tuple[str, str]]) -> Path:
    rows = [
        json.dumps({"id": f"{path.stem}-{n}", "outlet": o, "date": "2024-06-02", "title": "Quake", "text": t})
        for n, (o, t) in enumerate(items)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def stored_keys(store: Store, kind: str) -> set[str]:
    return {str(k) for (k,) in store.rows("SELECT text_key FROM text_cache WHERE kind = ?", [kind])}


def one_story(store: Store) -> str:
    (record,) = [r for r in store.story_records() if len(r.outlets) > 1]
    return record.id


def minilm_texts(report: Report) -> set[str]:
    """The sentence texts ``embed_sentences`` gives a MiniLM vector in ``report`` (default options)."""
    from parallax.analysis.reading.embed import embed_sentences
    from parallax.stage import Context

    ctx = Context(report=report, options=Options())
    embed_sentences(ctx)
    assert ctx.vectors is not None
    rows = np.linalg.norm(ctx.vectors, axis=1) > 0
    return {s.norm or s.text for s, row in zip(ctx.sentences(), rows, strict=True) if row}


def test_text_cache_corpus_reanalysis_embeds_only_the_new_article(tmp_path: Path) -> None:
    from parallax.analysis.claims.grouping import find_main_clause
    from parallax.corpus.features import lead_text
    from parallax.corpus.pairs import ClusterSettings

    store = open_store(str(tmp_path / "corpus.db"))
    try:
        ingest(store, [str(write_articles(tmp_path / "first.jsonl", QUAKE))])
        cache = StoreCache(store)
        analyse = functools.partial(run_analysis, cache=cache)
        assert work_queue(store, analyser=analyse).analysed == 1
        kind = vector_kind(MODEL)
        before = stored_keys(store, kind)
        old = store.story_members(one_story(store))
        assert len(old) == 2 and before

        ingest(store, [str(write_articles(tmp_path / "late.jsonl", [LATE]))])
        enqueue_stories(store)
        computed = cache.stats.computed(kind)
        found = cache.stats.found(kind)
        assert work_queue(store, analyser=analyse).analysed == 1
        members = store.story_members(one_story(store))
        assert len(members) == 3, "the late article joins the story"

        report = parallax.analyze([m.to_article() for m in members])  # for the new article's sentences
        (late,) = [a for a in report.articles if a.outlet == "Bay Gazette"]
        late_texts = {s.norm or s.text for s in late.sentences}
        heads = {h for t in late_texts if (h := find_main_clause(t))}
        lead = lead_text(late.title, late.text, ClusterSettings().lead_chars)  # the story-groups stage
        added = stored_keys(store, kind) - before
        assert added, "the new article's sentences were embedded"
        assert added <= {text_key(t) for t in late_texts | heads | {lead}}  # nothing of the old members again
        # The claims cascade gives MiniLM vectors only to the sentences a claim may need.
        wanted = {t for t in late_texts if t in minilm_texts(report)}
        assert wanted and {text_key(t) for t in wanted} <= stored_keys(store, kind)
        assert cache.stats.computed(kind) - computed == len(added)
        old_texts = {s.norm or s.text for a in report.articles if a is not late for s in a.sentences}
        assert cache.stats.found(kind) - found >= len(old_texts - late_texts) > 0
        assert cache.stats.found("sentences:") > 0  # the old members' paragraphs were not parsed again
    finally:
        store.close()
