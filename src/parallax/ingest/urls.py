"""Fetching articles over HTTP(S), politely and safely (httpx).

``Fetcher.fetch(url)`` refuses what it should not fetch and says why:

* only http and https;
* no private, loopback, link-local, multicast or reserved addresses (checked
  for every address the host name resolves to, again at each redirect),
  unless ``allow_private`` is set (tests serve pages from 127.0.0.1);
* robots.txt is read once per host and obeyed for our user agent;
* one request per ``host_interval`` seconds per host;
* a timeout per request and a cap on the body size, enforced while streaming.

``read_url_list`` reads a ``.urls`` file (one URL per line, ``#`` comments) and
yields one Article or RecordError per URL.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from parallax import __version__
from parallax.ingest.decode import UnreadableInput, decode_bytes
from parallax.ingest.html import read_html
from parallax.ingest.records import Item, RecordError

USER_AGENT = f"parallax-news/{__version__} (news comparison; respects robots.txt)"
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A URL that was not fetched, with the reason."""


@dataclass
class FetchSettings:
    timeout: float = 15.0  # seconds per request (connect, read)
    max_bytes: int = 5_000_000  # bodies larger than this are refused
    host_interval: float = 1.0  # seconds between two requests to one host
    allow_private: bool = False  # allow private, loopback and link-local addresses
    obey_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes


Resolver = Callable[[str], list[str]]


def resolve_host(host: str) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve the host '{host}' ({exc.strerror or exc})") from exc


def forbidden_reason(address: str) -> str | None:
    """Why an address must not be fetched without ``allow_private``, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return f"{kind.replace('_', '-')} address {ip}"
    return None


@dataclass
class Fetcher:
    settings: FetchSettings = field(default_factory=FetchSettings)
    resolver: Resolver = resolve_host
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last_request: dict[str, float] = field(default_factory=dict)
    robots: dict[str, Protego | None] = field(default_factory=dict)
    client: httpx.Client | None = None

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = httpx.Client(
                timeout=self.settings.timeout,
                follow_redirects=False,
                headers={"User-Agent": self.settings.user_agent},
            )

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def check_url(self, url: str) -> str:
        """The URL's host after the scheme and address checks; FetchError when refused."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs are fetched, not '{parts.scheme or url}'")
        host = parts.hostname
        if not host:
            raise FetchError("the URL has no host")
        if not self.settings.allow_private:
            for address in self.resolver(host):
                why = forbidden_reason(address)
                if why:
                    raise FetchError(
                        f"'{host}' resolves to a {why}; such addresses are not fetched "
                        "unless private addresses are allowed (--allow-private)"
                    )
        return host

    def wait_turn(self, host: str) -> None:
        """Sleep until ``host_interval`` has passed since the last request to the host."""
        last = self.last_request.get(host)
        if last is not None:
            remaining = self.settings.host_interval - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
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
            except (FetchError, UnreadableInput):
                parser = None  # no readable robots.txt: everything is allowed
            self.robots[origin] = parser
        rules = self.robots[origin]
        return rules is None or bool(rules.can_fetch(url, self.settings.user_agent))

    def fetch(self, url: str) -> Fetched:
        """The body of ``url`` after every check; FetchError with the reason otherwise."""
        if not self.allowed_by_robots(url):
            raise FetchError("robots.txt of the site disallows fetching this URL")
        return self.get(url, check_robots=True)

    def get(self, url: str, *, check_robots: bool) -> Fetched:
        assert self.client is not None
        for _ in range(MAX_REDIRECTS + 1):
            host = self.check_url(url)
            self.wait_turn(host)
            try:
                with self.client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        if check_robots and not self.allowed_by_robots(url):
                            raise FetchError("robots.txt of the site disallows the redirect target")
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"the server answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                        raise FetchError(
                            f"the body is {declared} bytes, over the {self.settings.max_bytes}-byte cap"
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > self.settings.max_bytes:
                            raise FetchError(f"the body is over the {self.settings.max_bytes}-byte cap")
                        chunks.append(chunk)
                    return Fetched(
                        str(response.url), response.headers.get("content-type", ""), b"".join(chunks)
                    )
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out after {self.settings.timeout:g} s") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"the request failed ({type(exc).__name__}: {exc})") from exc
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")


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
        yield RecordError(url, None, f"not fetched: {exc}")
        return
    if is_feed(got.content_type, got.body):
        from parallax.ingest.feeds import read_feed_bytes

        yield from read_feed_bytes(got.body, url, fetcher)
        return
    try:
        text = decode_bytes(got.body)
    except UnreadableInput as exc:
        yield RecordError(url, None, str(exc))
        return
    articles, skipped = read_html(text, url)
    for article in articles:
        article.meta.setdefault("url", got.url)
        yield article
    for skip in skipped:
        yield RecordError(url, None, skip.reason)


def read_url_list(path: Path, fetcher: Fetcher) -> Iterator[Item]:
    """Every URL of a list file (one per line; blank lines and # comments ignored)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        yield RecordError(str(path), None, f"cannot read the URL list ({exc.strerror or exc})")
        return
    for line_no, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        for item in fetch_items(url, fetcher):
            if isinstance(item, RecordError) and item.record is None:
                yield RecordError(str(path), f"line {line_no} ({url})", item.reason)
            else:
                yield item
