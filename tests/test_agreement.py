"""Agreement and contested claims: each contest reason on small made-up reports, and the seeds."""

from __future__ import annotations

import pytest

from conftest import build_article
from parallax.analysis.claims.agreement import judge_agreement
from parallax.analysis.details.numbers import compare_numbers
from parallax.analysis.details.quotes import compare_quote_wording
from parallax.corpus.digest import digest_report
from parallax.model import Claim, Mention, Report
from parallax.options import Options
from parallax.render import render
from parallax.stage import Context


def judge_pair(first: str, second: str, third: str | None = None) -> Claim:
    """One claim made of the given sentences (one article and outlet each), judged."""
    texts = [t for t in (first, second, third) if t is not None]
    articles = [
        build_article(f"a{n}", [text], outlet=f"Outlet {n}", published="2024-03-05")
        for n, text in enumerate(texts, 1)
    ]
    report = Report(articles=articles)
    ctx = Context(report=report, options=Options())
    compare_numbers(ctx)
    compare_quote_wording(ctx)
    mentions = [Mention(a.id, s.id, s.text, s.start, s.end) for a in articles for s in a.sentences]
    claim = Claim("c1", texts[0], [a.id for a in articles], [a.label for a in articles], mentions)
    report.claims = [claim]
    judge_agreement(ctx)
    return claim


def reasons(claim: Claim) -> list[str]:
    return [c.reason for c in claim.contests]


def test_agreement_same_statement_agreed() -> None:
    claim = judge_pair(
        "The city council approved the new budget on Monday.",
        "On Monday the city council approved the new budget.",
    )
    assert claim.agreement == "agreed" and claim.contests == []


def test_agreement_different_figures_contested() -> None:
    claim = judge_pair(
        "The storm killed 12 people in the coastal town, officials said.",
        "The storm killed 30 people in the coastal town, officials said.",
    )
    assert claim.agreement == "contested"
    assert "figures" in reasons(claim)
    figures = next(c for c in claim.contests if c.reason == "figures")
    assert "12" in figures.detail and "30" in figures.detail and sorted(figures.articles) == ["a1", "a2"]


def test_agreement_negation_contested() -> None:
    claim = judge_pair(
        "The company recalled the faulty heaters last week.",
        "The company did not recall the faulty heaters last week.",
    )
    assert claim.agreement == "contested" and reasons(claim) == ["negation"]
    assert "did not recall" in claim.contests[0].detail


def test_agreement_swapped_actors_contested() -> None:
    claim = judge_pair(
        "The army attacked the rebels near the border.", "The rebels attacked the army near the border."
    )
    assert "actors" in reasons(claim)
    passive = judge_pair(
        "The army attacked the rebels near the border.", "The army was attacked by the rebels."
    )
    assert "actors" in reasons(passive)
    same = judge_pair(
        "The army attacked the rebels near the border.", "The rebels were attacked by the army."
    )
    assert "actors" not in reasons(same)


def test_agreement_quote_speakers_contested() -> None:
    claim = judge_pair(
        '"We will rebuild the bridge before winter," said Mayor Anna Berg.',
        '"We will rebuild the bridge before winter," said Governor Tom Okafor.',
    )
    assert "speaker" in reasons(claim)
    same = judge_pair(
        '"We will rebuild the bridge before winter," said Mayor Anna Berg.',
        '"We will rebuild the bridge before winter," Berg said.',
    )
    assert "speaker" not in reasons(same)


def test_agreement_single_outlet_not_judged() -> None:
    article = build_article("a1", ["The storm killed 12 people in the coastal town."], outlet="Outlet 1")
    report = Report(articles=[article])
    s = article.sentences[0]
    report.claims = [Claim("c1", s.text, ["a1"], ["Outlet 1"], [Mention("a1", s.id, s.text, s.start, s.end)])]
    judge_agreement(Context(report=report, options=Options()))
    assert report.claims[0].agreement is None and report.claims[0].contests == []


def test_agreement_section_in_every_format() -> None:
    claim = judge_pair(
        "The storm killed 12 people in the coastal town, officials said.",
        "The storm killed 30 people in the coastal town <b>at once</b>, officials said.",
    )
    report = Report(articles=[], claims=[claim], stages=["judge_agreement"])
    assert claim.agreement == "contested"
    for fmt in ("md", "html", "text"):
        out = render(report, fmt)
        assert "Contested claims" in out and "1 of 1 claims" in out
    html = render(report, "html")
    assert "<b>at once</b>" not in html  # article text is escaped
    assert 'id="only-contested"' in html and 'class="agreement-contested"' in html  # the claims filter
    assert digest_report(report)["contested_claims"] == 1
    assert '"agreement": "contested"' in render(report, "json")


@pytest.mark.slow
def test_agreement_seeds_report_has_section(seed_report: Report) -> None:
    judged = [c for c in seed_report.claims if c.agreement is not None]
    assert judged and all(len(set(c.outlets)) >= 2 for c in judged)
    assert all(c.contests for c in judged if c.agreement == "contested")
    assert all(c.agreement is None for c in seed_report.claims if len(set(c.outlets)) < 2)
    for fmt in ("md", "html", "text"):
        assert "Contested claims" in render(seed_report, fmt)
