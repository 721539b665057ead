"""The local engine against Ray with 1 and 2 workers: speed-up, the engine's overhead, cost per article.

For each engine (``local``; ``ray`` with ``--workers`` 1 and 2, each on a local cluster started for
it), on a fresh SQLite corpus:

- start: seconds to start the engine (Ray: a local cluster);
- small: ``ingest`` of examples/harbour-bridge (5 articles) plus its one story's analysis: the
  engine's overhead where there is nothing to spread;
- embed: the title-and-lead vectors of the ``--articles`` AllSides articles alone (local:
  ``embed_leads``; Ray: the actor pool);
- ingest: ``ingest`` of the same articles, written as ``--files`` JSONL files (reading, cleaning,
  storing, embedding, clustering, queueing), and ms per article;
- analyse: the first ``--stories`` queued stories analysed, and seconds per story.

    nice -n 10 python bench/engines.py --articles 2000 --stories 6

``--windows DAYS`` adds a row ``ray x2 win``: Ray with 2 workers clustering by time window
(``--cluster-windows DAYS``, overlap 7; ``parallax.corpus.windows``); its BCubed column is the
agreement of the windowed stories with the in-process ones. Give ``--dated`` to read only AllSides
records with an ISO date (windows need dates; the first records of the file have none).

Prints one table; the checks compare each engine's stories with the local engine's (BCubed F1).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import re
import tempfile
import time
from pathlib import Path

from clustering import bcubed  # bench/clustering.py, beside this file
from parallax.corpus.connect import open_store
from parallax.corpus.embedding import embed_leads
from parallax.corpus.features import lead_text
from parallax.corpus.intake import ingest
from parallax.corpus.pairs import ClusterSettings
from parallax.engine import Engine, make_engine
from parallax.engine.ray_engine import RayEngine

ROOT = Path(__file__).resolve().parent.parent
ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"
EXAMPLE = ROOT / "examples" / "harbour-bridge"


def write_files(folder: Path, count: int, files: int, dated: bool = False) -> list[str]:
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as source:
        chosen = (line for line in source if not dated or re.search(r'"date": "20\d\d-\d\d-\d\d', line))
        lines = list(itertools.islice(chosen, count))
    paths = []
    for n in range(files):
        path = folder / f"part-{n:02d}.jsonl"
        path.write_text("".join(lines[n::files]), encoding="utf-8")
        paths.append(str(path))
    return paths


def measure(
    engine: Engine, shards: list[str], folder: Path, stories: int
) -> dict[str, float | dict[str, str]]:
    out: dict[str, float | dict[str, str]] = {}
    remote = engine if engine.name != "local" else None
    began = time.perf_counter()
    with open_store(str(folder / "small.db")) as store:
        ingest(store, [str(EXAMPLE)], engine=remote)
        engine.analyse(store, None)
    out["small"] = time.perf_counter() - began
    with open_store(str(folder / "big.db")) as store:
        ingest(store, shards, cluster=False, engine=remote)
        leads = [
            lead_text(a.title, a.text, ClusterSettings().lead_chars) for a in store.pending_articles(10**9)
        ]
        began_embed = time.perf_counter()
        _ = remote.embed(leads) if isinstance(remote, RayEngine) else embed_leads(leads)
        out["embed"] = time.perf_counter() - began_embed
        out["articles"] = float(len(leads))
    with open_store(str(folder / "full.db")) as store:
        began = time.perf_counter()
        ingest(store, shards, engine=remote)
        out["ingest"] = time.perf_counter() - began
        began = time.perf_counter()
        done = engine.analyse(store, None, limit=stories)
        out["analyse"] = time.perf_counter() - began
        out["analysed"] = float(done.analysed)
        out["stories"] = {
            str(h): str(s) for h, s in store.rows("SELECT content_hash, story_id FROM articles")
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--stories", type=int, default=6)
    parser.add_argument("--windows", type=int, default=None, help="also Ray x2 clustering by windows of DAYS")
    parser.add_argument("--dated", action="store_true", help="only AllSides records with an ISO date")
    args = parser.parse_args()
    runs: list[tuple[str, str, int | None, tuple[int, int] | None]] = [
        ("local", "local", None, None),
        ("ray x1", "ray", 1, None),
        ("ray x2", "ray", 2, None),
    ]
    if args.windows:
        runs.append(("ray x2 win", "ray", 2, (args.windows, 7)))
    results = {}
    with tempfile.TemporaryDirectory(prefix="parallax-engines-") as tmp:
        shards = write_files(Path(tmp), args.articles, args.files, args.dated)
        for label, name, workers, windows in runs:
            folder = Path(tmp) / label.replace(" ", "")
            folder.mkdir()
            began = time.perf_counter()
            engine = make_engine(name, workers=workers, windows=windows)
            start = time.perf_counter() - began
            try:
                results[label] = {"start": start, **measure(engine, shards, folder, args.stories)}
                shown = {k: round(v, 1) for k, v in results[label].items() if isinstance(v, float)}
            finally:
                engine.close()
            print(f"{label}: {shown}", flush=True)
    print(f"\n{args.articles} AllSides articles in {args.files} files; {args.stories} stories analysed")
    print(
        f"{'engine':10} {'start s':>8} {'small s':>8} {'embed s':>8} {'ingest s':>9} {'ms/art':>7} "
        f"{'analyse s':>10} {'s/story':>8} {'BCubed vs local':>16}"
    )
    local = results["local"]["stories"]
    for label, r in results.items():
        n = float(r["articles"])  # type: ignore[arg-type]
        f1 = bcubed(r["stories"], local)[2]  # type: ignore[arg-type]
        print(
            f"{label:10} {r['start']:8.1f} {r['small']:8.1f} {r['embed']:8.1f} {r['ingest']:9.1f} "
            f"{1000 * float(r['ingest']) / n:7.1f} {r['analyse']:10.1f} "  # type: ignore[arg-type]
            f"{float(r['analyse']) / max(1.0, float(r['analysed'])):8.1f} {f1:16.4f}"
        )  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
