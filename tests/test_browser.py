"""The web app in a real browser: Playwright driving Debian's chromium against a real server.

Walks list -> story -> article and paste -> analyse, saves a screenshot of each
page (desktop and phone width) under artifacts/screenshots/, and checks that
hostile text (script tags, event handlers, javascript: URLs in article text,
titles, outlet names, story ids and uploaded file names) executes nothing.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parallax.model import Report
from parallax.web.app import create_app
from parallax.web.source import MemorySource, StoryRow
from test_web import bridge_report, make_article, make_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Each payload would set window.__pwned or open a dialog if it ever ran.
PAYLOADS = [
    "<script>window.__pwned=1;alert('script')</script>",
    "<img src=x onerror=\"window.__pwned=2;alert('img')\">",
    '"><svg onload="window.__pwned=3">',
    "javascript:window.__pwned=4",
]
EVIL = " ".join(PAYLOADS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "chromium is absent: install Debian's chromium (apt-get install -y chromium) for browser tests"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def hostile_report() -> Report:
    good = bridge_report(outlet_a="Herald " + EVIL, title_a="Ferry " + EVIL)
    bad = make_article(
        "e1",
        PAYLOADS[3],
        PAYLOADS[1],
        [
            f"Readers were told to visit {PAYLOADS[3]} at once.",
            "The ferry sank near Ostra on Monday.",
            f"Then {PAYLOADS[0]} appeared {PAYLOADS[2]} in the text.",
        ],
        "2024-05-03",
    )
    return make_report([*good.articles, bad])


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    source = MemorySource()
    source.add_report("ferry", bridge_report(), "Ferry sinks near Ostra")
    source.add_report("javascript:window.__pwned=5", hostile_report(), "Hostile " + EVIL)
    dam = StoryRow("dam", "Dam bursts", 11, [f"Outlet {n}" for n in range(5)], "2024-02-01", "2024-02-03")
    dam.analysis = "current"
    dam.digest = {
        "headline": "The dam burst after three days of rain.",
        "headline_outlets": 4,
        "outlets": 5,
        "claims": 9,
        "shared_claims": 3,
        "exclusive_claims": 6,
    }
    source.add(dam)
    source.add(StoryRow("solo", "Solo scoop", 1, ["Lone Gazette"], "2024-06-01", "2024-06-01"))
    with LiveServer(create_app(source=source)) as live:
        yield live


class Watched:
    """A page that records dialogs and script errors."""

    def __init__(self, browser: Any, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self.on_dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"]
        kind = "phone" if width < 600 else "desktop"
        self.page.screenshot(path=str(SHOTS / f"{name}-{kind}.png"), full_page=True)

    def assert_nothing_ran(self, base: str) -> None:
        page = self.page
        assert self.dialogs == [], self.dialogs
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src='x'], svg[onload], script:not([src])").count() == 0
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert all(h.startswith(base) for h in hrefs), [h for h in hrefs if not h.startswith(base)]

    def assert_fits_width(self) -> None:
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the screen"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=["desktop", "phone"])
def watched(request: Any, browser: Any) -> Iterator[Watched]:
    w = Watched(browser, DESKTOP if request.param == "desktop" else PHONE)
    yield w
    w.close()


def test_browser_list_story_article(server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url + "/")
    assert page.locator("h1").inner_text() == "Stories"
    watched.shot("story-list")
    watched.assert_fits_width()
    page.get_by_role("link", name="Ferry sinks near Ostra").click()
    page.wait_for_url("**/stories/ferry")
    assert page.locator("section#summary-section, section#claims-section").count() >= 1
    watched.shot("story")
    watched.assert_fits_width()
    page.get_by_role("link", name="North Herald").first.click()
    page.wait_for_url("**/stories/ferry/articles/a1")
    assert page.locator(".body .sent.sup-3").count() == 1
    assert "See also: Harbour fees rise again" in page.locator("section.removed-furniture").inner_text()
    watched.shot("article")
    watched.assert_fits_width()
    watched.assert_nothing_ran(server.url)
    assert watched.errors == []


def test_browser_story_list_order_summary_and_bar(server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url + "/")
    titles = page.locator(".story-title").all_inner_texts()
    # Most outlets first (5, then 4, then 3); the newer single-outlet story is one filter away.
    assert titles[0] == "Dam bursts" and titles[2] == "Ferry sinks near Ostra", titles
    assert titles[1].startswith("Hostile") and "Solo scoop" not in titles
    first = page.locator(".story-row").first
    assert first.locator(".story-headline q").inner_text() == "The dam burst after three days of rain."
    assert first.locator(".story-headline .support").inner_text() == "4 outlets"
    assert "3 shared claims, 6 exclusive" in first.locator(".claim-counts").inner_text()
    bar = first.get_by_role("img", name="Covered by 5 outlets; 4 of them state the headline claim")
    assert bar.count() == 1 and bar.locator(".seg").count() == 5
    box = bar.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 5  # drawn by CSS, not empty
    stated = bar.locator(".seg-stated").first.evaluate("e => getComputedStyle(e).backgroundColor")
    plain = bar.locator(".seg:not(.seg-stated)").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert stated != plain
    watched.shot("story-list-coverage")
    watched.assert_fits_width()
    page.get_by_label("Include single-outlet stories").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**single=1*")
    titles = page.locator(".story-title").all_inner_texts()
    assert "Solo scoop" in titles and titles[0] == "Dam bursts"
    assert "one outlet" in page.locator(".story-row", has_text="Solo scoop").inner_text()
    assert watched.errors == []


def test_browser_search_filters(server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url + "/")
    page.get_by_label("Words in the title").fill("ferry")
    page.get_by_label("Outlet", exact=True).select_option("South Post")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/?q=ferry*")
    assert page.locator(".story-title").all_inner_texts() == ["Ferry sinks near Ostra"]


def test_browser_keyboard_only(server: LiveServer, browser: Any) -> None:
    w = Watched(browser, DESKTOP)
    try:
        page = w.page
        page.goto(server.url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "Ferry sinks near Ostra":
                break
        else:
            raise AssertionError("the story link cannot be reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/stories/ferry")
        focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focus_ring is not None
    finally:
        w.close()


def test_browser_hostile_story_runs_nothing(server: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(server.url + "/?q=hostile")
    watched.assert_nothing_ran(server.url)
    page.locator(".story-title").first.click()
    page.wait_for_load_state()
    assert "/stories/javascript" in page.url
    watched.assert_nothing_ran(server.url)
    watched.shot("hostile-story")
    for article_id in ("a1", "e1"):
        page.goto(page.url.split("#")[0].rsplit("/articles", 1)[0] + f"/articles/{article_id}")
        assert "window.__pwned" in page.locator("main").inner_text()  # shown as text ...
        watched.assert_nothing_ran(server.url)  # ... never run
    watched.shot("hostile-article")


def test_browser_paste_and_analyse(browser: Any) -> None:
    """The real analysis, started from the form, with progress and the report at the end."""
    with LiveServer(create_app(None)) as live:
        w = Watched(browser, PHONE)
        try:
            page = w.page
            page.goto(live.url + "/analyse")
            w.shot("analyse")
            w.assert_fits_width()
            texts = [
                "Ferry sinks near Ostra\n\nThe passenger ferry Marit sank near the port of Ostra on Monday "
                "morning, the coast guard said. Nine crew members were rescued by fishing boats. "
                "The captain is still missing.",
                "Ostra ferry lost at sea\n\nThe ferry Marit went down near Ostra on Monday morning, "
                "according to the coast guard. Fishing boats rescued nine members of the crew. "
                "Divers found the wreck in the afternoon.",
            ]
            page.get_by_label("Outlet (optional)").first.fill("North Herald " + PAYLOADS[1])
            page.locator("#text-1").fill(texts[0])
            page.locator("#text-2").fill(texts[1])
            page.get_by_role("button", name="Add another pasted article").click()
            page.locator("#text-3").fill("A third, short report: the ferry Marit sank near Ostra on Monday.")
            page.locator("#files").set_input_files(
                [
                    {
                        "name": PAYLOADS[1] + ".txt",
                        "mimeType": "text/plain",
                        "buffer": b"Marit sinking\n\nThe coast guard said the ferry Marit sank on Monday.\n",
                    }
                ]
            )
            page.get_by_role("button", name="Analyse").click()
            page.wait_for_url("**/analyse/*")
            if page.locator("progress").count():
                w.shot("analyse-progress")
            page.wait_for_selector("h1.story-heading", timeout=300_000)
            assert page.locator("details.articles-list li").count() == 4
            w.shot("analyse-result")
            w.assert_fits_width()
            w.assert_nothing_ran(live.url)
            page.locator("details.articles-list a").first.click()
            page.wait_for_selector("article.reader")
            w.assert_nothing_ran(live.url)
            assert w.errors == []
        finally:
            w.close()


def test_browser_upload_errors_are_shown(browser: Any) -> None:
    with LiveServer(create_app(None)) as live:
        w = Watched(browser, DESKTOP)
        try:
            page = w.page
            page.goto(live.url + "/analyse")
            page.locator("#files").set_input_files(
                [
                    {
                        "name": PAYLOADS[0] + ".exe",
                        "mimeType": "application/octet-stream",
                        "buffer": b"MZ",
                    }
                ]
            )
            page.get_by_role("button", name="Analyse").click()
            page.wait_for_selector("#problems")
            assert "is not a supported type" in page.locator("#problems").inner_text()
            assert page.evaluate("document.activeElement.id") == "problems"
            w.shot("analyse-error")
            w.assert_nothing_ran(live.url)
        finally:
            w.close()


def test_browser_ingested_example_story(browser: Any, tmp_path: Path) -> None:
    """The README path: ingest the bundled example, serve it, open its story in a browser."""
    import subprocess
    import sys

    if importlib.util.find_spec("parallax.corpus.store") is None:
        pytest.skip("corpus mode (parallax.corpus.store) is not built yet: nothing to ingest into")
    db = tmp_path / "example.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "parallax.cli",
            "ingest",
            str(ROOT / "examples" / "harbour-bridge"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    with LiveServer(create_app(str(db))) as live:
        w = Watched(browser, DESKTOP)
        try:
            page = w.page
            page.goto(live.url + "/")
            # Ingest analysed the story: its entry shows the summary line and the coverage bar.
            entry = page.locator(".story-row").first
            assert entry.locator(".story-headline q").inner_text().strip()
            assert entry.locator(".story-headline .support").inner_text().endswith("outlets")
            assert entry.get_by_role("img", name="Covered by").count() == 1
            assert entry.locator(".badge").count() == 0  # current: no status label
            entry.locator(".story-title").click()
            page.wait_for_url("**/stories/*")
            # The page opens analysed, with the summary, then the claims matrix, then what differs.
            page.wait_for_selector("h1.story-heading")
            assert page.get_by_role("button", name="Analyse it now").count() == 0
            sections = page.locator("main section.section").evaluate_all("els => els.map(e => e.id)")
            assert sections[:3] == ["summary-section", "claims-section", "coverage-section"], sections
            assert page.locator("#summary-section li").count() >= 1
            assert page.locator("details.articles-list li").count() >= 4
            w.shot("example-story")
            page.locator("details.articles-list a").first.click()
            page.wait_for_selector("article.reader")
            w.shot("example-article")
            w.assert_nothing_ran(live.url)
            assert w.errors == []
        finally:
            w.close()
