"""Scoring the cleaning stage against hand-annotated furniture (tests and bench/ use it).

An annotation lists, per article, the first words of each piece of furniture and
the reason it should be removed for. A removal matches an annotation when its
text starts with those words and its reason is the same; each removal matches
at most one annotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parallax.model import Removed


@dataclass
class RemovalScore:
    matched: int  # removals that match an annotation
    annotated: int  # annotated pieces of furniture
    removed: int  # removals made
    missed: list[tuple[str, str]]  # annotations no removal matched
    extra: list[Removed]  # removals no annotation matched

    @property
    def recall(self) -> float:
        return self.matched / self.annotated if self.annotated else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.removed if self.removed else 1.0

    def add(self, other: RemovalScore) -> RemovalScore:
        return RemovalScore(
            self.matched + other.matched,
            self.annotated + other.annotated,
            self.removed + other.removed,
            self.missed + other.missed,
            self.extra + other.extra,
        )


def score_removals(removed: Sequence[Removed], gold: Sequence[Sequence[str]]) -> RemovalScore:
    """Match one article's removals against its annotated (first words, reason) pairs."""
    unused = list(removed)
    missed: list[tuple[str, str]] = []
    for prefix, reason in gold:
        hit = next((r for r in unused if r.reason == reason and r.text.startswith(prefix)), None)
        if hit is None:
            missed.append((prefix, reason))
        else:
            unused.remove(hit)
    matched = len(gold) - len(missed)
    return RemovalScore(matched, len(gold), len(removed), missed, unused)


def empty_score() -> RemovalScore:
    return RemovalScore(0, 0, 0, [], [])
