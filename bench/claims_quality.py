"""Claim grouping quality against the hand annotation of the seeds (tests/data/seed_claims.json).

Pairwise precision and recall over pairs of sentences from different articles:
a pair is positive in the annotation when both sentences sit in one annotated
group, and predicted positive when both are mentions of one claim. Pairs that
involve an 'ambiguous' sentence are not scored. Also reports how many 'apart'
pairs (same topic, different facts) were wrongly joined.

    python bench/claims_quality.py [SEEDS_DIR]
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from parallax.clean.normalise import normalise_for_matching
from parallax.model import Report, Sentence

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = ROOT / "tests" / "data" / "seed_claims.json"


@dataclass
class Quality:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    apart_joined: int
    apart_total: int
    unmatched: list[str]


def find_sentence(report: Report, file_name: str, snippet: str) -> Sentence | None:
    """The sentence of the article read from ``file_name`` that contains ``snippet``."""
    key = normalise_for_matching(snippet).lower()
    for article in report.articles:
        if Path(article.source).name != file_name:
            continue
        for sentence in article.sentences:
            if key in (sentence.norm or normalise_for_matching(sentence.text)).lower():
                return sentence
    return None


def claim_of(report: Report) -> dict[str, str]:
    """Sentence id -> claim id."""
    return {m.sentence: c.id for c in report.claims for m in c.mentions}


def measure_quality(report: Report, annotation: dict | None = None) -> Quality:  # type: ignore[type-arg]
    """Pairwise claim precision/recall of ``report`` against the annotation."""
    data = annotation or json.loads(ANNOTATION.read_text(encoding="utf-8"))
    unmatched: list[str] = []

    def locate(entry: list[str]) -> Sentence | None:
        found = find_sentence(report, entry[0], entry[1])
        if found is None:
            unmatched.append(f"{entry[0]}: {entry[1]}")
        return found

    group_of: dict[str, int] = {}
    for n, group in enumerate(data["groups"]):
        for entry in group["mentions"]:
            sentence = locate(entry)
            if sentence is not None:
                group_of[sentence.id] = n
    ambiguous = {s.id for s in (locate(e) for e in data["ambiguous"]) if s is not None}
    claims = claim_of(report)
    article = {s.id: s.article for a in report.articles for s in a.sentences}
    scored = [sid for sid in article if sid not in ambiguous]
    true_pairs = predicted = correct = 0
    for a, b in itertools.combinations(scored, 2):
        if article[a] == article[b]:
            continue
        truth = a in group_of and group_of.get(b) == group_of[a]
        guess = a in claims and claims.get(b) == claims[a]
        true_pairs += truth
        predicted += guess
        correct += truth and guess
    apart_joined = 0
    for left, right, _why in data["apart"]:
        x, y = locate(left), locate(right)
        if x is not None and y is not None and x.id in claims and claims[x.id] == claims.get(y.id):
            apart_joined += 1
    return Quality(
        precision=correct / predicted if predicted else 1.0,
        recall=correct / true_pairs if true_pairs else 1.0,
        true_pairs=true_pairs,
        predicted_pairs=predicted,
        correct_pairs=correct,
        apart_joined=apart_joined,
        apart_total=len(data["apart"]),
        unmatched=unmatched,
    )


def main(argv: list[str]) -> int:
    import parallax

    seeds = Path(argv[0]) if argv else ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"{seeds} is absent: this benchmark needs ../shared/seeds beside the repository")
        return 1
    quality = measure_quality(parallax.analyze([seeds]))
    print(f"claims_pair_precision {quality.precision:.3f} ({quality.correct_pairs}/{quality.predicted_pairs})")
    print(f"claims_pair_recall    {quality.recall:.3f} ({quality.correct_pairs}/{quality.true_pairs})")
    print(f"apart pairs joined    {quality.apart_joined}/{quality.apart_total}")
    for missing in quality.unmatched:
        print(f"annotation not found: {missing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
