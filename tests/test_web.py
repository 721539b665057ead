"""The web app, in process through httpx's ASGI transport (no server, no network)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from parallax.model import Article, Claim, Marker, Mention, Removed, Report, Sentence, Span
from parallax.options import Options
from parallax.render.sections import load_sections
from parallax.web.app import create_app
from parallax.web.source import MemorySource, StoryRow
from parallax.web.uploads import Limits, display_name
from parallax.web.views import EXPECTED_SECTIONS, MISSING_TEXT

ROOT = Path(__file__).resolve().parent.parent
EVIL = '<script>alert("x")</script><img src=x onerror="alert(1)">'
EVIL_URL = "javascript:alert(3)"


# ---------------------------------------------------------------- helpers


def make_article(
    ident: str,
    outlet: str,
    title: str,
    sentences: list[str],
    published: str | None = None,
    furniture: str = "",
) -> Article:
    """An article whose sentences, offsets and kept span are built by hand."""
    body = " ".join(sentences)
    original = body + (("\n\n" + furniture) if furniture else "")
    article = Article(
        id=ident,
        source=f"{ident}.txt",
        title=title,
        outlet=outlet,
        published=published,
        language="en",
        original=original,
        text=body,
    )
    article.kept = [Span(0, len(body), body)]
    cursor = 0
    for n, text in enumerate(sentences):
        start = original.index(text, cursor)
        cursor = start + len(text)
        article.sentences.append(Sentence(f"{ident}:s{n}", ident, n, text, start, cursor))
    if furniture:
        start = original.index(furniture)
        article.removed.append(Removed(furniture, "related-link", start, start + len(furniture)))
    return article


def make_report(articles: list[Article]) -> Report:
    """Claims grouped by identical sentence text: enough structure for every page."""
    report = Report(articles=articles)
    groups: dict[str, list[tuple[Article, Sentence]]] = {}
    for article in articles:
        for sentence in article.sentences:
            groups.setdefault(sentence.text.lower(), []).append((article, sentence))
    for n, members in enumerate(groups.values(), 1):
        ids = list(dict.fromkeys(a.id for a, _ in members))
        outlets = list(dict.fromkeys(a.label for a, _ in members))
        mentions = [Mention(a.id, s.id, s.text, s.start, s.end) for a, s in members]
        report.claims.append(Claim(f"c{n}", members[0][1].text, ids, outlets, mentions))
    report.stages = ["group_claims"]
    return report


def bridge_report(
    outlet_a: str = "North Herald", title_a: str = "Ferry sinks near Ostra", published: str = "2024-05-02"
) -> Report:
    a = make_article(
        "a1",
        outlet_a,
        title_a,
        [
            "The ferry sank near Ostra on Monday.",
            "Nine crew members were rescued.",
            "The captain is missing.",
        ],
        published,
        furniture="See also: Harbour fees rise again",
    )
    b = make_article(
        "b1",
        "South Post",
        "Ostra ferry lost",
        [
            "The ferry sank near Ostra on Monday.",
            "Nine crew members were rescued.",
            "Divers found the wreck.",
        ],
        published,
    )
    c = make_article(
        "c1",
        "West Times",
        "Ferry disaster",
        ["The ferry sank near Ostra on Monday.", "Weather was calm."],
        published,
    )
    report = make_report([a, b, c])
    start = a.original.index("missing")
    report.markers.append(
        Marker("loaded", "missing", "a1", "a1:s2", start, start + len("missing"), note="test")
    )
    return report


class ArticleSource(MemorySource):
    """A memory source that can also hand out a story's articles (for Analyse this story)."""

    def __init__(self) -> None:
        super().__init__()
        self.articles: dict[str, list[Article]] = {}

    def get_articles(self, story_id: str) -> list[Article]:
        return self.articles.get(story_id, [])


def call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def wait_for_job(app: Any, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = call(app, "GET", f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def assert_inert(html: str) -> None:
    """Hostile text appears only escaped: no injected tag or handler survives."""
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all(s == '<script src="/static/app.js" defer>' for s in scripts), scripts


@pytest.fixture
def source() -> MemorySource:
    src = MemorySource()
    src.add_report("s1", bridge_report(), "Ferry sinks near Ostra")
    src.add_report(
        "s2",
        make_report(
            [
                make_article(
                    "a1", "North Herald", "Budget passes", ["The council passed the budget."], "2024-01-10"
                ),
                make_article(
                    "a2", "East Daily", "Budget vote", ["The council passed the budget."], "2024-01-11"
                ),
            ]
        ),
        "Council passes budget",
    )
    src.add(
        StoryRow(
            "s3", "Storm warning for the coast", 7, ["East Daily", "Coast FM"], "2024-03-01", "2024-03-04"
        )
    )
    return src


@pytest.fixture
def app(source: MemorySource) -> Any:
    return create_app(source=source)


# ---------------------------------------------------------------- story list


def test_web_story_list_shows_each_story(app: Any) -> None:
    page = call(app, "GET", "/")
    assert page.status_code == 200
    for title in ("Ferry sinks near Ostra", "Council passes budget", "Storm warning for the coast"):
        assert title in page.text
    assert "7 articles" in page.text and "2024-03-01 to 2024-03-04" in page.text
    assert "Coast FM" in page.text
    assert "not analysed yet" in page.text  # s3 has no cached analysis


def test_web_story_list_filters_and_sorts(app: Any) -> None:
    def titles(url: str) -> list[str]:
        return re.findall(r'class="story-title" href="[^"]+">([^<]+)</a>', call(app, "GET", url).text)

    assert titles("/?q=ferry") == ["Ferry sinks near Ostra"]
    assert titles("/?q=FERRY+ostra") == ["Ferry sinks near Ostra"]
    assert titles("/?outlet=East+Daily&sort=title") == [
        "Council passes budget",
        "Storm warning for the coast",
    ]
    assert titles("/?since=2024-02-01&sort=oldest") == [
        "Storm warning for the coast",
        "Ferry sinks near Ostra",
    ]
    assert titles("/?until=2024-02-01") == ["Council passes budget"]
    assert titles("/?sort=size")[0] == "Storm warning for the coast"
    assert titles("/?sort=recent")[0] == "Ferry sinks near Ostra"


def test_web_story_list_explains_bad_filters(app: Any) -> None:
    page = call(app, "GET", "/?since=last+week&sort=sideways")
    assert page.status_code == 200
    assert "is not a date like" in page.text and "is not a way to sort" in page.text
    assert "Ferry sinks near Ostra" in page.text  # the bad filters were ignored, not fatal


def test_web_story_list_pages(source: MemorySource) -> None:
    for n in range(60):
        source.add(StoryRow(f"x{n}", f"Extra story {n:02d}", 2, ["A", "B"], "2023-01-01", "2023-01-01"))
    app = create_app(source=source)
    first = call(app, "GET", "/?q=extra&sort=title")
    second = call(app, "GET", "/?q=extra&sort=title&page=2")
    assert "Extra story 00" in first.text and "Extra story 49" in first.text
    assert "Extra story 50" not in first.text and "Extra story 50" in second.text
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text


def test_web_without_corpus_offers_analyse_only() -> None:
    app = create_app(None)
    assert "without a corpus" in call(app, "GET", "/").text
    assert call(app, "GET", "/analyse").status_code == 200
    missing = call(app, "GET", "/api/stories")
    assert missing.status_code == 404 and "parallax serve --db" in missing.json()["detail"]


def listed_ids(app: Any, url: str) -> list[str]:
    return re.findall(r'class="story-title" href="/stories/([^"]+)"', call(app, "GET", url).text)


def digest(headline: str, support: int, outlets: int, shared: int, exclusive: int) -> dict[str, Any]:
    """A digest as the store keeps it beside a story's analysis (parallax.corpus.digest)."""
    return {
        "headline": headline,
        "headline_outlets": support,
        "outlets": outlets,
        "claims": shared + exclusive,
        "shared_claims": shared,
        "exclusive_claims": exclusive,
    }


@pytest.fixture
def covered() -> MemorySource:
    """Stories that differ in outlets, dates and size, so each order puts them differently."""
    src = MemorySource()
    rows = [
        StoryRow("k1", "Wide and old", 9, ["A", "B", "C", "D"], "2024-01-01", "2024-01-02"),
        StoryRow("k2", "Wide and new", 4, ["A", "B", "C", "D"], "2024-03-01", "2024-03-05"),
        StoryRow("k3", "Narrow and newest", 30, ["A", "B"], "2024-04-01", "2024-04-09"),
        StoryRow("k4", "Single and newest", 2, ["A"], "2024-05-01", "2024-05-01"),
        StoryRow("k5", "Wide and new too", 5, ["E", "F", "G", "H"], "2024-03-01", "2024-03-05"),
    ]
    for row in rows:
        src.add(row)
    return src


def test_web_story_list_default_order_is_outlets_then_recency(covered: MemorySource) -> None:
    app = create_app(source=covered)
    # Four outlets before two; among the four-outlet stories the newer first, then by id.
    assert listed_ids(app, "/") == ["k2", "k5", "k1", "k3"]
    data = call(app, "GET", "/api/stories").json()
    assert [s["id"] for s in data["stories"]] == ["k2", "k5", "k1", "k3"]
    assert listed_ids(app, "/?sort=size") == ["k3", "k1", "k5", "k2"]
    assert listed_ids(app, "/?sort=recent") == ["k3", "k5", "k2", "k1"]


def test_web_story_list_hides_single_outlet_stories_behind_a_filter(covered: MemorySource) -> None:
    app = create_app(source=covered)
    page = call(app, "GET", "/").text
    assert "Single and newest" not in page
    assert "4 stories covered by two or more outlets" in page
    link = re.search(r'<a id="include-single" href="([^"]+)">Include 1 single-outlet story</a>', page)
    assert link is not None
    assert listed_ids(app, link.group(1).replace("&amp;", "&"))[0] == "k2"
    assert "k4" in listed_ids(app, "/?single=1") and "k4" in listed_ids(app, "/?min_outlets=1")
    assert listed_ids(app, "/?min_outlets=3") == ["k2", "k5", "k1"]
    assert 'name="single" type="checkbox" value="1" checked' in call(app, "GET", "/?single=1").text
    bad = call(app, "GET", "/?min_outlets=many").text
    assert "is not a number of outlets" in bad and "Single and newest" not in bad
    api = call(app, "GET", "/api/stories", params={"min_outlets": 1}).json()
    assert api["total"] == 5 and "k4" in [s["id"] for s in api["stories"]]
    assert call(app, "GET", "/api/stories", params={"single": "true"}).json()["total"] == 5
    assert call(app, "GET", "/api/stories").json()["total"] == 4
    assert call(app, "GET", "/api/stories", params={"min_outlets": 0}).status_code == 422
    spec = call(app, "GET", "/openapi.json").json()
    parameters = spec["paths"]["/api/stories"]["get"]["parameters"]
    described = {p["name"]: p.get("description", "") for p in parameters}
    assert "single-outlet" in described["min_outlets"] and "coverage" in described["sort"]


def test_web_story_list_entry_shows_summary_counts_and_bar() -> None:
    src = MemorySource()
    outlets = [f"Outlet {n}" for n in range(7)]
    row = StoryRow("d1", "Dam bursts", 11, outlets, "2024-02-01", "2024-02-03", analysed=True)
    row.analysis = "current"
    row.digest = digest("The dam burst after three days of rain.", 5, 7, 4, 9)
    src.add(row)
    stale = StoryRow("d2", "Dam repairs", 3, ["Outlet 1", "Outlet 2"], "2024-02-04", "2024-02-04")
    stale.analysis, stale.digest = "stale", digest("Repairs began.", 2, 2, 1, 0)
    src.add(stale)
    src.add(StoryRow("d3", "Dam inquiry", 2, ["Outlet 1", "Outlet 3"], "2024-02-05", "2024-02-05"))
    page = call(create_app(source=src), "GET", "/").text
    entry = page[page.index("Dam bursts") : page.index("Dam repairs")]
    assert "<q>The dam burst after three days of rain.</q>" in entry
    assert '<span class="support">5 outlets</span>' in entry
    assert "7 outlets" in entry and "11 articles" in entry
    assert "4 shared claims, 9 exclusive" in entry
    bar = re.search(r'<span class="coverage-bar" role="img" aria-label="([^"]+)">(.*?)</span></span>', entry)
    assert bar is not None
    assert bar.group(1) == "Covered by 7 outlets; 5 of them state the headline claim"
    assert bar.group(2).count('class="seg seg-stated"') == 5 and bar.group(2).count('class="seg"') == 2
    assert "analysis" not in entry.split("story-outlets")[0].split("claim-counts")[1]  # current: no label
    assert "analysis out of date" in page[page.index("Dam repairs") :]
    unanalysed = page[page.index("Dam inquiry") :]
    assert "not analysed yet" in unanalysed and "shared claim" not in unanalysed.split("</li>")[0]


def test_web_story_list_bar_caps_its_segments() -> None:
    src = MemorySource()
    outlets = [f"Outlet {n:02d}" for n in range(30)]
    row = StoryRow("w1", "Everyone covers it", 60, outlets, "2024-02-01", "2024-02-01")
    row.analysis, row.digest = "current", digest("It happened.", 15, 30, 3, 3)
    src.add(row)
    page = call(create_app(source=src), "GET", "/").text
    segments = re.findall(r'<span class="(seg[^"]*)"></span>', page)
    assert len(segments) == 12 and segments.count("seg seg-stated") == 6
    assert '<span class="more" aria-hidden="true">+18</span>' in page
    assert 'aria-label="Covered by 30 outlets; 15 of them state the headline claim"' in page


def test_web_story_list_escapes_a_hostile_headline() -> None:
    src = MemorySource()
    row = StoryRow("h1", "Plain title", 2, ["A", "B"], "2024-02-01", "2024-02-01")
    row.analysis, row.digest = "current", digest(EVIL + " " + EVIL_URL, 2, 2, 1, 1)
    src.add(row)
    page = call(create_app(source=src), "GET", "/").text
    assert_inert(page)
    assert "<q>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=" in page
    assert 'href="javascript' not in page


# ---------------------------------------------------------------- story and article pages


def test_web_story_page_opens_with_summary_claims_and_differences(app: Any) -> None:
    page = call(app, "GET", "/stories/s1").text
    first = ["summary", "claims", "coverage", "numbers", "quotes"]
    at = [page.index(f'<section id="{key}-section"') for key in first]
    assert at == sorted(at)
    rest = [page.index(f'<section id="{key}-section"') for key in ("overview", "framing", "timeline")]
    assert max(at) < min(rest)
    assert page.index("</section>", max(rest)) < page.index('id="read-articles"')


def test_web_story_page_has_every_section(app: Any) -> None:
    page = call(app, "GET", "/stories/s1")
    assert page.status_code == 200
    registered = [s for s in load_sections() if s.html is not None]
    for section in (s for s in registered if s.shown is None):  # conditional sections aside (several stories)
        assert f'id="{section.key}-section"' in page.text
    keys = [s.key for s in registered]
    for words, title in EXPECTED_SECTIONS:
        if not any(w in k for k in keys for w in words):
            assert title in page.text and MISSING_TEXT in page.text
    for article_id in ("a1", "b1", "c1"):
        assert f'href="/stories/s1/articles/{article_id}"' in page.text


def test_web_story_page_unknown_story_is_404(app: Any) -> None:
    page = call(app, "GET", "/stories/nope")
    assert page.status_code == 404 and "no story" in page.text
    assert call(app, "GET", "/stories/s1/articles/zz").status_code == 404


def test_web_story_page_offers_analysis_when_not_cached(app: Any) -> None:
    page = call(app, "GET", "/stories/s3")
    assert page.status_code == 200
    assert "has not been analysed yet" in page.text and 'action="/stories/s3/analyse"' in page.text


def test_web_article_page_marks_support_markers_and_furniture(app: Any) -> None:
    page = call(app, "GET", "/stories/s1/articles/a1").text
    body = page.split('<div class="body">')[1].split("</div>")[0]
    shared = re.search(r'<span class="sent sup-3"[^>]*>The ferry sank near Ostra on Monday', body)
    two = re.search(r'<span class="sent sup-2"[^>]*>Nine crew members were rescued', body)
    alone = re.search(r'<span class="sent sup-1"[^>]*>The captain is <mark class="marker marker-', body)
    assert shared and two and alone
    assert "See also" not in body  # furniture is not in the text ...
    apart = page.split('id="h-removed"')[1]
    assert "See also: Harbour fees rise again" in apart and "related-link" in apart  # ... but shown apart


def test_web_article_page_says_when_markers_were_not_analysed(source: MemorySource) -> None:
    report = source.get_report("s2")
    assert report is not None and not report.markers
    page = call(create_app(source=source), "GET", "/stories/s2/articles/a1").text
    assert "Loaded terms were not analysed" in page


# ---------------------------------------------------------------- hostile input


def test_web_hostile_text_is_escaped_everywhere() -> None:
    report = bridge_report(outlet_a="Herald" + EVIL, title_a=EVIL + " headline")
    evil_article = make_article(
        "e1",
        EVIL_URL,
        EVIL,
        [f"Click {EVIL_URL} now {EVIL}.", "The ferry sank near Ostra on Monday."],
        "2024-05-02",
    )
    report = make_report([*report.articles, evil_article])
    src = MemorySource()
    src.add_report("evil", report, EVIL)
    app = create_app(source=src)
    for url in ("/", "/?q=script", "/stories/evil", "/stories/evil/articles/a1", "/stories/evil/articles/e1"):
        page = call(app, "GET", url)
        assert page.status_code == 200, url
        assert_inert(page.text)
        assert "&lt;script&gt;" in page.text, url
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp


# ---------------------------------------------------------------- JSON API


def test_web_api_lists_and_filters_stories(app: Any) -> None:
    data = call(app, "GET", "/api/stories", params={"outlet": "East Daily", "sort": "size"}).json()
    assert data["total"] == 2 and [s["id"] for s in data["stories"]] == ["s3", "s2"]
    assert call(app, "GET", "/api/stories", params={"since": "yesterday"}).status_code == 422
    assert call(app, "GET", "/api/stories", params={"sort": "sideways"}).status_code == 422
    one = call(app, "GET", "/api/stories/s1").json()
    assert one["size"] == 3 and one["analysed"] is True
    assert "South Post" in call(app, "GET", "/api/outlets").json()


def test_web_api_report_matches_schema(app: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    data = call(app, "GET", "/api/stories/s1/report").json()
    jsonschema.validate(data, schema)
    assert [a["id"] for a in data["articles"]] == ["a1", "b1", "c1"]
    assert call(app, "GET", "/api/stories/s3/report").status_code == 409
    assert call(app, "GET", "/api/stories/zz/report").status_code == 404


def test_web_openapi_and_docs_work_offline(app: Any) -> None:
    spec = call(app, "GET", "/openapi.json").json()
    assert "/api/stories" in spec["paths"] and "/api/analyse" in spec["paths"]
    assert "Report" in spec["components"]["schemas"]
    refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec))
    names = spec["components"]["schemas"]
    assert all(r.startswith("#/components/schemas/") and r.rsplit("/", 1)[1] in names for r in refs)
    docs = call(app, "GET", "/docs")
    assert docs.status_code == 200 and "/api/stories" in docs.text
    assert not re.search(r'(src|href)="(https?:)?//', docs.text)  # nothing loads from elsewhere
    assert call(app, "GET", "/api/schema").json()["title"] == "Parallax report"


# ---------------------------------------------------------------- Analyse


def ingest_only(app_factory: Callable[..., Any] = create_app, **kwargs: Any) -> Any:
    """An app whose analyses only read and prepare the inputs (no models): fast."""
    return app_factory(stages=lambda: [], **kwargs)


def test_web_analyse_form_is_labelled(app: Any) -> None:
    page = call(app, "GET", "/analyse").text
    for ident in ("files", "text-1", "text-2", "title-1", "outlet-1"):
        assert f'for="{ident}"' in page and f'id="{ident}"' in page


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("files", ("notes.exe", b"MZ..", "application/octet-stream"))], "is not a supported type"),
        ([("files", ("empty.txt", b"", "text/plain"))], "is empty"),
        ([("files", (f"f{n}.txt", b"text", "text/plain")) for n in range(4)], "Too many files"),
        ([("files", ("big.txt", b"x" * 3000, "text/plain"))], "is too large"),
        ([], "Nothing to analyse"),
    ],
)
def test_web_analyse_rejects_bad_requests(files: list[Any], message: str) -> None:
    app = ingest_only(limits=Limits(max_files=3, max_file_bytes=2000))
    reply = call(app, "POST", "/analyse", files=files or None, data={"text": ["  "]})
    assert reply.status_code == 400
    assert message in reply.text and 'role="alert"' in reply.text


def test_web_analyse_refuses_oversized_body() -> None:
    app = ingest_only(limits=Limits(max_request_bytes=10_000))
    reply = call(app, "POST", "/analyse", files=[("files", ("a.txt", b"y" * 20_000, "text/plain"))])
    assert reply.status_code == 413 and "too large" in reply.text
    api = call(app, "POST", "/api/analyse", files=[("files", ("a.txt", b"y" * 20_000, "text/plain"))])
    assert api.status_code == 413 and "too large" in api.json()["detail"]


def test_web_analyse_hostile_file_name_is_escaped() -> None:
    app = ingest_only()
    name = EVIL + ".exe"
    reply = call(app, "POST", "/analyse", files=[("files", (name, b"text", "text/plain"))])
    assert reply.status_code == 400 and "is not a supported type" in reply.text
    assert_inert(reply.text)


def test_web_analyse_runs_in_background_and_keeps_names() -> None:
    app = ingest_only()
    files = [
        ("files", ("herald.txt", b"Ferry sinks\n\nThe ferry sank near Ostra on Monday.\n", "text/plain")),
        (
            "files",
            (EVIL + ".txt", b"Ostra ferry\n\nNine crew members were rescued on Monday.\n", "text/plain"),
        ),
    ]
    data = {
        "text": ["Pasted words about the ferry that sank near Ostra."],
        "title": ["Pasted"],
        "outlet": ["Paste Times"],
        "published": ["2024-05-02"],
    }
    reply = call(app, "POST", "/analyse", files=files, data=data)
    assert reply.status_code == 303
    job_id = reply.headers["location"].rsplit("/", 1)[1]
    assert wait_for_job(app, job_id)["state"] == "done"
    report = call(app, "GET", f"/api/jobs/{job_id}/report").json()
    sources = sorted(a["source"] for a in report["articles"])
    assert sources[:2] == ["herald.txt", "pasted article 1"]
    assert "onerror" in sources[2] and sources[2].endswith(".txt") and "/" not in sources[2]
    pasted = next(a for a in report["articles"] if a["source"] == "pasted article 1")
    assert pasted["outlet"] == "Paste Times"
    page = call(app, "GET", f"/analyse/{job_id}")
    assert page.status_code == 200 and "not saved to any corpus" in page.text
    assert_inert(page.text)
    article_id = report["articles"][0]["id"]
    assert call(app, "GET", f"/analyse/{job_id}/articles/{article_id}").status_code == 200


def test_web_analyse_api_returns_job_and_progress() -> None:
    app = ingest_only()
    reply = call(
        app, "POST", "/api/analyse", data={"text": ["One pasted article about a storm.", "Another one."]}
    )
    assert reply.status_code == 202
    job = reply.json()
    assert job["state"] in ("queued", "running", "done") and 0 <= job["progress"] <= 1
    assert wait_for_job(app, job["id"])["progress"] == 1
    assert call(app, "GET", "/api/jobs/unknown").status_code == 404


def test_web_job_page_shows_progress_then_failure() -> None:
    def broken(inputs: Any, stages: Any, options: Any) -> Report:
        time.sleep(0.3)
        raise RuntimeError("the analyser broke on purpose")

    app = create_app(analyser=broken, stages=lambda: [])
    reply = call(app, "POST", "/analyse", data={"text": ["Some text to analyse."]})
    job_url = reply.headers["location"]
    running = call(app, "GET", job_url)
    assert "<progress" in running.text and 'role="status"' in running.text
    assert wait_for_job(app, job_url.rsplit("/", 1)[1])["state"] == "failed"
    failed = call(app, "GET", job_url)
    assert failed.status_code == 500 and "the analyser broke on purpose" in failed.text


def test_web_analyse_refuses_work_past_the_queue_with_429() -> None:
    release = threading.Event()

    def slow(inputs: Any, stages: Any, options: Any) -> Report:
        assert release.wait(30), "the test never released the analyser"
        return make_report([])

    app = create_app(analyser=slow, stages=lambda: [], max_jobs=2)
    data = {"text": ["Some text to analyse."]}
    started = [call(app, "POST", "/api/analyse", data=data) for _ in range(2)]
    assert [r.status_code for r in started] == [202, 202]
    api = call(app, "POST", "/api/analyse", data=data)
    assert api.status_code == 429 and "busy" in api.json()["detail"]
    assert int(api.headers["retry-after"]) > 0
    page = call(app, "POST", "/analyse", data=data)
    assert page.status_code == 429 and "try again" in page.text and page.headers["retry-after"]
    release.set()
    for reply in started:
        assert wait_for_job(app, reply.json()["id"])["state"] == "done"
    assert call(app, "POST", "/api/analyse", data=data).status_code == 202


def test_web_analyse_refuses_too_much_text_in_one_job() -> None:
    app = ingest_only(limits=Limits(max_total_chars=1_000))
    data = {"text": ["a" * 600, "b" * 600]}
    reply = call(app, "POST", "/analyse", data=data)
    assert reply.status_code == 400 and "Too much text for one analysis" in reply.text


def test_web_story_analysis_is_saved_to_the_source() -> None:
    src = ArticleSource()
    src.add(StoryRow("t1", "Ferry story", 2, ["North Herald", "South Post"], "2024-05-02", "2024-05-02"))
    src.articles["t1"] = bridge_report().articles[:2]
    app = ingest_only(source=src)
    reply = call(app, "POST", "/stories/t1/analyse")
    assert reply.status_code == 303
    job_id = reply.headers["location"].rsplit("/", 1)[1]
    assert wait_for_job(app, job_id)["state"] == "done"
    assert src.get_report("t1") is not None
    done = call(app, "GET", f"/analyse/{job_id}")
    assert done.status_code == 303 and done.headers["location"] == "/stories/t1"
    assert "Read each article" in call(app, "GET", "/stories/t1").text


def test_web_story_options_are_used_and_cached_apart() -> None:
    src = ArticleSource()
    src.add(StoryRow("t1", "Ferry story", 2, ["North Herald", "South Post"], "2024-05-02", "2024-05-02"))
    src.articles["t1"] = bridge_report().articles[:2]
    seen: list[Options] = []

    def analyser(inputs: Any, stages: Any, options: Options) -> Report:
        seen.append(options)
        return make_report(list(inputs))

    app = create_app(source=src, analyser=analyser, stages=lambda: [])
    assert wait_for_job(app, call(app, "POST", "/stories/t1/analyse").headers["location"].rsplit("/", 1)[1])
    pending = call(app, "GET", "/stories/t1?summary-sentences=2&model_name=/etc/passwd")
    assert "not been analysed with these options" in pending.text and "summary_sentences=2" in pending.text
    assert '/stories/t1/analyse?summary_sentences=2"' in pending.text
    api = call(app, "GET", "/api/stories/t1/report?summary_sentences=2")
    assert api.status_code == 409 and "--summary-sentences 2" in api.json()["detail"]
    reply = call(app, "POST", "/stories/t1/analyse?summary_sentences=2&model_name=/etc/passwd")
    job_id = reply.headers["location"].rsplit("/", 1)[1]
    assert wait_for_job(app, job_id)["state"] == "done"
    assert call(app, "GET", f"/analyse/{job_id}").headers["location"] == "/stories/t1?summary_sentences=2"
    assert [o.summary_sentences for o in seen] == [Options().summary_sentences, 2]
    assert seen[1].model_name == Options().model_name  # text settings never come from a request
    assert src.get_report("t1", replace(Options(), summary_sentences=2)) is not None
    assert src.get_report("t1") is not None
    assert call(app, "GET", "/api/stories/t1/report?summary_sentences=2").status_code == 200


def test_web_story_links_to_articles_keep_the_chosen_options() -> None:
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    def chosen(link: str) -> dict[str, list[str]]:
        return parse_qs(urlsplit(unescape(link)).query)

    src = ArticleSource()
    src.add(StoryRow("t1", "Ferry story", 2, ["North Herald", "South Post"], "2024-05-02", "2024-05-02"))
    src.articles["t1"] = bridge_report().articles[:2]
    analyser = lambda inputs, stages, options: make_report(list(inputs))  # noqa: E731
    app = create_app(source=src, analyser=analyser, stages=lambda: [])
    reply = call(app, "POST", "/stories/t1/analyse?summary_sentences=2&claim_threshold=0.7")
    assert wait_for_job(app, reply.headers["location"].rsplit("/", 1)[1])["state"] == "done"
    wanted = {"summary_sentences": ["2"], "claim_threshold": ["0.7"]}
    story = call(app, "GET", "/stories/t1?summary_sentences=2&claim_threshold=0.7")
    links = re.findall(r'href="(/stories/t1/articles/[^"]*)"', story.text)
    assert len(links) == 2 and all(chosen(link) == wanted for link in links)
    article = call(app, "GET", unescape(links[0]))
    assert article.status_code == 200  # found: the analysis with those options, not the default one
    (back,) = re.findall(r'class="crumbs"><a href="([^"]*)"', article.text)
    assert urlsplit(unescape(back)).path == "/stories/t1" and chosen(back) == wanted
    claim_refs = re.findall(r'class="claim-ref" href="([^"]*)"', article.text)
    assert claim_refs and all(chosen(ref) == wanted and "#" in ref for ref in claim_refs)
    assert call(app, "GET", "/stories/t1/articles/a1").status_code == 404  # no default analysis made


@pytest.mark.parametrize(
    ("query", "message"),
    [("claim_threshold=abc", "claim_threshold must be a number"), ("use_babe=maybe", "use_babe must be yes")],
)
def test_web_bad_options_are_refused_with_the_setting_named(app: Any, query: str, message: str) -> None:
    page = call(app, "GET", f"/stories/s1?{query}")
    assert page.status_code == 400 and message in page.text
    api = call(app, "GET", f"/api/stories/s1/report?{query}")
    assert api.status_code == 400 and message in api.json()["detail"]


def test_web_analyse_form_passes_options() -> None:
    seen: list[Options] = []

    def analyser(inputs: Any, stages: Any, options: Options) -> Report:
        seen.append(options)
        return make_report([])

    app = create_app(analyser=analyser, stages=lambda: [])
    form = call(app, "GET", "/analyse").text
    assert 'name="summary_sentences"' in form and 'name="model_name"' not in form
    reply = call(app, "POST", "/api/analyse", data={"text": ["Some text."], "summary_sentences": "1"})
    assert wait_for_job(app, reply.json()["id"])["state"] == "done"
    assert seen[0].summary_sentences == 1
    bad = call(app, "POST", "/analyse", data={"text": ["Some text."], "well_supported": "two"})
    assert bad.status_code == 400 and "well_supported must be a int" not in bad.text
    assert "well_supported must be an integer" in bad.text


def test_web_display_name_drops_paths_and_control_characters() -> None:
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\me\\report.txt") == "report.txt"
    assert display_name("a\x1b[31mb.txt") == "a[31mb.txt"
    assert display_name("") == "unnamed file"


@pytest.fixture
def example_app(example_report: Report) -> Iterator[Any]:
    src = MemorySource()
    src.add_report("ex", example_report)
    yield create_app(source=src)


def test_web_example_story_renders_real_analysis(example_app: Any, example_report: Report) -> None:
    page = call(example_app, "GET", "/stories/ex")
    assert page.status_code == 200
    shared = [c for c in example_report.claims if len(c.outlets) >= 2]
    assert shared and shared[0].text.split()[0] in page.text
    for article in example_report.articles:
        reply = call(example_app, "GET", f"/stories/ex/articles/{article.id}")
        assert reply.status_code == 200 and 'class="sent sup-' in reply.text


# ---------------------------------------------------------------- the corpus store adapter


def make_corpus(path: Path, stories: dict[int, list[Article]]) -> dict[int, list[tuple[str, str]]]:
    """A real SQLite corpus holding ``stories`` (story id -> articles).

    Returns, per story, each member's (listed key, id in its report).
    """
    from parallax.corpus.connect import open_store
    from parallax.corpus.rows import ClusterBatch

    keys: dict[int, list[tuple[str, str]]] = {}
    with open_store(str(path)) as store:
        batch = ClusterBatch(new_stories=sorted(stories), touched=set(stories))
        for sid, articles in stories.items():
            outcome = store.add_articles(articles)
            assert len(outcome.added) == len(articles)
            batch.assigned.update({row: (sid, None) for row in outcome.added})
        store.save_cluster_batch(batch)
        for sid in stories:
            keys[sid] = [(a.key, a.to_article().id) for a in store.story_members(sid)]
    return keys


def test_web_store_source_serves_the_real_sqlite_store(tmp_path: Path) -> None:
    """The adapter over parallax.corpus.store: its connection belongs to one thread, the server uses many."""
    from parallax.corpus.connect import open_store
    from parallax.web.corpus_source import StoreSource

    report = bridge_report()
    other = make_article(
        "x1", "East Daily", "Storm shuts Ostra port", ["A storm shut the port of Ostra."], "2024-06-01"
    )
    other2 = make_article(
        "x2", "West Times", "Ostra port closed", ["The port of Ostra closed for a storm."], "2024-06-03"
    )
    db = tmp_path / "c.db"
    keys = make_corpus(db, {7: report.articles, 8: [other, other2]})
    opened: list[Any] = []

    def opener() -> Any:
        opened.append(open_store(str(db)))
        return opened[-1]

    source = StoreSource(opener)
    app = ingest_only(source=source)
    listing = call(app, "GET", "/api/stories", params={"sort": "size"}).json()
    assert [s["id"] for s in listing["stories"]] == ["7", "8"] and listing["stories"][0]["size"] == 3
    assert listing["stories"][0]["first"] == "2024-05-02" and listing["stories"][1]["last"] == "2024-06-03"
    assert listing["stories"][1]["outlets"] == ["East Daily", "West Times"]
    assert listing["stories"][0]["article_ids"] == [key for key, _ in keys[7]]
    assert call(app, "GET", "/api/stories", params={"outlet": "East Daily"}).json()["total"] == 1
    assert "has not been analysed yet" in call(app, "GET", "/stories/7").text
    job = call(app, "POST", "/stories/7/analyse").headers["location"].rsplit("/", 1)[1]
    assert wait_for_job(app, job)["state"] == "done"
    first = call(app, "GET", "/stories/7")
    assert first.status_code == 200 and "Read each article (3)" in first.text
    assert call(app, "GET", "/stories/7").text == first.text  # the second view comes from the page cache
    ids = [a["id"] for a in call(app, "GET", "/api/stories/7/report").json()["articles"]]
    assert ids == [ident for _, ident in keys[7]]
    source.close()
    with open_store(str(db)) as store:  # the analysis went into the corpus, keyed by its members
        cached = store.load_analysis("7")
        assert cached is not None and [a.id for a in cached.articles] == ids
        assert store.load_analysis("8") is None
    fresh = StoreSource(opener)
    assert fresh.get_story("7") is not None and fresh.get_story("7").analysed  # type: ignore[union-attr]
    assert fresh.get_report("7") is not None and fresh.get_report("7") is fresh.get_report("7")
    assert fresh.get_story("99") is None
    fresh.close()


def test_web_store_source_serves_old_rows_while_one_request_reads_new_ones(tmp_path: Path) -> None:
    import threading

    from parallax.corpus.connect import open_store
    from parallax.web.corpus_source import StoreSource
    from parallax.web.source import StoryQuery

    db = tmp_path / "c.db"
    make_corpus(db, {3: bridge_report().articles})
    source = StoreSource(lambda: open_store(str(db)), row_seconds=0.0)  # rows always out of date
    assert [r.id for r in source.find_stories(StoryQuery()).rows] == ["3"]
    entered, release = threading.Event(), threading.Event()
    real = source.store.story_records

    def slow_records(**kwargs: Any) -> Any:
        entered.set()
        assert release.wait(30)
        return []  # as if story 3 had gone

    source.store.story_records = slow_records  # type: ignore[method-assign]
    reader = threading.Thread(target=source.find_stories, args=(StoryQuery(),))
    reader.start()
    assert entered.wait(30)
    # While the rows are being read, other requests get the rows read before, without waiting.
    assert [r.id for r in source.find_stories(StoryQuery()).rows] == ["3"]
    release.set()
    reader.join(30)
    assert source.find_stories(StoryQuery()).total == 0
    source.store.story_records = real  # type: ignore[method-assign]
    source.close()


def test_web_store_source_reads_the_rows_again_only_after_a_change(tmp_path: Path) -> None:
    from parallax.corpus.connect import open_store
    from parallax.corpus.outlets import link_articles
    from parallax.web.corpus_source import StoreSource
    from parallax.web.source import StoryQuery

    def stored(stories: dict[int, list[Article]]) -> None:
        make_corpus(db, stories)
        with open_store(str(db)) as store:
            link_articles(store)  # as an ingest leaves it

    db = tmp_path / "c.db"
    stored({3: bridge_report().articles})
    source = StoreSource(lambda: open_store(str(db)), row_seconds=0.0)  # rows always due for a check
    every = StoryQuery(min_outlets=1)
    reads: list[int] = []
    real = source.store.story_records

    def counted(**kwargs: Any) -> Any:
        reads.append(1)
        return real(**kwargs)

    source.store.story_records = counted  # type: ignore[method-assign]
    assert source.find_stories(every).total == 1 and len(reads) == 1
    assert source.find_stories(every).total == 1 and len(reads) == 1  # nothing changed: not read
    stored({4: [make_article("z1", "North Post", "Ferry late", ["The ferry was late."], "2024-06-09")]})
    assert source.find_stories(every).total == 2 and len(reads) == 2  # another process wrote
    assert source.find_stories(every).total == 2 and len(reads) == 2
    source.store.story_records = real  # type: ignore[method-assign]
    source.close()


def test_web_store_source_reads_a_story_report_once_for_concurrent_first_views(tmp_path: Path) -> None:
    import threading
    import time

    from parallax.corpus.connect import open_store
    from parallax.web.corpus_source import StoreSource

    db = tmp_path / "c.db"
    make_corpus(db, {3: bridge_report().articles})
    with open_store(str(db)) as store:
        store.save_analysis("3", bridge_report())
    source = StoreSource(lambda: open_store(str(db)))
    loads: list[int] = []
    real = source.store.load_analysis

    def slow_load(*args: Any) -> Any:
        loads.append(1)
        time.sleep(0.2)  # long enough for every other request to arrive meanwhile
        return real(*args)

    source.store.load_analysis = slow_load  # type: ignore[method-assign]
    got: list[Any] = []
    readers = [threading.Thread(target=lambda: got.append(source.get_report("3"))) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(30)
    assert len(got) == 8 and got[0] is not None and all(r is got[0] for r in got)
    assert len(loads) == 1  # one request read it; the others waited and found it held
    source.store.load_analysis = real  # type: ignore[method-assign]
    source.close()


def test_web_serve_refuses_a_missing_corpus(tmp_path: Path) -> None:
    from parallax.errors import StoreError

    with pytest.raises(StoreError, match="parallax ingest SOURCE --db"):
        create_app(str(tmp_path / "missing.db"))


def test_web_story_index_agrees_with_match_story() -> None:
    import random

    from parallax.corpus.order import SORTS
    from parallax.web.source import StoryIndex, StoryQuery, match_story, sort_stories

    rng = random.Random(3)
    words = ["ferry", "storm", "vote", "court", "fire"]
    rows = [
        StoryRow(
            str(n),
            " ".join(rng.sample(words, 2)).title(),
            rng.randint(1, 9),
            rng.sample(["A", "B", "C", "D"], rng.randint(1, 4)),
            f"2024-0{rng.randint(1, 9)}-10",
            f"2024-0{rng.randint(1, 9)}-20",
        )
        for n in range(300)
    ]
    index = StoryIndex(rows)
    for _ in range(50):
        query = StoryQuery(
            text=rng.choice(["", "ferry", "STORM vote", "fi"]),
            outlet=rng.choice(["", "a", "C"]),
            since=rng.choice(["", "2024-05-01"]),
            until=rng.choice(["", "2024-04-01"]),
            sort=rng.choice(list(SORTS)),
            min_outlets=rng.choice([1, 2, 3]),
            offset=rng.choice([0, 10]),
            limit=20,
        )
        expected = sort_stories([r for r in rows if match_story(r, query)], query.sort)
        page = index.find(query)
        assert page.total == len(expected)
        assert [r.id for r in page.rows] == [r.id for r in expected[query.offset : query.offset + 20]]
