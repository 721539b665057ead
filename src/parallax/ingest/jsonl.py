"""JSON records (.json: one object or a list of objects; .jsonl: one object a line).

Fields: ``title``, ``text``, ``url``, ``outlet``, ``published``. A few common
alternative names are accepted when the standard one is absent (``body`` or
``content`` for text, ``date`` for published, ``source``/``sitename`` for
outlet). Every other field goes to ``Article.meta`` unchanged.

Sources: a single-object .json file is its path; record N of a list is
``path#N`` (counting from 1); in a .jsonl file N is the line number.
"""

from __future__ import annotations

import json
from typing import Any

from parallax.ingest.common import clean_field, new_article
from parallax.ingest.decode import repair_text
from parallax.model import Article, Skipped

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("text", "body", "content"),
    "url": ("url", "link"),
    "outlet": ("outlet", "sitename", "source"),
    "published": ("published", "date", "published_at"),
}


def read_json(data: str, source: str) -> tuple[list[Article], list[Skipped]]:
    """Articles from a .json file holding one object or a list of objects."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        return [], [Skipped(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
    if isinstance(value, dict):
        return _read_records([(source, value)])
    if isinstance(value, list):
        if not value:
            return [], [Skipped(source, "empty JSON list: no records")]
        return _read_records([(f"{source}#{i}", item) for i, item in enumerate(value, 1)])
    return [], [Skipped(source, f"JSON holds a {type(value).__name__}, not an object or a list of objects")]


def read_jsonl(data: str, source: str) -> tuple[list[Article], list[Skipped]]:
    """Articles from a .jsonl file: one JSON object a line (blank lines ignored)."""
    records: list[tuple[str, Any]] = []
    skipped: list[Skipped] = []
    for number, line in enumerate(data.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}#{number}"
        try:
            records.append((where, json.loads(line)))
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(where, f"invalid JSON on line {number}, column {exc.colno}: {exc.msg}"))
    articles, more = _read_records(records)
    if not records and not skipped:
        more.append(Skipped(source, "empty file: no JSON lines"))
    return articles, _in_order(skipped + more)


def _read_records(records: list[tuple[str, Any]]) -> tuple[list[Article], list[Skipped]]:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for where, record in records:
        if not isinstance(record, dict):
            skipped.append(Skipped(where, f"record is a {type(record).__name__}, not a JSON object"))
            continue
        article = record_to_article(record, where)
        if article is None:
            skipped.append(Skipped(where, "record has no text (field 'text' missing or empty)"))
        else:
            articles.append(article)
    return articles, skipped


def record_to_article(record: dict[str, Any], source: str) -> Article | None:
    """An Article from one JSON object, or None when it carries no text."""
    values: dict[str, Any] = {}
    used: set[str] = set()
    for name, keys in FIELD_NAMES.items():
        for key in keys:
            if key in record and clean_field(record[key]) is not None:
                values[name] = record[key]
                used.add(key)
                break
    text = values.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    meta = {k: v for k, v in record.items() if k not in used}
    if "url" in values:
        meta["url"] = str(values["url"])
    title = values.get("title")
    return new_article(
        source,
        repair_text(text),
        title=str(title) if title is not None else None,
        outlet=values.get("outlet"),
        published=values.get("published"),
        meta=meta,
    )


def _in_order(skipped: list[Skipped]) -> list[Skipped]:
    def key(item: Skipped) -> int:
        _, _, number = item.source.rpartition("#")
        return int(number) if number.isdigit() else 0

    return sorted(skipped, key=key)
