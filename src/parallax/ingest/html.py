"""Web pages (.html, .htm): main text and metadata through trafilatura.

The article's ``original`` is the main text trafilatura extracts (paragraphs on
their own lines); offsets point into that text, not into the markup. Metadata:
title, date (-> published), sitename (-> outlet) and url (-> meta["url"]).
"""

from __future__ import annotations

from typing import Any

from parallax.ingest.common import clean_field, new_article
from parallax.model import Article, Skipped

# A page whose main text is shorter than this holds navigation, not an article.
MIN_WORDS = 5


def read_html(data: str, source: str) -> tuple[list[Article], list[Skipped]]:
    """One Article from a web page's decoded markup."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=True, include_images=False
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return [], [Skipped(source, f"unreadable HTML ({type(exc).__name__}: {exc})")]
    fields: dict[str, Any] = {}
    if doc is not None:
        fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = clean_field(fields.get("text")) or ""
    words = len(text.split())
    if words < MIN_WORDS:
        found = f" (only {words} word{'s' if words != 1 else ''})" if words else ""
        return [], [Skipped(source, f"no article text found in the HTML page{found}")]
    meta: dict[str, Any] = {}
    for key in ("url", "author", "description", "hostname"):
        value = clean_field(fields.get(key))
        if value:
            meta[key] = value
    article = new_article(
        source,
        text,
        title=fields.get("title"),
        outlet=fields.get("sitename") or None,
        published=fields.get("date"),
        meta=meta,
    )
    return [article], []
