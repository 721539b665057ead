"""Reading a corpus back out: one story's analysis (cached), and every story as JSONL or Parquet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parallax.corpus.store import Store
from parallax.errors import StoreError
from parallax.model import Report
from parallax.options import Options

EXPORT_FORMATS = ("jsonl", "parquet")


def analyse_story(
    store: Store, story_id: str, options: Options | None = None, *, refresh: bool = False
) -> Report:
    """The full analysis of a stored story with ``options``: from the cache when one was made for
    the same members, the same options and this version of Parallax; otherwise analysed anew (reusing the
    vectors and parses of member texts analysed before, ``parallax.corpus.text_cache``) and cached."""
    if not refresh:
        cached = store.load_analysis(story_id, options)
        if cached is not None:
            return cached
    import parallax
    from parallax.corpus.text_cache import StoreCache

    articles = store.get_story_articles(story_id)
    report = parallax.analyze(articles, options, cache=StoreCache(store))
    store.save_analysis(story_id, report, options)
    return report


def story_rows(store: Store, *, with_analyses: bool = True) -> Iterator[dict[str, Any]]:
    """One plain row per live story: the listing fields, its members, its history, its cached analysis."""
    for record in store.story_records():
        members = store.story_members(record.id)
        row = record.to_dict()
        row["articles"] = [
            {
                "id": a.key,
                "outlet": a.outlet,
                "published": a.published,
                "title": a.title,
                "url": a.url,
                "source": a.source,
                "content_hash": a.content_hash,
            }
            for a in members
        ]
        row["history"] = store.story_history(record.id)
        row["analysis"] = store.load_analysis_dict(record.id) if with_analyses else None
        yield row


def export_corpus(store: Store, out: Path, fmt: str) -> int:
    """Write every story (with its cached analysis, if any) to ``out``; returns the story count."""
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format '{fmt}': use one of {', '.join(EXPORT_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if fmt == "jsonl":
        partial = out.with_name(out.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for row in story_rows(store):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        partial.replace(out)
        return count
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "title",
            "size",
            "outlets",
            "first",
            "last",
            "article_ids",
            "articles",
            "history",
            "analysis",
        )
    }
    for row in story_rows(store):
        for key in ("id", "title", "size", "outlets", "first", "last", "article_ids"):
            columns[key].append(row[key])
        for key in ("articles", "history", "analysis"):
            columns[key].append(None if row[key] is None else json.dumps(row[key], ensure_ascii=False))
        count += 1
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("title", pa.string()),
            ("size", pa.int64()),
            ("outlets", pa.list_(pa.string())),
            ("first", pa.string()),
            ("last", pa.string()),
            ("article_ids", pa.list_(pa.string())),
            ("articles", pa.string()),  # JSON
            ("history", pa.string()),  # JSON
            ("analysis", pa.string()),  # JSON report, null when not analysed yet
        ]
    )
    pq.write_table(pa.table(columns, schema=schema), out)
    return count
