"""Quality of the framing table ("how each outlet names the same referent").

    python bench/framing.py [--seeds ../shared/seeds] [--example examples/harbour-bridge]

Scores ``Report.framing`` against the annotation in ``tests/data/framing_gold.json``:

* recall: share of gold differences found. A difference (an outlet's own term for a
  referent, e.g. "Zionist regime" where others write "Israel") is found when one row
  shows that term under that outlet and one of the other terms under another outlet;
* row precision: share of rows that show a gold difference or an acceptable synonym pair
  and no forbidden pair (two different actions, or an inflection of one word);
* term precision: share of the distinct terms shown in all rows that belong to a gold
  difference or acceptable pair found in their row;
* forbidden: how many rows show a forbidden pair.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The figures in docs/benchmarks.md use BABE's biased words: point at the shared copy
# unless PARALLAX_BABE already names one (Parallax never searches for BABE itself).
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))
sys.path.insert(0, str(ROOT / "src"))

GOLD = ROOT / "tests" / "data" / "framing_gold.json"
QUOTES = "‘’“”\"'`´"


def normalise(term: str) -> str:
    """Lower case, no quote marks, no leading article, no plural -s on any word."""
    words = term.strip().strip(QUOTES).lower().replace("’", "'").split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(re.sub(r"(?<=[a-z]{3})s$", "", w.strip(QUOTES)) for w in words)


def load_gold(path: Path = GOLD) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data["stories"]


def rows_of(report: Any) -> list[dict[str, set[str]]]:
    """Each framing row as {source file name: normalised terms}."""
    files = {a.id: Path(a.source).name for a in report.articles}
    rows = []
    for framing in report.framing:
        row: dict[str, set[str]] = {}
        for outlet in framing.outlets:
            row.setdefault(files.get(outlet.article, outlet.article), set()).update(
                normalise(t.term) for t in outlet.terms
            )
        rows.append(row)
    return rows


def found_in(row: dict[str, set[str]], pair: dict[str, Any]) -> set[str]:
    """The pair's terms the row shows as a difference (empty when it does not show the pair)."""
    terms = {normalise(t) for t in pair["terms"]}
    others = {normalise(t) for t in pair["others"]}
    outlets = [pair["outlet"]] if pair.get("outlet") else list(row)
    for outlet in outlets:
        own = row.get(outlet, set()) & terms
        if not own:
            continue
        theirs = set().union(*(row[o] & others for o in row if o != outlet)) - own
        if theirs:
            return own | theirs
    return set()


def score_story(report: Any, gold: dict[str, Any]) -> dict[str, Any]:
    rows = rows_of(report)
    found = [any(found_in(row, d) for row in rows) for d in gold["differences"]]
    good_rows = 0
    forbidden = 0
    shown = right = 0
    for row in rows:
        explained: set[str] = set()
        for pair in gold["differences"] + gold.get("acceptable", []):
            explained |= found_in(row, pair)
        every = set().union(*row.values()) if row else set()
        bad = any(
            len({normalise(t) for t in rule["terms"]} & every) >= 2 for rule in gold.get("must_not", [])
        )
        forbidden += bad
        good_rows += bool(explained) and not bad
        shown += len(every)
        right += len(every & explained)
    return {
        "rows": len(rows),
        "gold": len(found),
        "found": sum(found),
        "recall": sum(found) / len(found) if found else 1.0,
        "row_precision": good_rows / len(rows) if rows else 1.0,
        "term_precision": right / shown if shown else 1.0,
        "forbidden_rows": forbidden,
        "missed": [
            f"{d['referent']}: {d['terms'][0]}"
            for d, ok in zip(gold["differences"], found, strict=True)
            if not ok
        ],
    }


def combine(scores: list[dict[str, Any]]) -> dict[str, float]:
    """Pooled figures over stories (rows, terms and gold differences summed)."""
    rows = sum(s["rows"] for s in scores)
    gold = sum(s["gold"] for s in scores)
    return {
        "recall": sum(s["found"] for s in scores) / gold if gold else 1.0,
        "row_precision": sum(s["row_precision"] * s["rows"] for s in scores) / rows if rows else 1.0,
        "forbidden_rows": sum(s["forbidden_rows"] for s in scores),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--example", type=Path, default=ROOT / "examples" / "harbour-bridge")
    args = parser.parse_args()
    import parallax

    gold = load_gold()
    scores = []
    for name, where in (("seeds", args.seeds), ("harbour-bridge", args.example)):
        if not where.exists():
            print(f"{name}: {where} is absent, skipped")
            continue
        began = time.perf_counter()
        report = parallax.analyze([where])
        score = score_story(report, gold[name])
        scores.append(score)
        print(
            f"{name}: rows {score['rows']}, recall {score['recall']:.3f} ({score['found']}/{score['gold']}), "
            f"row precision {score['row_precision']:.3f}, term precision {score['term_precision']:.3f}, "
            f"forbidden rows {score['forbidden_rows']} ({time.perf_counter() - began:.1f} s)"
        )
        for missed in score["missed"]:
            print(f"  missed: {missed}")
    if scores:
        pooled = combine(scores)
        print(
            f"pooled: recall {pooled['recall']:.3f}, row precision {pooled['row_precision']:.3f}, "
            f"forbidden rows {pooled['forbidden_rows']}"
        )


if __name__ == "__main__":
    main()
