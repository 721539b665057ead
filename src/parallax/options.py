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
        0.62, "Combined similarity (0-1) above which two sentences state the same claim."
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
    batch_size: int = setting(64, "Sentences embedded per batch.")


def describe_options() -> list[tuple[str, Any, str]]:
    """(name, default, help) for every setting, in declaration order."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(Options)]
