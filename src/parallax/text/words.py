"""Words: tokenising, stemming and the one stop-word list.

Every stage that compares words goes through here, so a word is counted the
same way in every section of a report. Stems come from the Snowball English
(Porter 2) stemmer; the stop words are spaCy's English list, read on first use
(importing spaCy takes seconds, and corpus mode tokenises without it).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

# A word: letters or digits, with inner apostrophes ("don't", "O’Neill").
WORD = re.compile(r"[^\W_]+(?:['’`][^\W_]+)*", re.UNICODE)
# Words that report speech rather than state a fact; comparisons of facts leave them out too.
REPORTING_WORDS: frozenset[str] = frozenset({"said", "says", "say", "told", "according"})
# Words of the stop list that still tell two facts apart: verbs ("made", "give"), places and
# directions ("back", "down", "across"), order ("first", "last") and limits ("never",
# "without", "only"). Dropping them joins statements of different facts.
FACT_WORDS: frozenset[str] = frozenset(
    """back call done down empty front full get give go keep last made make move name off out part put
    see serious show side take top up used using first third bottom amount against between never
    without only again already always still once together until within across along among around
    through under""".split()  # noqa: SIM905
)
# Words of the stop list that count ("two", "more"). Claims compare numbers on their own, so
# their word sets leave these out; the words around a date keep them ("two more hostages").
QUANTITY_WORDS: frozenset[str] = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty forty fifty
    sixty hundred more less few many several""".split()  # noqa: SIM905
)

_STEMMER = snowballstemmer.stemmer("english")


@cache
def stop_words() -> frozenset[str]:
    """The one stop-word list: English function words (spaCy's list; no model needed).

    The list's own file is read without importing spaCy, which takes seconds and
    which corpus mode otherwise never needs.
    """
    found = importlib.util.find_spec("spacy")
    if found is None or not found.submodule_search_locations:
        raise ImportError("spaCy is not installed; its English stop-word list is needed")
    path = Path(next(iter(found.submodule_search_locations)), "lang", "en", "stop_words.py")
    spec = importlib.util.spec_from_file_location("_parallax_spacy_stop_words", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot read spaCy's English stop words from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@cache
def fact_stop_words() -> frozenset[str]:
    """The stop list for comparing statements of fact (claims, quotes, the events dates name):
    the stop words less ``FACT_WORDS``, plus ``REPORTING_WORDS``."""
    return (stop_words() - FACT_WORDS) | REPORTING_WORDS


def normalise_word(word: str) -> str:
    """Lower case with apostrophe variants unified, for matching only."""
    return word.lower().replace("’", "'").replace("`", "'")


def tokenize_words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    # normalise_word inlined: this runs over every word of every article an ingest shingles
    return [w.lower().replace("’", "'").replace("`", "'") for w in WORD.findall(text)]


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word: "hostages" -> "hostag", "released" -> "releas".

    A possessive "'s" is dropped first; stems are for matching, not for display.
    """
    word = normalise_word(word)
    if word.endswith("'s"):
        word = word[:-2]
    return str(_STEMMER.stemWord(word))


def singular(word: str) -> str:
    """A plain singular for looking a noun up in a word list: "hostages" -> "hostage",
    "casualties" -> "casualty" (a stem such as "casualti" would not be found there)."""
    word = word.lower().strip(".'’")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3 and word != "others":
        return word[:-1]
    return word


def is_stop_word(word: str) -> bool:
    """Whether a word (any case, any apostrophe) is an English function word."""
    return normalise_word(word) in stop_words()


def content_words(text: str, *, extra_stops: frozenset[str] = frozenset(), min_length: int = 1) -> list[str]:
    """The normalised words of a text that are not stop words (nor ``extra_stops``), in order."""
    stops = stop_words() | extra_stops
    return [w for w in tokenize_words(text) if len(w) >= min_length and w not in stops]
