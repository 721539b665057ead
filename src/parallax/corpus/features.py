"""What story clustering knows about one article, computed once when it is clustered.

* ``lead_text``: the title and the first sentences, the only part that is embedded
  (embedding whole articles is the cost centre of corpus mode);
* ``extract_names``: capitalised names (people, places, organisations) found by a
  cheap pattern over the whole text, with their counts. spaCy's NER would be more
  exact but costs minutes per ten thousand articles; IDF weighting downstream
  makes the common capitalised words that slip through count for little;
* ``extract_terms``: the content words and word pairs of the whole text, hashed
  into a fixed number of buckets (the hashing trick), with their counts. The two
  events of one topic share their names but differ in details (numbers, places,
  victims, the action: "fired" against "hired"), which the title and lead
  vector and the names miss;
* ``content_hash``: the identity of an article's content, for idempotent ingest.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections import Counter

from parallax.text.words import stop_words

LEAD_CHARS = 480  # about 110 word pieces: title plus the first two or three sentences
MAX_NAMES = 40  # the most frequent names kept per article
TERM_BUCKETS = 1 << 22  # hashed term space: about 4 million buckets, few collisions for news
MAX_TERMS = 400  # the most frequent terms kept per article

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])")
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*[a-z0-9]|[a-z0-9]")
_NAME_RUN = re.compile(r"[A-Z][\w'’.&-]*(?:\s+(?:of|de|la|van|von|al|bin|the)?\s*[A-Z][\w'’.&-]*)*")

# Capitalised words that are not names: sentence openers, days, months, titles.
# fmt: off
_NOT_NAMES = frozenset(
    """
a an the in on at he she it they we i you this that these those but and or if when while after
before as by for from of to with his her their its our your my mr mrs ms dr sir there here what who
why how where which some many most one two three four five also according however because so monday
tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today yesterday tomorrow last next new said says image photo
copyright getty images reuters ap afp advertisement read more click share follow the-a no not all
any every each both just now then once than still yet even only
""".split()  # noqa: SIM905
)
# fmt: on


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def content_hash(title: str, text: str) -> str:
    """SHA-256 of the title and text with case and spacing normalised.

    Re-ingesting the same article (from the same or another source) gives the
    same hash, so it is stored once.
    """
    body = unicodedata.normalize(
        "NFC", normalise_space(title).casefold() + "\n" + normalise_space(text).casefold()
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def lead_text(title: str, text: str, limit: int = LEAD_CHARS) -> str:
    """The title and the opening sentences, at most about ``limit`` characters."""
    body = normalise_space(text[: limit * 4])
    parts: list[str] = []
    used = 0
    for sentence in _SENTENCE_END.split(body):
        if used and used + len(sentence) > limit:
            break
        parts.append(sentence)
        used += len(sentence) + 1
    lead = " ".join(parts)[: limit + 200]
    title = normalise_space(title)
    if title and not lead.lower().startswith(title.lower()):
        return f"{title}. {lead}" if lead else title
    return lead or title


def extract_names(text: str, limit: int = MAX_NAMES) -> dict[str, int]:
    """Capitalised names and their single words, lower-cased, with counts (the ``limit`` most frequent)."""
    counts: Counter[str] = Counter()
    for match in _NAME_RUN.finditer(text):
        words = [w.strip(".'’-&").lower() for w in match.group(0).split()]
        words = [w for w in words if len(w) > 2 and w not in _NOT_NAMES and not w.isdigit()]
        if not words:
            continue
        for word in words:
            counts[word] += 1
        if len(words) > 1:
            counts[" ".join(words)] += 1
    for year in _YEAR.findall(text):  # the years a report mentions place its event in time
        counts[year] += 1
    return dict(counts.most_common(limit))


def term_bucket(term: str) -> int:
    """A stable bucket for a term (crc32, the same in every process)."""
    return zlib.crc32(term.encode("utf-8")) % TERM_BUCKETS


def extract_terms(text: str, limit: int = MAX_TERMS) -> dict[int, int]:
    """Hashed content words and adjacent content-word pairs, with counts (the ``limit`` most frequent).

    Stop words and one- or two-letter words are dropped; numbers are kept, since
    they tell apart two events about the same people (a toll, a magnitude, a year).
    """
    stops = stop_words()
    words = [
        w.replace("’", "'").removesuffix("'s")
        for w in _WORD.findall(text.lower())
        if (len(w) > 2 or w.isdigit()) and w not in stops
    ]
    counts: Counter[str] = Counter(words)
    counts.update(a + " " + b for a, b in itertools.pairwise(words))
    buckets: Counter[int] = Counter()
    crc32 = zlib.crc32
    for term, count in counts.most_common(limit):  # hash only the terms kept (term_bucket, inlined)
        buckets[crc32(term.encode("utf-8")) % TERM_BUCKETS] += count
    return dict(buckets)
