"""What one entry of the story list shows: the summary line, the claim counts, the status, the bar.

Everything comes from the story's row (``StoryRow``) and the digest of its
stored analysis (``parallax.corpus.digest``); nothing here reads a report. The
coverage bar is plain markup (one segment per outlet up to ``BAR_SEGMENTS``),
drawn by CSS, with a text alternative for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parallax.web.source import StoryRow

BAR_SEGMENTS = 12  # most segments a coverage bar draws; more outlets show as "+N"

# Analysis status -> the label shown beside a story that is not analysed for the current members.
STATUS_LABELS = {
    "pending": "analysis pending",
    "stale": "analysis out of date",
    "failed": "analysis failed",
}


@dataclass
class StoryEntry:
    """One story of the list, ready for the template."""

    row: StoryRow
    outlets: int  # distinct outlets
    headline: str = ""  # the first sentence of the summary (article text: escape it)
    headline_outlets: int = 0  # outlets the headline cites
    shared_claims: int | None = None  # None: no analysis to count from
    exclusive_claims: int | None = None
    contested_claims: int | None = None  # None: not counted (an analysis from before agreement)
    status: str = ""  # a label for a story whose analysis is not current; "" when it is
    segments: list[str] = field(default_factory=list)  # CSS classes, one per bar segment
    more_outlets: int = 0  # outlets beyond the bar's segments
    bar_label: str = ""  # the bar's text alternative
    leaning: list[tuple[str, int, float]] = field(default_factory=list)  # (side, outlets, % of outlets)
    leaning_label: str = ""  # the leaning bar's text alternative, naming the ratings' source
    leaning_source: str = ""  # where the leanings come from ("input record", an imported source)
    blindspot: str = ""  # "Blindspot for the right" or ""


def count_int(value: object) -> int | None:
    """A digest count, or None when it is missing or not a whole number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def status_label(row: StoryRow, outlets: int) -> str:
    """The label of a story whose analysis is not current ("" for a current one)."""
    if row.analysis in STATUS_LABELS:
        return STATUS_LABELS[row.analysis]
    if row.analysis == "current":
        return ""
    if outlets < 2:
        return "one outlet"
    return "" if row.analysed else "not analysed yet"


def build_bar(outlets: int, headline_outlets: int) -> tuple[list[str], int, str]:
    """The bar's segment classes, the outlets beyond it, and its text alternative."""
    shown = min(outlets, BAR_SEGMENTS)
    if outlets > BAR_SEGMENTS and headline_outlets:
        stating = max(1, round(headline_outlets * BAR_SEGMENTS / outlets))
    else:
        stating = min(headline_outlets, shown)
    segments = ["seg seg-stated"] * stating + ["seg"] * (shown - stating)
    label = f"Covered by {outlets} outlet{'' if outlets == 1 else 's'}"
    if headline_outlets:
        label += f"; {headline_outlets} of them state the headline claim"
    return segments, outlets - shown, label


SIDES = ("left", "center", "right", "unknown")


def build_leaning(row: StoryRow) -> tuple[list[tuple[str, int, float]], str, str]:
    """The leaning bar's parts (side, outlets, percent), its text alternative and the ratings' source."""
    coverage = row.coverage or {}
    groups = coverage.get("leaning") or {}
    counts = [(side, count_int((groups.get(side) or {}).get("outlets")) or 0) for side in SIDES]
    total = sum(n for _, n in counts)
    known = total - dict(counts)["unknown"]
    if not known:
        return [], "", ""
    sources = [str(s) for s in coverage.get("leaning_sources") or []]
    source = ", ".join(sources) or "unknown source"
    parts = [(side, n, round(100 * n / total, 1)) for side, n in counts if n]
    said = ", ".join(f"{n} {side}" for side, n in counts if n)
    return parts, f"Leaning of the {total} outlets (rated by: {source}): {said}", source


def build_entry(row: StoryRow) -> StoryEntry:
    """The list entry of one story."""
    digest = row.digest or {}
    outlets = len(row.outlets) or count_int(digest.get("outlets")) or 0
    headline = digest.get("headline")
    headline_text = " ".join(headline.split()) if isinstance(headline, str) else ""
    support = (count_int(digest.get("headline_outlets")) or 0) if headline_text else 0
    segments, more, label = build_bar(outlets, min(support, outlets))
    leaning, leaning_label, leaning_source = build_leaning(row)
    missing = (row.blindspot or {}).get("missing")
    return StoryEntry(
        row=row,
        outlets=outlets,
        headline=headline_text,
        headline_outlets=support,
        shared_claims=count_int(digest.get("shared_claims")),
        exclusive_claims=count_int(digest.get("exclusive_claims")),
        contested_claims=count_int(digest.get("contested_claims")),
        status=status_label(row, outlets),
        segments=segments,
        more_outlets=more,
        bar_label=label,
        leaning=leaning,
        leaning_label=leaning_label,
        leaning_source=leaning_source,
        blindspot=f"Blindspot for the {missing}" if missing in ("left", "right") else "",
    )
