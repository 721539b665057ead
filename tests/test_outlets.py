"""The outlet registry, facts with sources, coverage and blindspots, profiles, the outlet web pages."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from parallax.corpus.connect import open_store
from parallax.corpus.coverage import BlindspotRule, story_coverage
from parallax.corpus.outlet_import import import_outlets
from parallax.corpus.outlet_names import host_of, name_key, side_of
from parallax.corpus.outlets import link_articles, load_outlets, merge_outlets
from parallax.corpus.profiles import article_figures
from parallax.corpus.store import Store
from parallax.model import Article, Marker, Report, ReusePair
from parallax.web.app import create_app
from parallax.web.source import MemorySource, StoryRow


def make_article(n: int, outlet: str, domain: str | None = None, leaning: str | None = None) -> Article:
    meta: dict[str, Any] = {"input_id": f"r{n}"}
    if domain:
        meta["domain"] = domain
    if leaning:
        meta["leaning"] = leaning
    return Article(
        id=f"r{n}",
        source=f"t#{n}",
        title=f"Title {n}",
        outlet=outlet,
        published="2024-05-01",
        language="en",
        original=f"Text number {n} about the harbour bridge vote.",
        meta=meta,
    )


def outlet_named(store: Store, name: str) -> Any:
    return next(o for o in load_outlets(store) if o.name == name)


def test_outlet_names_fold_descriptors_and_hosts() -> None:
    assert name_key("Fox News (Online)") == name_key("Fox News") == "fox news"
    assert name_key("New York Times - Opinion") == name_key("The New York Times")
    assert name_key("CNN (Web News)") == name_key("CNN")
    assert name_key("Newsmax (News)") == "newsmax"
    assert name_key("Allysia Finley (Wall Street Journal)") != name_key("Allysia Finley")
    assert host_of("https://www.foxnews.com/politics/x") == "foxnews.com"
    assert host_of("m.bbc.co.uk") == "bbc.co.uk"
    assert side_of("Lean Left") == "left" and side_of("centre") == "center" and side_of("odd") is None


def test_outlets_link_aliases_and_record_leanings(target: str) -> None:
    with open_store(target) as store:
        store.add_articles(
            [
                make_article(1, "Fox News (Online)", "www.foxnews.com", "right"),
                make_article(2, "Fox Online News", "www.foxnews.com", "right"),
                make_article(3, "Guest Writer", "www.foxnews.com", "left"),
                make_article(4, "Guest Writer", "www.cnn.com", "left"),
                make_article(5, "Fox News"),  # no address: its name finds the outlet
                make_article(6, "Veldan Herald", "veldanherald.example", "center"),
                make_article(7, "Guest Writer"),  # a byline seen at two outlets places nothing alone
            ]
        )
        assert link_articles(store) == 7
        assert link_articles(store) == 0  # idempotent
        fox = outlet_named(store, "Fox News")
        assert fox.articles == 4
        assert fox.fact("leaning") == "right" and fox.facts["leaning"].source == "input record"
        assert fox.facts["country"].source == "Parallax publisher table"
        assert "foxnews.com" in fox.domains
        cnn = outlet_named(store, "CNN")
        assert cnn.articles == 1
        herald = outlet_named(store, "Veldan Herald")
        assert herald.domains == ["veldanherald.example"] and herald.fact("country") is None
        owners = {o.name: o.names for o in load_outlets(store)}
        assert "Guest Writer" in owners and owners["Guest Writer"] == {"Guest Writer": 1}


def test_outlets_of_two_sites_named_alike_keep_distinct_names(target: str) -> None:
    with open_store(target) as store:
        store.add_articles(
            [
                make_article(1, "Veldan Herald", "www.veldanherald.example"),
                make_article(2, "Veldan Herald", "veldanherald-local.example"),
                make_article(3, "Veldan Herald", "veldanherald-local.example"),
            ]
        )
        link_articles(store)
        names = sorted(o.name for o in load_outlets(store))
        assert names == ["Veldan Herald", "Veldan Herald (veldanherald-local.example)"]
        store.add_articles([make_article(4, "Veldan Herald", "www.veldanherald.example")])
        link_articles(store)  # renaming again keeps the names apart
        assert sorted(o.name for o in load_outlets(store)) == names
        # A publisher of the bundled table met after a local station the records named like it:
        # the publisher keeps the plain name.
        store.add_articles([make_article(5, "NPR", "www.upr.org")])
        link_articles(store)
        store.add_articles([make_article(6, "NPR", "www.npr.org")])
        link_articles(store)
        npr = {o.name: o.domains for o in load_outlets(store) if o.name.startswith("NPR")}
        assert npr["NPR"] == ["npr.org"] and npr["NPR (upr.org)"] == ["upr.org"]


def test_outlets_merge_moves_articles_names_and_facts(target: str) -> None:
    with open_store(target) as store:
        store.add_articles([make_article(1, "Harbour Post", None), make_article(2, "The Harbor Post", None)])
        link_articles(store)
        assert len(load_outlets(store)) == 2
        merge_outlets(store, "The Harbor Post", "Harbour Post")
        (only,) = load_outlets(store)
        assert only.name == "Harbour Post" and only.articles == 2
        store.add_articles([make_article(3, "Harbor Post", None)])
        link_articles(store)
        assert [o.articles for o in load_outlets(store)] == [3]


def test_outlets_import_reports_bad_rows_and_keeps_sources(target: str, tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "domain,name,leaning,country,owner,source\n"
        "foxnews.com,,right,US,Fox Corporation,my survey 2024\n"
        ",Veldan Herald,sideways,,,my survey 2024\n"
        ",,left,,,my survey\n"
        "cnn.com,,left,,,\n",
        encoding="utf-8",
    )
    with open_store(target) as store:
        store.add_articles([make_article(1, "Fox News", "foxnews.com", "center")])
        link_articles(store)
        summary = import_outlets(store, path)
        assert summary.rows == 4 and summary.imported == 1 and len(summary.problems) == 3
        assert any("sideways" in p for p in summary.problems)
        assert any("no source" in p for p in summary.problems)
        fox = outlet_named(store, "Fox News")
        assert fox.facts["leaning"].value == "right" and fox.facts["leaning"].source == "my survey 2024"
        assert fox.fact("owner") == "Fox Corporation"
        store.add_articles([make_article(2, "Fox News", "foxnews.com", "left")])
        link_articles(store)  # a record's leaning never overrides an imported one
        assert outlet_named(store, "Fox News").facts["leaning"].source == "my survey 2024"


def put_in_story(store: Store, story_id: int, article_ids: list[int]) -> None:
    with store.transaction():
        store.execute("INSERT INTO stories (id, created_at, updated_at) VALUES (?, 'x', 'x')", (story_id,))
        for article_id in article_ids:
            store.execute(
                "UPDATE articles SET story_id = ?, clustered = 1 WHERE id = ?", (story_id, article_id)
            )
        store.refresh_stories([story_id])


def test_coverage_counts_sides_and_marks_blindspots(target: str) -> None:
    sites = [
        ("Left A", "a.example", "left"),
        ("Left B", "b.example", "lean left"),
        ("Left C", "c.example", "left"),
        ("Centre D", "d.example", "center"),
        ("Right E", "e.example", "right"),
    ]
    with open_store(target) as store:
        first = store.add_articles([make_article(n, o, d, lean) for n, (o, d, lean) in enumerate(sites)])
        second = store.add_articles(
            [make_article(10 + n, o, d, lean) for n, (o, d, lean) in enumerate(sites)]
        )
        link_articles(store)
        put_in_story(store, 1, first.added[:4])  # 3 left + 1 centre: 75 % left
        put_in_story(store, 2, second.added[1:])  # 2 left, 1 centre, 1 right
        coverage = story_coverage(store)
        one = coverage[1]
        assert one["leaning"]["left"] == {"articles": 3, "outlets": 3}
        assert one["leaning_sources"] == ["input record"]
        assert one["blindspot"] is None  # 0.75 < 0.8
        strict = story_coverage(store, BlindspotRule(min_outlets=3, share=0.7))
        assert strict[1]["blindspot"]["missing"] == "right" and strict[1]["blindspot"]["covered_by"] == "left"
        assert strict[2]["blindspot"] is None
        assert story_coverage(store, BlindspotRule(min_outlets=5, share=0.7))[1]["blindspot"] is None
        (record,) = [r for r in store.story_records() if r.id == "1"]
        assert record.coverage is not None and "blindspot" not in record.coverage


def test_profiles_count_markers_claims_and_copies() -> None:
    a = Article(
        id="a1",
        source="s",
        title="",
        outlet="X",
        published=None,
        language="en",
        original="one two three four",
        text="one two three four",
        exclusive_claims=["c1"],
    )
    b = Article(
        id="a2",
        source="s",
        title="",
        outlet="Y",
        published=None,
        language="en",
        original="five six",
        text="five six",
        omitted_claims=["c1"],
    )
    report = Report(
        articles=[a, b],
        markers=[Marker("loaded", "two", "a1", "s1", 4, 7), Marker("hedge", "six", "a2", "s2", 5, 8)],
        reuse=[ReusePair("a1", "a2", 0.9, 0.5, 1.0, "copy", [], source="a1", copy="a2")],
    )
    figures = article_figures(report)
    assert figures["a1"]["words"] == 4 and figures["a1"]["loaded"] == 1 and figures["a1"]["exclusive"] == 1
    assert figures["a2"]["hedges"] == 1 and figures["a2"]["omitted"] == 1
    assert figures["a2"]["copies_from"] == ["a1"] and figures["a1"]["copied_by"] == ["a2"]


def call(app: Any, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(url)

    return asyncio.run(go())


def covered_row(story_id: str, left: int, right: int, blindspot: bool) -> StoryRow:
    leaning = {
        "left": {"articles": left, "outlets": left},
        "center": {"articles": 0, "outlets": 0},
        "right": {"articles": right, "outlets": right},
        "unknown": {"articles": 0, "outlets": 0},
    }
    return StoryRow(
        id=story_id,
        title=f"<b>Story {story_id}</b>",
        size=left + right,
        outlets=[f"O{i}" for i in range(left + right)],
        first="2024-05-01",
        last="2024-05-02",
        coverage={
            "leaning": leaning,
            "leaning_sources": ["input record"],
            "country": {"US": {"articles": 1, "outlets": 1}},
        },
        blindspot={"missing": "right", "covered_by": "left", "share": 1.0} if blindspot else None,
    )


def test_web_story_list_shows_leaning_bar_and_blindspot_view() -> None:
    source = MemorySource()
    source.add(covered_row("1", 4, 0, True))
    source.add(covered_row("2", 2, 2, False))
    app = create_app(source=source)
    page = call(app, "/").text
    assert "leaning-bar" in page and "rated by: input record" in page
    assert "Blindspot for the right" in page and "&lt;b&gt;Story 1" in page
    blind = call(app, "/blindspot").text
    assert "Story 1" in blind and "Story 2" not in blind
    assert "Story 1" not in call(app, "/?leaning=right").text
    api = call(app, "/api/stories?blindspot=true").json()
    assert [s["id"] for s in api["stories"]] == ["1"] and api["stories"][0]["blindspot"]["missing"] == "right"
