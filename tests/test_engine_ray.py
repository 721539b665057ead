"""The Ray engine on a local cluster that the tests start (never a remote address): the same stories
and analyses as the in-process path, and a worker killed mid-analysis costs nothing.

Slow: a Ray start (10-20 s) plus model loads in the workers.
"""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, need_shared
from parallax.codec import report_to_dict
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.queue import count_states, work_queue
from parallax.corpus.store import Store

ray = pytest.importorskip("ray", reason="the Ray extra is not installed: pip install 'parallax-news[ray]'")

from parallax.engine.ray_engine import RayEngine  # noqa: E402

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "harbour-bridge"
RECORDS = 200  # AllSides records, in four files (one Ray task each)
ANALYSED = 3  # stories analysed by each engine (the first ones in the queue)


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(
        address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=1 << 29
    )
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def engine(cluster: None) -> Iterator[RayEngine]:
    made = RayEngine(workers=2)
    assert not made.started  # it joined the cluster this module started
    yield made
    made.close()


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    source = need_shared("datasets", "allsides", "articles.jsonl.gz")
    folder = tmp_path_factory.mktemp("shards")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        records = list(itertools.islice(lines, RECORDS))
    paths = []
    for n in range(4):
        path = folder / f"part-{n}.jsonl"
        path.write_text("".join(records[n::4]), encoding="utf-8")
        paths.append(str(path))
    return [str(EXAMPLE), *paths]


def stories_by_hash(store: Store) -> dict[str, str]:
    return {str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")}


def bcubed_f1(left: dict[str, str], right: dict[str, str]) -> float:
    """BCubed F1 of one clustering (item -> label) against another over the same items."""
    groups: dict[str, dict[str, set[str]]] = {"l": defaultdict(set), "r": defaultdict(set)}
    for item in left:
        groups["l"][left[item]].add(item)
        groups["r"][right[item]].add(item)
    precision = recall = 0.0
    for item in left:
        a, b = groups["l"][left[item]], groups["r"][right[item]]
        precision += len(a & b) / len(a)
        recall += len(a & b) / len(b)
    precision, recall = precision / len(left), recall / len(left)
    return 2 * precision * recall / (precision + recall)


def analyses_by_members(store: Store) -> dict[str, dict[str, Any]]:
    """Each stored analysis as JSON data without its timings, keyed by its member set and options."""
    out = {}
    for sid, key in store.rows("SELECT story_id, member_hash FROM analyses"):
        data = report_to_dict(store.load_analysis(sid))
        data.pop("timings")
        out[str(key)] = data
    return out


def test_engine_ray_same_stories_and_analyses(engine: RayEngine, shards: list[str], tmp_path: Path) -> None:
    with open_store(str(tmp_path / "local.db")) as local:
        first = ingest(local, shards)
        work_queue(local, limit=ANALYSED)
        local_stories, local_analyses = stories_by_hash(local), analyses_by_members(local)
        local_done = count_states(local).get("done", 0)
    with open_store(str(tmp_path / "ray.db")) as remote:
        second = ingest(remote, shards, engine=engine)
        engine.analyse(remote, None, limit=ANALYSED)
        ray_stories, ray_analyses = stories_by_hash(remote), analyses_by_members(remote)
        assert count_states(remote).get("done") == local_done >= 2  # the corpus may queue fewer than ANALYSED
    assert (second.read, second.added, second.errors) == (first.read, first.added, first.errors)
    assert first.added > RECORDS * 0.9
    assert set(ray_stories) == set(local_stories)
    assert bcubed_f1(ray_stories, local_stories) >= 0.99
    shared = set(local_analyses) & set(ray_analyses)
    assert len(shared) >= local_done - 1  # at most one story differs, if the clustering does
    for key in shared:
        assert ray_analyses[key] == local_analyses[key]


def running_analysis_pids() -> list[int]:
    """Ray worker processes running a story analysis right now (Ray titles them after the task)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0", 1)[0]
        except OSError:
            continue
        if title.startswith(b"ray::analyse_story_task"):
            found.append(int(entry.name))
    return found


def kill_one_analysis(killed: list[int], stop: threading.Event, wait_seconds: float = 240.0) -> None:
    deadline = time.monotonic() + wait_seconds
    while not stop.is_set() and time.monotonic() < deadline:
        pids = running_analysis_pids()
        if pids:
            time.sleep(1.0)  # into the analysis, not its start
            try:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
            except ProcessLookupError:
                continue
            return
        time.sleep(0.1)


def test_engine_ray_worker_killed_mid_analysis(engine: RayEngine, tmp_path: Path) -> None:
    with open_store(str(tmp_path / "kill.db")) as store:
        ingest(store, [str(EXAMPLE)], engine=engine)
        assert count_states(store) == {"pending": 1}  # ingest queued the one story
        killed: list[int] = []
        stop = threading.Event()
        killer = threading.Thread(target=kill_one_analysis, args=(killed, stop))
        killer.start()
        try:
            summary = engine.analyse(store, None)
        finally:
            stop.set()
            killer.join(10)
        assert killed, "no analysis task was seen running"
        assert (summary.analysed, summary.failed) == (1, 0)
        rows = store.rows("SELECT state, analysed_count, attempts FROM analysis_queue")
        assert rows == [("done", 1, 1)]  # saved once, claimed once: the retry was Ray's
        assert store.scalar("SELECT COUNT(*) FROM analyses") == 1
