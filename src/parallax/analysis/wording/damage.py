"""Translation and rewrite damage: warnings with offsets, never silent fixes.

Each finding becomes an ``ArticleWarning`` on its article:

* ``garbled-quote``: quotation marks that do not balance within a paragraph (an
  opening mark never closed, a closing mark never opened, a second opening mark
  inside an open quote) and bracketed fragments inside a quotation;
* ``truncated-sentence``: a sentence that stops on a function word, a comma or
  an open quotation, as text cut off in transfer does;
* ``name-spelling``: a person's name spelled differently from the majority of
  the other outlets (the spelling notes of the merged entities, ``report.entities``);
* ``unparsable-sentence``: a sentence that does not read as one: it starts in
  lower case, a bracket is followed by a new sentence start, a word is doubled,
  or a capitalised fragment sits between sentences.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from parallax.model import Article, ArticleWarning, Report, Span, WarningKind
from parallax.stage import Context, stage
from parallax.text.words import stop_words

OPENERS = {"“": "”", "«": "»", "„": "”"}
CLOSERS = {"”": "“", "»": "«"}
FUNCTION_WORDS = stop_words()  # spaCy's English function words
ENDINGS = ".!?…\"”’'`)]»:;"
EXCERPT = 60


def _excerpt(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - 20), min(len(text), end + 40)
    piece = text[lo:hi].replace("\n", " ")
    return ("…" if lo else "") + piece + ("…" if hi < len(text) else "")


def paragraphs(article: Article) -> Iterator[tuple[int, str]]:
    """(offset, text) of each non-empty line of the kept text, offsets into the original."""
    spans = article.kept or [Span(0, len(article.original), article.original)]
    for span in spans:
        piece = article.original[span.start : span.end]
        for m in re.finditer(r"[^\n]+", piece):
            if m.group(0).strip():
                yield span.start + m.start(), m.group(0)


def _is_single_opener(text: str, i: int) -> bool:
    return text[i] == "‘" and (i + 1 < len(text) and text[i + 1].isalnum())


def _is_single_closer(text: str, i: int) -> bool:
    """A ’ that ends a quotation rather than marking an apostrophe ("Israel’s", "parties’ ")."""
    if text[i] != "’":
        return False
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalpha()


def check_quotes(article: Article) -> list[ArticleWarning]:
    """Unbalanced quotation marks and bracketed fragments inside quotations, per paragraph."""
    warnings: list[ArticleWarning] = []
    original = article.original
    for offset, text in paragraphs(article):
        stack: list[tuple[str, int]] = []  # (mark, position)
        straight: list[int] = []
        ticks: list[int] = []
        singles: list[int] = []
        quoted: list[tuple[int, int]] = []
        for i, ch in enumerate(text):
            if ch in OPENERS:
                if stack:
                    warnings.append(
                        _warn(
                            "garbled-quote",
                            "a second opening quotation mark inside an open quotation",
                            original,
                            offset + i,
                            offset + i + 1,
                        )
                    )
                    quoted.append((stack.pop()[1], i))
                stack.append((ch, i))
            elif ch in CLOSERS:
                if stack and stack[-1][0] == CLOSERS[ch]:
                    quoted.append((stack.pop()[1], i))
                    stack.clear()
                else:
                    warnings.append(
                        _warn(
                            "garbled-quote",
                            "a closing quotation mark with no opening mark",
                            original,
                            offset + i,
                            offset + i + 1,
                        )
                    )
            elif ch == '"':
                if straight:
                    quoted.append((straight.pop(), i))
                else:
                    straight.append(i)
            elif ch == "`":
                if ticks:
                    quoted.append((ticks.pop(), i))
                else:
                    ticks.append(i)
            elif _is_single_opener(text, i):
                singles.append(i)
            elif _is_single_closer(text, i) and singles:
                singles.pop()
        for i in [p for _, p in stack] + straight + ticks + singles:
            warnings.append(
                _warn(
                    "garbled-quote",
                    "a quotation is opened and never closed",
                    original,
                    offset + i,
                    offset + i + 1,
                )
            )
            quoted.append((i, len(text)))
        for lo, hi in quoted:
            for m in re.finditer(r"\[[^\]\n]{1,40}\]", text[lo:hi]):
                start = offset + lo + m.start()
                warnings.append(
                    _warn(
                        "garbled-quote",
                        "a bracketed fragment inside a quotation",
                        original,
                        start,
                        start + len(m.group(0)),
                    )
                )
    return warnings


def _warn(kind: WarningKind, what: str, original: str, start: int, end: int) -> ArticleWarning:
    return ArticleWarning(kind, f"{what}: {_excerpt(original, start, end)}", start, end)


def check_sentences(article: Article) -> list[ArticleWarning]:
    """Truncated sentences and sentences that do not parse."""
    warnings: list[ArticleWarning] = []
    original = article.original
    sentences = article.sentences
    for k, s in enumerate(sentences):
        text = s.text.rstrip()
        words = re.findall(r"[\w’'-]+", text)
        if not words:
            continue
        last = text[-1]
        if (
            len(words) >= 6
            and last not in ENDINGS
            and (words[-1].lower() in FUNCTION_WORDS or last in ",–—-")
        ):
            warnings.append(
                _warn("truncated-sentence", "the sentence stops mid-way", original, s.start, s.end)
            )
        body = text.lstrip("“\"‘'`«([ ")
        if body[:1].islower() and len(words) >= 4 and k > 0:
            warnings.append(
                _warn("unparsable-sentence", "the sentence starts in lower case", original, s.start, s.end)
            )
        for m in re.finditer(r"[\]\)]\s+(?:The|A|An|He|She|It|They|We|I|This|That)\s+[a-z]", text):
            start = s.start + m.start()
            warnings.append(
                _warn(
                    "unparsable-sentence",
                    "a new sentence starts right after a bracket",
                    original,
                    start,
                    start + len(m.group(0)),
                )
            )
        for m in re.finditer(r"\b([A-Za-z]{2,})\s+\1\b", text, re.I):
            if m.group(1).lower() not in {"that", "had", "is"}:
                start = s.start + m.start()
                warnings.append(
                    _warn(
                        "unparsable-sentence",
                        f"the word “{m.group(1)}” is doubled",
                        original,
                        start,
                        start + len(m.group(0)),
                    )
                )
        if (
            _is_fragment(text, words)
            and 0 < k < len(sentences) - 1
            and _same_line(original, sentences[k - 1].end, s.start)
        ):
            warnings.append(
                _warn(
                    "unparsable-sentence",
                    "a capitalised fragment with no verb sits between sentences",
                    original,
                    s.start,
                    s.end,
                )
            )
    return warnings


def _is_fragment(text: str, words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in FUNCTION_WORDS]
    return (
        2 <= len(words) <= 8 and text.endswith(".") and bool(content) and all(w[0].isupper() for w in content)
    )


def _same_line(original: str, a: int, b: int) -> bool:
    return "\n" not in original[a:b]


def check_spellings(report: Report, articles: list[Article] | None = None) -> dict[str, list[ArticleWarning]]:
    """Names an article spells differently from the other outlets' majority, per article id."""
    articles = articles if articles is not None else report.articles
    found: dict[str, list[ArticleWarning]] = defaultdict(list)
    notes = _entity_notes(report)
    by_id = {a.id: a for a in articles}
    for article_id, spelling, majority, outlets in notes:
        article = by_id[article_id]
        at = article.original.find(spelling)
        start, end = (at, at + len(spelling)) if at >= 0 else (None, None)
        found[article_id].append(
            ArticleWarning(
                "name-spelling",
                f"“{spelling}” is spelled “{majority}” by {len(outlets)} other outlet(s) "
                f"({', '.join(outlets)})",
                start,
                end,
            )
        )
    return found


def _entity_notes(report: Report) -> list[tuple[str, str, str, list[str]]]:
    """Spelling notes of the merged PERSON entities (``report.entities``, from wording/entities.py)."""
    return [
        (note.article, note.spelling, note.majority, note.majority_outlets)
        for entity in report.entities
        if entity.label == "PERSON"
        for note in entity.spelling_notes
    ]


def find_damage(report: Report) -> dict[str, list[ArticleWarning]]:
    """All damage warnings, per article id, in reading order."""
    found: dict[str, list[ArticleWarning]] = defaultdict(list)
    for article in report.articles:
        found[article.id].extend(check_quotes(article))
        found[article.id].extend(check_sentences(article))
    for article_id, warnings in check_spellings(report).items():
        found[article_id].extend(warnings)
    for warnings in found.values():
        warnings.sort(key=lambda w: (w.start if w.start is not None else -1, w.kind))
    return found


@stage(
    requires=("article.sentences", "report.entities", "article.warnings"),
    provides=("article.warnings",),
)
def flag_damage(ctx: Context) -> None:
    """Warnings for garbled quotes, truncated or unparsable sentences and odd name spellings."""
    for article_id, warnings in find_damage(ctx.report).items():
        ctx.report.article(article_id).warnings.extend(warnings)
