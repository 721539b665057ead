"""Fetching articles over HTTP(S), politely and safely (httpx).

``Fetcher.fetch(url)`` refuses what it should not fetch and says why:

* only http and https;
* no private, loopback, link-local, multicast or reserved addresses: the host
  is resolved once per connection, every address is checked, and the
  connection goes to a checked address (``ingest.transport``), again at each
  redirect, unless ``allow_private`` is set (tests serve pages from 127.0.0.1);
* robots.txt is read once per host and obeyed for our user agent;
* one request per ``host_interval`` seconds per host;
* one total deadline per fetch (robots.txt, redirects, retries, connect,
  headers and body together; time spent waiting politely does not count);
* 429 and 5xx answers are retried with backoff, honouring ``Retry-After``
  when it fits in the deadline;
* a cap on the body size, enforced while streaming.

Conditional requests: ``fetch(url, headers={"If-None-Match": etag})`` sends the
extra headers with the request for ``url`` (not with robots.txt), and the
result carries the answer's status (304: not modified, with an empty body) and
headers (``ETag``, ``Last-Modified``).

``read_url_list`` reads a ``.urls`` file (one URL per line, ``#`` comments) and
yields one Article or Skipped per URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from parallax import __version__
from parallax.errors import OptionsError
from parallax.ingest.decode import UnreadableInput, decode_bytes
from parallax.ingest.html import read_html
from parallax.ingest.records import Item
from parallax.ingest.transport import (
    CheckedBackend,
    CheckedTransport,
    Deadline,
    FetchError,
    RefusedHost,
    Resolver,
    forbidden_reason,
    resolve_host,
)
from parallax.model import Skipped

__all__ = ["FetchError", "FetchSettings", "Fetcher", "forbidden_reason", "resolve_host"]

USER_AGENT = f"parallax-news/{__version__} (news comparison; respects robots.txt)"
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class FetchSettings:
    timeout: float = 15.0  # seconds for a whole fetch (robots.txt, redirects, retries, body)
    max_bytes: int = 5_000_000  # bodies larger than this are refused
    host_interval: float = 1.0  # seconds between two requests to one host
    allow_private: bool = False  # allow private, loopback and link-local addresses
    obey_robots: bool = True
    user_agent: str = USER_AGENT
    retries: int = 2  # further tries after a 429 or 5xx answer
    backoff: float = 1.0  # seconds before the first retry when the server gives no Retry-After; doubles

    def __post_init__(self) -> None:
        """Refuse values the clock and the sockets cannot take (NaN, infinite, negative, absurd)."""
        check_range("--timeout", self.timeout, 0.001, LONGEST_WAIT, "seconds")
        check_range("--host-interval", self.host_interval, 0, LONGEST_WAIT, "seconds")
        check_range("backoff", self.backoff, 0, LONGEST_WAIT, "seconds")
        check_range("--max-bytes", self.max_bytes, 1, 2**40, "bytes")
        check_range("retries", self.retries, 0, 100, "tries")


LONGEST_WAIT = 86_400.0  # seconds: a day, far past any useful fetch timeout or pause


def check_range(name: str, value: float, low: float, high: float, unit: str) -> None:
    """OptionsError unless ``low <= value <= high`` (NaN is never in range)."""
    if not low <= value <= high:
        raise OptionsError(f"{name} must be from {low:g} to {high:g} {unit}, not {value:g}")


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes
    status: int = 200  # 304 when a conditional request found nothing new
    headers: httpx.Headers = field(default_factory=httpx.Headers)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class Fetcher:
    settings: FetchSettings = field(default_factory=FetchSettings)
    resolver: Resolver = resolve_host
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last_request: dict[str, float] = field(default_factory=dict)
    robots: dict[str, Protego | None] = field(default_factory=dict)
    client: httpx.Client | None = None
    deadline: Deadline = field(init=False)
    backend: CheckedBackend = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = Deadline(clock=self.clock)
        self.backend = CheckedBackend(
            resolver=self.resolver, allow_private=self.settings.allow_private, deadline=self.deadline
        )
        if self.client is None:
            self.client = httpx.Client(
                transport=CheckedTransport(self.backend),
                timeout=self.settings.timeout,
                follow_redirects=False,
                headers={"User-Agent": self.settings.user_agent},
            )

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def check_url(self, url: str) -> str:
        """The URL's host after the scheme check; FetchError when refused.

        Addresses are checked when the connection is made (``CheckedBackend``),
        on the same answer the connection uses.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs are fetched, not '{parts.scheme or url}'")
        host = parts.hostname
        if not host:
            raise FetchError("the URL has no host")
        return host

    def pause(self, seconds: float) -> None:
        """Sleep without the time counting against the fetch's deadline."""
        if seconds > 0:
            self.sleep(seconds)
            self.deadline.extend(seconds)

    def wait_turn(self, host: str) -> None:
        """Sleep until ``host_interval`` has passed since the last request to the host."""
        last = self.last_request.get(host)
        if last is not None:
            self.pause(self.settings.host_interval - (self.clock() - last))
        self.last_request[host] = self.clock()

    def allowed_by_robots(self, url: str) -> bool:
        if not self.settings.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            parser: Protego | None
            try:
                got = self.get(origin + "/robots.txt", check_robots=False)
                parser = Protego.parse(decode_bytes(got.body))
            except UnreadableInput:
                parser = None  # no readable robots.txt: everything is allowed
            except RefusedHost:
                raise  # the page is on the same host: it cannot be fetched either
            except FetchError:
                if self.deadline_passed():
                    raise
                parser = None  # no robots.txt: everything is allowed
            self.robots[origin] = parser
        rules = self.robots[origin]
        return rules is None or bool(rules.can_fetch(url, self.settings.user_agent))

    def deadline_passed(self) -> bool:
        left = self.deadline.left()
        return left is not None and left <= 0

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """The body of ``url`` after every check; FetchError with the reason otherwise.

        The whole fetch (robots.txt, redirects, retries, the body) ends within
        ``settings.timeout`` seconds, not counting polite waits between requests.
        ``headers`` are sent with the request for ``url`` and its redirects (conditional requests).
        """
        check_syntax(url)
        self.deadline.start(self.settings.timeout)
        try:
            if not self.allowed_by_robots(url):
                raise FetchError("robots.txt of the site disallows fetching this URL")
            return self.get(url, check_robots=True, headers=headers)
        finally:
            self.deadline.end = None

    def get(self, url: str, *, check_robots: bool, headers: Mapping[str, str] | None = None) -> Fetched:
        retries = 0
        redirects = 0
        while True:
            host = self.check_url(url)
            self.wait_turn(host)
            try:
                with self.client_or_fail().stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        redirects += 1
                        if redirects > MAX_REDIRECTS:
                            raise FetchError(f"more than {MAX_REDIRECTS} redirects")
                        url = urljoin(url, response.headers["location"])
                        check_syntax(url)
                        if check_robots and not self.allowed_by_robots(url):
                            raise FetchError("robots.txt of the site disallows the redirect target")
                        continue
                    if response.status_code in RETRY_STATUSES and retries < self.settings.retries:
                        self.sleep(self.retry_delay(response, retries))  # counts against the deadline
                        retries += 1
                        continue
                    if response.status_code >= 400:
                        tries = f" (after {retries + 1} tries)" if retries else ""
                        raise FetchError(f"the server answered HTTP {response.status_code}{tries}")
                    body = self.read_body(response)
                    kind = response.headers.get("content-type", "")
                    return Fetched(str(response.url), kind, body, response.status_code, response.headers)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out: the fetch took more than {self.settings.timeout:g} s") from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(f"the request failed ({type(exc).__name__}: {exc})") from exc

    def client_or_fail(self) -> httpx.Client:
        assert self.client is not None
        return self.client

    def retry_delay(self, response: httpx.Response, retries: int) -> float:
        """Seconds to wait before retrying; FetchError when the wait would not fit in the deadline."""
        asked = retry_after_seconds(response.headers.get("retry-after"))
        delay = asked if asked is not None else self.settings.backoff * 2**retries
        left = self.deadline.left()
        if left is not None and delay >= left:
            raise FetchError(
                f"the server answered HTTP {response.status_code} and asked to retry in {delay:g} s, "
                f"after the fetch's {self.settings.timeout:g}-second deadline"
            )
        return delay

    def read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise FetchError(f"the body is {declared} bytes, over the {self.settings.max_bytes}-byte cap")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.settings.max_bytes:
                raise FetchError(f"the body is over the {self.settings.max_bytes}-byte cap")
            chunks.append(chunk)
        return b"".join(chunks)


def check_syntax(url: str) -> None:
    """FetchError when ``url`` cannot even be split into its parts (a bad IPv6 host, a bad port)."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError(f"not a valid URL ({exc})") from exc


def is_feed(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    head = body[:2000].lstrip().lower()
    return kind.endswith("xml") or (head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head))


def fetch_items(url: str, fetcher: Fetcher) -> Iterator[Item]:
    """The articles at a URL: a feed's entries, or one page through trafilatura."""
    try:
        got = fetcher.fetch(url)
    except FetchError as exc:
        yield Skipped(url, f"not fetched: {exc}")
        return
    yield from read_fetched(url, got, fetcher)


def read_fetched(url: str, got: Fetched, fetcher: Fetcher) -> Iterator[Item]:
    """The articles of a fetched body: a feed's entries, or one page through trafilatura."""
    if is_feed(got.content_type, got.body):
        from parallax.ingest.feeds import read_feed_bytes

        yield from read_feed_bytes(got.body, url, fetcher)
        return
    try:
        text = decode_bytes(got.body)
    except UnreadableInput as exc:
        yield Skipped(url, str(exc))
        return
    articles, skipped = read_html(text, url)
    for article in articles:
        article.meta.setdefault("url", got.url)
        yield article
    for skip in skipped:
        yield Skipped(url, skip.reason)


def read_url_list(path: Path, fetcher: Fetcher) -> Iterator[Item]:
    """Every URL of a list file (one per line; blank lines and # comments ignored)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read the URL list ({exc.strerror or exc})")
        return
    listed = 0
    for line_no, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        listed += 1
        for item in fetch_items(url, fetcher):
            if isinstance(item, Skipped) and item.source == url:
                yield Skipped(f"{path}#{line_no}", f"line {line_no} ({url}): {item.reason}")
            else:
                yield item
    if not listed:
        yield Skipped(str(path), "no URLs in the list (only blank lines and # comments)")
