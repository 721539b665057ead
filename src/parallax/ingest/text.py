"""Plain text and Markdown files (.txt, .md): one article each.

The whole decoded file is the article's ``original``. A first short line that
does not end like a sentence is taken as the title (a Markdown ``# heading``
always is); the cleaning stage then lists that line as removed with reason
"title", so it is not analysed as body text.
"""

from __future__ import annotations

import re

from parallax.clean.rules import ends_in_function_word
from parallax.ingest.common import new_article
from parallax.model import Article, Skipped

TITLE_MAX_WORDS = 25
TITLE_MAX_CHARS = 200
_SENTENCE_END = re.compile(r"[.!,;:…]\s*$")
_TRAILING_CLOSERS = "\"'”’»)]*_ "
_MD_HEADING = re.compile(r"^#{1,6}\s+")


def read_text(data: str, source: str) -> tuple[list[Article], list[Skipped]]:
    """One Article from a text or Markdown file's decoded contents."""
    if not data.strip():
        return [], [Skipped(source, "empty file")]
    return [new_article(source, data, title=find_title(data))], []


def find_title(text: str) -> str:
    """The title, when the first non-blank line looks like one; else ''."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ""
    line = lines[first].strip()
    rest = "\n".join(lines[first + 1 :]).strip()
    if not rest:
        return ""  # a one-line file is all body
    if _MD_HEADING.match(line):
        return _MD_HEADING.sub("", line).strip()
    following = lines[first + 1] if first + 1 < len(lines) else ""
    if following.strip()[:1].islower():
        return ""  # the paragraph goes on: a hard-wrapped first line, not a title
    if looks_like_title(line):
        return line
    return ""


def looks_like_title(line: str) -> bool:
    """Short, and not ending the way a sentence or a clause ends."""
    words = line.split()
    if not words or len(words) > TITLE_MAX_WORDS or len(line) > TITLE_MAX_CHARS:
        return False
    bare = line.rstrip(_TRAILING_CLOSERS)
    if not bare or _SENTENCE_END.search(bare) or ends_in_function_word(bare):
        return False
    # A line that opens with an outlet tag or dateline is body text, not a title.
    return not re.match(r"^\s*(\(|date\s+\d)", line, re.IGNORECASE)
