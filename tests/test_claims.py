"""Claim grouping: paraphrases join, same-topic different facts stay apart; coverage."""

from __future__ import annotations

import collections
import functools
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

import parallax
from conftest import ROOT, floor, need_shared
from parallax.analysis.claims.coverage import compare_coverage
from parallax.analysis.claims.grouping import choose_text, group_claims, measure_plainness
from parallax.analysis.claims.independence import count_independent_sources
from parallax.analysis.claims.summary import summarise
from parallax.analysis.provenance.reuse import detect_reuse
from parallax.analysis.provenance.sources import find_cited_sources
from parallax.analysis.provenance.syndication import find_syndication
from parallax.analysis.reading.embed import embed_sentences
from parallax.analysis.reading.sentences import split_sentences
from parallax.analysis.reading.story_groups import group_stories
from parallax.clean.furniture import clean_articles
from parallax.model import Article, Claim, Mention, Report
from parallax.options import Options
from parallax.resources import Resources

MY_STAGES = [
    clean_articles,
    split_sentences,
    detect_reuse,  # reuse, syndication and cited sources feed the independent-source counts
    find_syndication,
    find_cited_sources,
    embed_sentences,
    group_stories,  # claims are grouped within a story
    group_claims,
    count_independent_sources,  # the summary ranks claims by independent sources
    compare_coverage,
    summarise,
]

# A small story written for these tests: three outlets on one council meeting.
TRAM_STORY = {
    "Harbour Times": (
        "The city council approved a 40 million euro budget for the new tram line on Tuesday. "
        "Mayor Elena Ruiz said construction would begin in March. "
        "Two workers were injured when scaffolding collapsed at the tram depot on Monday."
    ),
    "Coast Herald": (
        "On Tuesday the council gave its approval to a budget of 40 million euros for the planned tram line. "
        "Construction is set to start in March, according to Mayor Elena Ruiz. "
        "The mayor said the tram line would carry 20,000 passengers a day."
    ),
    "Daily Pier": (
        "Councillors voted on Tuesday to approve the 40-million-euro tram budget. "
        "Elena Ruiz, the mayor, also said that fares would rise by 10 percent next year. "
        "Two workers were hurt on Monday after scaffolding fell at the tram depot."
    ),
}


def build_articles(story: dict[str, str]) -> list[Article]:
    return [
        Article(
            id=f"a{n}",
            source=f"{outlet}.txt",
            title="",
            outlet=outlet,
            published=None,
            language="en",
            original=text,
        )
        for n, (outlet, text) in enumerate(story.items(), 1)
    ]


def claim_with(report: Report, snippet: str) -> Claim:
    found = [c for c in report.claims if any(snippet in m.text for m in c.mentions)]
    assert len(found) == 1, f"expected one claim mentioning {snippet!r}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def tram_report() -> Report:
    return parallax.analyze(build_articles(TRAM_STORY), stages=MY_STAGES)


def test_claims_paraphrases_join(tram_report: Report) -> None:
    budget = claim_with(tram_report, "40 million euro budget")
    assert budget.outlets == ["Harbour Times", "Coast Herald", "Daily Pier"]
    march = claim_with(tram_report, "construction would begin in March")
    assert set(march.articles) == {"a1", "a2"}
    scaffolding = claim_with(tram_report, "scaffolding collapsed")
    assert set(scaffolding.articles) == {"a1", "a3"}
    assert budget.id == "c1"  # best supported first


def test_claims_same_people_different_facts_stay_apart(tram_report: Report) -> None:
    passengers = claim_with(tram_report, "20,000 passengers")
    fares = claim_with(tram_report, "fares would rise")
    assert passengers.id != fares.id
    assert passengers.articles == ["a2"] and fares.articles == ["a3"]
    assert claim_with(tram_report, "construction would begin").id != fares.id


def test_claims_structure(tram_report: Report) -> None:
    for n, claim in enumerate(tram_report.claims, 1):
        assert claim.id == f"c{n}"
        assert claim.text in {" ".join(m.text.split()) for m in claim.mentions}
        assert claim.articles == list(dict.fromkeys(m.article for m in claim.mentions))
        for mention in claim.mentions:
            article = tram_report.article(mention.article)
            assert article.original[mention.start : mention.end] == mention.text
    supports = [len(c.outlets) for c in tram_report.claims]
    assert supports == sorted(supports, reverse=True)


def test_claims_coverage_exclusives_and_omissions(tram_report: Report) -> None:
    herald = tram_report.article("a2")
    pier = tram_report.article("a3")
    assert claim_with(tram_report, "20,000 passengers").id in herald.exclusive_claims
    assert claim_with(tram_report, "scaffolding collapsed").id in herald.omitted_claims
    assert claim_with(tram_report, "construction would begin").id in pier.omitted_claims
    for article in tram_report.articles:
        assert not set(article.exclusive_claims) & set(article.omitted_claims)
        for cid in article.exclusive_claims:
            assert tram_report.claim(cid).articles == [article.id]


def test_claims_plainest_wording_is_chosen() -> None:
    plain = "Officials confirmed that the bridge reopened on Sunday."
    loaded = "Officials reportedly claimed the \u201cdisastrous\u201d bridge finally reopened on Sunday."
    judged = Resources(Options()).judgement_words
    assert measure_plainness(plain, judged) < measure_plainness(loaded, judged)
    mentions = [Mention("a1", "a1:s0", loaded, 0, len(loaded)), Mention("a2", "a2:s0", plain, 0, len(plain))]
    assert choose_text(mentions, judged) == plain


def test_claims_short_fragments_are_not_claims(seed_report: Report) -> None:
    minimum = Options().min_sentence_chars
    for claim in seed_report.claims:
        assert all(len(m.text.strip()) >= minimum for m in claim.mentions)


def test_claims_one_mention_per_article_except_repeats(seed_report: Report) -> None:
    for claim in seed_report.claims:
        per_article = collections.defaultdict(list)
        for mention in claim.mentions:
            per_article[mention.article].append(mention.text)
        for texts in per_article.values():
            for other in texts[1:]:
                assert fuzz.token_sort_ratio(texts[0], other) >= 90, (claim.id, texts)


@functools.cache
def load_bench() -> Any:
    """bench/claims_quality.py, which scores claims against tests/data/seed_claims.json."""
    spec = importlib.util.spec_from_file_location("claims_quality", ROOT / "bench" / "claims_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def seed_claim(report: Report, file_name: str, snippet: str) -> Claim:
    bench = load_bench()
    sentence = bench.find_sentence(report, file_name, snippet)
    assert sentence is not None, f"no sentence with {snippet!r} in {file_name}"
    return next(c for c in report.claims if any(m.sentence == sentence.id for m in c.mentions))


def seed_outlet_files(report: Report, claim: Claim) -> set[str]:
    return {Path(report.article(a).source).name for a in claim.articles}


def test_claims_seed_key_groups(seed_report: Report) -> None:
    postpone = seed_claim(
        seed_report, "000_e997f9c8b106dfe7.txt", "pushing Israel to postpone its ground attack"
    )
    assert {"002_db5e7f42685f6542.txt", "003_1eb91c6cdb7dc21a.txt"} <= seed_outlet_files(
        seed_report, postpone
    )
    assert len(postpone.outlets) >= 3
    hostages = seed_claim(seed_report, "000_e997f9c8b106dfe7.txt", "captured more than 200 people")
    assert len(hostages.articles) >= 3
    assert "004_78d881415b78ea45.txt" in seed_outlet_files(seed_report, hostages)
    americans = seed_claim(seed_report, "000_e997f9c8b106dfe7.txt", "two American hostages had been released")
    assert "002_db5e7f42685f6542.txt" in seed_outlet_files(seed_report, americans)


def test_claims_seed_different_facts_apart(seed_report: Report) -> None:
    annotation = json.loads((ROOT / "tests" / "data" / "seed_claims.json").read_text(encoding="utf-8"))
    for left, right, why in annotation["apart"]:
        a, b = seed_claim(seed_report, *left), seed_claim(seed_report, *right)
        assert a.id != b.id, why


def test_claims_seed_quality_floors(seed_report: Report) -> None:
    quality = load_bench().measure_quality(seed_report)
    assert quality.precision >= floor("claims_pair_precision")
    assert quality.recall >= floor("claims_pair_recall")
    assert quality.apart_joined == 0


@pytest.mark.slow
def test_claims_ecbplus_different_events_rarely_join() -> None:
    """Two reports of different real events in one ECB+ topic (e.g. two rehab check-ins):
    their sentences should seldom be grouped; two reports of the same event should be, more often."""
    path = need_shared("datasets", "ecbplus", "documents.jsonl")
    result = load_bench().measure_separation(path, topics=8)
    assert result.topics == 8
    assert result.separation >= floor("claims_ecbplus_event_separation")
    assert result.joined_same > 2 * result.joined_different


def make_sentence(text: str, article: str = "a1") -> Any:
    from parallax.model import Sentence

    return Sentence(f"{article}:s0", article, 0, text, 0, len(text), text)


def test_claims_intent_is_not_the_deed() -> None:
    from parallax.analysis.claims.grouping import describe_sentence, score_pair

    intent = describe_sentence(
        make_sentence("The union said the detained strikers will be released when talks allow.")
    )
    deed = describe_sentence(
        make_sentence("The union said the detained strikers were released on time.", "a2")
    )
    same = describe_sentence(
        make_sentence("The union said detained strikers would be released once talks allow.", "a2")
    )
    assert intent.intended & deed.done and not intent.intended & same.done
    assert score_pair(0.8, intent, deed) < score_pair(0.8, intent, same) - 0.1


def test_claims_days_resolve_against_the_publication_date() -> None:
    import datetime as dt

    from parallax.analysis.claims.grouping import describe_sentence, score_pair

    anchor = dt.date(2031, 3, 15)  # a Saturday
    named = describe_sentence(make_sentence("The pier reopened on March 14 after repairs."), anchor)
    friday = describe_sentence(make_sentence("The pier reopened on Friday after repairs.", "a2"), anchor)
    monday = describe_sentence(make_sentence("The pier reopened on Monday after repairs.", "a2"), anchor)
    assert named.days == friday.days == {dt.date(2031, 3, 14).toordinal()}
    assert score_pair(0.8, named, monday) < score_pair(0.8, named, friday) - 0.2


def test_claims_main_clause_of_long_sentences() -> None:
    from parallax.analysis.claims.grouping import find_main_clause

    long = (
        "Two climbers were rescued from the glacier on Sunday, a father and son identified as "
        "Tomas and Emil Berg of Lund."
    )
    assert find_main_clause(long) == "Two climbers were rescued from the glacier on Sunday"
    assert find_main_clause("Two climbers were rescued on Sunday.") is None
