"""RSS and Atom feeds (feedparser), from local files or URLs.

Each entry becomes one Article: its title, link (``meta["url"]``), date and
body. The body is the entry's full content where the feed carries it, else its
summary, with markup removed. An entry without any text is reported, not
dropped. A file that is not a feed at all is one clear error; a feed with
markup errors that still yields entries is read, and the problem is noted once.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parallax.ingest.common import clean_field, new_article
from parallax.ingest.records import Item
from parallax.ingest.sanitise import NOTES_KEY
from parallax.model import Article, Skipped

if TYPE_CHECKING:
    from parallax.ingest.urls import Fetcher

FEED_SUFFIXES = (".rss", ".atom", ".xml")
# What feedparser raised on mutated feeds: bad character references ("&#99999999;"),
# lone surrogates it cannot encode, and markup its parsers give up on.
FEEDPARSER_FAILURES = (ValueError, UnicodeError, LookupError, TypeError, RecursionError, AssertionError)
_TAG = re.compile(r"<[^>]+>")
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,32}|[0-9]{1,40});")
_HIDDEN = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote)\b[^>]*>", re.IGNORECASE)
_BLANKS = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t]+")
MIN_WORDS = 5


def html_to_text(markup: str) -> str:
    """Plain text from a feed's HTML snippet (paragraphs kept as blank-line breaks)."""
    text = _BLOCK.sub("\n\n", _HIDDEN.sub("", markup))
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    return _BLANKS.sub("\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return clean_field(entry.get("published") or entry.get("updated"))


def entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return html_to_text(best if len(best) >= len(summary) else summary)


def repair_char_refs(data: bytes) -> tuple[bytes, int]:
    """``data`` with numeric character references to no valid character made U+FFFD, and how many.

    feedparser turns ``&#99999999;`` or ``&#xD800;`` into an exception that loses the whole feed.
    """
    count = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal count
        digits = match.group(1)
        value = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            count += 1
            return b"&#xFFFD;"
        return match.group(0)

    return _CHAR_REF.sub(fix, data), count


def read_feed_bytes(data: bytes, source: str, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """One Article or Skipped per entry of a feed held in memory."""
    import feedparser

    data, repaired = repair_char_refs(data)
    notes = []
    if repaired:
        notes.append(
            f"the feed had {repaired} character reference{'s' if repaired != 1 else ''} to no valid "
            "character (a surrogate or beyond U+10FFFF); each was read as U+FFFD"
        )
    try:
        parsed = feedparser.parse(data)
    except FEEDPARSER_FAILURES as exc:  # feedparser lets these through on some broken feeds
        yield Skipped(source, f"not a readable RSS or Atom feed ({type(exc).__name__}: {exc})")
        return
    entries = list(parsed.get("entries", []))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        why = f" ({type(problem).__name__}: {problem})" if problem else ""
        if parsed.get("version") or parsed.get("feed", {}).get("title"):
            yield Skipped(source, f"the feed has no entries{why}")
        else:
            yield Skipped(source, f"not a readable RSS or Atom feed{why}")
        return
    if problem:
        yield Skipped(
            source,
            f"the feed is malformed ({type(problem).__name__}: {problem}); its {len(entries)} "
            "readable entries were read",
        )
    outlet = clean_field(parsed.get("feed", {}).get("title"))
    for number, entry in enumerate(entries, 1):
        try:
            item = read_entry(entry, number, source, outlet)
            if notes and isinstance(item, Article):
                item.meta[NOTES_KEY] = list(notes)
            yield item
        except FEEDPARSER_FAILURES as exc:  # a field feedparser left in a shape it never should
            yield Skipped(f"{source}#{number}", f"entry {number}: unreadable ({type(exc).__name__}: {exc})")


def read_entry(entry: Any, number: int, source: str, outlet: str | None) -> Item:
    """The Article of one feed entry, or why it has none."""
    link = clean_field(entry.get("link"))
    where = f"entry {number}" + (f" ({link})" if link else "")
    body = entry_body(entry)
    title = html.unescape(str(entry.get("title", "") or ""))
    if len(body.split()) < MIN_WORDS:
        return Skipped(f"{source}#{number}", f"{where}: no article text (no content or summary)")
    meta: dict[str, Any] = {"feed": source}
    ident = clean_field(entry.get("id"))
    if ident:
        meta["input_id"] = ident
    if link:
        meta["url"] = link
    return new_article(
        f"{source}#{number}", body, title=title, outlet=outlet, published=entry_date(entry), meta=meta
    )


def read_feed(path: Path) -> Iterator[Item]:
    """The entries of a feed file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read the feed ({exc.strerror or exc})")
        return
    yield from read_feed_bytes(data, str(path))
