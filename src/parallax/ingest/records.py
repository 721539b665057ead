"""Article records in JSON: one vocabulary for .json, .jsonl, .jsonl.gz and .ndjson.

A record is a JSON object. These fields are understood (the first name present
with a value wins; the others are alternatives):

=========== ======================================
``text``    ``text``, ``body``, ``content``
``title``   ``title``, ``headline``
``url``     ``url``, ``link``
``outlet``  ``outlet``, ``sitename``, ``source``
``published`` ``published``, ``date``, ``published_at``
``id``      ``id`` (kept as ``meta["input_id"]``)
=========== ======================================

Every other field is kept in ``Article.meta`` unchanged. A record without text
is skipped with its reason, as is a line that is not JSON, a JSON value that
is not an object, or a record nested more than ``MAX_DEPTH`` levels deep.

Sources: a single-object .json file is its path; record N of a list is
``path#N`` (counting from 1); in a JSON Lines file N is the line number.
JSON Lines files are read as a stream (a gzip file too): a truncated gzip file
gives what was readable, then one Skipped saying where the stream broke.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from parallax.ingest.common import clean_field, new_article
from parallax.ingest.decode import UnreadableInput, decode_bytes, repair_text
from parallax.ingest.sanitise import MAX_DEPTH, NOTES_KEY, nesting_depth, note_replaced, replace_invalid_in
from parallax.model import Article, Skipped

Item = Article | Skipped

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "outlet": ("outlet", "sitename", "source"),
    "published": ("published", "date", "published_at"),
    "id": ("id",),
}
MAX_LINE_BYTES = 20_000_000  # one JSON line; longer lines are skipped unread
MAX_FILE_BYTES = 200_000_000  # a whole .json file, read into memory
_BOM = b"\xef\xbb\xbf"


def read_json(data: str, source: str) -> Iterator[Item]:
    """Articles from a .json document holding one object or a list of objects."""
    value, problem = load_json(data)
    if problem:
        yield Skipped(source, problem)
        return
    if isinstance(value, dict):
        yield from read_record(value, source)
    elif isinstance(value, list):
        if not value:
            yield Skipped(source, "empty JSON list: no records")
        for number, item in enumerate(value, 1):
            yield from read_record(item, f"{source}#{number}")
    else:
        yield Skipped(source, f"JSON holds a {json_kind(value)}, not an object or a list of objects")


def read_file_text(path: Path) -> str | Skipped:
    """A whole file's text, decoded, or a Skipped saying why it was not read (too large, unreadable)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Skipped(
                source, f"the file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; not read"
            )
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(source, f"cannot read the file ({exc.strerror or exc})")
    try:
        return decode_bytes(data)
    except UnreadableInput as exc:
        return Skipped(source, str(exc))


def read_json_file(path: Path) -> Iterator[Item]:
    """The records of a .json file."""
    text = read_file_text(path)
    if isinstance(text, Skipped):
        yield text
        return
    yield from read_json(text, str(path))


def read_jsonl_file(path: Path) -> Iterator[Item]:
    """One Article or Skipped per non-blank line of a JSON Lines file (gzip or not)."""
    source = str(path)
    try:
        handle = open_lines(path)
    except OSError as exc:
        yield Skipped(source, f"cannot open the file ({exc.strerror or exc})")
        return
    with handle:
        yield from read_lines(handle, source)


def read_jsonl(data: bytes, source: str) -> Iterator[Item]:
    """The same as ``read_jsonl_file`` over bytes in memory (a fetched body, a test case)."""
    import io

    yield from read_lines(io.BytesIO(data), source)


def read_lines(handle: IO[bytes], source: str) -> Iterator[Item]:
    line_no = 0
    seen = False
    try:
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            line_no += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                size = len(raw) + skip_line(handle)
                seen = True
                yield Skipped(
                    f"{source}#{line_no}",
                    f"line {line_no}: over the {MAX_LINE_BYTES:,}-byte limit of a line "
                    f"({size:,} bytes); not read",
                )
                continue
            if line_no == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if not raw.strip():
                continue
            seen = True
            yield from parse_record_line(raw, source, line_no)
    except (EOFError, zlib.error, OSError) as exc:  # gzip.BadGzipFile is an OSError
        yield Skipped(
            source,
            f"the file is truncated or damaged after line {line_no} ({type(exc).__name__}: {exc}); "
            f"the {line_no} lines before it were read",
        )
        return
    if not seen:
        yield Skipped(source, "empty file: no JSON lines")


def skip_line(handle: IO[bytes]) -> int:
    """Read past the rest of an over-long line; the number of bytes passed over."""
    passed = 0
    while chunk := handle.readline(1_000_000):
        passed += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return passed


def parse_record_line(raw: bytes, source: str, line_no: int) -> Iterator[Item]:
    """The Article (or Skipped) of one JSON line."""
    where = f"{source}#{line_no}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:  # an old export in a legacy encoding: detect it for this line
            text = decode_bytes(raw)
        except UnreadableInput:
            yield Skipped(where, f"line {line_no}: not UTF-8 text (byte {exc.start})")
            return
    value, problem = load_json(text)
    if problem:
        yield Skipped(where, f"line {line_no}: {problem}")
        return
    yield from read_record(value, where)


def load_json(text: str) -> tuple[Any, str]:
    """The parsed value and '', or None and why the text is not usable JSON."""
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if exc.lineno == 1 else f"line {exc.lineno}, column {exc.colno}"
        return None, f"invalid JSON ({exc.msg} at {at})"
    except RecursionError:
        return None, "invalid JSON (arrays or objects nested too deeply to read)"
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return None, f"invalid JSON ({exc})"


def json_kind(value: Any) -> str:
    kinds = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "number")


def read_record(record: Any, source: str) -> Iterator[Item]:
    """The Article of one parsed record, or the reason it gives none."""
    if not isinstance(record, dict):
        yield Skipped(source, f"record is a JSON {json_kind(record)}, not an object with article fields")
        return
    depth = nesting_depth(record)
    if depth > MAX_DEPTH:
        yield Skipped(source, f"record nests objects or lists more than {MAX_DEPTH} levels deep; not read")
        return
    record, replaced = replace_invalid_in(record)
    article = record_to_article(record, source)
    if article is not None and replaced:
        article.meta[NOTES_KEY] = [note_replaced(replaced)]
    if article is None:
        ident = clean_field(record.get("id"))
        named = f"; id {ident[:80]}" if ident else ""
        texts = ", ".join(f"'{k}'" for k in FIELD_NAMES["text"])
        yield Skipped(source, f"no article text (none of the fields {texts} holds text{named})")
        return
    yield article


def pick_fields(record: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The vocabulary's values found in a record, and the record keys they came from."""
    values: dict[str, Any] = {}
    used: set[str] = set()
    for name, keys in FIELD_NAMES.items():
        for key in keys:
            if key in record and clean_field(record[key]) is not None:
                values[name] = record[key]
                used.add(key)
                break
    return values, used


def record_to_article(record: dict[str, Any], source: str) -> Article | None:
    """An Article from one JSON object, or None when it carries no text."""
    values, used = pick_fields(record)
    text = values.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    meta = {k: v for k, v in record.items() if k not in used}
    if "url" in values:
        meta["url"] = str(values["url"])
    if "id" in values:
        meta["input_id"] = clean_field(values["id"])
    title = values.get("title")
    outlet = values.get("outlet")
    return new_article(
        source,
        repair_text(text),
        title=repair_text(str(title)) if title is not None else None,
        outlet=str(outlet) if outlet is not None else None,
        published=values.get("published"),
        meta=meta,
    )


def open_lines(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")
