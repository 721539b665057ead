"""One options object for every analysis.

Each setting has a name, a default, a help line and, for numbers, the range it may
take; the help lines feed the CLI flags and docs/usage.md (a test checks that every
setting is documented). An Options object is checked when it is created: a value of
the wrong type or outside its range raises ``OptionsError`` naming the setting.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from typing import Any

from parallax.errors import OptionsError


def setting(default: Any, help: str, low: float | None = None, high: float | None = None) -> Any:
    """Declare a setting with its default, help line and (for numbers) its allowed range."""
    return field(default=default, metadata={"help": help, "low": low, "high": high})


@dataclass(frozen=True)
class Options:
    summary_sentences: int = setting(6, "Number of sentences in the neutral summary.", 0, 100)
    claim_threshold: float = setting(
        0.56, "Combined similarity above which two sentences state the same claim.", 0, 1
    )
    claims_cascade: bool = setting(
        False,
        "Embed sentences with MiniLM only where they could join a claim, as judged by the static "
        "model and the cheap pair features (one-language stories, when the static model is built).",
    )
    min_sentence_chars: int = setting(
        25, "Sentences shorter than this are kept in the text but not grouped into claims.", 0, 10_000
    )
    well_supported: int = setting(
        2, "A claim stated by at least this many outlets counts as well supported (for omissions).", 1, 1000
    )
    model_name: str = setting(
        "sentence-transformers/all-MiniLM-L6-v2", "Sentence-embedding model, by standard name or path."
    )
    spacy_model: str = setting("en_core_web_sm", "spaCy pipeline used for sentences and entities.")
    batch_size: int = setting(32, "Sentences embedded per batch (smaller batches pad less).", 1, 4096)
    reuse_min_words: int = setting(
        10,
        "Words two articles must share, in order and with light edits, to count as a copied passage.",
        2,
        1000,
    )
    reuse_link_score: float = setting(
        0.5, "Reuse score above which two articles count as one source for every claim they share.", 0, 1
    )
    duplicate_similarity: float = setting(
        0.7, "Estimated shingle similarity (MinHash) above which two articles are near-identical.", 0, 1
    )
    loaded_threshold: float = setting(
        2.0, "Smallest VADER valence size for a word to count as loaded or emotive.", 0, 4
    )
    use_babe: bool = setting(
        True,
        "Extend the loaded-word lexicon with BABE's biased words when babe_path or PARALLAX_BABE "
        "points at a copy of BABE.",
    )
    babe_path: str = setting(
        "",
        "BABE's sentences.jsonl (or its folder); empty uses the PARALLAX_BABE environment variable, "
        "and without either BABE is not used (it is never searched for).",
    )

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(Options)
        for f in fields(self):
            check_setting(f.name, hints[f.name], getattr(self, f.name), f.metadata)


def describe_range(low: float | None, high: float | None) -> str:
    """The allowed range as words: "0 to 1", "at least 1", or "" when any value goes."""
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}" if high is not None else ""


def check_setting(name: str, kind: Any, value: Any, meta: Any) -> None:
    """Raise OptionsError when ``value`` is not a ``kind`` or lies outside the setting's range."""
    where = f"setting {name} (--{name.replace('_', '-')})"
    if kind is bool:
        fits = isinstance(value, bool)
    elif kind is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        fits = isinstance(value, kind)
    if not fits:
        raise OptionsError(f"{where} must be {kind.__name__}, got {value!r}")
    if kind is str and name != "babe_path" and not value.strip():
        raise OptionsError(f"{where} must not be empty")
    low, high = meta.get("low"), meta.get("high")
    if kind in (int, float) and (
        value != value or (low is not None and value < low) or (high is not None and value > high)
    ):
        raise OptionsError(f"{where} must be {describe_range(low, high)}, got {value:g}")


def describe_options() -> list[tuple[str, Any, str]]:
    """(name, default, help) for every setting, in declaration order; the help ends with the
    allowed range where a setting has one."""
    described = []
    for f in fields(Options):
        allowed = describe_range(f.metadata["low"], f.metadata["high"])
        help_line = f.metadata["help"] + (f" Allowed: {allowed}." if allowed else "")
        described.append((f.name, f.default, help_line))
    return described
