"""Independent sources per claim (analysis/claims/independence.py)."""

from __future__ import annotations

from parallax.analysis.claims.independence import count_independent, group_sources
from parallax.analysis.provenance.reuse import find_reuse
from parallax.model import Article, CitedSource, Claim, DuplicateGroup, Mention, Report, Sentence


def make(article_id: str, text: str, outlet: str) -> Article:
    article = Article(
        id=article_id,
        source=f"{article_id}.txt",
        title="",
        outlet=outlet,
        published=None,
        language="en",
        original=text,
    )
    article.sentences.append(Sentence(f"{article_id}:s0", article_id, 0, text, 0, len(text)))
    return article


def claim_over(articles: list[Article]) -> Claim:
    mentions = [Mention(a.id, a.sentences[0].id, a.original, 0, len(a.original)) for a in articles]
    return Claim("c1", articles[0].original, [a.id for a in articles], [a.label for a in articles], mentions)


BASE = (
    "The harbour council closed the old ferry terminal on Tuesday after engineers found cracks "
    "in the pier and told commuters to use the temporary landing at Mill Point."
)


def test_independence_copies_count_once() -> None:
    a = make("a1", BASE, "Coast Post")
    b = make("a2", BASE.replace("ferry", "boat"), "Bay Daily")
    c = make(
        "a3",
        "Cracks under the Mill Point jetty shut the terminal this week, officials confirmed.",
        "River FM",
    )
    report = Report(articles=[a, b, c])
    report.reuse = find_reuse(report.articles)
    report.claims = [claim_over([a, b, c])]
    count_independent(report)
    claim = report.claims[0]
    assert claim.independent_sources == 2 and len(claim.outlets) == 3
    assert sorted(map(sorted, claim.independent_groups)) == [["a1", "a2"], ["a3"]]


def test_independence_shared_cited_origin_counts_once() -> None:
    a = make("a1", "The terminal will close for six weeks, Reuters reported.", "Coast Post")
    b = make("a2", "Six weeks of closure lie ahead for the ferry hub, according to Reuters.", "Bay Daily")
    c = make("a3", "Repairs at the terminal should last about six weeks.", "River FM")
    report = Report(articles=[a, b, c])
    report.sources = [
        CitedSource("a1", "Reuters", "outlet", "Reuters reported", 0, 10, "a1:s0"),
        CitedSource("a2", "Reuters", "outlet", "according to Reuters", 0, 10, "a2:s0"),
    ]
    claim = claim_over([a, b, c])
    groups = group_sources(claim, report)
    assert sorted(map(sorted, groups)) == [["a1", "a2"], ["a3"]]


def test_independence_unrelated_outlets_stay_independent() -> None:
    arts = [make(f"a{k}", f"Sentence number {k} says the terminal closed.", f"Outlet {k}") for k in range(4)]
    report = Report(articles=arts)
    report.claims = [claim_over(arts)]
    count_independent(report)
    assert report.claims[0].independent_sources == 4


def test_independence_duplicate_groups_join() -> None:
    arts = [make(f"a{k}", f"Text {k}.", f"Outlet {k}") for k in range(3)]
    report = Report(
        articles=arts,
        duplicates=[DuplicateGroup(["a0", "a2"], ["Outlet 0", "Outlet 2"], "agency-story", 0.9, "AP")],
    )
    report.claims = [claim_over(arts)]
    count_independent(report)
    assert report.claims[0].independent_sources == 2


def test_independence_seeds_differ_from_outlet_counts(seed_report) -> None:  # type: ignore[no-untyped-def]
    claims = [c for c in seed_report.claims if len(c.outlets) >= 2]
    assert claims and all(c.independent_sources >= 1 for c in claims)
    assert any(c.independent_sources < len(c.outlets) for c in claims)
    assert all(c.independent_sources <= len(c.outlets) for c in seed_report.claims)
