"""Cited sources and sourcing shares (analysis/provenance/sources.py)."""

from __future__ import annotations

from parallax.analysis.provenance.sources import classify, find_sources, is_outlet, share_by_sentences
from parallax.model import Article, Entity, Sentence

SENTENCES = [
    "The bridge will stay closed for a month, Reuters reported.",
    "The contractor has already been paid, according to the Associated Press.",
    "Repairs could cost more than planned, sources familiar with the inspection said.",
    "Mayor Ada Quist told local radio that no one was hurt.",
    "Harbourmaster Tom Vell said the tides made the work harder.",
    "The port authority said it would publish the engineers' report.",
    "A senior official said the budget was already stretched.",
    "The river was calm on Friday morning.",
    "Ada Quist told CNN the bridge would reopen by summer.",
]


def make_article(sentences: list[str], entities: dict[int, list[str]] | None = None) -> Article:
    text = " ".join(sentences)
    article = Article(
        id="a1", source="a1.txt", title="", outlet=None, published=None, language="en", original=text
    )
    at = 0
    for k, s in enumerate(sentences):
        start = text.index(s, at)
        sentence = Sentence(f"a1:s{k}", "a1", k, s, start, start + len(s))
        for name in (entities or {}).get(k, []):
            pos = text.index(name, start)
            sentence.entities.append(Entity(name, "PERSON", pos, pos + len(name)))
        article.sentences.append(sentence)
        at = start + len(s)
    return article


def test_sources_finds_each_kind() -> None:
    article = make_article(SENTENCES, {3: ["Ada Quist"], 4: ["Tom Vell"], 8: ["Ada Quist"]})
    found = find_sources([article])
    kinds = {(s.kind, s.name) for s in found}
    assert ("outlet", "Reuters") in kinds
    assert ("outlet", "Associated Press") in kinds
    assert ("outlet", "CNN") in kinds
    assert ("person", "Ada Quist") in kinds
    assert ("person", "Tom Vell") in kinds
    assert ("institution", "port authority") in kinds
    anonymous = [s for s in found if s.kind == "anonymous"]
    assert any("sources familiar" in s.name for s in anonymous)
    assert any("senior official" in s.name.lower() for s in anonymous)
    for s in found:
        assert s.cue and article.original[s.start : s.end] == s.cue
        assert s.name.split()[-1].rstrip(".") in s.cue or s.kind == "anonymous"


def test_sources_shares_per_article() -> None:
    article = make_article(SENTENCES, {3: ["Ada Quist"], 4: ["Tom Vell"], 8: ["Ada Quist"]})
    [share] = share_by_sentences([article], find_sources([article]))
    assert share.total == len(SENTENCES)
    assert share.unattributed == round(1 / len(SENTENCES), 3)  # only the calm river
    assert share.anonymous == round(2 / len(SENTENCES), 3)
    assert abs(share.named + share.anonymous + share.unattributed - 1) < 0.01


def test_sources_unattributed_text_has_no_sources() -> None:
    article = make_article(["The river was calm on Friday morning.", "Boats left the harbour at dawn."])
    assert find_sources([article]) == []
    assert classify([]) == "unattributed"


def test_sources_outlet_names() -> None:
    assert is_outlet("Bloomberg") and is_outlet("the Associated Press") and is_outlet("Israel’s Army Radio")
    assert not is_outlet("Joe Biden") and not is_outlet("White House")


def test_sources_seeds_cite_outlets(seed_report) -> None:  # type: ignore[no-untyped-def]
    by_article: dict[str, set[str]] = {}
    for s in seed_report.sources:
        by_article.setdefault(s.article, set()).add(s.kind)
    assert len(by_article) == len(seed_report.articles)  # every seed attributes something
    outlets = {s.name for s in seed_report.sources if s.kind == "outlet"}
    assert {"Bloomberg", "CNN"} <= outlets
    assert sum("anonymous" in kinds for kinds in by_article.values()) >= 4
    assert len(seed_report.sourcing) == len(seed_report.articles)
