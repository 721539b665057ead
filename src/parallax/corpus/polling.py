"""Polling one source for ``parallax watch``: has it changed since the last poll, and what does it hold now?

A source is an http(s) URL (a feed or a page) or a local file or folder; a
``.urls`` list names URLs, each polled as its own source (``list_sources``).

* A URL is fetched with a conditional request through the ``Fetcher`` (its
  robots.txt, per-host interval, deadline and size cap apply): the ``ETag``
  and ``Last-Modified`` of the previous answer go out as ``If-None-Match`` and
  ``If-Modified-Since``, and a 304 answer means "not modified".
* A local path is compared by a fingerprint of its files' names, sizes and
  modification times; when it differs, the path is read again.

Nothing is stored here: ``poll_source`` returns a ``Polled`` with the items
read (as ``parallax ingest`` reads them, sanitised) and the new validators;
``parallax.corpus.watch`` stores them and keeps the schedule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parallax.ingest.sanitise import sanitise_article, sanitise_skipped
from parallax.ingest.sources import URL_SCHEMES, Read, expand, iter_sources
from parallax.ingest.urls import Fetcher, FetchError, read_fetched
from parallax.model import Article, Skipped

FETCHED = "fetched"
NOT_MODIFIED = "not modified"
FAILED = "failed"


@dataclass
class Polled:
    """What one poll of one source found."""

    source: str
    outcome: str  # FETCHED, NOT_MODIFIED or FAILED
    reason: str = ""  # why it failed
    reads: list[Read] = field(default_factory=list)
    etag: str | None = None  # validators to remember when the items are stored
    last_modified: str | None = None
    new: int = 0  # articles stored that the corpus did not have (filled in when stored)


def is_url(source: str) -> bool:
    return source.lower().startswith(URL_SCHEMES)


def list_sources(given: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The sources to poll, in order and each once: URLs and paths as given, each ``.urls`` list
    replaced by its URLs; and the lists that could not be read, with the reason."""
    found: list[str] = []
    problems: list[tuple[str, str]] = []
    for source in given:
        if is_url(source) or not source.lower().endswith(".urls"):
            found.append(source)
            continue
        try:
            lines = Path(source).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            problems.append((source, f"cannot read the URL list ({exc.strerror or exc})"))
            continue
        urls = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
        if not urls:
            problems.append((source, "no URLs in the list (only blank lines and # comments)"))
        found.extend(urls)
    return list(dict.fromkeys(found)), problems


def fingerprint(path: Path) -> tuple[str | None, str]:
    """A digest of the names, sizes and modification times of the files under ``path``;
    (None, the reason) when there is nothing to read there."""
    entries = expand(path)
    if len(entries) == 1 and entries[0][1] and entries[0][0] == path:
        return None, entries[0][1]
    digest = hashlib.sha256()
    for file, problem in entries:
        try:
            info = file.stat()
            digest.update(f"{file}\0{info.st_size}\0{info.st_mtime_ns}\0{problem}\n".encode())
        except OSError as exc:
            digest.update(f"{file}\0{exc.strerror}\n".encode())
    return digest.hexdigest(), ""


def whole_source_problem(source: str, items: Iterable[Article | Skipped]) -> str:
    """Why a source gave no articles at all ('' when it gave some, or only its records failed)."""
    reasons = []
    for item in items:
        if isinstance(item, Article):
            return ""
        if item.source == source:
            reasons.append(item.reason)
    return "; ".join(reasons)


def poll_url(url: str, etag: str | None, last_modified: str | None, fetcher: Fetcher) -> Polled:
    """Fetch ``url`` unless it is unchanged since the answer that gave ``etag`` and ``last_modified``."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        got = fetcher.fetch(url, headers=headers)
    except FetchError as exc:
        return Polled(url, FAILED, reason=f"not fetched: {exc}")
    if got.status == 304:
        return Polled(url, NOT_MODIFIED)
    items = [
        sanitise_article(item) if isinstance(item, Article) else sanitise_skipped(item)
        for item in read_fetched(url, got, fetcher)
    ]
    problem = whole_source_problem(url, items)
    if problem:
        return Polled(url, FAILED, reason=problem)
    return Polled(
        url,
        FETCHED,
        reads=[Read(url, item) for item in items],
        etag=got.headers.get("etag"),
        last_modified=got.headers.get("last-modified"),
    )


def poll_path(source: str, known: str | None, fetcher: Fetcher) -> Polled:
    """Read a local file or folder again when its fingerprint differs from ``known``."""
    digest, problem = fingerprint(Path(source))
    if digest is None:
        return Polled(source, FAILED, reason=problem)
    if digest == known:
        return Polled(source, NOT_MODIFIED)
    reads = list(iter_sources([source], fetcher))
    problem = whole_source_problem(source, (read.item for read in reads))
    if problem:
        return Polled(source, FAILED, reason=problem)
    return Polled(source, FETCHED, reads=reads, etag=digest)


def poll_source(source: str, etag: str | None, last_modified: str | None, fetcher: Fetcher) -> Polled:
    """Poll a URL or a local path, given what its previous poll remembered."""
    if is_url(source):
        return poll_url(source, etag, last_modified, fetcher)
    return poll_path(source, etag, fetcher)
