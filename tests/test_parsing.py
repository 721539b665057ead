"""The shared spaCy parser: one parse per distinct text, sentence parses reused from the
sentence stage."""

from __future__ import annotations

from typing import Any

from parallax.analysis.reading.parsing import SharedParser, remember_sentences, shared_parser
from parallax.analysis.reading.sentences import split_sentences
from parallax.model import Article, Report, Sentence
from parallax.options import Options
from parallax.stage import Context


class CountingNlp:
    """Stands in for a spaCy pipeline: records every text it is asked to parse."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, text: str) -> Any:
        self.seen.append(text)
        return ("doc", text)

    def pipe(self, texts: list[str], batch_size: int = 64) -> Any:
        for text in texts:
            yield self(text)


def test_parsing_each_distinct_text_parsed_once() -> None:
    nlp = CountingNlp()
    parser = SharedParser(nlp)
    parser.prefetch(["Alpha said so.", "Beta did not.", "Alpha said so."])
    assert nlp.seen == ["Alpha said so.", "Beta did not."]
    assert parser.parse("Alpha said so.") == ("doc", "Alpha said so.")
    assert parser.parse_many(["Beta did not.", "Gamma is new."]) == [
        ("doc", "Beta did not."),
        ("doc", "Gamma is new."),
    ]
    assert nlp.seen == ["Alpha said so.", "Beta did not.", "Gamma is new."]


def test_parsing_remembered_span_of_other_length_is_ignored() -> None:
    nlp = CountingNlp()
    parser = SharedParser(nlp)

    class Span:
        text = "short"

    parser.remember_sentence("a longer text", Span())
    assert parser.parse("a longer text") == ("doc", "a longer text")
    assert nlp.seen == ["a longer text"]


def test_parsing_sentences_reuse_the_sentence_stage_parse() -> None:
    text = (
        "The Norland ferry sank on Tuesday near the harbour, officials said.\n\n"
        "Forty-two passengers were rescued by two fishing boats.\n"
        "A spokesman for the coast guard said 3 people were still missing."
    )
    article = Article(
        id="a1", source="test", title="", outlet="Test", published="", language="en", original=text
    )
    ctx = Context(report=Report(articles=[article]), options=Options())
    split_sentences(ctx)
    parser = shared_parser(ctx)
    assert len(article.sentences) >= 3
    calls: list[str] = []
    real = parser.nlp
    parser.nlp = lambda t: calls.append(t) or real(t)  # type: ignore[assignment]
    for sentence in article.sentences:
        doc = parser.parse(sentence.text)
        assert len(doc.text) == len(sentence.text)
        assert [t.text for t in doc if not t.is_space] == [
            t.text for t in real(sentence.text) if not t.is_space
        ]
    assert calls == []  # every sentence came from the sentence stage's parse
    # A text no stage has seen is parsed on demand.
    parser.parse("Nobody parsed this sentence before.")
    assert calls == ["Nobody parsed this sentence before."]


def test_parsing_remember_sentences_skips_sentences_outside_pieces() -> None:
    nlp = CountingNlp()
    ctx = Context(report=Report(articles=[]), options=Options())
    ctx.resources.parser = SharedParser(nlp)
    article = Article(
        id="a1", source="t", title="", outlet="T", published="", language="en", original="Hi there. Bye."
    )
    sentence = Sentence(id="a1:s0", article="a1", index=0, text="Bye.", start=10, end=14)
    remember_sentences(ctx, [sentence], [(0, 9)], [None])
    assert shared_parser(ctx).spans == {}
    assert article.original[sentence.start : sentence.end] == sentence.text
