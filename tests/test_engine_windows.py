"""Windowed story clustering on a local Ray cluster that the test starts (never a remote address),
against the in-process path: AllSides records of March 2020 plus two made stories re-dated to
straddle window edges. Slow: a Ray start plus two ingests with the lead model."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, floor, need_shared
from parallax.corpus.connect import open_store
from parallax.corpus.intake import ingest
from parallax.corpus.windows import WindowPlan
from parallax.ingest.sources import iter_sources
from parallax.model import Article

ray = pytest.importorskip("ray", reason="the Ray extra is not installed: pip install 'parallax-news[ray]'")

from parallax.engine.ray_engine import RayEngine  # noqa: E402
from test_engine_ray import bcubed_f1, stories_by_hash  # noqa: E402

pytestmark = pytest.mark.slow

EVERY = 3  # every third AllSides record of March 2020: about 200 articles over 31 days
STRADDLE_DAYS = (10, 13, 16, 19, 22)  # days after March 1: in windows 0-1, 1, 1-2, 2 of 14/7


@pytest.fixture(scope="module")
def engine() -> Iterator[RayEngine]:
    ray.init(
        address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=1 << 29
    )
    made = RayEngine(workers=2, plan=WindowPlan(days=14, overlap=7))
    try:
        yield made
    finally:
        made.close()
        ray.shutdown()


def made_story(folder: Path, label: str) -> list[dict[str, str]]:
    """A folder's articles as records, re-dated to straddle the window edges."""
    articles = [r.item for r in iter_sources([str(folder)]) if isinstance(r.item, Article)]
    return [
        {
            "id": f"{label}-{n}",
            "title": a.title,
            "text": a.original,
            "outlet": f"{label} outlet {n}",
            "date": f"2020-03-{1 + day:02d}",
        }
        for n, (a, day) in enumerate(zip(articles, STRADDLE_DAYS, strict=False))
    ]


def test_engine_windows_same_stories_as_in_process(engine: RayEngine, tmp_path: Path) -> None:
    source = need_shared("datasets", "allsides", "articles.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        march = [r for line in lines if (r := json.loads(line))["date"] and r["date"].startswith("2020-03")]
    records = sorted(march, key=lambda r: r["id"])[::EVERY]
    records += made_story(ROOT / "examples" / "harbour-bridge", "bridge")
    records += made_story(need_shared("seeds"), "seeds")
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with open_store(str(tmp_path / "local.db")) as local:
        ingest(local, [str(path)])
        expected = stories_by_hash(local)
    with open_store(str(tmp_path / "windows.db")) as windowed:
        summary = ingest(windowed, [str(path)], engine=engine)
        got = stories_by_hash(windowed)
        assert windowed.count_pending() == 0
        assert windowed.scalar("SELECT COUNT(*) FROM story_events WHERE detail LIKE '%window%'") > 0
    assert summary.clustering.clustered == len(got) == len(expected)
    assert bcubed_f1(got, expected) >= floor("windows_bcubed_vs_in_process")
    for label in ("bridge", "seeds"):  # each made story straddles two window edges
        made = [h for h, r in made_hashes(tmp_path, label)]
        assert {expected[h] for h in made} and len({got[h] for h in made}) == len({expected[h] for h in made})


def made_hashes(folder: Path, label: str) -> list[tuple[str, str]]:
    with open_store(str(folder / "windows.db")) as windowed:
        rows = windowed.rows(
            "SELECT content_hash, input_id FROM articles WHERE input_id LIKE ?", (f"{label}-%",)
        )
    return [(str(h), str(i)) for h, i in rows]
