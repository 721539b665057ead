"""The run's shared spaCy parser, as the stages reach it (see ``parallax.nlp.parser``)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from parallax.model import Sentence
from parallax.nlp.parser import SharedParser
from parallax.stage import Context

__all__ = [
    "SharedParser",
    "defer_sentences",
    "locate_sentences",
    "remember_sentences",
    "sentence_spans",
    "shared_parser",
]


def shared_parser(ctx: Context) -> SharedParser:
    """The run's shared parser (``ctx.resources.parser``, built once per run)."""
    return ctx.resources.parser


def locate_sentences(
    sentences: Sequence[Sentence], pieces: Sequence[tuple[int, int]]
) -> list[tuple[int, int, int] | None]:
    """Per sentence, (the piece holding it, its start and end in that piece), or None when no
    single piece holds it (``pieces``: offsets into the article's original)."""
    order = sorted(range(len(pieces)), key=lambda i: pieces[i][0])
    starts = [pieces[i][0] for i in order]
    found: list[tuple[int, int, int] | None] = []
    for sentence in sentences:
        at = bisect.bisect_right(starts, sentence.start) - 1
        piece_start, piece_end = pieces[order[at]] if at >= 0 else (0, -1)
        inside = at >= 0 and sentence.end <= piece_end
        found.append(
            (order[at], sentence.start - piece_start, sentence.end - piece_start) if inside else None
        )
    return found


def sentence_spans(
    sentences: Sequence[Sentence], pieces: Sequence[tuple[int, int]], docs: Sequence[Any]
) -> list[Any]:
    """Each sentence's span in its paragraph's parse (``docs[i]`` parses ``pieces[i]``), or None
    when it has none of the sentence's length (a boundary inside a token)."""
    spans: list[Any] = []
    for sentence, where in zip(sentences, locate_sentences(sentences, pieces), strict=True):
        span = docs[where[0]].char_span(where[1], where[2]) if where is not None else None
        spans.append(span if span is not None and len(span.text) == len(sentence.text) else None)
    return spans


def remember_sentences(
    ctx: Context, sentences: Sequence[Sentence], pieces: Sequence[tuple[int, int]], docs: Sequence[Any]
) -> None:
    """Keep each sentence's part of its paragraph's parse (``docs[i]`` parses ``pieces[i]``,
    offsets into the article's original) for the stages after the sentence stage."""
    parser = shared_parser(ctx)
    for sentence, span in zip(sentences, sentence_spans(sentences, pieces, docs), strict=True):
        if span is not None:
            parser.remember_sentence(sentence.text, span)


def defer_sentences(
    ctx: Context,
    sentences: Sequence[Sentence],
    pieces: Sequence[tuple[int, int]],
    texts: Sequence[str],
    spanned: Sequence[bool],
) -> None:
    """As ``remember_sentences``, for sentences read back from the analysis cache: each sentence
    that had a span (``spanned``, from ``sentence_spans`` when it was segmented) is tied to its
    paragraph's text (``texts[i]`` is what was parsed for ``pieces[i]``), whose cached parse is
    decoded only when a later stage asks for the sentence."""
    parser = shared_parser(ctx)
    for sentence, where, ok in zip(sentences, locate_sentences(sentences, pieces), spanned, strict=True):
        if where is not None and ok:
            parser.defer_sentence(sentence.text, texts[where[0]], (where[1], where[2]))
