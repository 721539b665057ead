"""Who copied whom, for a pair of articles that share passages (``reuse.compare_pair``).

The direction weighs the earlier publication date, which text is more completely
contained in the other, and the swap pattern: the copy's words are idiosyncratic (the
other articles of the story use the original's words), and a rewrite often maps several
words onto one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from parallax.model import Article, ReusePair


def vocabulary(words: Iterable[str]) -> str:
    """An article's normalised words as one string, each word between spaces: what
    ``judge_direction`` searches for a swap's words."""
    return " " + " ".join(words) + " "


def judge_direction(
    pair: ReusePair,
    a_doc: Article,
    b_doc: Article,
    swaps: Sequence[tuple[str, str]],
    others: list[str],
) -> None:
    """Set pair.source/copy/confidence/evidence from dates, containment and the swap pattern.

    ``swaps`` are the pair's systematic swaps, as (a's words, b's words) normalised;
    ``others`` holds the vocabularies (see ``vocabulary``) of the story's other articles.
    Each piece of evidence votes for "a is the original" (+) or "b is" (-) with a weight.
    """
    votes: list[tuple[float, str]] = []  # (signed weight, explanation); + means a is the original
    weight_seen = 0.0
    if a_doc.published and b_doc.published and a_doc.published != b_doc.published:
        earlier, later = (a_doc, b_doc) if a_doc.published < b_doc.published else (b_doc, a_doc)
        sign = 1.0 if earlier is a_doc else -1.0
        weight = 0.6 if (a_doc.published_inferred or b_doc.published_inferred) else 1.2
        votes.append(
            (
                sign * weight,
                f"{earlier.label} was published earlier ({earlier.published} vs {later.published})",
            )
        )
        weight_seen += weight
    gap = pair.a_coverage - pair.b_coverage
    if abs(gap) >= 0.15:
        contained, container = (a_doc, b_doc) if gap > 0 else (b_doc, a_doc)
        share = max(pair.a_coverage, pair.b_coverage)
        votes.append(
            (
                (-0.5 if contained is a_doc else 0.5),
                f"{share:.0%} of {contained.label} lies inside {container.label}: "
                "the more completely contained text is more likely the (trimmed) copy",
            )
        )
        weight_seen += 0.5
    picked = swaps  # the systematic ones (compare_pair returns only those)
    if picked and others:
        a_common = sum(sum(f" {a_norm} " in v for v in others) for a_norm, _ in picked)
        b_common = sum(sum(f" {b_norm} " in v for v in others) for _, b_norm in picked)
        if a_common != b_common:
            a_side = a_common > b_common
            plain, own = (a_doc, b_doc) if a_side else (b_doc, a_doc)
            strength = abs(a_common - b_common) / max(a_common + b_common, 1)
            weight = 1.5 * strength + 0.5
            examples = ", ".join(
                f'"{s.a_words}" -> "{s.b_words}"' if a_side else f'"{s.b_words}" -> "{s.a_words}"'
                for s in pair.substitutions[:3]
            )
            votes.append(
                (
                    (weight if a_side else -weight),
                    f"the other articles use {plain.label}'s words, so {own.label} "
                    f"swapped in its own ({examples})",
                )
            )
            weight_seen += weight
    if pair.substitutions:
        a_kinds = {s.a_words.lower() for s in pair.substitutions}
        b_kinds = {s.b_words.lower() for s in pair.substitutions}
        if len(a_kinds) != len(b_kinds):
            narrower = b_doc if len(b_kinds) < len(a_kinds) else a_doc
            sign = 1.0 if narrower is b_doc else -1.0
            votes.append(
                (sign * 0.4, f"{narrower.label} maps several words onto one term, as a rewrite does")
            )
            weight_seen += 0.4
    total = sum(v for v, _ in votes)
    if not votes or abs(total) < 1e-9:
        pair.evidence = [text for _, text in votes] or ["no evidence of direction"]
        return
    source, copy = (a_doc, b_doc) if total > 0 else (b_doc, a_doc)
    pair.source, pair.copy = source.id, copy.id
    pair.confidence = round(min(0.95, abs(total) / (weight_seen + 0.5)), 2)
    pair.evidence = [text for v, text in votes if (v > 0) == (total > 0)] + [
        f"against: {text}" for v, text in votes if (v > 0) != (total > 0)
    ]
