"""One way in: every input Parallax reads, for ``analyze``, ``ingest`` and the web upload.

``read_sources(sources)`` turns files, folders, URL lists and http(s) URLs into
Articles, and accounts for everything else as a ``Skipped`` with its reason;
``iter_sources`` does the same as a stream (corpus ingest reads millions of
records). The reader of a file is chosen by its extension (``READERS``; a
two-part one such as ``.jsonl.gz`` before the last part).

The rules, the same for every caller:

* folders are read recursively in sorted order, so the same inputs give the
  same articles in the same order;
* inside a folder, hidden files and folders (names starting with ".") are not
  read and are listed as skipped; a hidden file named on its own is read;
* a file of an unsupported type, an empty folder, a missing path, a special
  file (a pipe, a device) is skipped with its reason;
* every Article and Skipped passes through ``parallax.ingest.sanitise`` (invalid
  characters replaced, oversized fields capped, each change noted).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from parallax.clean.normalise import normalise_for_matching
from parallax.ingest.feeds import read_feed
from parallax.ingest.html import read_html
from parallax.ingest.records import Item, read_file_text, read_json_file, read_jsonl_file
from parallax.ingest.sanitise import sanitise_article, sanitise_skipped
from parallax.ingest.text import read_text
from parallax.ingest.warc import read_warc
from parallax.model import Article, Skipped

if TYPE_CHECKING:
    from parallax.ingest.urls import Fetcher

URL_SCHEMES = ("http://", "https://")


@dataclass
class Reading:
    """What one run of the readers shares: the fetcher, made only when a URL needs it."""

    given: Fetcher | None = None
    made: Fetcher | None = None

    def fetcher(self) -> Fetcher:
        if self.given is not None:
            return self.given
        if self.made is None:
            from parallax.ingest.urls import Fetcher

            self.made = Fetcher()
        return self.made

    def close(self) -> None:
        if self.made is not None:
            self.made.close()
            self.made = None


FileReader = Callable[[Path, Reading], Iterator[Item]]


def read_document(
    path: Path, parse: Callable[[str, str], tuple[list[Article], list[Skipped]]]
) -> Iterator[Item]:
    """A single-article file (text, Markdown, HTML): read, decoded, parsed."""
    text = read_file_text(path)
    if isinstance(text, Skipped):
        yield text
        return
    source = str(path)
    articles, skipped = parse(text, source)
    yield from articles
    yield from skipped


def read_url_list_file(path: Path, reading: Reading) -> Iterator[Item]:
    from parallax.ingest.urls import read_url_list

    yield from read_url_list(path, reading.fetcher())


@dataclass(frozen=True)
class Format:
    """One kind of input: its extensions and its reader."""

    name: str
    suffixes: tuple[str, ...]
    read: FileReader
    uploadable: bool = True  # offered to the web upload (a URL list is not: it makes the server fetch)


FORMATS: tuple[Format, ...] = (
    Format("text", (".txt", ".md", ".markdown"), lambda p, r: read_document(p, read_text)),
    Format("web page", (".html", ".htm"), lambda p, r: read_document(p, read_html)),
    Format("JSON", (".json",), lambda p, r: read_json_file(p)),
    Format("JSON Lines", (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), lambda p, r: read_jsonl_file(p)),
    Format("feed", (".rss", ".atom", ".xml"), lambda p, r: read_feed(p)),
    Format("web archive", (".warc", ".warc.gz", ".arc", ".arc.gz"), lambda p, r: read_warc(p)),
    Format("URL list", (".urls",), read_url_list_file, uploadable=False),
)
READERS: dict[str, FileReader] = {suffix: f.read for f in FORMATS for suffix in f.suffixes}
UPLOAD_SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS if f.uploadable for s in f.suffixes)


def suffix_of(name: str) -> str:
    """The registered extension a file name ends with (the longest), or '' when none fits."""
    lower = name.lower()
    fits = [s for s in READERS if lower.endswith(s)]
    return max(fits, key=len) if fits else ""


class Read(NamedTuple):
    """One Article or Skipped, with the file or URL it came from."""

    origin: str
    item: Item


def iter_sources(sources: Iterable[str | PathLike[str]], fetcher: Fetcher | None = None) -> Iterator[Read]:
    """Every Article and Skipped of the sources, in order, each with its origin."""
    reading = Reading(given=fetcher)
    try:
        for given in sources:
            for origin, item in iter_source(given, reading):
                if isinstance(item, Article):
                    yield Read(origin, sanitise_article(item))
                else:
                    yield Read(origin, sanitise_skipped(item))
    finally:
        reading.close()


def read_sources(
    sources: Iterable[str | PathLike[str]], fetcher: Fetcher | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Read the sources into Articles; list every input that gave none, with its reason."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for _, item in iter_sources(sources, fetcher):
        (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
    unique, duplicates = drop_duplicates(articles)
    return unique, skipped + duplicates


def drop_duplicates(articles: Iterable[Article]) -> tuple[list[Article], list[Skipped]]:
    """Keep the first of articles whose normalised text is identical; skip the rest, naming the first."""
    first_source: dict[str, str] = {}
    unique: list[Article] = []
    skipped: list[Skipped] = []
    for article in articles:
        key = normalise_for_matching(article.original)
        if key in first_source:
            skipped.append(Skipped(article.source, f"duplicate of '{first_source[key]}' (same text)"))
            continue
        first_source[key] = article.source
        unique.append(article)
    return unique, skipped


def iter_source(given: str | PathLike[str], reading: Reading) -> Iterator[Read]:
    if isinstance(given, str) and not given.strip():  # Path("") is ".", the whole working folder
        yield Read(given, Skipped(given, "an empty name: give a file, folder or URL"))
        return
    if isinstance(given, str) and given.lower().startswith(URL_SCHEMES):
        from parallax.ingest.urls import fetch_items

        for item in fetch_items(given, reading.fetcher()):
            yield Read(given, item)
        return
    for path, problem in expand(Path(given)):
        if problem:
            yield Read(str(path), Skipped(str(path), problem))
            continue
        for item in read_file(path, reading):
            yield Read(str(path), item)


def read_file(path: Path, reading: Reading | None = None) -> Iterator[Item]:
    """The Articles and Skipped of one file, by the reader its extension names."""
    suffix = suffix_of(path.name)
    if not suffix:
        kind = f"'{path.suffix}'" if path.suffix else "without an extension"
        supported = ", ".join(sorted(READERS))
        yield Skipped(str(path), f"unsupported file type {kind} (supported: {supported})")
        return
    own = reading or Reading()
    try:
        yield from READERS[suffix](path, own)
    finally:
        if reading is None:
            own.close()


def expand(path: Path) -> list[tuple[Path, str]]:
    """The files under a path, in sorted order, each with a problem ('' when readable)."""
    try:
        if path.is_file():
            return [(path, "")]
        if not path.is_dir():
            if path.exists():
                return [(path, "not a regular file or folder")]
            return [(path, "no such file, folder or URL")]
    except OSError as error:  # a name too long, a loop of links, no permission to look
        return [(path, f"cannot look at it ({error.strerror or error})")]
    found: list[tuple[Path, str]] = []

    def unreadable(error: OSError) -> None:
        found.append((Path(error.filename or path), f"cannot read the folder ({error.strerror or error})"))

    for root, dirs, files in os.walk(path, onerror=unreadable):
        here = Path(root)
        hidden = sorted(d for d in dirs if d.startswith("."))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend((here / d, "hidden folder, not read") for d in hidden)
        for name in sorted(files):
            found.append((here / name, file_problem(here / name)))
    found.sort(key=lambda item: item[0].parts)
    if not found:
        return [(path, "empty folder: no files in it")]
    return found


def file_problem(path: Path) -> str:
    """Why a file found in a folder is not read ('' when it is)."""
    if path.name.startswith("."):
        return "hidden file, not read"
    if not path.is_file():
        return "not a regular file (a link to nothing, a pipe or a device)"
    return ""
