"""JSON Lines of articles (.jsonl, .jsonl.gz), read as a stream for corpus ingest.

One article per line, with the fields ``id``, ``outlet``, ``date``, ``title``,
``url`` and ``text`` (``published`` and ``source`` are accepted for ``date`` and
``outlet``); every other field is kept in ``Article.meta``. The input id goes
to ``meta["input_id"]``.

Readers yield ``Article`` or ``RecordError`` items, one per record, so that a
bad line costs that line only and is reported with its line number and reason.
A truncated gzip file yields what was readable, then an error saying where the
stream broke.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from parallax.ingest.common import clean_field, new_article
from parallax.ingest.decode import repair_text
from parallax.model import Article

KNOWN = ("id", "outlet", "source", "date", "published", "title", "url", "text")


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read, and why."""

    source: str  # the file or URL
    record: str | None  # line number, entry or record id within it; None for the whole source
    reason: str


Item = Article | RecordError


def is_records_path(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))


def open_lines(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_records(path: Path) -> Iterator[Item]:
    """One Article or RecordError per non-blank line of a JSONL(.gz) file."""
    source = str(path)
    try:
        handle = open_lines(path)
    except OSError as exc:
        yield RecordError(source, None, f"cannot open the file ({exc.strerror or exc})")
        return
    line_no = 0
    with handle:
        try:
            for raw in handle:
                line_no += 1
                if not raw.strip():
                    continue
                yield parse_record_line(raw, source, line_no)
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            yield RecordError(
                source,
                f"line {line_no + 1}",
                f"the file is truncated or damaged after line {line_no} ({type(exc).__name__}: {exc}); "
                f"the {line_no} lines before it were read",
            )


def read_records_text(data: str, source: str) -> Iterator[Item]:
    """The same as ``read_records`` over text already in memory (a fetched body)."""
    for line_no, raw in enumerate(io.StringIO(data), 1):
        if raw.strip():
            yield parse_record_line(raw.encode("utf-8"), source, line_no)


def parse_record_line(raw: bytes, source: str, line_no: int) -> Item:
    where = f"line {line_no}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RecordError(source, where, f"not UTF-8 text (byte {exc.start})")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return RecordError(source, where, f"malformed JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return RecordError(
            source, where, f"a JSON {type(record).__name__}, not an object with article fields"
        )
    return record_to_article(record, f"{source}#{line_no}", source, where)


def record_to_article(record: dict[str, Any], source: str, file: str, where: str) -> Item:
    """An Article from one record's fields, or the reason it has none."""
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        ident = clean_field(record.get("id"))
        label = f"{where} (id {ident})" if ident else where
        return RecordError(file, label, "no article text (the 'text' field is missing or empty)")
    meta: dict[str, Any] = {k: v for k, v in record.items() if k not in KNOWN}
    input_id = clean_field(record.get("id"))
    if input_id:
        meta["input_id"] = input_id
    url = clean_field(record.get("url"))
    if url:
        meta["url"] = url
    published = record.get("date", record.get("published"))
    return new_article(
        source,
        repair_text(body),
        title=repair_text(str(record.get("title") or "")),
        outlet=record.get("outlet") or record.get("source"),
        published=published,
        meta=meta,
    )
