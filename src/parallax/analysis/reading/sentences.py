"""Split each article's kept text into sentences, with entities and numbers.

Scraped news text often glues sentences together ("on Friday.Palestinian
Hamas", "caution.\u201cSo, it\u2019s"), so the kept spans are first cut at
paragraph breaks (blank lines) and at glued boundaries; spaCy then splits each
piece into sentences and finds named entities. Cleaning makes each paragraph its
own kept span, so a single line break inside a span is a hard wrap, not a
sentence end: it is read as a space (``spaced_text``). Every offset points into
``Article.original``; ``Sentence.text`` is exactly ``original[start:end]``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from parallax.analysis.reading.parsing import defer_sentences, remember_sentences, sentence_spans
from parallax.clean.normalise import normalise_for_matching
from parallax.model import Article, Entity, Sentence, Span
from parallax.nlp.article_cache import code_digest, digest, reuse_values
from parallax.nlp.cache import parse_kind
from parallax.stage import Context, stage
from parallax.text.dates import find_date_expressions
from parallax.text.languages import LOCALISED, split_sentences_by_rule
from parallax.text.numbers import list_values

# A full stop, question or exclamation mark glued to the next sentence's capital
# (optionally with a closing quote before it or an opening quote after it).
_GLUED = re.compile(
    r"(?<=[a-z0-9%\)\]][.!?])(?=[\"“‘'`]?[A-Z])|(?<=[a-z0-9%\)\]][.!?][\"”’'`])(?=[\"“‘'`]?[A-Z])"
)
# Words before a full stop that is no sentence end ("Mr.Biden" is a name, not a boundary).
_ABBREVIATIONS = frozenset(
    str.split(
        """mr mrs ms dr st gen sen rep gov lt col capt sgt jr sr no vs etc inc co corp ltd prof rev fig
    e.g i.e"""
    )
)
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)[.!?][\"”’'`]?$")

_CALENDAR = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\d\s+(jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|sept|oct|nov|dec)|\d{4}-\d{2}-\d{2}|\d{1,2}[:.]\d{2}\s*(am|pm|a\.m|p\.m)",
    re.I,
)


# A paragraph break: a line break, optional spaces, then another line break.
_BREAK = r"(?>\r\n|[\r\n\u2028\u2029])"  # atomic: CR LF is one break, not two
_PARAGRAPH = re.compile(rf"[^\S\r\n\u2028\u2029]*{_BREAK}(?:[^\S\r\n\u2028\u2029]*{_BREAK})+")
_TEXT_LINE = re.compile(r"[^\r\n\u2028\u2029]*\S[^\r\n\u2028\u2029]*")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


def spaced_text(text: str) -> str:
    """``text`` with every line break turned into a space (same length, so offsets still hold)."""
    return _LINE_BREAK.sub(" ", text)


def cut_pieces(text: str, offset: int) -> Iterator[tuple[int, int]]:
    """(start, end) pieces of ``text`` cut at paragraph breaks and glued sentence boundaries.

    A single line break inside a paragraph is a wrap and cuts nothing. Offsets are
    shifted by ``offset``; pieces are stripped of surrounding space.
    """
    flat = spaced_text(text)
    breaks = [0] + [p for m in _PARAGRAPH.finditer(text) for p in (m.start(), m.end())] + [len(text)]
    for para_start, para_end in zip(breaks[::2], breaks[1::2], strict=True):
        cuts = [para_start]
        for glued in _GLUED.finditer(flat, para_start, para_end):
            before = _WORD_BEFORE.search(flat, para_start, glued.start())
            word = before.group(1).lower().rstrip(".") if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            cuts.append(glued.start())
        cuts.append(para_end)
        for start, end in itertools.pairwise(cuts):
            piece = text[start:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                yield offset + start + lead, offset + start + lead + len(stripped)


def extract_numbers(text: str, language: str = "en") -> list[float]:
    """Numeric values stated in a sentence: digits (with thousands separators and scale words)
    and spelled-out numbers ("two", "dozen", "fifty-four"), read as ``language`` writes them."""
    return list_values(text, language)


def kept_spans(article: Article) -> list[Span]:
    """The article's kept spans; when cleaning kept nothing explicit (it did not run), each
    non-blank line of the original, as the cleaner would keep an unwrapped text."""
    if article.kept:
        return article.kept
    return [Span(m.start(), m.end(), m.group()) for m in _TEXT_LINE.finditer(article.original)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_words(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 2


def segment_article(article: Article, pieces: list[tuple[int, int]], docs: list[object]) -> list[Sentence]:
    """Build the article's sentences from its pieces and their spaCy docs."""
    original = article.original
    bounds: list[tuple[int, int, object]] = []
    for (piece_start, _piece_end), doc in zip(pieces, docs, strict=True):
        for sent_start, sent_end in sentence_bounds(article.language, doc):
            start, end = _trim(original, piece_start + sent_start, piece_start + sent_end)
            if start >= end:
                continue
            # A bit without letters ("0", "*") or that starts in lower case ("Mediterranean. to
            # strengthen") continues the sentence before it in the same piece.
            piece = original[start:end]
            if bounds and bounds[-1][2] is doc and (not _has_words(piece) or piece[0].islower()):
                bounds[-1] = (bounds[-1][0], end, doc)
                continue
            bounds.append((start, end, doc))
    sentences: list[Sentence] = []
    for index, (start, end, _doc) in enumerate(bounds):
        text = original[start:end]
        sentences.append(
            Sentence(
                id=f"{article.id}:s{index}",
                article=article.id,
                index=index,
                text=text,
                start=start,
                end=end,
                norm=normalise_for_matching(text),
            )
        )
    # Entities: spaCy's, placed in the sentence that contains them.
    for (piece_start, _piece_end), doc in zip(pieces, docs, strict=True):
        for ent in doc.ents:  # type: ignore[attr-defined]
            start, end = piece_start + ent.start_char, piece_start + ent.end_char
            for sentence in sentences:
                if sentence.start <= start and end <= sentence.end:
                    sentence.entities.append(Entity(ent.text, ent.label_, start, end))
                    break
    for sentence in sentences:
        sentence.numbers = extract_numbers(blank_calendar_dates(sentence, article.language), article.language)
    return sentences


def sentence_bounds(language: str, doc: object) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a piece's doc: spaCy's sentences for English (and
    languages the text layer does not read), the rule-based splitter for French, German and
    Spanish (the parse is English, and would cut "am 20. Oktober" after the day)."""
    if language in LOCALISED:
        return split_sentences_by_rule(doc.text, language)  # type: ignore[attr-defined]
    return [(sent.start_char, sent.end_char) for sent in doc.sents]  # type: ignore[attr-defined]


def blank_calendar_dates(sentence: Sentence, language: str = "en") -> str:
    """The sentence text with calendar dates ("October 7", "2023-10-21") blanked out,
    so that day numbers are not taken for quantities. French, German and Spanish dates are
    found by the date grammar ("20. Oktober", "20 de octubre"), not by the English entities."""
    chars = list(sentence.text)
    if language in LOCALISED:
        for expr in find_date_expressions(sentence.text, language):
            if expr.how == "explicit":
                chars[expr.start : expr.end] = " " * (expr.end - expr.start)
        return "".join(chars)
    for entity in sentence.entities:
        if entity.label in ("DATE", "TIME") and _CALENDAR.search(entity.text):
            for i in range(entity.start - sentence.start, entity.end - sentence.start):
                chars[i] = " "
    return "".join(chars)


@stage(
    requires=("article.kept",),
    provides=("article.sentences", "sentence.norm", "sentence.entities", "sentence.numbers"),
)
def split_sentences(ctx: Context) -> None:
    """Sentences with entities and numbers for every article, offsets into the original."""
    plan = [
        (article, [p for span in kept_spans(article) for p in cut_pieces(span.text, span.start)])
        for article in ctx.report.articles
    ]
    made: dict[int, list[object]] = {}  # the docs of the articles segmented in this run

    def segment(positions: list[int]) -> list[Segmented]:
        texts = [spaced_text(plan[n][0].original[s:e]) for n in positions for s, e in plan[n][1]]
        docs = iter(ctx.resources.parser.pipe(texts, batch_size=128))  # through the run's cache, if any
        found: list[Segmented] = []
        for n in positions:
            article, pieces = plan[n]
            made[n] = [next(docs) for _ in pieces]
            sentences = segment_article(article, pieces, made[n])
            found.append(
                (sentences, [span is not None for span in sentence_spans(sentences, pieces, made[n])])
            )
        return found

    for n, ((article, pieces), (sentences, spanned)) in enumerate(
        zip(plan, reuse_sentences(ctx, plan, segment), strict=True)
    ):
        article.sentences = sentences
        if n in made:
            remember_sentences(ctx, sentences, pieces, made[n])  # later stages reuse this parse
        else:  # read back from the cache: the parse is decoded only if a later stage asks for it
            texts = [spaced_text(article.original[s:e]) for s, e in pieces]
            defer_sentences(ctx, sentences, pieces, texts, spanned)


# An article's sentences, and whether each has a span of its own in its paragraph's parse.
Segmented = tuple[list[Sentence], list[bool]]


def reuse_sentences(
    ctx: Context,
    plan: list[tuple[Article, list[tuple[int, int]]]],
    segment: Callable[[list[int]], list[Segmented]],
) -> list[Segmented]:
    """Each planned article's sentences: from the analysis cache when the same article (id, text
    and pieces) was segmented by the same pipeline and code before, else from ``segment``."""
    cache = ctx.resources.cache
    if cache is None:
        return segment(list(range(len(plan))))
    kind = f"sentences:{parse_kind(ctx.resources.nlp)}:{code_digest()}"
    keys = [digest(article.id, article.original, pieces) for article, pieces in plan]
    found = reuse_values(cache, kind, keys, segment, Segmented)
    for sentences, _spanned in found:
        for sentence in sentences:
            sentence.norm = sentence.norm or normalise_for_matching(sentence.text)  # kept out of JSON
    return found
