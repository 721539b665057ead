"""The analysis queue (parallax.corpus.queue) on a real SQLite file, and PostgreSQL when configured."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from conftest import bag_embedder
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.queue import (
    claim_story,
    count_states,
    enqueue_stories,
    finish_story,
    work_queue,
)
from parallax.corpus.store import Store
from parallax.model import Article, Claim, Report, SummarySentence
from parallax.options import Options

QUAKE = [
    ("Coast Herald", "A magnitude 6.1 earthquake struck Marlow Bay on Sunday, damaging the harbour."),
    ("Daily Wire", "An earthquake of magnitude 6.1 hit Marlow Bay on Sunday and damaged the harbour."),
]
FLOOD = [
    ("Valley Times", "Floods along the river Senna forced four hundred families in Arlow from their homes."),
    ("River Post", "Four hundred families in Arlow left their homes as the river Senna flooded the town."),
]
ALONE = [
    ("Tessary Post", "Voters in Tessary elected Omar Lind governor, ending twelve years of Harvest rule.")
]


def write_articles(path: Path, items: Sequence[tuple[str, str]]) -> Path:
    import json

    lines = [
        json.dumps({"id": f"{path.stem}-{n}", "outlet": o, "date": "2024-06-02", "title": t[:40], "text": t})
        for n, (o, t) in enumerate(items)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def quick_analyser(articles: Sequence[Article], options: Options | None) -> Report:
    """A stand-in for parallax.analyze (the queue, not the analysis, is under test here)."""
    ids = [a.id for a in articles]
    claim = Claim("c1", "shared fact", ids, sorted({a.outlet or a.id for a in articles}), [])
    return Report(
        articles=list(articles),
        claims=[claim, Claim("c2", "own fact", ids[:1], [articles[0].outlet or ids[0]], [])],
        summary=[SummarySentence("Shared fact.", ["c1"], ids)],
    )


@pytest.fixture
def store(target: str, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(target)
    source = write_articles(tmp_path / "news.jsonl", [*QUAKE, *FLOOD, *ALONE])
    ingest(opened, [str(source)], embed=bag_embedder)
    yield opened
    opened.close()


def statuses(store: Store) -> dict[str, str]:
    """Story status by its first outlet."""
    return {r.outlets[0]: r.analysis for r in store.story_records()}


def test_queue_holds_only_stories_with_two_outlets(store: Store) -> None:
    assert statuses(store) == {"Coast Herald": "pending", "River Post": "pending", "Tessary Post": "none"}
    assert count_states(store) == {"pending": 2}
    assert enqueue_stories(store) == 0  # already queued: nothing added twice


def test_queue_work_makes_every_story_current_with_a_digest(store: Store) -> None:
    summary = work_queue(store, analyser=quick_analyser)
    assert (summary.analysed, summary.failed, summary.left) == (2, 0, 0)
    assert statuses(store) == {"Coast Herald": "current", "River Post": "current", "Tessary Post": "none"}
    record = next(r for r in store.story_records() if r.outlets[0] == "Coast Herald")
    assert record.digest == {
        "headline": "Shared fact.",
        "headline_outlets": 2,
        "outlets": 2,
        "claims": 2,
        "shared_claims": 1,
        "exclusive_claims": 1,
        "contested_claims": 0,
    }
    assert store.rows("SELECT analysed_count, attempts FROM analysis_queue") == [(1, 1), (1, 1)]


def test_queue_claim_is_exclusive_between_connections(store: Store, target: str) -> None:
    for n in range(6):  # more work: six extra two-outlet stories
        store.execute(
            "INSERT INTO analysis_queue (story_id, state, queued_at) VALUES (?, 'pending', ?)",
            (1000 + n, f"2024-01-0{n + 1}"),
        )
    claimed: dict[str, list[int]] = {"a": [], "b": []}

    def claim_all(name: str) -> None:
        other = open_store(target)
        try:
            while (sid := claim_story(other, f"worker-{name}")) is not None:
                claimed[name].append(sid)
        finally:
            other.close()

    threads = [threading.Thread(target=claim_all, args=(n,)) for n in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = claimed["a"] + claimed["b"]
    assert len(every) == len(set(every)) == 8
    assert count_states(store) == {"running": 8}


def test_queue_claim_of_a_dead_process_is_taken_back(store: Store) -> None:
    sid = claim_story(store, "worker-dead")
    assert sid is not None
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    store.execute("UPDATE analysis_queue SET pid = ? WHERE story_id = ?", (gone.pid, sid))
    assert claim_story(store, "worker-alive") == sid  # the oldest pending row again
    assert store.scalar("SELECT attempts FROM analysis_queue WHERE story_id = ?", (sid,)) == 2


def test_queue_claim_with_an_expired_lease_elsewhere_is_taken_back(store: Store) -> None:
    sid = claim_story(store, "worker-far")
    store.execute(
        "UPDATE analysis_queue SET host = 'elsewhere', lease_until = '2000-01-01' WHERE story_id = ?", (sid,)
    )
    assert claim_story(store, "worker-live", lease_seconds=3600) == sid  # the oldest pending row again
    assert claim_story(store, "worker-third") not in (None, sid)  # the other story
    store.execute("UPDATE analysis_queue SET host = 'elsewhere', pid = 1")
    assert claim_story(store, "worker-fourth") is None  # leases still running elsewhere are respected


def test_queue_story_changed_during_analysis_is_queued_again(store: Store, tmp_path: Path) -> None:
    from parallax.corpus.keys import analysis_key, hash_members

    sid = claim_story(store, "worker-1")
    assert sid is not None
    members = store.story_members(sid)
    key = analysis_key(hash_members(m.content_hash for m in members))
    report = quick_analyser([m.to_article() for m in members], None)
    text = members[0].text.replace("Sunday", "Sunday morning") + " Three more outlets confirmed."
    more = write_articles(tmp_path / "more.jsonl", [("Third Paper", text)])
    ingest(store, [str(more)], embed=bag_embedder)  # joins the story while it is analysed
    assert len(store.story_members(sid)) == 3
    assert finish_story(store, sid, "worker-1", key, report, None) is False
    assert store.scalar("SELECT state FROM analysis_queue WHERE story_id = ?", (sid,)) == "pending"
    work_queue(store, analyser=quick_analyser)
    assert set(statuses(store).values()) == {"current", "none"}


def test_queue_story_changed_after_analysis_is_stale_then_requeued(store: Store, tmp_path: Path) -> None:
    work_queue(store, analyser=quick_analyser)
    sid = int(next(r.id for r in store.story_records() if r.outlets[0] == "Coast Herald"))
    text = store.story_members(sid)[0].text + " Engineers are inspecting the lighthouse."
    more = write_articles(tmp_path / "more.jsonl", [("Third Paper", text)])
    ingest(store, [str(more)], embed=bag_embedder)
    assert len(store.story_members(sid)) == 3
    assert statuses(store)["Coast Herald"] == "pending"  # ingest queued it again
    store.execute("DELETE FROM analysis_queue WHERE story_id = ?", (sid,))
    assert statuses(store)["Coast Herald"] == "stale"
    assert enqueue_stories(store) == 1


def test_queue_failure_is_recorded_and_the_run_goes_on(store: Store) -> None:
    def flaky(articles: Sequence[Article], options: Options | None) -> Report:
        if any(a.outlet == "Coast Herald" for a in articles):
            raise ValueError("the quake broke the parser")
        return quick_analyser(articles, options)

    summary = work_queue(store, analyser=flaky)
    assert (summary.analysed, summary.failed) == (1, 1)
    assert "the quake broke the parser" in summary.errors[0][1]
    assert statuses(store)["Coast Herald"] == "failed"
    assert statuses(store)["River Post"] == "current"
    error = store.scalar("SELECT error FROM analysis_queue WHERE state = 'failed'")
    assert error == "ValueError: the quake broke the parser"
    assert enqueue_stories(store) == 1  # retried on the next run (up to three claims)
