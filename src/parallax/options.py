"""One options object for every analysis.

Each setting has a name, a default and a help line; the help lines feed the
CLI flags and docs/usage.md (a test checks that every setting is documented).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def setting(default: Any, help: str) -> Any:
    """Declare a setting with its default and help line."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Options:
    summary_sentences: int = setting(6, "Number of sentences in the neutral summary.")
    claim_threshold: float = setting(
        0.56, "Combined similarity (0-1) above which two sentences state the same claim."
    )
    min_sentence_chars: int = setting(
        25, "Sentences shorter than this are kept in the text but not grouped into claims."
    )
    well_supported: int = setting(
        2, "A claim stated by at least this many outlets counts as well supported (for omissions)."
    )
    model_name: str = setting(
        "sentence-transformers/all-MiniLM-L6-v2", "Sentence-embedding model, by standard name or path."
    )
    spacy_model: str = setting("en_core_web_sm", "spaCy pipeline used for sentences and entities.")
    batch_size: int = setting(32, "Sentences embedded per batch (smaller batches pad less).")
    reuse_min_words: int = setting(
        10, "Words two articles must share, in order and with light edits, to count as a copied passage."
    )
    reuse_link_score: float = setting(
        0.5, "Reuse score (0-1) above which two articles count as one source for every claim they share."
    )
    duplicate_similarity: float = setting(
        0.7, "Estimated shingle similarity (MinHash, 0-1) above which two articles are near-identical."
    )
    loaded_threshold: float = setting(
        2.0, "Smallest VADER valence size (0-4) for a word to count as loaded or emotive."
    )
    use_babe: bool = setting(
        True, "Extend the loaded-word lexicon with BABE's biased words when a copy of BABE is found."
    )
    babe_path: str = setting(
        "",
        "BABE's sentences.jsonl (or its folder); empty looks for ../shared/datasets/babe beside the repo.",
    )


def describe_options() -> list[tuple[str, Any, str]]:
    """(name, default, help) for every setting, in declaration order."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(Options)]
