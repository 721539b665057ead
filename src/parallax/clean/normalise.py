"""Normalisation for matching, and offset maps between clean and original text.

``normalise_for_matching`` builds a *new* string used only to compare texts
(quote marks, backticks, dashes and spacing unified, NFKC); it never changes
what is displayed. Displayed text is always a slice of ``Article.original``.

``Article.text`` is the kept spans of the original joined by ``CLEAN_SEPARATOR``
(a blank line). ``map_clean_offset`` turns an offset into ``Article.text``
back into an offset into ``Article.original``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from parallax.model import Span

CLEAN_SEPARATOR = "\n\n"

# Characters that stand for a single quote, a double quote or a dash in news text.
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4`\u02bc\u02bb"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

_SINGLE = re.compile("[" + re.escape(_SINGLE_QUOTES) + "]")
_DOUBLE = re.compile("[" + re.escape(_DOUBLE_QUOTES) + "]")
_DASH = re.compile("[" + re.escape(_DASHES) + "]")
_SPACE = re.compile(r"\s+")


def normalise_for_matching(text: str) -> str:
    """A comparison key for ``text``: NFKC, one kind of quote and dash, single spaces.

    Returns a new string; the input is never modified and the result is never shown.
    """
    folded = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if not folded.isascii():
        folded = _DASH.sub("-", _DOUBLE.sub('"', _SINGLE.sub("'", folded)))
    else:
        folded = folded.replace("`", "'")
    return _SPACE.sub(" ", folded).strip()


def join_spans(spans: Sequence[Span]) -> str:
    """The clean text for a list of kept spans: their texts joined by a blank line."""
    return CLEAN_SEPARATOR.join(span.text for span in spans)


def map_clean_offset(spans: Sequence[Span], offset: int) -> int:
    """Map an offset into the clean text (``join_spans(spans)``) to an offset into the original.

    An offset that falls inside a separator maps to the end of the span before it.
    Raises ValueError when the offset lies outside the clean text.
    """
    if offset < 0:
        raise ValueError(f"offset {offset} is negative")
    position = 0
    for i, span in enumerate(spans):
        length = span.end - span.start
        if offset <= position + length:
            return span.start + (offset - position)
        position += length
        if i < len(spans) - 1:
            if offset < position + len(CLEAN_SEPARATOR):
                return span.end
            position += len(CLEAN_SEPARATOR)
    if not spans and offset == 0:
        return 0
    raise ValueError(f"offset {offset} is beyond the clean text ({position} characters)")


def map_clean_range(spans: Sequence[Span], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) range of the clean text to the original text."""
    return map_clean_offset(spans, start), map_clean_offset(spans, end)
