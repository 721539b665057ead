"""Numbers: one grammar for digits, number words, scales, currencies, qualifiers and ranges.

``parse_number`` reads "4,100", "2.3" with "million", "fifty-four" or "two hundred
and ten"; ``find_numbers`` finds the quantity-like numbers of a text with their
qualifier ("more than 200": a lower bound) and ranges ("between 3 and 5",
"10-20"), leaving out dates, years and clock times; ``list_values`` lists every
value a sentence states, years included, for comparing two statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.text.languages import LOCALISED, localise

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "dozen": 12,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9}
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
_AND = r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))\s+and\s+"
_WORDRUN = rf"(?:{_WORD})(?:(?:{_AND}|[\s-]+)(?:{_WORD}))*"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?:hundred|thousand|million|billion|trillion)\b|(?:bn|mn|k|m)\b)?"
_ONE = rf"(?:{_DIGITS}|{_WORDRUN})"
_HEAD = rf"(?<![\w.,/:-])(?P<cur>[$€£¥]\s?)?(?P<a>{_ONE})(?P<sa>{_SCALE})"
_TAIL = r"(?P<pct>\s?%|\s+per\s?cent\b)?(?![\w,]*\d)(?!-year)(?!\w)"
NUMBER_RE = re.compile(
    _HEAD + rf"(?:\s*(?:-|–|—|\bto\b|\band\b)\s*(?P<b>{_ONE})(?P<sb>{_SCALE}))?" + _TAIL, re.IGNORECASE
)
SINGLE_RE = re.compile(_HEAD + r"(?P<b>)?(?P<sb>)?" + _TAIL, re.IGNORECASE)
AGE_RE = re.compile(r"(?<![\w-])(?P<a>\d{1,3})[- ]years?[- ]old\b", re.IGNORECASE)
DATE_BEFORE_RE = re.compile(rf"\b(?:{MONTHS})\.?\s*$", re.IGNORECASE)
DATE_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{MONTHS})\b", re.IGNORECASE)
TIME_AFTER_RE = re.compile(r"^(?::\d\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|o'clock))", re.IGNORECASE)

QUALIFIERS: list[tuple[str, str]] = [
    ("more than", "lower"), ("over", "lower"), ("at least", "lower"), ("upwards of", "lower"),
    ("in excess of", "lower"), ("above", "lower"), ("just over", "lower"), ("tops", "lower"),
    ("topped", "lower"), ("passes", "lower"), ("passed", "lower"), ("exceeds", "lower"),
    ("exceeded", "lower"), ("surpassed", "lower"), ("surpasses", "lower"), ("beyond", "lower"),
    ("up to", "upper"), ("fewer than", "upper"), ("less than", "upper"), ("under", "upper"),
    ("below", "upper"), ("as many as", "upper"), ("nearly", "upper"), ("almost", "upper"),
    ("just under", "upper"), ("close to", "upper"), ("about", "approx"), ("around", "approx"),
    ("approximately", "approx"), ("roughly", "approx"), ("some", "approx"),
    ("an estimated", "approx"), ("estimated", "approx"), ("between", "range"),
]  # fmt: skip
QUALIFIER_RE = re.compile(
    r"\b(" + "|".join(re.escape(q) for q, _ in sorted(QUALIFIERS, key=lambda x: -len(x[0]))) + r")\s+$",
    re.IGNORECASE,
)
BOUNDS = dict(QUALIFIERS)


@dataclass
class Found:
    """A number located in a sentence, before its meaning is worked out."""

    start: int  # into the sentence text
    end: int
    value: float
    high: float | None
    qualifier: str
    bound: str
    unit: str
    kind: str  # "" (to be decided), "age", "percent", "money"


def parse_word_number(words: str) -> float | None:
    """Value of a spelled-out number: "fifty-four" -> 54, "two hundred and ten" -> 210."""
    total = 0.0
    current = 0.0
    seen = False
    last = ""  # "unit", "ten" or "scale": "two three" and "five twenty" are not numbers
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if word in ("", "and", "a"):
            continue
        if word in UNITS:
            if last == "unit" or (last == "ten" and UNITS[word] >= 10):
                return None
            current += UNITS[word]
            last = "unit"
        elif word in TENS:
            if last in ("unit", "ten"):
                return None
            current += TENS[word]
            last = "ten"
        elif word == "hundred":
            current = (current or 1) * 100
            last = "scale"
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
            last = "scale"
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str, scale: str = "") -> float | None:
    """Value of digits or words, times a scale word ("2.3", "million" -> 2300000)."""
    text = text.strip()
    if re.fullmatch(_DIGITS, text):
        value = float(text.replace(",", ""))
    else:
        parsed = parse_word_number(text)
        if parsed is None:
            return None
        value = parsed
    scale = scale.strip().lower()
    if scale in SCALES:
        value *= SCALES[scale]
    elif scale in SHORT_SCALES:
        value *= SHORT_SCALES[scale]
    return value


def _is_date_or_year(text: str, start: int, end: int, raw: str) -> bool:
    before = text[max(0, start - 12) : start]
    after = text[end : end + 16]
    if DATE_BEFORE_RE.search(before) or DATE_AFTER_RE.match(after) or TIME_AFTER_RE.match(after):
        return True
    if re.fullmatch(r"(1[6-9]|20)\d\d", raw) and not re.match(r"\s*(%|per)", after):
        return True  # a year: "in 2023"
    # ISO or numeric dates
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", text[start : start + 10]) or re.match(r"[-/]\d", after))


def _valid_range(text: str, m: re.Match[str]) -> bool:
    """A low-high pair: rising values, and "and" only after "between"."""
    low = parse_number(m.group("a"), m.group("sa") or m.group("sb") or "")
    high = parse_number(m.group("b"), m.group("sb") or m.group("sa") or "")
    if low is None or high is None or high <= low:
        return False  # "7-4" is a score or a date, not a range
    joined = text[m.end("sa") : m.start("b")].lower()
    if "and" in joined:
        qual = QUALIFIER_RE.search(text[max(0, m.start() - 24) : m.start()])
        return bool(qual and qual.group(1).lower() == "between")
    return True


def find_numbers(text: str, language: str = "en") -> list[Found]:
    """Every quantity-like number in a piece of text, with its qualifier; no dates or years.

    ``language``: the text's language; French, German and Spanish are read through their
    English forms (``parallax.text.languages``), offsets still pointing into ``text``."""
    if language in LOCALISED:
        local = localise(text, language)
        found = _find_english_numbers(local.text)
        for item in found:
            item.start, item.end = local.span(item.start, item.end)
        return found
    return _find_english_numbers(text)


def _find_english_numbers(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for age in AGE_RE.finditer(text):
        qual = QUALIFIER_RE.search(text[max(0, age.start() - 20) : age.start()])
        found.append(
            Found(
                age.start() - (len(qual.group(0)) if qual else 0), age.end(), float(age.group("a")), None,
                qual.group(1).lower() if qual else "", BOUNDS[qual.group(1).lower()] if qual else "exact",
                "years", "age",
            )
        )  # fmt: skip
        taken.append((age.start(), age.end()))
    pos = 0
    while True:
        m = NUMBER_RE.search(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group("b") and not _valid_range(text, m):
            single = SINGLE_RE.match(text, m.start())
            if single is None:
                pos = m.end("a")
                continue
            m, pos = single, single.end()
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        raw = m.group("a")
        if raw.lower() in ("one", "a", "hundred", "thousand") and not m.group("b") and not m.group("sa"):
            continue  # "one of them", "no one": a pronoun more often than a count
        if m.group("cur") is None and _is_date_or_year(text, m.start("a"), m.end(), raw):
            continue
        value = parse_number(raw, m.group("sa") or "")
        if value is None:
            continue
        high: float | None = None
        if m.group("b"):
            high = parse_number(m.group("b"), m.group("sb") or m.group("sa") or "")
            if m.group("sb") and not m.group("sa"):
                value = parse_number(raw, m.group("sb")) or value
        qual = QUALIFIER_RE.search(text[max(0, m.start() - 24) : m.start()])
        qualifier = qual.group(1).lower() if qual else ""
        start = m.start() - (len(qual.group(0)) if qual else 0)
        bound = "range" if high is not None else (BOUNDS[qualifier] if qualifier else "exact")
        unit, kind = "", ""
        if m.group("cur"):
            unit, kind = CURRENCIES[m.group("cur").strip()], "money"
        elif m.group("pct"):
            unit, kind = "%", "percent"
        found.append(Found(start, m.end(), value, high, qualifier, bound, unit, kind))
    return sorted(found, key=lambda f: f.start)


_VALUE_RE = re.compile(
    rf"(?<![\w.])(?P<a>{_ONE})(?!\w)(?:[\s-]*(?P<s>hundred|thousand|million|billion|trillion|bn|mn|m)\b)?",
    re.IGNORECASE,
)


def list_values(text: str, language: str = "en") -> list[float]:
    """Every value a text states, in order: digits with separators and scale words ("4,100",
    "2.3 million") and spelled-out numbers ("two", "fifty-four"); years and dates count too.
    ``language`` as for ``find_numbers``."""
    if language in LOCALISED:
        text = localise(text, language).text
    values: list[float] = []
    for m in _VALUE_RE.finditer(text):
        value = parse_number(m.group("a"), m.group("s") or "")
        if value is not None:
            values.append(value)
    return values
