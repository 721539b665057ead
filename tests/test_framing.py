"""Word choice and framing: each outlet's terms for the same referent, from claims and entities."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import build_article
from parallax.analysis.wording.entities import merge_entities
from parallax.analysis.wording.framing import compare_framing, count_term
from parallax.model import Article, Claim, Mention
from parallax.text.words import stem


@pytest.fixture(scope="module")
def parse() -> Any:
    from parallax.nlp.pretrained import load_spacy

    nlp = load_spacy()
    return lambda texts: list(nlp.pipe(texts))


def make_article(aid: str, outlet: str, texts: list[str], names: tuple[tuple[str, str], ...] = ()) -> Article:
    return build_article(aid, texts, outlet=outlet, names=names)


def claim_of(cid: str, articles: list[Article], index: int) -> Claim:
    mentions = [
        Mention(
            a.id,
            a.sentences[index].id,
            a.sentences[index].text,
            a.sentences[index].start,
            a.sentences[index].end,
        )
        for a in articles
    ]
    return Claim(cid, mentions[0].text, [a.id for a in articles], [a.label for a in articles], mentions)


def story() -> tuple[list[Article], list[Claim]]:
    norland = (("Norland", "GPE"),)
    a1 = make_article(
        "a1",
        "Valley News",
        [
            "Officials urged Norland to hold back its troops.",
            "The rebels seized 40 villagers near the dam.",
            "Norland denied any plan.",
        ],
        norland,
    )
    a2 = make_article(
        "a2",
        "Ridge Times",
        [
            "Officials urged the northern regime to hold back its troops.",
            "The rebels seized 40 hostages near the dam.",
            "The hostages were moved at night.",
        ],
        norland,
    )
    a3 = make_article(
        "a3",
        "Lake Herald",
        [
            "Officials urged Norland to hold back its troops.",
            "The rebels seized 40 villagers near the dam.",
            "Norland said little.",
        ],
        norland,
    )
    articles = [a1, a2, a3]
    return articles, [claim_of("c1", articles, 0), claim_of("c2", articles, 1)]


def test_framing_outlet_term_beside_others_terms(parse: Any) -> None:
    articles, claims = story()
    framings = compare_framing(articles, claims, merge_entities(articles), parse)
    by_referent = {f.referent: f for f in framings}
    assert "Norland" in by_referent, [f.referent for f in framings]
    norland = by_referent["Norland"]
    terms = {o.article: {t.term: t.count for t in o.terms} for o in norland.outlets}
    assert terms["a2"] == {"the northern regime": 1}
    assert terms["a1"] == {"Norland": 2} and terms["a3"] == {"Norland": 2}
    assert norland.kind == "place" and norland.entity is not None and "c1" in norland.claims
    villagers = by_referent["villagers"]
    hostages = {t.term: t for o in villagers.outlets if o.article == "a2" for t in o.terms}
    assert hostages["hostages"].count == 2
    example = hostages["hostages"]
    assert articles[1].original[example.start : example.end] == "hostages"
    assert "seized 40 hostages" in example.example


def test_framing_agreeing_outlets_give_no_rows(parse: Any) -> None:
    texts = ["The rebels seized 40 villagers near the dam."]
    articles = [make_article(f"a{i}", f"Outlet {i}", texts) for i in range(1, 4)]
    assert compare_framing(articles, [claim_of("c1", articles, 0)], [], parse) == []


def test_framing_no_claims_no_entities_single_sentence(parse: Any) -> None:
    one = make_article("a1", "Only", ["A single sentence without names."])
    assert compare_framing([one], [], [], parse) == []
    assert compare_framing([], [], [], parse) == []


def test_framing_spelling_and_inflection_are_not_framing(parse: Any) -> None:
    a1 = make_article("a1", "One", ["Talks to free the captives went on."])
    a2 = make_article("a2", "Two", ["Talks to ree the captives went on."])
    a3 = make_article("a3", "Three", ["Talks to free the captive went on."])
    articles = [a1, a2, a3]
    assert compare_framing(articles, [claim_of("c1", articles, 0)], [], parse) == []


def test_framing_count_term_separates_quote_marked_uses() -> None:
    article = make_article("a1", "One", ["‘Norland’ forces moved.", "Norland agreed.", "‘Norland’ said no."])
    plain, quoted, first, (start, end) = count_term(article, "Norland")
    assert (plain, quoted) == (1, 2)
    assert first is not None and article.original[start:end] == "Norland"
    assert stem("detainees") == stem("detainee")


def test_framing_seeds_show_distinctive_names(seed_report) -> None:  # type: ignore[no-untyped-def]
    framings = seed_report.framing
    assert framings, "no framing rows on the seeds"
    outlets_with_own_terms = set()
    for f in framings:
        usual = f.referent.lower()
        for o in f.outlets:
            if any(t.term.strip("‘’").lower() != usual for t in o.terms):
                outlets_with_own_terms.add(o.article)
            for t in o.terms:
                assert t.count >= 1 and t.example
    assert len(outlets_with_own_terms) >= 2

    # at least one referent is named by one outlet in words no other outlet uses for it
    def exclusive(f) -> bool:  # type: ignore[no-untyped-def]
        users: dict[str, set[str]] = {}
        for o in f.outlets:
            for t in o.terms:
                users.setdefault(t.term.strip("‘’").lower(), set()).add(o.article)
        return any(len(v) == 1 for v in users.values()) and len(f.outlets) >= 3

    assert any(exclusive(f) for f in framings)


def test_framing_different_actions_and_inflections_are_not_paired(parse: Any) -> None:
    # worked / rescued: two verbs with no argument in common; owe / owing: one verb inflected;
    # carried out repairs / repairing: a light verb, not another name; believed: frames another verb
    a1 = make_article(
        "a1",
        "One",
        [
            "Rescue divers worked through the night near the dam.",
            "We owe the families answers.",
            "The firm, which carried out repairs on the dam, said little.",
            "The rebels are believed to be holding 40 villagers.",
        ],
    )
    a2 = make_article(
        "a2",
        "Two",
        [
            "Emergency crews rescued 31 people near the dam.",
            "We are owing the families answers.",
            "The firm, which was repairing the dam, said little.",
            "The rebels have taken 40 villagers.",
        ],
    )
    articles = [a1, a2]
    claims = [claim_of(f"c{i}", articles, i) for i in range(4)]
    framings = compare_framing(articles, claims, [], parse)
    shown = {t.term.lower() for f in framings for o in f.outlets for t in o.terms}
    for pair in (("worked", "rescued"), ("owe", "owing"), ("carried", "repairing"), ("believed", "taken")):
        assert not set(pair) <= shown, (pair, shown)


def test_framing_part_of_a_name_is_widened_to_the_whole_name(parse: Any) -> None:
    texts = "{}, the company that repaired the dam in 2021, said it was cooperating with investigators."
    a1 = make_article("a1", "One", [texts.format("Dorrow Construction")])
    a2 = make_article("a2", "Two", [texts.format("Dorrow Construction")])
    a3 = make_article("a3", "Three", [texts.format("The Dorrow firm")])
    articles = [a1, a2, a3]
    framings = compare_framing(articles, [claim_of("c1", articles, 0)], [], parse)
    terms = {t.term for f in framings for o in f.outlets for t in o.terms}
    assert "The Dorrow firm" in terms and "Dorrow Construction" in terms, terms
    assert "firm" not in terms and "Construction" not in terms


def test_framing_aligned_numbers_give_counted_word_pairs(parse: Any) -> None:
    from parallax.model import NumberComparison, Quantity

    a1 = make_article("a1", "One", ["The flood has left more than 300 villagers drowned near the dam."])
    a2 = make_article("a2", "Two", ["Officials said the death toll tops 350 after the flood."])
    a3 = make_article("a3", "Three", ["Rebels seized 40 hostages near the dam."])
    a4 = make_article("a4", "Four", ["Rebels seized 40 herders near the dam."])
    articles = [a1, a2, a3, a4]

    def quantity(qid: str, article: Article, number: str, counts: str) -> Quantity:
        at = article.original.index(number)
        return Quantity(
            qid, article.id, article.sentences[0].id, number, 1.0, at, at + len(number), counts=counts
        )

    quantities = [
        quantity("n1", a1, "more than 300", "villagers"),
        quantity("n2", a2, "tops 350", "death toll"),
        quantity("n3", a3, "40", "hostages"),
        quantity("n4", a4, "40", "herders"),
    ]
    comparisons = [
        NumberComparison("people killed", ["n1", "n2"], ["a1", "a2"], ["One", "Two"], "update", ""),
        NumberComparison("people held", ["n3", "n4"], ["a3", "a4"], ["Three", "Four"], "agree", ""),
        NumberComparison("people", ["n1", "n3"], ["a1", "a3"], ["One", "Three"], "differ", ""),
    ]
    framings = compare_framing(articles, [], [], parse, quantities, comparisons)
    rows = [{t.term for o in f.outlets for t in o.terms} for f in framings]
    assert any({"drowned", "death toll"} <= r for r in rows), rows
    assert any({"hostages", "herders"} <= r for r in rows), rows
    assert all(f.basis == "numbers" for f in framings)
    assert not any({"villagers", "hostages"} <= r for r in rows)  # figures that differ are not paired


def load_bench():  # type: ignore[no-untyped-def]
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "framing.py"
    spec = importlib.util.spec_from_file_location("bench_framing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_framing_gold_scores_meet_floors(seed_report, example_report) -> None:  # type: ignore[no-untyped-def]
    from conftest import floor

    bench = load_bench()
    gold = bench.load_gold()
    scores = [
        bench.score_story(seed_report, gold["seeds"]),
        bench.score_story(example_report, gold["harbour-bridge"]),
    ]
    pooled = bench.combine(scores)
    assert pooled["recall"] >= floor("framing_gold_recall"), scores
    assert pooled["row_precision"] >= floor("framing_row_precision"), scores
    assert pooled["forbidden_rows"] == 0, scores


def test_framing_bench_scores_a_row_of_different_actions_as_wrong() -> None:
    bench = load_bench()
    gold = {
        "differences": [{"referent": "x", "outlet": "b.txt", "terms": ["regime"], "others": ["Norland"]}],
        "must_not": [{"terms": ["taken", "believed"]}],
    }

    class Stub:
        def __init__(self, rows: list[dict[str, list[str]]]) -> None:
            from parallax.model import Framing, FramingOutlet, FramingTerm

            self.articles = [Article(f, f, "", "", None, "en", "", "") for f in ("a.txt", "b.txt")]
            self.framing = [
                Framing(
                    "",
                    "r",
                    "thing",
                    "claims",
                    [
                        FramingOutlet(f, f, [FramingTerm(t, 1, "", "", 0, 0) for t in terms])
                        for f, terms in row.items()
                    ],
                )
                for row in rows
            ]

    good = bench.score_story(Stub([{"a.txt": ["Norland"], "b.txt": ["the regime"]}]), gold)
    assert good["recall"] == 1.0 and good["row_precision"] == 1.0
    bad = bench.score_story(Stub([{"a.txt": ["taken"], "b.txt": ["believed"]}]), gold)
    assert bad["recall"] == 0.0 and bad["row_precision"] == 0.0 and bad["forbidden_rows"] == 1


def test_framing_count_term_equals_a_pattern_search_of_each_sentence() -> None:
    import random

    from parallax.analysis.claims.alignment import QUOTE_CHARS
    from parallax.analysis.wording.framing import _folded, _term_pattern

    def by_sentence(article: Article, term: str) -> tuple[int, int, object, tuple[int, int]]:
        pattern = _term_pattern(term)
        plain = quoted = 0
        first, where = None, (0, 0)
        for sentence in article.sentences if pattern is not None else []:
            norm = _folded(sentence.text)
            for m in pattern.finditer(norm):  # type: ignore[union-attr]
                before = norm[m.start() - 1] if m.start() else ""
                after = norm[m.end()] if m.end() < len(norm) else ""
                if before and before in QUOTE_CHARS and after in QUOTE_CHARS + "'":
                    quoted += 1
                else:
                    plain += 1
                if first is None:
                    first, where = sentence, (sentence.start + m.start(), sentence.start + m.end())
        return plain, quoted, first, where

    rng = random.Random(3)
    words = [
        "hamas",
        "the",
        "militant",
        "group",
        "harbour",
        "o'brien",
        "u.s",
        "led",
        "ıstanbul",
        "istanbul",
        "k",
        "said",
        "ſ",
    ]
    marks = ["“", "”", "'", "-", "Hamas-led", "K", "İ"]
    for _ in range(400):
        texts = [" ".join(rng.choice(words + marks) for _ in range(rng.randint(1, 10))) for _ in range(3)]
        article = build_article("a1", texts)
        term = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        term = f"“{term}”" if rng.random() < 0.3 else term
        assert count_term(article, term) == by_sentence(article, term), (term, texts)
