"""Bytes to text: encoding detection (charset-normalizer) and mojibake repair (ftfy)."""

from __future__ import annotations

import codecs

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
    repaired = ftfy.fix_text(text, config=_FIX_CONFIG)
    if not repaired.strip():
        raise UnreadableInput("empty file (only whitespace)")
    return repaired


def repair_text(text: str) -> str:
    """Repair mojibake and unify line breaks in text that is already decoded."""
    return ftfy.fix_text(text.replace("\r\n", "\n").replace("\r", "\n"), config=_FIX_CONFIG)


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
