"""Sentence splitting: glued boundaries, line breaks, offsets into the original, entities, numbers."""

from __future__ import annotations

from parallax.analysis.reading.sentences import cut_pieces, extract_numbers, split_sentences
from parallax.model import Article, Report, Sentence, Span
from parallax.options import Options
from parallax.stage import Context


def make_article(original: str, kept: list[Span] | None = None, article_id: str = "a1") -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        title="",
        outlet=None,
        published=None,
        language="en",
        original=original,
        kept=kept or [],
    )


def split(*articles: Article) -> list[Sentence]:
    ctx = Context(report=Report(articles=list(articles)), options=Options())
    split_sentences(ctx)
    return ctx.sentences()


def test_sentences_split_glued_boundaries() -> None:
    text = (
        "The ferry left the harbour on Friday.Harbour staff said the crossing was calm. "
        "The captain urged caution.\u201cSo, it\u2019s not over,\u201d he said.Passengers waited."
    )
    sentences = split(make_article(text))
    starts = [s.text[:12] for s in sentences]
    assert starts == [
        "The ferry le",
        "Harbour staf",
        "The captain ",
        "\u201cSo, it\u2019s no",
        "Passengers w",
    ]


def test_sentences_keep_abbreviations_and_decimals_whole() -> None:
    pieces = list(cut_pieces("Mr.Hale met Dr.Ortiz at 3.5 km from U.S.Route 9.", 0))
    assert len(pieces) == 1


def test_sentences_split_on_line_breaks_and_offsets_point_into_original() -> None:
    text = "Tram Line Approved\n\nThe council approved the tram line\non Tuesday evening. Work starts soon."
    sentences = split(make_article(text))
    assert sentences[0].text == "Tram Line Approved"
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert sentences[1].id == "a1:s1" and sentences[1].article == "a1"


def test_sentences_only_kept_spans_are_split() -> None:
    original = (
        "See also: ten photos of trams\nThe council approved the tram line on Tuesday. Work starts soon."
    )
    start = original.index("The council")
    sentences = split(make_article(original, [Span(start, len(original), original[start:])]))
    assert sentences and all(s.start >= start for s in sentences)
    assert not any("photos" in s.text for s in sentences)
    assert all(original[s.start : s.end] == s.text for s in sentences)


def test_sentences_lower_case_continuation_joins_previous() -> None:
    text = "The navy sent two ships to the eastern sea. to strengthen its presence in the region."
    sentences = split(make_article(text))
    assert len(sentences) == 1 and sentences[0].text == text


def test_sentences_entities_and_norm() -> None:
    text = "Mayor Elena Ruiz met \u201cport\u201d officials in Valencia \u2013 on Tuesday."
    (sentence,) = split(make_article(text))
    assert sentence.norm == 'Mayor Elena Ruiz met "port" officials in Valencia - on Tuesday.'
    assert sentence.text == text  # displayed text unchanged
    found = {(e.text, e.label) for e in sentence.entities}
    assert ("Elena Ruiz", "PERSON") in found and "Valencia" in {text for text, _ in found}
    for entity in sentence.entities:
        assert text[entity.start : entity.end] == entity.text


def test_sentences_numbers_skip_calendar_dates() -> None:
    assert extract_numbers("more than 4,100 people and 2.3 million residents") == [4100.0, 2300000.0]
    assert extract_numbers("a 40-million-euro budget for two lines") == [40e6, 2.0]
    (sentence,) = split(make_article("On October 7, gunmen took more than 200 people and two boats."))
    assert 7.0 not in sentence.numbers
    assert set(sentence.numbers) == {200.0, 2.0}


def test_sentences_seed_glued_boundary_is_split(seed_report: Report) -> None:
    texts = [s.text for a in seed_report.articles for s in a.sentences]
    assert any(t.startswith("Palestinian Hamas resistance movement detained") for t in texts)
    assert any(t.startswith("On Friday, US officials confirmed") for t in texts)
    for article in seed_report.articles:
        for s in article.sentences:
            assert article.original[s.start : s.end] == s.text


# A hard-wrapped report written for this test: paragraphs are wrapped at about 60 columns
# (a wrap can fall before a capitalised name) and separated by blank lines.
WRAPPED_REPORT = """Ferry service resumes after storm

The regional ferry between Port Alder and Wren Island
resumed on Thursday after three days of gales, the
operator said. Captain Mira Osei told reporters the
first crossing carried 140 passengers.

Harbour officials said the breakwater had been
inspected overnight. Repairs to the north pier will
cost about 2 million euros.
"""


def test_sentences_hard_wrapped_lines_are_not_sentence_ends() -> None:
    from parallax.clean.furniture import clean_articles

    article = make_article(WRAPPED_REPORT)
    ctx = Context(report=Report(articles=[article]), options=Options())
    clean_articles(ctx)
    split_sentences(ctx)
    texts = [" ".join(s.text.split()) for s in article.sentences]
    assert (
        "The regional ferry between Port Alder and Wren Island resumed on Thursday after three days of "
        "gales, the operator said." in texts
    )
    assert "Captain Mira Osei told reporters the first crossing carried 140 passengers." in texts
    assert "Repairs to the north pier will cost about 2 million euros." in texts
    # Paragraph breaks still separate sentences, and offsets point into the original.
    assert not any("passengers. Harbour" in t or "passengers.\n" in t for t in texts)
    for sentence in article.sentences:
        assert WRAPPED_REPORT[sentence.start : sentence.end] == sentence.text
    captain = next(s for s in article.sentences if s.text.startswith("Captain"))
    assert "\n" in captain.text and captain.numbers == [140.0]


def test_sentences_paragraph_breaks_cut_and_crlf_is_one_break() -> None:
    text = "The pier reopened on\r\nMonday morning.\r\n\r\nA second paragraph starts here"
    pieces = [text[s:e] for s, e in cut_pieces(text, 0)]
    assert pieces == ["The pier reopened on\r\nMonday morning.", "A second paragraph starts here"]
