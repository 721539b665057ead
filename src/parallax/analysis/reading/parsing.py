"""The run's shared spaCy parser, as the stages reach it (see ``parallax.nlp.parser``)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from parallax.model import Sentence
from parallax.nlp.parser import SharedParser
from parallax.stage import Context

__all__ = ["SharedParser", "defer_sentences", "remember_sentences", "shared_parser"]


def shared_parser(ctx: Context) -> SharedParser:
    """The run's shared parser (``ctx.resources.parser``, built once per run)."""
    return ctx.resources.parser


def remember_sentences(
    ctx: Context, sentences: Sequence[Sentence], pieces: Sequence[tuple[int, int]], docs: Sequence[Any]
) -> None:
    """Keep each sentence's part of its paragraph's parse (``docs[i]`` parses ``pieces[i]``,
    offsets into the article's original) for the stages after the sentence stage."""
    parser = shared_parser(ctx)
    order = sorted(range(len(pieces)), key=lambda i: pieces[i][0])
    starts = [pieces[i][0] for i in order]
    for sentence in sentences:
        at = bisect.bisect_right(starts, sentence.start) - 1
        if at < 0:
            continue
        piece_start, piece_end = pieces[order[at]]
        if sentence.end <= piece_end:
            span = docs[order[at]].char_span(sentence.start - piece_start, sentence.end - piece_start)
            parser.remember_sentence(sentence.text, span)


def defer_sentences(
    ctx: Context, sentences: Sequence[Sentence], pieces: Sequence[tuple[int, int]], texts: Sequence[str]
) -> None:
    """As ``remember_sentences``, for sentences read back from the analysis cache: each sentence
    is tied to its paragraph's text (``texts[i]`` is what was parsed for ``pieces[i]``), whose
    cached parse is decoded only when a later stage asks for the sentence."""
    parser = shared_parser(ctx)
    order = sorted(range(len(pieces)), key=lambda i: pieces[i][0])
    starts = [pieces[i][0] for i in order]
    for sentence in sentences:
        at = bisect.bisect_right(starts, sentence.start) - 1
        if at < 0:
            continue
        piece_start, piece_end = pieces[order[at]]
        if sentence.end <= piece_end:
            where = (sentence.start - piece_start, sentence.end - piece_start)
            parser.defer_sentence(sentence.text, texts[order[at]], where)
