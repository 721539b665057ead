"""Web archives (.warc, .warc.gz) through warcio; HTML responses go through trafilatura.

Only ``response`` records with an HTML body are articles; other records
(requests, metadata, images) are passed over without a message. A page without
article text is reported with its URL. A truncated or damaged archive yields
every record read before the damage, then one error saying where it stopped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parallax.ingest.decode import UnreadableInput, decode_bytes
from parallax.ingest.html import read_html
from parallax.ingest.records import Item
from parallax.model import Skipped

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_RECORD_BYTES = 20_000_000


def is_warc_path(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_warc(path: Path) -> Iterator[Item]:
    """One Article or Skipped per HTML response record of a WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    source = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(source, f"cannot open the archive ({exc.strerror or exc})")
        return
    read = 0
    size = os.fstat(handle.fileno()).st_size
    with handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                check_record(record)
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or f"record {read + 1}"
                http = record.http_headers
                kind = (http.get_header("Content-Type") if http is not None else "") or ""
                if "html" not in kind.lower():
                    continue
                read += 1
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                yield from html_record(body, url, source, read, record.rec_headers.get_header("WARC-Date"))
        except Exception as exc:  # warcio raises several kinds on truncated or damaged input
            yield damaged(
                source, read, int(getattr(iterator, "offset", 0) or 0), f"{type(exc).__name__}: {exc}"
            )
            return
        stopped = int(getattr(iterator, "offset", size) or 0)
        if stopped < size:  # warcio ends quietly on a cut-off gzip member: the bytes left over tell
            yield damaged(source, read, stopped, f"{size - stopped} bytes at the end could not be read")
        elif read == 0:
            what = "empty file" if size == 0 else "no HTML response records in the archive"
            yield Skipped(source, f"{what}: no web pages to read")


def check_record(record: Any) -> None:
    """Raise ValueError for what warcio parsed leniently but is no archive record at all."""
    if record.format == "arc":
        uri = str(record.rec_headers.get_header("uri") or "")
        if not (uri.startswith(("filedesc:", "dns:")) or "://" in uri):
            raise ValueError(f"not a WARC or ARC record (it starts with {uri[:20]!r})")
    elif not str(record.rec_headers.protocol or "").upper().startswith("WARC/"):
        raise ValueError("not a WARC record")


def damaged(source: str, read: int, offset: int, why: str) -> Skipped:
    return Skipped(
        source,
        f"the archive is truncated or damaged near byte {offset} ({why}); "
        f"the {read} HTML records before it were read",
    )


def html_record(body: bytes, url: str, source: str, number: int, warc_date: str | None) -> Iterator[Item]:
    where = f"{source}#{url}"
    if len(body) > MAX_RECORD_BYTES:
        yield Skipped(where, f"record {number}: the page is over {MAX_RECORD_BYTES} bytes; not read")
        return
    try:
        text = decode_bytes(body)
    except UnreadableInput as exc:
        yield Skipped(where, f"record {number}: {exc}")
        return
    articles, skipped = read_html(text, url)
    for article in articles:
        article.source = where
        article.meta.setdefault("url", url)
        if article.published is None and warc_date:
            article.meta["crawled"] = warc_date
        yield article
    for skip in skipped:
        yield Skipped(where, f"record {number}: {skip.reason}")
