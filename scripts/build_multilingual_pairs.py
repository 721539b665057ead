"""Derive tests/data/multilingual_pairs.jsonl from tests/data/multilingual_facts.json.

Each fact is written once per language (en, fr, de, es); three frames per language (bare,
attributed at the front, attributed at the end) give three wordings of it. For every pair
of languages:

* same-fact pairs: each fact, every wording in one language against every wording in the
  other (5 stories x 5 facts x 3 x 3 = 225 per language pair);
* different-fact pairs: two different facts of the same story (same topic, same names),
  every combination, of which 225 per language pair are kept, chosen by a fixed seed.

The split (train/val) is the story's. Run: ``python scripts/build_multilingual_pairs.py``.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LANGUAGES = ("en", "fr", "de", "es")
DETERMINERS = {"the", "a", "an", "all", "only", "about", "two", "it", "they", "thieves", "strong",
               "investigators", "talks", "fuel", "le", "la", "les", "l", "un", "une", "des", "du",
               "ils", "elle", "seul", "environ", "deux", "el", "los", "las", "una", "unos", "sale",
               "solo", "dos", "podría", "robaron", "astrónomos", "astronomers", "bus", "fuerte"}  # fmt: skip


def word_forms(sentence: str, language: str, frames: dict[str, list[str]]) -> list[str]:
    """The sentence in each of its language's frames."""
    first = sentence.split()[0].split("'")[0].lower()
    lowered = sentence[0].lower() + sentence[1:] if first in DETERMINERS else sentence
    return [f.format(s=sentence, lc=lowered, nodot=sentence.rstrip(".")) for f in frames[language]]


def build_pairs(source: dict) -> list[dict]:
    frames = source["frames"]
    rng = random.Random(18)
    rows: list[dict] = []
    for left, right in itertools.combinations(LANGUAGES, 2):
        same: list[dict] = []
        different: list[dict] = []
        for story in source["stories"]:
            facts = story["facts"]
            for i, j in itertools.product(range(len(facts)), repeat=2):
                for a, b in itertools.product(
                    word_forms(facts[i][left], left, frames), word_forms(facts[j][right], right, frames)
                ):
                    row = {"story": story["id"], "split": story["split"], "languages": [left, right],
                           "facts": [i, j], "same": i == j, "a": a, "b": b}  # fmt: skip
                    (same if i == j else different).append(row)
        rows += same + rng.sample(different, len(same))
    return rows


def main() -> None:
    source = json.loads((DATA / "multilingual_facts.json").read_text(encoding="utf-8"))
    rows = build_pairs(source)
    with (DATA / "multilingual_pairs.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} pairs")


if __name__ == "__main__":
    main()
