"""Syndication notices, near-identical articles and agency stories (analysis/provenance/syndication.py),
and the provenance report sections that show them."""

from __future__ import annotations

from parallax.analysis.provenance.reuse import find_reuse
from parallax.analysis.provenance.syndication import find_notices, group_duplicates, name_agency
from parallax.model import Article, Removed, Report

STORY = (
    "Engineers closed the old ferry terminal on Tuesday after finding cracks in the pier. "
    "Commuters were told to use a temporary landing at Mill Point until further notice. "
    "Repairs are expected to take at least six weeks and to cost about two million dollars. "
    "Traders fear the closure will cut the number of visitors to the waterfront market."
)
OTHER = (
    "The city orchestra announced a new season of concerts featuring young composers. "
    "Tickets go on sale next month and students will be admitted free on Thursday evenings."
)


def make(article_id: str, text: str, outlet: str) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        title="",
        outlet=outlet,
        published=None,
        language="en",
        original=text,
    )


def test_syndication_notice_patterns_with_offsets() -> None:
    text = (
        STORY
        + "\n(This story has not been edited by Bay Daily staff and is published from a syndicated feed.)"
    )
    article = make("a1", text, "Bay Daily")
    [notice] = find_notices(article)
    assert notice.kind == "syndicated"
    assert notice.start is not None and notice.end is not None
    assert text[notice.start : notice.end] == notice.text


def test_syndication_agency_credits() -> None:
    dateline = make("a1", "PORTSMOUTH (Reuters) - " + STORY, "Coast Post")
    byline = make("a2", STORY + "\nCopyright 2024 The Associated Press. All rights reserved.", "Bay Daily")
    [n1] = find_notices(dateline)
    [n2] = find_notices(byline)
    assert (n1.kind, n1.agency) == ("agency-credit", "Reuters")
    assert (n2.kind, n2.agency) == ("agency-credit", "AP")
    assert find_notices(make("a3", STORY, "River FM")) == []
    assert name_agency("first published by Agence France-Presse") == "AFP"


def test_syndication_notice_from_cleaning_stage() -> None:
    text = STORY + "\nThis article originally appeared on Harbour Weekly."
    article = make("a1", text, "Bay Daily")
    start = text.index("This article")
    article.removed.append(Removed(text[start:], "syndication-notice", start, len(text)))
    article.provenance.append(text[start:])
    notices = find_notices(article)
    assert len(notices) == 1 and notices[0].start == start


def test_syndication_groups_same_agency_story() -> None:
    articles = [
        make("a1", "LONDON (AP) - " + STORY, "Coast Post"),
        make("a2", "LONDON (AP) — " + STORY.replace("Tuesday", "Tuesday morning"), "Bay Daily"),
        make("a3", OTHER, "River FM"),
    ]
    notices = [n for a in articles for n in find_notices(a)]
    groups = group_duplicates(articles, notices, find_reuse(articles))
    assert len(groups) == 1
    assert (
        groups[0].articles == ["a1", "a2"] and groups[0].kind == "agency-story" and groups[0].agency == "AP"
    )
    plain = group_duplicates(articles[1:], [], [])
    assert plain == []


def test_syndication_sections_render_escaped() -> None:
    from parallax.render.sections_provenance import SECTIONS, draw_copy_graph

    hostile = "<script>alert(1)</script>"
    articles = [make("a1", STORY, hostile), make("a2", STORY.replace("ferry", "boat"), "Bay Daily")]
    report = Report(articles=articles, stages=["detect_reuse", "find_syndication", "find_cited_sources"])
    report.reuse = find_reuse(articles)
    svg = str(draw_copy_graph(report))
    assert svg.startswith("<svg") and svg.count("<line") == len(report.reuse) == 1
    for section in SECTIONS:
        assert section.html is not None and section.markdown is not None
        html = str(section.html(report))
        assert "<script>" not in html
    page = str(SECTIONS[0].html(report))
    assert "&lt;script&gt;" in page and "<svg" in page
    assert "boat" in SECTIONS[0].markdown(report) or "ferry" in SECTIONS[0].markdown(report)


def test_syndication_notice_prefilter_keeps_every_match() -> None:
    from parallax.analysis.provenance.syndication import _NOTICE_CORES, NOTICES

    text = (
        "Lead paragraph.\nThis story first appeared in the Harbour Gazette and is republished with "
        "permission.\nThe item was auto-generated from a syndicated feed and has not been edited by "
        "our staff."
    )
    for (_kind, pattern), core in zip(NOTICES, _NOTICE_CORES, strict=True):
        if core is not None:
            assert bool(core.search(text)) == bool(pattern.search(text))
    assert sum(core is not None for core in _NOTICE_CORES) >= 3
