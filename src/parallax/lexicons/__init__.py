"""Word lists used to flag judgement-laden language (see README.md in this folder).

* ``attribution.tsv``, ``hedges.txt``, ``titles.txt``: written for Parallax.
* Loaded words: the VADER sentiment lexicon (Hutto & Gilbert 2014, MIT licence), read
  at run time from the installed ``vaderSentiment`` package, optionally extended with
  single words marked as biased in BABE (Spinde et al. 2021). BABE is AGPL-3.0, so no
  list derived from it is shipped: it is derived at run time from a local copy, and
  only when the user points at one (the ``babe_path`` setting or ``PARALLAX_BABE``).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from parallax.errors import ParallaxError
from parallax.text.words import stop_words

WORD = re.compile(r"[a-z]+(?:[-'’][a-z]+)*")
VADER_PACKAGE = "vaderSentiment"
VADER_FILE = "vader_lexicon.txt"
VADER_SOURCE = "VADER (Hutto & Gilbert 2014, MIT)"
BABE_SOURCE = "BABE biased words (Spinde et al. 2021, AGPL-3.0)"
BABE_VARIABLE = "PARALLAX_BABE"  # the environment variable that can point at BABE


class LexiconUnavailable(ParallaxError):
    """A word list could not be read."""


@dataclass(frozen=True)
class AttributionVerb:
    form: str
    lemma: str
    judgement: bool  # True for verbs that carry judgement ("claimed"), False for neutral ones ("said")


@dataclass
class LoadedLexicon:
    """Loaded or emotive words, each with the list it came from."""

    words: dict[str, str] = field(default_factory=dict)  # word -> source
    sources: list[str] = field(default_factory=list)  # one line per list used, with its size

    def source_of(self, word: str) -> str | None:
        return self.words.get(word.lower())


def tokenize_words(text: str) -> list[str]:
    """Lower-case word tokens (letters, inner hyphens and apostrophes)."""
    return WORD.findall(text.lower().replace("’", "'"))


def _data_lines(name: str) -> list[str]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def load_attribution_verbs() -> dict[str, AttributionVerb]:
    """Inflected form -> attribution verb."""
    verbs: dict[str, AttributionVerb] = {}
    for line in _data_lines("attribution.tsv"):
        lemma, kind, forms = line.split("\t")
        for form in forms.split(","):
            verbs[form.strip()] = AttributionVerb(form.strip(), lemma, kind == "judgement")
    return verbs


@cache
def load_hedges() -> tuple[str, ...]:
    """Hedge words and phrases, longest first (so phrases win over their parts)."""
    return tuple(sorted(set(_data_lines("hedges.txt")), key=lambda h: (-len(h), h)))


@cache
def load_titles() -> tuple[str, ...]:
    """Titles and roles that may precede a name, longest first."""
    return tuple(sorted(set(_data_lines("titles.txt")), key=lambda t: (-len(t), t)))


@cache
def read_vader() -> dict[str, float]:
    """The VADER lexicon (word -> mean valence, -4..4) from the installed package."""
    try:
        text = resources.files(VADER_PACKAGE).joinpath(VADER_FILE).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise LexiconUnavailable(
            "the loaded-word lexicon needs the vaderSentiment package: "
            "run `pip install 'vaderSentiment>=3.3,<4'`"
        ) from exc
    valence: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and WORD.fullmatch(parts[0]):
            try:
                valence[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return valence


def select_vader_words(threshold: float) -> set[str]:
    """VADER words whose valence is at least ``threshold`` in size, minus function words."""
    stops = stop_words()
    return {w for w, v in read_vader().items() if abs(v) >= threshold and w not in stops and len(w) > 2}


def read_babe_rows(path: Path) -> list[dict[str, object]]:
    """BABE's sentences.jsonl (text, biased, biased_words, ...)."""
    try:
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise LexiconUnavailable(f"cannot read BABE from {path}: {exc}") from exc


def derive_babe_words(
    rows: Iterable[dict[str, object]], min_count: int = 2, min_ratio: float = 0.2
) -> set[str]:
    """Single words that BABE's annotators marked as biased often enough.

    A word is kept when it was marked at least ``min_count`` times and in at least
    ``min_ratio`` of the sentences that contain it; function words are left out.
    """
    marked: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for row in rows:
        text = str(row.get("text", ""))
        seen.update(set(tokenize_words(text)))
        words = row.get("biased_words") or []
        if isinstance(words, list):
            marked.update({t for w in words for t in tokenize_words(str(w))})
    stops = stop_words()
    return {
        w
        for w, n in marked.items()
        if n >= min_count and w not in stops and len(w) > 2 and n / max(seen[w], n) >= min_ratio
    }


def find_babe(given: str = "") -> Path | None:
    """BABE's sentences.jsonl from ``given`` (the file or its folder), else from the
    ``PARALLAX_BABE`` environment variable; None when neither points anywhere.

    BABE is never searched for: the same input gives the same report wherever it runs.
    """
    given = given or os.environ.get(BABE_VARIABLE, "")
    if not given:
        return None
    path = Path(given).expanduser()
    path = path / "sentences.jsonl" if os.path.isdir(path) else path
    if not os.path.isfile(path):  # os.path: False, not OSError, for a name too long; a pipe is no file
        raise LexiconUnavailable(
            f"BABE file {path} does not exist or is not a file; give BABE's sentences.jsonl or its "
            f"folder (babe_path, or the {BABE_VARIABLE} environment variable)"
        )
    return path


def load_loaded_lexicon(threshold: float = 2.0, babe: str = "", use_babe: bool = True) -> LoadedLexicon:
    """VADER words of strong valence, plus BABE's biased words when ``babe`` (or PARALLAX_BABE)
    points at a copy of BABE and ``use_babe`` is set."""
    path = find_babe(babe) if use_babe else None
    return build_loaded_lexicon(threshold, str(path) if path else "", use_babe)


@cache
def build_loaded_lexicon(threshold: float, babe_file: str, use_babe: bool = False) -> LoadedLexicon:
    """The loaded-word lexicon for a threshold and a BABE file ("" for none); cached per process."""
    lexicon = LoadedLexicon()
    for word in sorted(select_vader_words(threshold)):
        lexicon.words[word] = VADER_SOURCE
    lexicon.sources.append(f"{VADER_SOURCE}: {len(lexicon.words)} words with |valence| >= {threshold}")
    path = Path(babe_file) if babe_file else None
    if path is not None:
        extra = derive_babe_words(read_babe_rows(path))
        added = 0
        for word in sorted(extra):
            if word not in lexicon.words:
                lexicon.words[word] = BABE_SOURCE
                added += 1
        lexicon.sources.append(f"{BABE_SOURCE}: {added} more words, derived at run time from {path.name}")
    elif use_babe:
        lexicon.sources.append(
            f"BABE not given (babe_path or {BABE_VARIABLE}): loaded words come from VADER only"
        )
    return lexicon
