"""Numbers: quantities with what they count, normalised, and compared across outlets by date."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import build_article, floor
from parallax.analysis.details.numbers import compare_quantities, extract_quantities, spacy_parser
from parallax.model import Article, Report
from parallax.text.numbers import find_numbers, parse_word_number

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def parse() -> Any:
    return spacy_parser("en_core_web_sm")


def make_article(
    aid: str, texts: list[str], published: str | None = None, outlet: str | None = None
) -> Article:
    return build_article(aid, texts, outlet=outlet or aid.upper(), published=published)


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def values(text: str) -> list[tuple[float, float | None, str, str]]:
    return [(f.value, f.high, f.qualifier, f.bound) for f in find_numbers(text)]


def test_numbers_normalises_qualifiers_ranges_and_scales() -> None:
    assert values("the toll rose to more than 4,100 people") == [(4100.0, None, "more than", "lower")]
    assert values("the death toll tops 5,000") == [(5000.0, None, "tops", "lower")]
    assert values("between 10 and 20 hostages") == [(10.0, 20.0, "between", "range")]
    assert values("10-20 of them") == [(10.0, 20.0, "", "range")]
    assert values("a city of 2.3 million people") == [(2300000.0, None, "", "exact")]
    assert values("roughly $1.5bn in aid") == [(1.5e9, None, "roughly", "approx")]


def test_numbers_reads_spelled_out_numbers() -> None:
    assert parse_word_number("fifty-four") == 54
    assert parse_word_number("two hundred and ten") == 210
    assert parse_word_number("three million") == 3_000_000
    assert parse_word_number("two three") is None  # not a number, two numbers
    assert [f.value for f in find_numbers("two Americans and fifty-four trucks")] == [2.0, 54.0]
    # "two and three" is a list of two numbers, not a range and not five
    assert [f.value for f in find_numbers("two and three soldiers")] == [2.0, 3.0]


def test_numbers_leaves_out_dates_years_ordinals_and_times() -> None:
    text = "On October 7, 2023, at 10:30 a.m., the 7th convoy of F-16 jets left; 2024-01-05; in 1998 too."
    assert find_numbers(text) == []
    assert find_numbers("one of the officials said no one knew") == []


def test_numbers_finds_what_is_counted(parse: Any) -> None:
    article = make_article(
        "x1",
        [
            "Floods killed at least 35 villagers in the north.",
            "The army has deployed 1,200 troops and 40 trucks.",
            "Rebels are holding some 300 hostages, among them a 9-year-old boy.",
            "The war lasted nearly 20 years.",
            "The town, home to 85,000 people, is cut off.",
        ],
    )
    found = {q.text: q for q in extract_quantities(article, parse)}
    assert found["at least 35"].kind == "people" and found["at least 35"].event == "killed"
    assert found["at least 35"].counts == "villagers"
    assert found["1,200"].kind == "troops"
    assert found["40"].kind == "vehicles"
    assert found["some 300"].event == "held" and found["some 300"].bound == "approx"
    assert found["9-year-old"].kind == "age" and found["9-year-old"].value == 9
    assert found["85,000"].kind == "population"
    assert "nearly 20" not in found  # a duration is not a count


def test_numbers_quantity_offsets_point_into_the_original(parse: Any) -> None:
    article = make_article("x1", ["Intro sentence here.", "Officials said 12 people were injured."])
    (q,) = extract_quantities(article, parse)
    assert article.original[q.start : q.end] == q.text == "12"
    assert q.sentence == "x1:s1" and q.event == "injured"


def _report(*articles: Article) -> Report:
    return Report(articles=list(articles))


def test_numbers_later_toll_is_an_update_not_a_contradiction(parse: Any) -> None:
    a = make_article(
        "a", ["The quake has killed more than 1,000 people, officials said."], "2024-03-01", "Daily A"
    )
    b = make_article("b", ["The death toll from the quake tops 1,300."], "2024-03-03", "Daily B")
    report = _report(a, b)
    report.quantities = extract_quantities(a, parse) + extract_quantities(b, parse, start_id=10)
    (comparison,) = [c for c in compare_quantities(report) if c.measure == "people killed"]
    assert comparison.verdict == "update"
    assert "2024-03-01" in comparison.note and "2024-03-03" in comparison.note
    assert comparison.outlets == ["Daily A", "Daily B"]


def test_numbers_same_day_disagreement_and_agreement(parse: Any) -> None:
    a = make_article("a", ["The quake killed 1,000 people.", "Rescuers freed 12 miners."], "2024-03-01")
    b = make_article("b", ["The quake killed 1,200 people.", "Rescuers freed twelve miners."], "2024-03-01")
    c = make_article("c", ["The quake killed 1,100 people."], None)
    report = _report(a, b, c)
    report.quantities = [
        q for n, art in enumerate((a, b, c)) for q in extract_quantities(art, parse, start_id=n * 10 + 1)
    ]
    verdicts = {c.measure: c for c in compare_quantities(report)}
    assert verdicts["people killed"].verdict == "differ"
    assert "not all known" in verdicts["people killed"].note  # one report has no date
    released = [c for c in compare_quantities(report) if c.verdict == "agree"]
    assert released and released[0].articles == ["a", "b"]


def test_numbers_values_far_apart_count_different_things(parse: Any) -> None:
    a = make_article("a", ["The attack killed about 1,400 people."], "2024-03-01")
    b = make_article("b", ["The war has killed more than 4,100 people."], "2024-03-02")
    report = _report(a, b)
    report.quantities = extract_quantities(a, parse) + extract_quantities(b, parse, start_id=5)
    assert compare_quantities(report) == []


def test_numbers_no_numbers_at_all(parse: Any) -> None:
    article = make_article("a", ["Nothing was counted here.", "“Quiet,” she said."])
    assert extract_quantities(article, parse) == []
    assert compare_quantities(_report(article)) == []


def test_numbers_seed_accuracy_meets_floors(seeds_dir: Path) -> None:
    bench = load_bench()
    report = bench.analyse_seeds(seeds_dir)
    scores = bench.score_numbers(report, bench.load_gold("seed_numbers.json"))
    for name in (
        "quantity_recall",
        "quantity_precision",
        "quantity_value_accuracy",
        "quantity_event_accuracy",
    ):
        assert scores[name] >= floor(name), (name, scores[name])


def test_numbers_seed_report_shows_agreement_and_dated_update(seed_report: Report) -> None:
    verdicts = {(c.measure, c.verdict) for c in seed_report.number_comparisons}
    assert ("people held", "agree") in verdicts  # more than 200 hostages, several outlets
    killed = [c for c in seed_report.number_comparisons if c.measure == "people killed"]
    assert killed and killed[0].verdict == "update"
    index = {q.id: q for q in seed_report.quantities}
    assert {index[q].value for q in killed[0].quantities} == {4100.0, 5000.0}


def test_numbers_classify_kind_of_a_phrase_of_only_spaces() -> None:
    # before: IndexError when the counted phrase held only whitespace tokens (a line break the
    # parser kept as a token between a number and its noun)
    from parallax.analysis.details.numbers import classify_kind

    assert classify_kind("\n", None) == "other"
    assert classify_kind("  ", None) == "other"
    assert classify_kind("troops", None) == "troops"
