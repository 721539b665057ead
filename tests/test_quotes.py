"""Quotes: direct quotes with speakers, odd quote marks, and the same quote across outlets."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import build_article, floor
from parallax.analysis.details.quotes import (
    compare_quotes,
    extract_quotes,
    is_scare_quote,
    quote_windows,
    spacy_parser,
    word_diff,
)
from parallax.model import Article, Report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def parse() -> Any:
    return spacy_parser("en_core_web_sm")


def make_article(aid: str, texts: list[str], outlet: str | None = None, joiner: str = " ") -> Article:
    """An article whose sentences are exactly ``texts`` (joined by ``joiner``)."""
    return build_article(aid, texts, outlet=outlet or aid.upper(), joiner=joiner)


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def speakers(article: Article, parse: Any) -> dict[str, str | None]:
    return {q.text: q.speaker for q in extract_quotes(article, parse)}


def test_quotes_speaker_patterns(parse: Any) -> None:
    article = make_article(
        "a",
        [
            "“The bridge will reopen next week,” Mayor Ana Ruiz said.",
            "Transport minister Paul Okafor said: “We are checking every cable.”",
            "Engineer Mia Chen told reporters that “the steel is sound.”",
            "“Nobody was hurt,” said a police spokesperson.",
        ],
    )
    found = speakers(article, parse)
    assert "Ruiz" in (found["The bridge will reopen next week,"] or "")
    assert "Okafor" in (found["We are checking every cable."] or "")
    assert "Chen" in (found["the steel is sound."] or "")
    assert "spokesperson" in (found["Nobody was hurt,"] or "")


def test_quotes_pronoun_takes_the_previous_named_speaker(parse: Any) -> None:
    article = make_article(
        "a",
        [
            "Harbour master Lena Fischer said the port would stay shut.",
            "She added: “Ships will wait outside until the storm passes.”",
        ],
    )
    (quote,) = extract_quotes(article, parse)
    assert quote.speaker is not None and "Fischer" in quote.speaker
    assert quote.attribution == "pronoun"


def test_quotes_span_sentences_and_mixed_marks(parse: Any) -> None:
    article = make_article(
        "a",
        [
            "“We saw the water rise.",
            "Then the lights went out,” said farmer Tom Abara.",
            'Police chief Ivo Ramos said "roads are closed."',
            "`We need more pumps,` council leader Sara Idris said.",
            "Ruiz called the plan ‘a disaster waiting to happen’, aides said.",
        ],
    )
    quotes = extract_quotes(article, parse)
    texts = [q.text for q in quotes]
    assert "We saw the water rise. Then the lights went out," in texts
    spanning = quotes[texts.index("We saw the water rise. Then the lights went out,")]
    assert spanning.speaker and "Abara" in spanning.speaker
    assert "roads are closed." in texts
    assert "We need more pumps," in texts
    assert "a disaster waiting to happen" in texts
    for q in quotes:  # offsets point at the quoted words in the original
        assert article.original[q.start : q.end] == q.text


def test_quotes_scare_quotes_around_names_are_not_quotes(parse: Any) -> None:
    assert is_scare_quote("Israel") and is_scare_quote("New Order")
    assert not is_scare_quote("Yes.") and not is_scare_quote("far away")
    article = make_article(
        "a", ["The so-called ‘Liberation Front’ held a rally in “Freedom Square” on Sunday."]
    )
    assert extract_quotes(article, parse) == []


def test_quotes_no_quotes_at_all(parse: Any) -> None:
    article = make_article(
        "a", ["The council met on Tuesday.", "It's the group's third meeting; it didn't vote."]
    )
    assert extract_quotes(article, parse) == []
    assert article.warnings == []
    assert compare_quotes(Report(articles=[article])) == []


def test_quotes_unbalanced_marks_are_warned_not_dropped(parse: Any) -> None:
    article = make_article(
        "a",
        ["“Which [part] The official said the talks would go on.", "He added: “This changes nothing.”"],
    )
    article.sentences[0].entities = []
    quotes = extract_quotes(article, parse)
    assert [q.text for q in quotes] == ["This changes nothing."]
    assert any(w.kind == "garbled-quote" for w in article.warnings)
    unclosed = make_article(
        "b", ["The minister said “we will continue the talks with both sides and"], joiner="\n"
    )
    (cut,) = extract_quotes(unclosed, parse)
    assert not cut.complete and cut.text.startswith("we will continue")
    assert any(w.kind == "garbled-quote" for w in unclosed.warnings)


def test_quotes_word_diff_marks_changes() -> None:
    diff = word_diff("It is not over, it is a pause.", "It’s not over, it’s only a pause.")
    ops = [(p.op, p.text) for p in diff]
    assert ("=", "a pause.") in ops
    assert any(op == "-" for op, _ in ops) and any(op == "+" for op, _ in ops)
    assert word_diff("Same words here.", "same words, here") == [type(diff[0])("=", "same words, here")]


def test_quotes_match_verbatim_reworded_and_paraphrase(parse: Any) -> None:
    a = make_article(
        "a",
        [
            "“We will rebuild the bridge within a year, whatever it costs,” Mayor Ana Ruiz said.",
            "The contractor said it had “finished the survey of the northern pylons ahead of schedule.”",
            "“Yes,” she said when asked about funding.",
        ],
        "Daily A",
    )
    b = make_article(
        "b",
        [
            "“We will rebuild this bridge in under a year, whatever the cost,” Ruiz told reporters.",
            "The firm finished the survey of the northern pylons ahead of schedule, it said.",
            "Asked about funding, the mayor said “Yes.”",
        ],
        "Daily B",
    )
    report = Report(articles=[a, b])
    report.quotes = extract_quotes(a, parse) + extract_quotes(b, parse, start_id=10)
    kinds = {m.kind: m for m in compare_quotes(report)}
    assert kinds["reworded"].outlets == ["Daily A", "Daily B"]
    assert any(p.op == "+" and "under" in p.text for p in kinds["reworded"].diff)
    assert kinds["paraphrase"].sentence == "b:s1"
    assert kinds["verbatim"].articles == ["a", "b"]  # "Yes." about the same thing


def test_quotes_short_quotes_in_unrelated_sentences_do_not_match(parse: Any) -> None:
    a = make_article("a", ["“Yes,” the coach said after the final whistle."])
    b = make_article("b", ["Asked whether taxes would rise, the minister said “Yes.”"])
    report = Report(articles=[a, b])
    report.quotes = extract_quotes(a, parse) + extract_quotes(b, parse, start_id=5)
    assert compare_quotes(report) == []


def test_quotes_seed_accuracy_meets_floors(seeds_dir: Path) -> None:
    bench = load_bench()
    report = bench.analyse_seeds(seeds_dir)
    scores = bench.score_quotes(report, bench.load_gold("seed_quotes.json"))
    for name in ("quote_recall", "quote_precision", "quote_speaker_accuracy"):
        assert scores[name] >= floor(name), (name, scores[name])


def test_quotes_seed_report_shows_drift_between_outlets(seed_report: Report) -> None:
    index = {q.id: q for q in seed_report.quotes}
    reworded = [m for m in seed_report.quote_matches if m.kind == "reworded"]
    assert reworded, "the same quote worded differently by two outlets is found"
    assert any("Don" in index[m.quotes[0]].text and len(set(m.articles)) == 2 for m in reworded)
    verbatim = [m for m in seed_report.quote_matches if m.kind == "verbatim"]
    assert any("question sounded like" in index[m.quotes[0]].text for m in verbatim)


def test_quotes_sections_escape_article_text(parse: Any) -> None:
    from parallax.render.sections import get_section

    a = make_article(
        "a", ["“<script>alert(1)</script> the new harbour plan is *bold*,” Mayor Ana Ruiz said."], "Daily A"
    )
    b = make_article(
        "b", ["“<script>alert(1)</script> the new harbour plan is really *bold*,” Ruiz said."], "Daily B"
    )
    report = Report(articles=[a, b], stages=["compare_quote_wording"])
    report.quotes = extract_quotes(a, parse) + extract_quotes(b, parse, start_id=5)
    report.quote_matches = compare_quotes(report)
    section = get_section("quotes")
    assert section.html and section.markdown and section.analysed(report)
    html = str(section.html(report))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<ins>" in html or "<del>" in html  # the word diff is shown
    assert "\\*bold\\*" in section.markdown(report)


def test_quotes_candidate_pairs_hold_every_pair_that_can_match() -> None:
    import random

    from parallax.analysis.details.quotes import _contains, _content, candidate_pairs

    rng = random.Random(7)
    vocabulary = [
        "the",
        "minister",
        "said",
        "we",
        "will",
        "not",
        "give",
        "up",
        "on",
        "the",
        "hostages",
        "talks",
        "today",
        "ceasefire",
    ]
    words = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 7))] for _ in range(120)]
    words += [list(w) for w in words[:20]]  # some wordings appear twice
    content = [_content(w) for w in words]
    found = set(candidate_pairs(words, content))
    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            wa, wb = words[i], words[j]
            if not wa or not wb:
                assert (i, j) not in found
                continue
            short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
            can_match = (
                short == long
                or (len(short) >= 3 and _contains(long, short))
                or (len(short) >= 4 and len(content[i] & content[j]) >= 2)
            )
            if can_match:
                assert (i, j) in found, (wa, wb)
    assert len(found) < len(words) * (len(words) - 1) // 2  # and the others are skipped


def test_quotes_matches_equal_with_overlaps_read_back(parse: Any) -> None:
    from dataclasses import asdict

    from parallax.nlp.cache import MemoryCache

    texts = [
        ['"We will not give up on the talks," the minister said on Monday.'],
        ['"We will never give up on these talks," the minister told reporters.'],
        ['"We will not give up on the talks today," said the minister.'],
    ]
    articles = [make_article(f"a{n}", t) for n, t in enumerate(texts, start=1)]
    report = Report(articles=articles)
    report.quotes = [q for a in articles for q in extract_quotes(a, parse, len(report.quotes) + 1)]
    for n, q in enumerate(report.quotes, start=1):
        q.id = f"q{n}"
    cache = MemoryCache()
    plain = [asdict(m) for m in compare_quotes(report)]
    assert any(m["kind"] == "reworded" for m in plain)
    assert [asdict(m) for m in compare_quotes(report, cache=cache)] == plain
    assert [asdict(m) for m in compare_quotes(report, cache=cache)] == plain
    assert cache.stats.found("quote-overlap") > 0 and cache.stats.computed("quote-overlap") > 0


def test_quotes_windows_parsed_without_entities_give_the_same_quotes() -> None:
    """The quote stage parses each quote's window without the entity recogniser and runs it only
    for a window whose speaker is a pronoun; the quotes are those of the full pipeline, and the
    recogniser adds the entities the full pipeline finds."""
    from parallax.nlp.parser import SharedParser
    from parallax.nlp.pretrained import load_spacy

    nlp = load_spacy("en_core_web_sm")
    article = make_article(
        "a",
        [
            "Harbour master Lena Fischer spoke on Monday, and she said: “Ships will wait outside.”",
            "“The bridge will reopen next week,” Mayor Ana Ruiz said.",
            "Engineer Mia Chen told reporters that “the steel is sound.”",
        ],
    )
    full = extract_quotes(article, lambda text: nlp(text))
    parser = SharedParser(nlp)
    windows = quote_windows(article)
    parser.prefetch_bare(windows)
    assert windows and all(not parser.bare[w].has_annotation("ENT_IOB") for w in windows)
    lean = extract_quotes(article, parser.parse, parse_window=parser.parse_bare, entities=parser.entities)
    assert lean == full
    assert any(q.speaker and "Fischer" in q.speaker for q in lean)  # "she", resolved in the window
    assert any(parser.bare[w].has_annotation("ENT_IOB") for w in windows)  # recognised on demand
    for window in windows:
        whole = nlp(window)
        bare = parser.parse_bare(window)
        assert [(t.dep_, t.head.i) for t in bare] == [(t.dep_, t.head.i) for t in whole]
        found = [(e.text, e.label_, e.start_char) for e in parser.entities(bare)]
        assert found == [(e.text, e.label_, e.start_char) for e in whole.ents]
    kept = parser.parse_bare(windows[0])
    assert parser.parse(windows[0]) is kept and windows[0] not in parser.bare  # no second parse
