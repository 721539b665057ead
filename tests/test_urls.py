"""Fetching URLs: address checks, robots.txt, per-host rate limit, size cap, timeouts.

A local HTTP server on 127.0.0.1 serves the pages; loopback is refused unless
``allow_private`` is set, so the tests that fetch set it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from parallax.errors import OptionsError
from parallax.ingest.urls import (
    Fetcher,
    FetchError,
    FetchSettings,
    fetch_items,
    forbidden_reason,
    read_url_list,
    retry_after_seconds,
)
from parallax.model import Article, Skipped

ARTICLE = (
    "<html><head><title>Council backs harbour plan</title></head><body><article>"
    "<h1>Council backs harbour plan</h1>"
    + "<p>The town council voted on Thursday to rebuild the harbour wall before winter storms arrive.</p>" * 4
    + "</article></body></html>"
)
FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Local Feed</title>"
    "<item><title>Storm warning</title>"
    "<link>http://x/storm</link><description>"
    "Forecasters warned of a strong storm reaching the coast on Friday night."
    "</description></item></channel></rss>"
)
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
    "/news/harbour": (200, "text/html; charset=utf-8", ARTICLE.encode()),
    "/private/secret": (200, "text/html", ARTICLE.encode()),
    "/big": (200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
    "/feed": (200, "application/rss+xml", FEED.encode()),
    "/to-private": (302, "text/plain", b""),
    "/empty": (200, "text/html", b"<html><body><nav>Menu</nav></body></html>"),
}


HITS: dict[str, int] = {}


def trickle(handler: BaseHTTPRequestHandler, data: bytes, pause: float) -> None:
    """Send ``data`` one byte at a time; stop quietly when the client has gone."""
    try:
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(pause)
    except OSError:
        pass


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        HITS[self.path] = HITS.get(self.path, 0) + 1
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/trickle-headers":
            trickle(self, b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"p" * 200 + b"\r\n\r\n", 0.1)
            return
        if self.path == "/trickle-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            trickle(self, b"x" * 1000, 0.1)
            return
        if self.path == "/flaky" and HITS[self.path] <= 2:
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path in ("/busy", "/broken"):
            self.send_response(429 if self.path == "/busy" else 500)
            if self.path == "/busy":
                self.send_header("Retry-After", "120")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/flaky":
            self.path = "/news/harbour"
        status, kind, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status == 302:
            self.send_header("Location", "/private/secret")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (a timeout test)
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def local(**kwargs: object) -> Fetcher:
    return Fetcher(FetchSettings(allow_private=True, host_interval=0.0, **kwargs))  # type: ignore[arg-type]


def test_urls_loopback_is_refused_without_the_flag(server: str) -> None:
    fetcher = Fetcher(FetchSettings())
    with pytest.raises(FetchError, match=r"loopback address 127\.0\.0\.1.*--allow-private"):
        fetcher.fetch(server + "/news/harbour")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.9", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_urls_forbidden_addresses(address: str, kind: str) -> None:
    reason = forbidden_reason(address)
    assert reason is not None and reason.startswith(kind)


def test_urls_public_address_is_allowed() -> None:
    assert forbidden_reason("93.184.216.34") is None


def test_urls_host_resolving_to_a_private_address_is_refused() -> None:
    fetcher = Fetcher(FetchSettings(), resolver=lambda host: ["10.0.0.7"])
    with pytest.raises(FetchError, match=r"private address 10\.0\.0\.7"):
        fetcher.fetch("http://intranet.example/page")


def test_urls_only_http_and_https() -> None:
    with pytest.raises(FetchError, match="only http and https"):
        Fetcher().fetch("file:///etc/passwd")


def test_urls_page_becomes_an_article(server: str) -> None:
    (item,) = list(fetch_items(server + "/news/harbour", local()))
    assert isinstance(item, Article)
    assert item.title == "Council backs harbour plan" and "rebuild the harbour wall" in item.original
    assert item.meta["url"] == server + "/news/harbour"


def test_urls_feed_url_yields_its_entries(server: str) -> None:
    (item,) = list(fetch_items(server + "/feed", local()))
    assert isinstance(item, Article) and item.title == "Storm warning" and item.outlet == "Local Feed"


def test_urls_robots_txt_is_obeyed_also_after_a_redirect(server: str) -> None:
    fetcher = local()
    with pytest.raises(FetchError, match=r"robots\.txt"):
        fetcher.fetch(server + "/private/secret")
    with pytest.raises(FetchError, match=r"robots\.txt"):
        fetcher.fetch(server + "/to-private")
    assert local(obey_robots=False).fetch(server + "/private/secret").body.startswith(b"<html>")


def test_urls_size_cap(server: str) -> None:
    with pytest.raises(FetchError, match="byte cap"):
        local(max_bytes=100_000).fetch(server + "/big")


def test_urls_timeout(server: str) -> None:
    with pytest.raises(FetchError, match="timed out"):
        local(timeout=0.3).fetch(server + "/slow")


@pytest.mark.parametrize("path", ["/trickle-headers", "/trickle-body"])
def test_urls_deadline_covers_the_whole_fetch(server: str, path: str) -> None:
    # Each byte arrives well within a read timeout, so per-read timeouts would let these finish
    # (after 20 s and 100 s); only a total deadline makes them time out. No wall-clock assertion:
    # bench/fetch_deadline.py measures how long the fetch takes.
    with pytest.raises(FetchError, match="timed out"):
        local(timeout=1.0, obey_robots=False).fetch(server + path)


def test_urls_connection_goes_to_the_checked_address(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    asked: list[str] = []

    def resolver(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    fetcher = Fetcher(FetchSettings(allow_private=True, host_interval=0.0), resolver=resolver)
    # ".invalid" never resolves through the system: the page arrives only if the
    # connection used the resolver's (checked) answer.
    got = fetcher.fetch(f"http://news.invalid:{port}/news/harbour")
    assert b"harbour wall" in got.body
    assert fetcher.backend.connected and all(a == "127.0.0.1" for _, a in fetcher.backend.connected)
    assert len(asked) == len(fetcher.backend.connected)  # one answer per connection, used by it


def test_urls_forbidden_answer_refuses_before_connecting() -> None:
    answers = iter([["10.0.0.7"], ["127.0.0.1"]])
    fetcher = Fetcher(FetchSettings(obey_robots=False), resolver=lambda host: next(answers))
    with pytest.raises(FetchError, match=r"private address 10\.0\.0\.7"):
        fetcher.fetch("http://rebind.invalid/page")
    assert fetcher.backend.connected == []


def test_urls_retries_5xx_and_honours_retry_after(server: str) -> None:
    HITS.pop("/flaky", None)
    got = local(obey_robots=False, backoff=0.01).fetch(server + "/flaky")
    assert b"harbour wall" in got.body and HITS["/flaky"] == 3


def test_urls_retry_after_past_the_deadline_fails_at_once(server: str) -> None:
    waits: list[float] = []
    fetcher = Fetcher(
        FetchSettings(allow_private=True, host_interval=0.0, obey_robots=False, timeout=3.0),
        sleep=waits.append,
    )
    with pytest.raises(FetchError, match=r"HTTP 429 and asked to retry in 120 s"):
        fetcher.fetch(server + "/busy")
    assert waits == []  # refused without waiting: the wait would end after the deadline


def test_urls_retries_give_up_with_the_count(server: str) -> None:
    waits: list[float] = []
    fetcher = Fetcher(
        FetchSettings(allow_private=True, host_interval=0.0, obey_robots=False, backoff=0.5),
        sleep=waits.append,
    )
    with pytest.raises(FetchError, match=r"HTTP 500 \(after 3 tries\)"):
        fetcher.fetch(server + "/broken")
    assert waits == [0.5, 1.0]  # backoff doubles when the server gives no Retry-After


def test_urls_retry_after_header_forms() -> None:
    now = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Wed, 02 Dec 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 02 Dec 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_urls_http_errors_and_empty_pages_are_reported(server: str) -> None:
    (missing,) = list(fetch_items(server + "/nowhere", local()))
    assert isinstance(missing, Skipped) and "HTTP 404" in missing.reason
    (empty,) = list(fetch_items(server + "/empty", local()))
    assert isinstance(empty, Skipped) and "no article text" in empty.reason


def test_urls_rate_limit_waits_between_requests_to_one_host() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    fetcher = Fetcher(FetchSettings(host_interval=2.0), clock=lambda: now[0], sleep=sleep)
    fetcher.wait_turn("a.example")
    now[0] += 0.5
    fetcher.wait_turn("a.example")
    fetcher.wait_turn("b.example")  # another host does not wait
    assert waits == [pytest.approx(1.5)]


def test_urls_list_file_reports_each_failure_with_its_line(server: str, tmp_path: Path) -> None:
    listing = tmp_path / "pages.urls"
    listing.write_text(f"# morning list\n{server}/news/harbour\n\n{server}/nowhere\nftp://old.example/x\n")
    items = list(read_url_list(listing, local()))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, Skipped)]
    assert len(articles) == 1
    assert [e.source.rsplit("#", 1)[1] for e in errors if "#" in e.source] == ["4", "5"]


@pytest.mark.parametrize(
    "values",
    [
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"timeout": 1e308},
        {"timeout": 0.0},
        {"host_interval": float("inf")},
        {"host_interval": -1.0},
        {"max_bytes": 0},
        {"backoff": float("nan")},
    ],
)
def test_urls_fetch_settings_refuse_what_clocks_and_sockets_cannot_take(values: dict[str, float]) -> None:
    # before: NaN and huge timeouts raised from socket.settimeout and time.sleep mid-fetch
    with pytest.raises(OptionsError, match="must be from"):
        FetchSettings(**values)  # type: ignore[arg-type]
    assert FetchSettings(timeout=3, host_interval=0, max_bytes=1).timeout == 3
