"""Translation and rewrite damage warnings (analysis/wording/damage.py)."""

from __future__ import annotations

from parallax.analysis.wording.damage import check_quotes, check_sentences, check_spellings, find_damage
from parallax.analysis.wording.entities import merge_entities
from parallax.model import Article, Entity, Report, Sentence


def make(
    article_id: str, sentences: list[str], people: list[str] | None = None, outlet: str | None = None
) -> Article:
    text = " ".join(sentences)
    article = Article(
        id=article_id,
        source=f"{article_id}.txt",
        title="",
        outlet=outlet or f"Outlet {article_id}",
        published=None,
        language="en",
        original=text,
    )
    at = 0
    for k, s in enumerate(sentences):
        start = text.index(s, at)
        sentence = Sentence(f"{article_id}:s{k}", article_id, k, s, start, start + len(s))
        for name in people or []:
            pos = s.find(name)
            if pos >= 0:
                sentence.entities.append(Entity(name, "PERSON", start + pos, start + pos + len(name)))
        article.sentences.append(sentence)
        at = start + len(s)
    return article


CLEAN = [
    "The mayor said “the bridge will reopen in June,” according to her office.",
    "Engineers called the damage ‘serious’ but repairable.",
    "Traffic was diverted through the old town.",
]


def test_damage_clean_text_has_no_warnings() -> None:
    article = make("a1", CLEAN)
    assert check_quotes(article) == []
    assert check_sentences(article) == []


def test_damage_unbalanced_quotes_are_flagged_with_offsets() -> None:
    article = make("a1", ["The mayor said “the bridge will reopen in June, according to her office."])
    other = make("a2", ["He added: “We are ready.” and then ” nothing more."])
    warnings = check_quotes(article) + check_quotes(other)
    kinds = {w.message.split(":")[0] for w in warnings}
    assert "a quotation is opened and never closed" in kinds
    assert "a closing quotation mark with no opening mark" in kinds
    opened = article.original.index("“the")
    assert any(w.start == opened and w.end == opened + 1 for w in warnings)
    stray = other.original.rindex("”")
    assert any(w.start == stray for w in check_quotes(other))
    assert all(w.kind == "garbled-quote" for w in warnings)


def test_damage_bracket_inside_quote_and_double_opening() -> None:
    article = make("a1", ["“the [administration] “I pressed the leaders to wait,” said one person."])
    warnings = check_quotes(article)
    bracket = article.original.index("[administration]")
    assert any(w.start == bracket and w.end == bracket + len("[administration]") for w in warnings)
    assert any("second opening" in w.message for w in warnings)


def test_damage_unclosed_backtick_and_single_quote() -> None:
    article = make(
        "a1",
        [
            "The ministry said it would `continue talks with both sides.",
            "Officials worked to ‘ree the captives, according to the agency.",
        ],
    )
    starts = {w.start for w in check_quotes(article)}
    assert article.original.index("`") in starts
    assert article.original.index("‘") in starts


def test_damage_truncated_and_unparsable_sentences() -> None:
    article = make(
        "a1",
        [
            "The council met on Monday.",
            "Another official told the paper the visit helped as the city will not raise rents during",
            "the [mayor] The official said the plan is ready.",
            "The the plan was approved by the council on Tuesday.",
        ],
    )
    warnings = check_sentences(article)
    by_kind = {w.kind for w in warnings}
    assert "truncated-sentence" in by_kind and "unparsable-sentence" in by_kind
    truncated = [w for w in warnings if w.kind == "truncated-sentence"]
    assert article.original[truncated[0].start : truncated[0].end].endswith("during")
    assert any("doubled" in w.message for w in warnings)
    assert any("lower case" in w.message for w in warnings)
    assert any("after a bracket" in w.message for w in warnings)


def test_damage_name_spelled_against_majority() -> None:
    articles = [
        make("a1", ["Defence minister Yoav Gallant spoke on Monday."], ["Yoav Gallant"]),
        make("a2", ["Yoav Gallant said the army was ready."], ["Yoav Gallant"]),
        make("a3", ["Minister Yoav Gallant visited the north."], ["Yoav Gallant"]),
        make("a4", ["Defense Minister Yoav Galland backed a strike."], ["Yoav Galland"]),
    ]
    report = Report(articles=articles, entities=merge_entities(articles))
    found = check_spellings(report)
    assert set(found) == {"a4"}
    [warning] = found["a4"]
    assert warning.kind == "name-spelling" and "Gallant" in warning.message
    assert warning.start is not None and "Galland" in articles[3].original[warning.start : warning.end]


def test_damage_all_warnings_per_article_sorted() -> None:
    report = Report(articles=[make("a1", ["He said “yes.", "Fine."]), make("a2", CLEAN)])
    found = find_damage(report)
    assert found["a1"] and not found.get("a2")
    starts = [w.start or 0 for w in found["a1"]]
    assert starts == sorted(starts)


def test_damage_seeds_flag_garbled_quotes(seed_report) -> None:  # type: ignore[no-untyped-def]
    kinds = {w.kind for a in seed_report.articles for w in a.warnings}
    assert {"garbled-quote", "truncated-sentence"} <= kinds
    for article in seed_report.articles:
        for w in article.warnings:
            if w.start is not None and w.end is not None:
                assert 0 <= w.start < w.end <= len(article.original)
