"""Per article: the claims only it states, and the well-supported claims it leaves out."""

from __future__ import annotations

from parallax.model import Article, Claim
from parallax.stage import Context, stage


def find_exclusives(article: Article, claims: list[Claim]) -> list[str]:
    """Ids of claims stated by this article and by no other."""
    return [c.id for c in claims if c.articles == [article.id]]


def find_omissions(article: Article, claims: list[Claim], well_supported: int) -> list[str]:
    """Ids of claims stated by at least ``well_supported`` outlets, none of them this article."""
    return [c.id for c in claims if len(c.outlets) >= well_supported and article.id not in c.articles]


@stage(requires=("report.claims",), provides=("article.exclusive_claims", "article.omitted_claims"))
def compare_coverage(ctx: Context) -> None:
    """Fill ``Article.exclusive_claims`` and ``Article.omitted_claims``."""
    claims = ctx.report.claims
    for article in ctx.report.articles:
        article.exclusive_claims = find_exclusives(article, claims)
        article.omitted_claims = find_omissions(article, claims, ctx.options.well_supported)
