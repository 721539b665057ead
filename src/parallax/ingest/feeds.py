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
from parallax.ingest.records import Item, RecordError

if TYPE_CHECKING:
    from parallax.ingest.urls import Fetcher

FEED_SUFFIXES = (".rss", ".atom", ".xml")
_TAG = re.compile(r"<[^>]+>")
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


def read_feed_bytes(data: bytes, source: str, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """One Article or RecordError per entry of a feed held in memory."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries", []))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        why = f" ({type(problem).__name__}: {problem})" if problem else ""
        if parsed.get("version") or parsed.get("feed", {}).get("title"):
            yield RecordError(source, None, f"the feed has no entries{why}")
        else:
            yield RecordError(source, None, f"not a readable RSS or Atom feed{why}")
        return
    if problem:
        yield RecordError(
            source,
            None,
            f"the feed is malformed ({type(problem).__name__}: {problem}); its {len(entries)} "
            "readable entries were read",
        )
    outlet = clean_field(parsed.get("feed", {}).get("title"))
    for number, entry in enumerate(entries, 1):
        link = clean_field(entry.get("link"))
        where = f"entry {number}" + (f" ({link})" if link else "")
        body = entry_body(entry)
        title = html.unescape(entry.get("title", "") or "")
        if len(body.split()) < MIN_WORDS:
            yield RecordError(source, where, "the entry has no article text (no content or summary)")
            continue
        meta: dict[str, Any] = {"feed": source}
        ident = clean_field(entry.get("id"))
        if ident:
            meta["input_id"] = ident
        if link:
            meta["url"] = link
        yield new_article(
            f"{source}#{number}", body, title=title, outlet=outlet, published=entry_date(entry), meta=meta
        )


def read_feed(path: Path) -> Iterator[Item]:
    """The entries of a feed file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield RecordError(str(path), None, f"cannot read the feed ({exc.strerror or exc})")
        return
    yield from read_feed_bytes(data, str(path))
