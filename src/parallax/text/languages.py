"""French, German and Spanish for the text layer: one rewrite into the English forms the
number and date grammars read, with a map back to the original offsets.

``localise("mehr als 4.100 Menschen am 20. Oktober", "de")`` gives "more than 4,100
Menschen am 20 October" and, for each of its characters, the offset of the character it
came from, so that a number or date found in the rewrite points into the original text.
Only the words the grammars need are rewritten (qualifiers, scale and percent words,
number words up to twelve, months, weekdays, relative days) and the digits' separators
("4.100" and "4 100" are four thousand one hundred, "2,5" is two and a half). English
text is never rewritten, so English results stay exactly as they were.

``split_sentences_by_rule`` splits text at sentence ends for languages without a spaCy
pipeline installed: a full stop, question or exclamation mark (with any closing quote)
followed by a capital or an opening quote, except after an abbreviation or an ordinal
("20. Oktober").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

LOCALISED = ("fr", "de", "es")

# Phrases by language, each rewritten to the English the grammars know. Longer phrases are
# tried first; matching ignores case and needs word boundaries.
# fmt: off
_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "plus de": "more than", "au moins": "at least", "moins de": "fewer than", "près de": "nearly",
        "presque": "almost", "environ": "about", "quelque": "some", "quelques": "some",
        "jusqu'à": "up to", "jusqu’à": "up to", "entre": "between", "et": "and", "à": "to",
        "millions": "million", "million": "million", "milliards": "billion", "milliard": "billion",
        "mille": "thousand", "pour cent": "per cent",
        "deux": "two", "trois": "three", "quatre": "four", "cinq": "five",
        "six": "six", "sept": "seven", "huit": "eight", "neuf": "nine", "dix": "ten", "onze": "eleven",
        "douze": "twelve", "douzaine": "dozen",
        "janvier": "January", "février": "February", "mars": "March", "avril": "April", "mai": "May",
        "juin": "June", "juillet": "July", "août": "August", "septembre": "September",
        "octobre": "October", "novembre": "November", "décembre": "December",
        "lundi": "Monday", "mardi": "Tuesday", "mercredi": "Wednesday", "jeudi": "Thursday",
        "vendredi": "Friday", "samedi": "Saturday", "dimanche": "Sunday",
        "hier": "yesterday", "aujourd'hui": "today", "aujourd’hui": "today", "ans": "years",
    },
    "de": {
        "mehr als": "more than", "über": "over", "mindestens": "at least", "weniger als": "fewer than",
        "fast": "nearly", "knapp": "nearly", "beinahe": "almost", "etwa": "about", "rund": "around",
        "ungefähr": "about", "circa": "about", "bis zu": "up to", "zwischen": "between", "und": "and",
        "bis": "to", "Millionen": "million", "Million": "million", "Milliarden": "billion",
        "Milliarde": "billion", "Mio.": "million", "Mrd.": "billion", "tausend": "thousand",
        "Prozent": "per cent",
        "zwei": "two", "drei": "three", "vier": "four", "fünf": "five",
        "sechs": "six", "sieben": "seven", "acht": "eight", "neun": "nine", "zehn": "ten", "elf": "eleven",
        "zwölf": "twelve", "Dutzend": "dozen",
        "Januar": "January", "Jänner": "January", "Februar": "February", "März": "March",
        "April": "April", "Mai": "May", "Juni": "June", "Juli": "July", "August": "August",
        "September": "September", "Oktober": "October", "November": "November",
        "Dezember": "December",
        "Montag": "Monday", "Dienstag": "Tuesday", "Mittwoch": "Wednesday", "Donnerstag": "Thursday",
        "Freitag": "Friday", "Samstag": "Saturday", "Sonnabend": "Saturday", "Sonntag": "Sunday",
        "gestern": "yesterday", "heute": "today", "Jahre": "years", "Jahren": "years",
    },
    "es": {
        "más de": "more than", "al menos": "at least", "menos de": "fewer than", "casi": "nearly",
        "cerca de": "close to", "alrededor de": "around", "unos": "some", "unas": "some",
        "hasta": "up to", "entre": "between", "y": "and", "a": "to",
        "millones": "million", "millón": "million", "mil millones": "billion", "mil": "thousand",
        "por ciento": "per cent",
        "dos": "two", "tres": "three", "cuatro": "four", "cinco": "five",
        "seis": "six", "siete": "seven", "ocho": "eight", "nueve": "nine", "diez": "ten", "once": "eleven",
        "doce": "twelve", "docena": "dozen",
        "enero": "January", "febrero": "February", "marzo": "March", "abril": "April", "mayo": "May",
        "junio": "June", "julio": "July", "agosto": "August", "septiembre": "September",
        "setiembre": "September", "octubre": "October", "noviembre": "November",
        "diciembre": "December",
        "lunes": "Monday", "martes": "Tuesday", "miércoles": "Wednesday", "jueves": "Thursday",
        "viernes": "Friday", "sábado": "Saturday", "domingo": "Sunday",
        "ayer": "yesterday", "hoy": "today", "años": "years",
    },
}
# Words before a full stop that does not end a sentence.
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "fr": frozenset(["m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "etc", "cf", "av", "apr",
                     "env", "no", "n°"]),
    "de": frozenset(["dr", "prof", "nr", "str", "bzw", "ca", "usw", "z.b", "d.h", "u.a", "vgl", "st", "hr",
                     "fr", "mio", "mrd", "jh"]),
    "es": frozenset(["sr", "sra", "srta", "dr", "dra", "d", "dña", "ud", "uds", "etc", "av", "núm", "pág"]),
    "en": frozenset(["mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
                     "jr", "sr", "no", "vs", "etc", "inc", "co", "corp", "ltd", "prof"]),
}
_ENGLISH_MONTHS = frozenset(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"]
)
# fmt: on
_MONTH_NAMES: dict[str, str] = {
    language: "|".join(sorted((w for w, en in table.items() if en in _ENGLISH_MONTHS), key=len, reverse=True))
    for language, table in _WORDS.items()
}


@dataclass
class Localised:
    """A text rewritten into English forms, with the original offset of each character."""

    text: str
    origin: list[int]  # origin[i]: offset in the original of text[i]; one more entry for the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original (start, end) of the rewritten text[start:end]."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


@cache
def _pattern(language: str) -> re.Pattern[str]:
    words = sorted(_WORDS[language], key=len, reverse=True)
    phrase = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    months = _MONTH_NAMES[language]
    parts = [
        # a thousands-grouped number: "4.100", "4 100", "1.250.000" (fr: spaces; de/es: dots)
        r"(?P<grouped>(?<![\w.,])\d{1,3}(?:(?:[.\u00a0\u202f ])\d{3})+(?:,\d+)?(?![\w.]\d))",
        r"(?P<decimal>(?<![\w.,])\d+,\d+(?![\w,]*\d))",  # "2,5"
        rf"(?P<ordinal>(?<!\w)\d{{1,2}}\.(?=\s+(?:{months})\b))",  # German "20. Oktober"
        # Spanish "20 de octubre de 2026": the "de" words go
        rf"(?P<de>(?<=\d)\s+de(?=\s+(?:{months})\b)|(?<=[a-z])\s+de(?=\s+\d{{4}}\b))",
        rf"(?P<word>(?<!\w)(?:{phrase})(?!\w))",
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def localise(text: str, language: str) -> Localised:
    """``text`` rewritten into the English forms the grammars read (unchanged for English and
    for languages the text layer does not know), with the map back to the original."""
    if language not in LOCALISED:
        return Localised(text, list(range(len(text) + 1)))
    table = {key.lower(): value for key, value in _WORDS[language].items()}
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _pattern(language).finditer(text):
        pieces.append(text[last : match.start()])
        origin.extend(range(last, match.start()))
        raw = match.group()
        kind = match.lastgroup
        if kind == "grouped":
            head, _, tail = raw.partition(",")
            digits = re.sub(r"[.\u00a0\u202f ]", ",", head)
            new = digits + ("." + tail if tail else "")
        elif kind == "decimal":
            new = raw.replace(",", ".")
        elif kind == "ordinal":
            new = raw[:-1] + " "
        elif kind == "de":
            new = ""
        else:
            new = table.get(" ".join(raw.lower().split()), raw)
        pieces.append(new)
        last_char = len(raw) - 1  # a rewritten word's last character ends where the original's does
        origin.extend(
            match.start() + (last_char if k == len(new) - 1 else min(k, last_char)) for k in range(len(new))
        )
        last = match.end()
    pieces.append(text[last:])
    origin.extend(range(last, len(text) + 1))
    return Localised("".join(pieces), origin)


_END = re.compile(r"[.!?…]+[\"”’»“'\u00bb]?(?=\s+[\"“„«‚‘¿¡(]?[A-ZÀ-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"([\w.°]+)$")


def split_sentences_by_rule(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (no surrounding space), cut at sentence ends."""
    known = _ABBREVIATIONS.get(language, _ABBREVIATIONS["en"])
    months = _MONTH_NAMES.get(language, "")
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        before = _WORD_BEFORE.search(text, 0, match.start())
        word = before.group(1).lower() if before else ""
        if word.rstrip(".") in known or (len(word) == 1 and word.isalpha()):
            continue
        ordinal = word.isdigit() and text[match.start()] == "." and len(word) <= 2 and months
        if ordinal and re.match(rf"\s+(?:{months})\b", text[match.end() :], re.IGNORECASE):
            continue  # "am 20. Oktober"
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    trimmed = []
    for a, b in bounds:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed
