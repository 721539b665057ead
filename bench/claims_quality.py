"""Claim grouping quality against the hand annotation of the seeds (tests/data/seed_claims.json).

Pairwise precision and recall over pairs of sentences from different articles:
a pair is positive in the annotation when both sentences sit in one annotated
group, and predicted positive when both are mentions of one claim. Pairs that
involve an 'ambiguous' sentence are not scored. Also reports how many 'apart'
pairs (same topic, different facts) were wrongly joined.

    python bench/claims_quality.py [SEEDS_DIR] [--cascade]

``--cascade`` turns on ``Options.claims_cascade`` (MiniLM only where a claim may need it).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.clean.normalise import normalise_for_matching
from parallax.model import Article, Report, Sentence, Span
from parallax.options import Options

ROOT = Path(__file__).resolve().parent.parent
# The figures in docs/benchmarks.md use BABE's biased words: point at the shared copy
# unless PARALLAX_BABE already names one (Parallax never searches for BABE itself).
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))
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


def measure_quality(report: Report, annotation: dict[str, Any] | None = None) -> Quality:
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


@dataclass
class Separation:
    """ECB+ check: claims joining two reports of different events versus of the same event."""

    topics: int
    joined_different: int  # multi-article claims between reports of different events
    sentences_different: int
    joined_same: int  # multi-article claims between two reports of one event
    sentences_same: int

    @property
    def separation(self) -> float:
        """1 - joined claims per sentence, for different-event pairs (1.0 = nothing joined)."""
        return 1 - self.joined_different / max(self.sentences_different, 1)


def ecb_articles(docs: list[dict[str, Any]]) -> list[Article]:
    """ECB+ documents as articles of one story, each non-empty line kept (no cleaning)."""
    return [
        Article(
            id=f"a{n}",
            source=d["doc"],
            title="",
            outlet=d["doc"],
            published=None,
            language="en",
            original=d["text"],
            kept=[Span(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]+", d["text"])],
            text=d["text"],
        )
        for n, d in enumerate(docs, 1)
    ]


def analyse_documents(docs: list[dict[str, Any]], options: Options | None = None) -> Report:
    """Sentences, vectors and claims for ECB+ documents taken as one story (no cleaning)."""
    from parallax.analysis.claims.grouping import group_claims
    from parallax.analysis.reading.embed import embed_sentences
    from parallax.analysis.reading.sentences import split_sentences
    from parallax.stage import Context

    ctx = Context(report=Report(articles=ecb_articles(docs)), options=options or Options())
    for step in (split_sentences, embed_sentences, group_claims):
        step(ctx)
    return ctx.report


def measure_separation(path: Path, topics: int = 8, options: Options | None = None) -> Separation:
    """For the first ``topics`` ECB+ topics: the first report of each of its two events as one
    story (different events), and the first two reports of its first event (same event)."""
    by_topic: dict[int, dict[str, list[dict[str, Any]]]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            by_topic.setdefault(doc["topic"], {}).setdefault(doc["event"], []).append(doc)
    result = Separation(0, 0, 0, 0, 0)
    for topic in sorted(by_topic)[:topics]:
        events = [sorted(docs, key=lambda d: d["doc"]) for _, docs in sorted(by_topic[topic].items())]
        if len(events) < 2 or len(events[0]) < 2:
            continue
        result.topics += 1
        different = analyse_documents([events[0][0], events[1][0]], options)
        result.joined_different += sum(len(c.articles) > 1 for c in different.claims)
        result.sentences_different += sum(len(a.sentences) for a in different.articles)
        same = analyse_documents(events[0][:2], options)
        result.joined_same += sum(len(c.articles) > 1 for c in same.claims)
        result.sentences_same += sum(len(a.sentences) for a in same.articles)
    return result


def main(argv: list[str]) -> int:
    import parallax

    options = Options(claims_cascade="--cascade" in argv)
    argv = [a for a in argv if a != "--cascade"]
    seeds = Path(argv[0]) if argv else ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        print(f"{seeds} is absent: this benchmark needs ../shared/seeds beside the repository")
        return 1
    quality = measure_quality(parallax.analyze([seeds], options))
    print(
        f"claims_pair_precision {quality.precision:.3f} ({quality.correct_pairs}/{quality.predicted_pairs})"
    )
    print(f"claims_pair_recall    {quality.recall:.3f} ({quality.correct_pairs}/{quality.true_pairs})")
    print(f"apart pairs joined    {quality.apart_joined}/{quality.apart_total}")
    for missing in quality.unmatched:
        print(f"annotation not found (removed as furniture?): {missing}")
    ecbplus = seeds.parent / "datasets" / "ecbplus" / "documents.jsonl"
    if ecbplus.exists():
        sep = measure_separation(ecbplus, topics=15, options=options)
        print(
            f"ECB+ ({sep.topics} topics): different events joined {sep.joined_different} claims over "
            f"{sep.sentences_different} sentences (claims_ecbplus_event_separation {sep.separation:.3f}); "
            f"same event joined {sep.joined_same} over {sep.sentences_same}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
