"""Bytes to text: encoding detection (charset-normalizer) and mojibake repair (ftfy)."""

from __future__ import annotations

import codecs
import re

import ftfy

from parallax.errors import InputError

# ftfy's defaults also straighten curly quotes and fold wide characters; Parallax
# shows the outlet's text as published, so only encoding damage is repaired.
_FIX_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Text that ftfy could change: a UTF-8 lead byte read as Latin-1/cp1252 followed by a
# continuation byte read the same way, C1 controls, or lone surrogates. Other text is
# left alone (and ftfy, which is slow on long texts, is not run).
_MOJIBAKE_CUE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\u0080-\u009f]|[\ud800-\udfff]"
)
# Share of control characters above which a decoded text is judged undecodable.
_MAX_CONTROL_SHARE = 0.02


class UnreadableInput(InputError):
    """A file whose bytes are not text; the message is the reason shown to the user."""


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes to text and repair mojibake.

    Raises UnreadableInput with a short reason ("empty file", "binary file (NUL
    bytes)", "undecodable text ...") when the bytes are not usable text.
    """
    if not data.strip():
        raise UnreadableInput("empty file")
    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data:
            raise UnreadableInput("binary file (NUL bytes)")
        text = _decode_detected(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise UnreadableInput(f"binary file ({controls} control characters)")
    repaired = repair_text(text)
    if not repaired.strip():
        raise UnreadableInput("empty file (only whitespace)")
    return repaired


def repair_text(text: str) -> str:
    """Repair mojibake and unify line breaks in text that is already decoded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _MOJIBAKE_CUE.search(text):
        return text
    return ftfy.fix_text(text, config=_FIX_CONFIG)


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableInput(
                    f"undecodable text: starts with a {encoding} mark but {exc.reason}"
                ) from exc
    return None


def _decode_detected(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableInput("undecodable text (no encoding fits; not UTF-8, and charset detection failed)")
    return str(best)
