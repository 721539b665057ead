"""Words: tokenising, stemming and the one stop-word list.

Every stage that compares words goes through here, so a word is counted the
same way in every section of a report. Stems come from the Snowball English
(Porter 2) stemmer; the stop words are spaCy's English list.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

# A word: letters or digits, with inner apostrophes ("don't", "O’Neill").
WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)
# The one stop-word list: English function words (spaCy's list).
STOP_WORDS: frozenset[str] = frozenset(_SPACY_STOP_WORDS)
# Words that report speech rather than state a fact; comparisons of facts leave them out too.
REPORTING_WORDS: frozenset[str] = frozenset({"said", "says", "say", "told", "according"})

_STEMMER = snowballstemmer.stemmer("english")


def normalise_word(word: str) -> str:
    """Lower case with apostrophe variants unified, for matching only."""
    return word.lower().replace("’", "'").replace("`", "'")


def tokenize_words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return [normalise_word(m.group(0)) for m in WORD.finditer(text)]


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word: "hostages" -> "hostag", "released" -> "releas".

    A possessive "'s" is dropped first; stems are for matching, not for display.
    """
    word = normalise_word(word)
    if word.endswith("'s"):
        word = word[:-2]
    return str(_STEMMER.stemWord(word))


def is_stop_word(word: str) -> bool:
    """Whether a word (any case, any apostrophe) is an English function word."""
    return normalise_word(word) in STOP_WORDS


def content_words(text: str, *, extra_stops: frozenset[str] = frozenset(), min_length: int = 1) -> list[str]:
    """The normalised words of a text that are not stop words (nor ``extra_stops``), in order."""
    return [
        w
        for w in tokenize_words(text)
        if len(w) >= min_length and w not in STOP_WORDS and w not in extra_stops
    ]
