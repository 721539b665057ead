"""The outlet features of the web app in a real browser (Playwright, Debian's chromium).

A small corpus is written with the store: two stories, one covered almost only
from the left (a blindspot for the right) and one from every side, outlets at
bundled publishers' addresses (their country comes from the bundled table) and
leanings from the input records, and one stored analysis so that outlets get a
profile. The pages are checked as a reader sees them: the leaning bar on the
story list naming the ratings' source, the Blindspot view, the leaning and
country filters, and an outlet page with its facts, profile and recent stories.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parallax.corpus.connect import open_store
from parallax.corpus.outlets import link_articles
from parallax.corpus.store import Store
from parallax.model import Article, Marker, Report
from parallax.web.app import create_app
from test_browser import DESKTOP, EVIL, PHONE, LiveServer, Watched, browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["browser"]  # the module-scoped chromium fixture, shared with test_browser

# (outlet, domain, leaning of the records); the first five cover the blindspot story.
LEFT_STORY = [
    ("CNN (Web News)", "www.cnn.com", "Left"),
    ("Left Ledger", "leftledger.example", "left"),
    ("Lean Left Daily", "leanleft.example", "Lean Left"),
    ("Left Wire " + EVIL, "leftwire.example", "left"),
    ("Middle Times", "middletimes.example", "Center"),
]
MIXED_STORY = [
    ("CNN", "cnn.com", "Left"),
    ("Middle Times", "middletimes.example", "Center"),
    ("Fox News (Online)", "www.foxnews.com", "Right"),
    ("BBC News", "www.bbc.co.uk", "Center"),
]


def make_article(n: int, outlet: str, domain: str, leaning: str, title: str) -> Article:
    words = " ".join(f"word{k}" for k in range(40))
    dateline = "WASHINGTON (Reuters) - " if outlet.startswith("Fox") else ""
    return Article(
        id=f"r{n}",
        source=f"records#{n}",
        title=title,
        outlet=outlet,
        published=f"2024-05-0{1 + n % 5}",
        language="en",
        original=f"{dateline}The harbour vote {n} was a disgrace, officials allegedly said. {words}",
        meta={"input_id": f"r{n}", "domain": domain, "leaning": leaning},
    )


def put_in_story(store: Store, story_id: int, article_ids: list[int]) -> None:
    with store.transaction():
        store.execute("INSERT INTO stories (id, created_at, updated_at) VALUES (?, 'x', 'x')", (story_id,))
        for article_id in article_ids:
            store.execute(
                "UPDATE articles SET story_id = ?, clustered = 1 WHERE id = ?", (story_id, article_id)
            )
        store.refresh_stories([story_id])


def analyse_with_markers(store: Store, story_id: int) -> None:
    """Store an analysis of the story whose only findings are one loaded word per article."""
    articles = store.get_story_articles(story_id)
    markers = [Marker("loaded", "disgrace", a.id, "s1", 30, 38) for a in articles]
    store.save_analysis(story_id, Report(articles=articles, markers=markers))


def build_corpus(db: Path) -> None:
    with open_store(str(db)) as store:
        first = store.add_articles(
            [
                make_article(n, o, d, lean, "Harbour vote seen from the left")
                for n, (o, d, lean) in enumerate(LEFT_STORY)
            ]
        )
        second = store.add_articles(
            [
                make_article(10 + n, o, d, lean, "Bridge toll debated by all")
                for n, (o, d, lean) in enumerate(MIXED_STORY)
            ]
        )
        link_articles(store)
        put_in_story(store, 1, first.added)
        put_in_story(store, 2, second.added)
        analyse_with_markers(store, 2)


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("outlets") / "corpus.db"
    build_corpus(db)
    with LiveServer(create_app(str(db))) as live:
        yield live


@pytest.fixture(params=["desktop", "phone"])
def watched(request: Any, browser: Any) -> Iterator[Watched]:
    w = Watched(browser, DESKTOP if request.param == "desktop" else PHONE)
    yield w
    w.close()


def story_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".story-title").all_inner_texts()]


def test_browser_story_list_leaning_bar_names_its_source(corpus_server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(corpus_server.url + "/")
    row = page.locator(".story-row", has_text="Harbour vote seen from the left")
    bar = row.get_by_role("img", name="Leaning of the 5 outlets (rated by: input record): 4 left, 1 center")
    assert bar.count() == 1
    assert bar.locator(".lean-left").count() == 1 and bar.locator(".lean-right").count() == 0
    box = bar.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 3  # drawn, not empty
    left = bar.locator(".lean-left").bounding_box()
    assert left is not None and left["width"] > 0.7 * box["width"]  # 4 of 5 outlets
    assert "(rated by: input record)" in row.locator(".leaning-source").inner_text()
    assert row.locator(".badge.blindspot").inner_text().strip() == "Blindspot for the right"
    mixed = page.locator(".story-row", has_text="Bridge toll debated by all")
    assert mixed.locator(".badge.blindspot").count() == 0
    assert mixed.locator(".leaning-bar .lean-right").count() == 1
    watched.shot("outlets-story-list")
    watched.assert_fits_width()
    watched.assert_nothing_ran(corpus_server.url)
    assert watched.errors == []


def test_browser_blindspot_view_and_filters(corpus_server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(corpus_server.url + "/")
    page.get_by_role("link", name="Blindspot", exact=True).click()
    page.wait_for_url("**/blindspot")
    assert page.locator("h1").inner_text() == "Blindspot"
    assert story_titles(page) == ["Harbour vote seen from the left"]
    watched.shot("outlets-blindspot")
    watched.assert_fits_width()
    page.goto(corpus_server.url + "/")
    page.get_by_label("Covered from").select_option("right")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**leaning=right*")
    assert story_titles(page) == ["Bridge toll debated by all"]
    page.goto(corpus_server.url + "/")
    page.get_by_label("Outlet country").select_option("GB")  # BBC News: from the bundled table
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**country=GB*")
    assert story_titles(page) == ["Bridge toll debated by all"]
    page.goto(corpus_server.url + "/outlets")
    page.get_by_label("Leaning").select_option("right")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/outlets?leaning=right*")
    names = [n.strip() for n in page.locator(".outlet-row td:first-child").all_inner_texts()]
    assert names == ["Fox News"]
    page.goto(corpus_server.url + "/outlets?country=US")
    names = sorted(n.strip() for n in page.locator(".outlet-row td:first-child").all_inner_texts())
    assert names == ["CNN", "Fox News"]
    watched.assert_nothing_ran(corpus_server.url)
    assert watched.errors == []


def test_browser_outlet_page_shows_profile_and_recent_stories(
    corpus_server: LiveServer, watched: Watched
) -> None:
    page = watched.page
    page.goto(corpus_server.url + "/outlets")
    row = page.locator(".outlet-row", has_text="CNN")
    assert "Left (input record)" in row.inner_text()
    row.get_by_role("link", name="CNN").click()
    page.wait_for_url("**/outlets/*")
    assert page.locator("h1").inner_text() == "CNN"
    facts = page.locator("dl.facts").inner_text()
    assert "Left" in facts and "source: input record" in facts
    assert "US" in facts and "source: Parallax publisher table" in facts
    profile = page.locator("table.profile")
    loaded = profile.locator("tr", has_text="Loaded words per 1,000 words").locator("td").inner_text()
    analysed = profile.locator("tr", has_text="Analysed articles").locator("td").inner_text()
    words = len(make_article(10, "CNN", "cnn.com", "Left", "").original.split())
    assert analysed == "1" and float(loaded) == round(1000 / words, 2)  # one loaded word, one article
    recent = page.locator("ul.recent-stories li a").all_inner_texts()
    assert sorted(recent) == ["Bridge toll debated by all", "Harbour vote seen from the left"]
    watched.shot("outlet-page")
    watched.assert_fits_width()
    page.get_by_role("link", name="Bridge toll debated by all").click()
    page.wait_for_url("**/stories/2")
    # The wire service its dateline credits, counted over its articles.
    page.goto(corpus_server.url + "/outlets")
    page.locator(".outlet-row", has_text="Fox News").get_by_role("link").click()
    page.wait_for_url("**/outlets/*")
    assert "Reuters (1); 100 % of its articles" in page.locator(".wire-credits").inner_text()
    # An outlet with no analysed story says so instead of showing empty figures.
    page.goto(corpus_server.url + "/outlets")
    page.locator(".outlet-row", has_text="Left Ledger").get_by_role("link").click()
    page.wait_for_url("**/outlets/*")
    assert "None of its stories is analysed yet." in page.locator("main").inner_text()
    watched.assert_nothing_ran(corpus_server.url)
    assert watched.errors == []
