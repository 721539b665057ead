"""Making what a reader produced safe to analyse and to store.

Every Article and Skipped that leaves a reader passes through here, so that no
input can carry something the rest of Parallax (the analysis, the SQLite or
PostgreSQL store, the terminal) cannot hold:

* lone surrogates (``"\\ud800"`` from a JSON escape or a file name) and NUL
  characters are replaced with U+FFFD;
* an article's text is capped at ``MAX_TEXT_CHARS``, every other string field
  at ``MAX_FIELD_CHARS``.

Each change is said in ``Article.meta["input_notes"]``, so that a reader of the
report or the corpus knows the text is not exactly what the source held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from parallax.model import Article, Skipped

MAX_TEXT_CHARS = 1_000_000
MAX_FIELD_CHARS = 10_000
MAX_DEPTH = 32  # nesting of arrays and objects inside one record
NOTES_KEY = "input_notes"
_INVALID = re.compile("[\ud800-\udfff\x00]")
REPLACEMENT = "\ufffd"


@dataclass
class Repairs:
    """What was changed in one article's fields, to be told in its notes."""

    replaced: int = 0
    capped: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        out: list[str] = []
        if self.replaced:
            out.append(
                f"{self.replaced} invalid character{'s' if self.replaced != 1 else ''} "
                "(lone surrogates or NUL) replaced with U+FFFD"
            )
        out.extend(self.capped)
        return out


def replace_invalid(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates and NUL characters replaced, and how many there were."""
    return _INVALID.subn(REPLACEMENT, text)


def replace_invalid_in(value: Any) -> tuple[Any, int]:
    """A parsed JSON value with invalid characters replaced in every string (keys too), and how many."""
    if isinstance(value, str):
        return replace_invalid(value)
    total = 0
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            key, n = replace_invalid(str(key))
            out[key], m = replace_invalid_in(item)
            total += n + m
        return out, total
    if isinstance(value, list):
        items = []
        for item in value:
            fixed, n = replace_invalid_in(item)
            items.append(fixed)
            total += n
        return items, total
    return value, 0


def note_replaced(count: int) -> str:
    return Repairs(replaced=count).notes()[0]


def clean_text(text: str, name: str, limit: int, repairs: Repairs) -> str:
    text, count = replace_invalid(text)
    repairs.replaced += count
    if len(text) > limit:
        repairs.capped.append(f"field '{name}' cut to its first {limit:,} of {len(text):,} characters")
        text = text[:limit]
    return text


def clean_value(value: Any, name: str, repairs: Repairs) -> Any:
    """A metadata value with every string in it cleaned (keys too)."""
    if isinstance(value, str):
        return clean_text(value, name, MAX_FIELD_CHARS, repairs)
    if isinstance(value, dict):
        return {
            clean_text(str(k), name, MAX_FIELD_CHARS, repairs): clean_value(v, f"{name}.{k}", repairs)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_value(v, name, repairs) for v in value]
    return value


def sanitise_article(article: Article) -> Article:
    """``article`` with its strings made valid and bounded; changes listed in its meta."""
    repairs = Repairs()
    article.original = clean_text(article.original, "text", MAX_TEXT_CHARS, repairs)
    article.title = clean_text(article.title, "title", MAX_FIELD_CHARS, repairs)
    article.source = clean_text(article.source, "source", MAX_FIELD_CHARS, repairs)
    if article.outlet is not None:
        article.outlet = clean_text(article.outlet, "outlet", MAX_FIELD_CHARS, repairs)
    article.meta = clean_value(article.meta, "meta", repairs)
    notes = repairs.notes()
    if notes:
        earlier = article.meta.get(NOTES_KEY)
        article.meta[NOTES_KEY] = (earlier if isinstance(earlier, list) else []) + notes
    return article


def sanitise_skipped(skipped: Skipped) -> Skipped:
    """A Skipped whose source and reason can be printed and stored (reasons may quote input)."""
    source, _ = replace_invalid(skipped.source)
    reason, _ = replace_invalid(skipped.reason)
    if source == skipped.source and reason == skipped.reason:
        return skipped
    return Skipped(source[:MAX_FIELD_CHARS], reason[:MAX_FIELD_CHARS])


def nesting_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest
