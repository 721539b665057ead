"""Independent sources per claim: copies, syndicated articles and shared origins count once.

For each claim, the supporting articles are joined (union-find) when

* one copied the other wholesale (a reuse pair scoring at least
  ``Options.reuse_link_score``), or the claim's two mentions sit inside a
  passage the two articles share;
* they belong to one near-identical or agency-story group;
* they cite the same outlet or agency in the sentences that state the claim
  ("... Bloomberg reported" in both), or one article is the outlet the other cites.

``Claim.independent_sources`` is the number of groups left, and
``Claim.independent_groups`` lists them. The per-article sourcing shares are
recomputed over claims here, now that claims exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from parallax.analysis.provenance.sources import bare_name, by_sentence, claim_origins, share_by_claims
from parallax.model import CitedSource, Claim, CopiedSpan, Mention, Report, ReusePair
from parallax.stage import Context, stage
from parallax.text.disjoint import DisjointSet


def _inside(m: Mention, start: int, end: int) -> bool:
    overlap = min(m.end, end) - max(m.start, start)
    return overlap > 0 and overlap * 2 >= m.end - m.start


def _mentions_copied(pair: ReusePair, a_mentions: list[Mention], b_mentions: list[Mention]) -> bool:
    """True when a mention of each side lies in the same copied passage."""
    span: CopiedSpan
    for span in pair.spans:
        if any(_inside(m, span.a_start, span.a_end) for m in a_mentions) and any(
            _inside(m, span.b_start, span.b_end) for m in b_mentions
        ):
            return True
    return False


@dataclass
class StoryLinks:
    """What every claim's grouping reads from the report, indexed once per story."""

    pairs: dict[tuple[str, str], ReusePair]
    cited: dict[str, list[CitedSource]]
    outlet_of: dict[str, str]

    @classmethod
    def of(cls, report: Report) -> StoryLinks:
        return cls(
            {(p.a, p.b): p for p in report.reuse},
            by_sentence(report.sources),
            {a.id: bare_name(a.outlet) for a in report.articles if a.outlet},
        )


def group_sources(
    claim: Claim, report: Report, link_score: float = 0.5, links: StoryLinks | None = None
) -> list[list[str]]:
    """The claim's supporting articles, grouped so that each group is one independent source.
    ``links`` is ``StoryLinks.of(report)`` when the caller groups many claims."""
    ids = list(dict.fromkeys(claim.articles))
    uf: DisjointSet[str] = DisjointSet(ids)
    links = StoryLinks.of(report) if links is None else links
    pairs = links.pairs
    mentions: dict[str, list[Mention]] = {}
    for m in claim.mentions:
        mentions.setdefault(m.article, []).append(m)
    origins = claim_origins(claim, report, links.cited)
    outlet_of = links.outlet_of
    for a, b in combinations(ids, 2):
        pair = pairs.get((a, b))
        if pair is None and (b, a) in pairs:
            pair = pairs[(b, a)]
            a, b = b, a
        if pair is not None and (
            pair.score >= link_score or _mentions_copied(pair, mentions.get(a, []), mentions.get(b, []))
        ):
            uf.merge(a, b)
            continue
        if (
            origins.get(a, set()) & origins.get(b, set())
            or outlet_of.get(a) in origins.get(b, set())
            or outlet_of.get(b) in origins.get(a, set())
        ):
            uf.merge(a, b)
    for group in report.duplicates:
        members = [x for x in group.articles if x in uf]
        for x in members[1:]:
            uf.merge(members[0], x)
    return uf.groups()


def count_independent(report: Report, link_score: float = 0.5) -> None:
    """Set independent_sources and independent_groups on every claim."""
    links = StoryLinks.of(report)
    for claim in report.claims:
        claim.independent_groups = group_sources(claim, report, link_score, links)
        claim.independent_sources = len(claim.independent_groups)


@stage(
    requires=("report.claims", "report.reuse", "report.syndication", "report.duplicates", "report.sources"),
    provides=("claim.independent_sources", "claim.independent_groups", "report.sourcing"),
)
def count_independent_sources(ctx: Context) -> None:
    """How many independent sources support each claim (copies and shared origins count once)."""
    count_independent(ctx.report, ctx.options.reuse_link_score)
    if ctx.report.claims:
        ctx.report.sourcing = share_by_claims(ctx.report)
