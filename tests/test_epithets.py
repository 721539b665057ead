"""Epithets of named groups ("Hamas ... the militant group"), scored on a made-up gold file."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build_article, floor
from parallax.analysis.claims.alignment import words_of
from parallax.analysis.wording.epithets import find_epithets
from parallax.model import Entity, Mention, MergedEntity
from parallax.options import Options
from parallax.resources import Resources

GOLD = Path(__file__).parent / "data" / "naming_gold.json"


def find_case_epithets(case: dict[str, object], nlp: object) -> list[str]:
    sentences = list(case["sentences"])  # type: ignore[call-overload]
    name = str(case["entity"])
    article = build_article("a1", sentences, names=[(name, "ORG")])
    words = {}
    mentions = []
    for sentence in article.sentences:
        doc = nlp(sentence.text)
        for ent in doc.ents:  # the parser's own other names, as the sentence stage tags them
            start = sentence.start + ent.start_char
            if not any(e.start <= start < e.end for e in sentence.entities):
                sentence.entities.append(Entity(ent.text, ent.label_, start, start + len(ent.text)))
        words[sentence.id] = words_of(sentence, doc)
        at = sentence.text.find(name)
        if at >= 0:
            start = sentence.start + at
            mentions.append(Mention("a1", sentence.id, name, start, start + len(name)))
    entity = MergedEntity("e1", name, "ORG", ["a1"], [], mentions)
    return [epithet.text for epithet, _ in find_epithets(entity, [article], words)]


def test_epithets_gold_floor() -> None:
    nlp = Resources(Options()).nlp
    cases = json.loads(GOLD.read_text(encoding="utf-8"))["cases"]
    found = expected = right = 0
    for case in cases:
        got = find_case_epithets(case, nlp)
        found += len(got)
        expected += len(case["expected"])
        right += len(set(got) & set(case["expected"]))
    precision, recall = right / max(1, found), right / max(1, expected)
    assert precision >= floor("naming_epithet_precision")
    assert recall >= floor("naming_epithet_recall")


def test_epithets_skip_phrases_after_another_group() -> None:
    nlp = Resources(Options()).nlp
    case = {
        "sentences": ["The Sarrow League met the Tellis Union.", "The trade group left."],
        "entity": "Sarrow League",
    }
    assert find_case_epithets(case, nlp) == []
