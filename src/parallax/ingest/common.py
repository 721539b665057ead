"""Helpers every input format shares: building an Article, dates, language."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from parallax.model import Article

# Frequent English function words. A text whose words are mostly not in here is
# not English (or not prose); ordinary English prose scores 0.3 to 0.5.
# fmt: off
_ENGLISH_STOPWORDS = frozenset([
    "a", "about", "after", "against", "all", "also", "an", "and", "are", "as", "at", "be", "because",
    "been", "before", "but", "by", "can", "could", "did", "do", "does", "during", "for", "from", "had",
    "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "more",
    "most", "no", "not", "of", "on", "one", "or", "other", "our", "out", "over", "said", "says", "she",
    "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "under", "up", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "will", "with", "would", "you"
])
# fmt: on
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ENGLISH_THRESHOLD = 0.18

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")


def detect_language(text: str) -> str:
    """The main language of a text as an ISO 639-1 code ("en", "fr", ...), or "unknown".

    English prose is recognised cheaply first (enough common English function words);
    anything else goes to the language identifier (``parallax.nlp.multilingual``), which
    judges a mixed-language text by the language of most of its paragraphs. Without the
    identifier installed, a text that is not English is "unknown".
    """
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 3:
        return "unknown"
    share = sum(1 for w in words if w in _ENGLISH_STOPWORDS) / len(words)
    if share >= ENGLISH_THRESHOLD:
        return "en"
    from parallax.errors import ModelUnavailable
    from parallax.nlp.multilingual import identify_language

    try:
        return identify_language(text)
    except ModelUnavailable:
        return "unknown"


def parse_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date-like value, or None when it has no full date.

    Accepts ISO dates and timestamps ("2023-10-21T08:00:00Z"), and written dates
    with a year ("October 21, 2023", "21 Oct 2023"). A date without a year is not
    guessed.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
        except ValueError:
            return None
    if not _YEAR.search(text) or len(text) > 60:
        return None
    from dateutil import parser as dateutil_parser

    try:
        parsed = dateutil_parser.parse(text, fuzzy=True, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed.year == 1900:
        return None
    return parsed.date().isoformat()


def clean_field(value: Any) -> str | None:
    """A metadata value as a stripped string, or None when absent or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def new_article(
    source: str,
    original: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: Any = None,
    meta: dict[str, Any] | None = None,
) -> Article:
    """An Article read from ``source`` (id assigned later by ``prepare``)."""
    extra = dict(meta or {})
    iso = parse_date(published)
    if published is not None and iso is None and clean_field(published):
        extra["published_raw"] = str(published)
    return Article(
        id="",
        source=source,
        title=clean_field(title) or "",
        outlet=clean_field(outlet),
        published=iso,
        language=detect_language(original),
        original=original,
        meta=extra,
    )
