"""Story-clustering quality: BCubed precision, recall and F1 against ECB+ events.

    python bench/clustering.py                      # ECB+ alone (982 documents)
    python bench/clustering.py --distractors        # also mixed into the AllSides articles
    python bench/clustering.py --mixed-only --distractor-month 2020-05 --distractor-month 2020-06  # a slice
    python bench/clustering.py --limit 200          # a quick subset
    python bench/clustering.py --set terms_weight=0  # one setting changed, for ablations
    python bench/clustering.py --neus val           # NeuS val stories instead (undated), --neus train too
    python bench/clustering.py --neus train --neus-stories 307 --neus-part 1  # a val-sized train draw
    python bench/clustering.py --set scorer=FILE    # a scorer fitted without this source (cross-source)

Every ECB+ document gets the same date, so publication time does not help; the
documents arrive in a fixed shuffled order. Clustering runs through the real
corpus path (SQLite store, incremental clusterer) with default settings.
With ``--distractors`` the AllSides articles are ingested first (their own
dates), then the ECB+ documents; BCubed is computed over the ECB+ documents
only, so a distractor joining an ECB+ story lowers their precision.

With ``--neus val`` (or ``train``) the NeuS AllSides roundups are clustered instead:
three outlets' title and lead per story, no date and no outlet, against the gold
``story``; they arrive in a fixed shuffled order (the file lists each story's
articles together). Tune on train, report val.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from parallax.corpus.connect import open_store  # noqa: E402
from parallax.corpus.intake import ingest  # noqa: E402

ECB = ROOT.parent / "shared" / "datasets" / "ecbplus" / "documents.jsonl"
ALLSIDES = ROOT.parent / "shared" / "datasets" / "allsides" / "articles.jsonl.gz"
NEUS = ROOT.parent / "shared" / "datasets" / "neus"
ONE_DATE = "2020-01-15"


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of a clustering (item -> cluster) against gold labels."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for item, label in gold.items():
        by_pred[predicted[item]].add(item)
        by_gold[label].add(item)
    precision = recall = 0.0
    for item, label in gold.items():
        same = len(by_pred[predicted[item]] & by_gold[label])
        precision += same / len(by_pred[predicted[item]])
        recall += same / len(by_gold[label])
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_ecb(limit: int | None = None, seed: int = 7) -> list[dict[str, str]]:
    docs = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    if limit:
        topics = sorted({d["topic"] for d in docs})
        keep = set(random.Random(seed).sample(topics, max(1, min(len(topics), limit // 23))))
        docs = [d for d in docs if d["topic"] in keep][:limit]
    random.Random(seed).shuffle(docs)
    return [
        {
            "id": f"ecb:{d['doc']}",
            "text": d["text"],
            "title": "",
            "date": ONE_DATE,
            "outlet": "ECB+",
            "event": d["event"],
        }
        for d in docs
    ]


def load_neus(split: str, seed: int = 7, stories: int | None = None, part: int = 0) -> list[dict[str, str]]:
    """NeuS records of one split (``val`` or ``train``) as ingest records, undated, in shuffled order.

    ``stories``: only that many stories, the ``part``-th disjoint draw of them (for tuning on
    train subsets the size of val, whose density of same-topic stories they then share).
    """
    rows = [json.loads(line) for line in (NEUS / f"{split}.jsonl").open(encoding="utf-8")]
    if stories:
        names = sorted({r["story"] for r in rows})
        random.Random(seed).shuffle(names)
        keep = set(names[part * stories : (part + 1) * stories])
        rows = [r for r in rows if r["story"] in keep]
    random.Random(seed).shuffle(rows)
    return [
        {"id": f"neus:{r['id']}", "title": r["title"], "text": r["text"], "event": r["story"]} for r in rows
    ]


def write_jsonl(path: Path, records: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps({k: v for k, v in r.items() if k != "event"}) + "\n")


class CachedEmbedder:
    """The default lead embedder with an on-disk cache (``--cache FILE``), for repeated runs."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        self.np = np
        self.path = path
        self.rows: dict[str, object] = dict(np.load(path, allow_pickle=True).item()) if path.exists() else {}

    def __call__(self, texts):  # type: ignore[no-untyped-def]
        from parallax.corpus.embedding import embed_leads

        todo = [t for t in texts if t not in self.rows]
        if todo:
            for text, row in zip(todo, embed_leads(todo), strict=True):
                self.rows[text] = row
            self.np.save(self.path, self.rows, allow_pickle=True)
        return self.np.vstack([self.rows[t] for t in texts])


def evaluate(
    store_path: Path, sources: list[str], gold: dict[str, str], embed=None, settings=None
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    store = open_store(str(store_path))
    began = time.perf_counter()
    summary = ingest(store, sources, embed=embed, settings=settings)
    seconds = time.perf_counter() - began
    predicted = {}
    listed = store.list_stories()
    sizes = sorted((len(story["article_ids"]) for story in listed), reverse=True)
    for story in listed:
        for input_id in story["article_ids"]:
            predicted[input_id] = story["id"]
    store.close()
    missing = [k for k in gold if k not in predicted]
    for k in missing:
        predicted[k] = f"missing:{k}"
    p, r, f = bcubed(predicted, gold)
    stories = len({predicted[k] for k in gold})
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "stories": stories,
        "gold_events": len(set(gold.values())),
        "documents": len(gold),
        "seconds": seconds,
        "merges": summary.clustering.merged,
        "splits": summary.clustering.split,
        "all_stories": len(sizes),
        "largest_story": sizes[0] if sizes else 0,
        "stories_over_50": sum(1 for n in sizes if n > 50),
    }


def read_settings(pairs: list[str]):  # type: ignore[no-untyped-def]
    """Default ClusterSettings with NAME=VALUE overrides (the value parsed as the field's type)."""
    import dataclasses

    from parallax.corpus.stories import ClusterSettings

    defaults = ClusterSettings()
    changes = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if not hasattr(defaults, name):
            sys.exit(f"--set {pair}: ClusterSettings has no field {name!r}")
        default = getattr(defaults, name)
        changes[name] = float(value) if default is None else type(default)(value)
    return dataclasses.replace(defaults, **changes) if changes else None


def run_neus(split: str, embed, settings, stories=None, part=0) -> None:  # type: ignore[no-untyped-def]
    """Ingest one NeuS split into a fresh store and print BCubed against the gold stories."""
    if not (NEUS / f"{split}.jsonl").exists():
        sys.exit(f"{NEUS / split}.jsonl is absent: the benchmark needs ../shared beside the repository")
    docs = load_neus(split, stories=stories, part=part)
    gold = {d["id"]: d["event"] for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"neus-{split}.jsonl"
        write_jsonl(source, docs)
        result = evaluate(Path(tmp) / "neus.db", [str(source)], gold, embed, settings)
    label = f"neus-{split}" + (f"[{stories} stories, part {part}]" if stories else "")
    print(json.dumps({"run": label, **{k: round(v, 4) for k, v in result.items()}}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use about this many ECB+ documents")
    parser.add_argument("--distractors", action="store_true", help="also run mixed into AllSides")
    parser.add_argument("--distractor-limit", type=int, default=None, help="first N AllSides only")
    parser.add_argument(
        "--distractor-month",
        action="append",
        default=[],
        metavar="YYYY-MM",
        help="AllSides of these months only",
    )
    parser.add_argument("--mixed-only", action="store_true", help="skip the ECB+-alone run")
    parser.add_argument("--cache", type=Path, default=None, help="cache lead vectors in this .npy file")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="override a ClusterSettings field"
    )
    parser.add_argument("--neus", choices=("val", "train"), default=None, help="cluster NeuS stories instead")
    parser.add_argument("--neus-stories", type=int, default=None, help="NeuS: only this many stories")
    parser.add_argument("--neus-part", type=int, default=0, help="NeuS: which disjoint draw of them")
    args = parser.parse_args()
    settings = read_settings(args.set)
    embed = CachedEmbedder(args.cache) if args.cache else None
    if args.neus:
        run_neus(args.neus, embed, settings, args.neus_stories, args.neus_part)
        return
    if not ECB.exists():
        sys.exit(f"{ECB} is absent: the benchmark needs ../shared beside the repository")
    docs = load_ecb(args.limit)
    gold = {d["id"]: d["event"] for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        ecb_file = Path(tmp) / "ecb.jsonl"
        write_jsonl(ecb_file, docs)
        if not args.mixed_only:
            result = evaluate(Path(tmp) / "ecb.db", [str(ecb_file)], gold, embed, settings)
            print(json.dumps({"run": "ecbplus", **{k: round(v, 4) for k, v in result.items()}}))
        if args.distractors or args.mixed_only:
            sources = [str(ALLSIDES)]
            if args.distractor_limit or args.distractor_month:
                part = Path(tmp) / "allsides.jsonl"
                with gzip.open(ALLSIDES, "rt", encoding="utf-8") as src, part.open("w") as dst:
                    for n, line in enumerate(src):
                        if args.distractor_limit and n >= args.distractor_limit:
                            break
                        if (
                            not args.distractor_month
                            or (json.loads(line).get("date") or "")[:7] in args.distractor_month
                        ):
                            dst.write(line)
                sources = [str(part)]
            mixed = evaluate(Path(tmp) / "mixed.db", [*sources, str(ecb_file)], gold, embed, settings)
            label = "ecbplus+allsides" + (f"[:{args.distractor_limit}]" if args.distractor_limit else "")
            label += f"[{','.join(args.distractor_month)}]" if args.distractor_month else ""
            print(json.dumps({"run": label, **{k: round(v, 4) for k, v in mixed.items()}}))


if __name__ == "__main__":
    main()
