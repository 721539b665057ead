"""Entities merged across articles: name variants, surnames, titles, spellings, odd input."""

from __future__ import annotations

from parallax.analysis.wording.entities import merge_entities, normalise_name
from parallax.model import Article, Entity, Sentence


def make_article(aid: str, outlet: str, sentences: list[tuple[str, list[tuple[str, str]]]]) -> Article:
    """An article whose sentences carry the given (name, label) entities, with real offsets."""
    original = " ".join(text for text, _ in sentences)
    article = Article(
        id=aid,
        source=f"{aid}.txt",
        title="",
        outlet=outlet,
        published=None,
        language="en",
        original=original,
        text=original,
    )
    pos = 0
    for i, (text, names) in enumerate(sentences):
        start = original.index(text, pos)
        sentence = Sentence(
            id=f"{aid}:s{i}", article=aid, index=i, text=text, start=start, end=start + len(text)
        )
        cursor = start
        for name, label in names:
            at = original.index(name, cursor)
            sentence.entities.append(Entity(name, label, at, at + len(name)))
            cursor = at + len(name)
        article.sentences.append(sentence)
        pos = start + len(text)
    return article


def story() -> list[Article]:
    return [
        make_article(
            "a1",
            "Daily One",
            [
                (
                    "Mayor Ada Brennan opened the Harbour Bridge.",
                    [("Ada Brennan", "PERSON"), ("Harbour Bridge", "FAC")],
                ),
                ("Brennan said the toll would be cut.", [("Brennan", "PERSON")]),
            ],
        ),
        make_article(
            "a2",
            "Coast Post",
            [
                (
                    "Ms. Brennan spoke for the European Union.",
                    [("Ms. Brennan", "PERSON"), ("the European Union", "ORG")],
                )
            ],
        ),
        make_article(
            "a3",
            "Evening Star",
            [
                (
                    "Ada Brennan thanked the EU and ‘Norland’.",
                    [("Ada Brennan", "PERSON"), ("EU", "ORG"), ("‘Norland’", "GPE")],
                )
            ],
        ),
        make_article(
            "a4",
            "Night Wire",
            [("Ada Brenan visited Norland's capital.", [("Ada Brenan", "PERSON"), ("Norland's", "GPE")])],
        ),
    ]


def find(entities, name):  # type: ignore[no-untyped-def]
    return next(e for e in entities if e.name == name)


def test_entities_merge_surname_title_and_full_name() -> None:
    entities = merge_entities(story())
    brennan = find(entities, "Ada Brennan")
    assert brennan.label == "PERSON"
    assert {v.name for v in brennan.variants} >= {"Ada Brennan", "Brennan", "Ms. Brennan", "Ada Brenan"}
    assert set(brennan.outlets) == {"Daily One", "Coast Post", "Evening Star", "Night Wire"}
    assert len(brennan.mentions) == 5
    a1 = [v for v in brennan.variants if v.article == "a1"]
    assert {(v.name, v.count) for v in a1} == {("Ada Brennan", 1), ("Brennan", 1)}


def test_entities_note_outlet_spelling_against_majority() -> None:
    brennan = find(merge_entities(story()), "Ada Brennan")
    assert [(n.outlet, n.spelling) for n in brennan.spelling_notes] == [("Night Wire", "Ada Brenan")]
    note = brennan.spelling_notes[0]
    assert "Brennan" in note.majority and len(note.majority_outlets) >= 2


def test_entities_merge_acronym_quotes_and_possessive() -> None:
    entities = merge_entities(story())
    eu = [e for e in entities if e.label == "ORG"]
    assert len(eu) == 1 and {v.name for v in eu[0].variants} == {"European Union", "EU"}
    norland = find(entities, "Norland")
    assert set(norland.outlets) == {"Evening Star", "Night Wire"}


def test_entities_ambiguous_surname_stays_apart() -> None:
    articles = [
        make_article(
            "a1",
            "One",
            [
                (
                    "Judith Raanan and Natalie Raanan were freed.",
                    [("Judith Raanan", "PERSON"), ("Natalie Raanan", "PERSON")],
                )
            ],
        ),
        make_article("a2", "Two", [("Raanan was freed.", [("Raanan", "PERSON")])]),
    ]
    names = {e.name for e in merge_entities(articles)}
    assert names == {"Judith Raanan", "Natalie Raanan", "Raanan"}


def test_entities_no_entities_and_single_sentence() -> None:
    empty = make_article("a1", "One", [("Nothing named here at all.", [])])
    assert merge_entities([empty]) == []
    assert merge_entities([]) == []
    single = make_article("a2", "Two", [("Ada Brennan spoke.", [("Ada Brennan", "PERSON")])])
    (only,) = merge_entities([single])
    assert only.spelling_notes == [] and only.outlets == ["Two"]


def test_entities_skip_dates_numbers_and_punctuation_only_names() -> None:
    article = make_article(
        "a1",
        "One",
        [("On Friday 200 people met ‘’.", [("Friday", "DATE"), ("200", "CARDINAL"), ("‘’", "ORG")])],
    )
    assert merge_entities([article]) == []


def test_entities_normalise_name_strips_marks_and_titles() -> None:
    assert normalise_name("President Joe Biden", "PERSON") == "Joe Biden"
    assert normalise_name("‘Israel’s’", "GPE") == "Israel"
    assert normalise_name("the White House", "ORG") == "White House"
    assert normalise_name("President", "PERSON") == "President"  # a bare title is kept, not emptied


def test_entities_seeds_merge_across_outlets(seed_report) -> None:  # type: ignore[no-untyped-def]
    entities = seed_report.entities
    assert entities, "the seed report has no merged entities"
    biden = [e for e in entities if "Biden" in e.name and e.label == "PERSON"]
    assert len(biden) == 1 and len(biden[0].outlets) >= 4
    outlet_of = {a.id: a.label for a in seed_report.articles}
    for entity in entities:
        assert {outlet_of[m.article] for m in entity.mentions} == set(entity.outlets)
        for m in entity.mentions:  # offsets point at the name in the original text
            original = seed_report.article(m.article).original
            assert original[m.start : m.end] == m.text


def test_entities_link_clusters_equals_comparing_every_pair() -> None:
    import random
    from collections import Counter

    from scipy.cluster.hierarchy import DisjointSet

    from parallax.analysis.wording.entities import (
        _Cluster,
        are_spelling_variants,
        is_acronym_pair,
        is_part_of,
        link_clusters,
    )

    def every_pair(clusters: list[_Cluster]) -> list[list[str]]:
        same: DisjointSet[int] = DisjointSet(range(len(clusters)))
        for i, a in enumerate(clusters):
            for j in range(i + 1, len(clusters)):
                b = clusters[j]
                if a.family == b.family and (
                    are_spelling_variants(a.tokens, b.tokens)
                    or (a.family != "person" and is_acronym_pair(a.key, b.key))
                ):
                    same.merge(i, j)
        for i, a in enumerate(clusters):
            if a.family == "person":
                longer = {
                    same[j]
                    for j, b in enumerate(clusters)
                    if b.family == "person" and is_part_of(a.tokens, b.tokens)
                }
                if len(longer) == 1:
                    same.merge(i, longer.pop())
        groups: dict[int, list[str]] = {}
        for i, c in enumerate(clusters):
            groups.setdefault(same[i], []).append(c.key)
        return list(groups.values())

    rng = random.Random(5)
    words = ["hamas", "hammas", "european", "union", "eu", "netanyahu", "benjamin", "netanyahou", "un"]
    words += ["united", "nations", "joe", "biden", "bidden", "jo", "of", "the", "nato", "north"]
    for _ in range(30):
        keys = {" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(40)}
        clusters = [_Cluster(key=k, family=rng.choice(["person", "group"]), labels=Counter()) for k in keys]
        got = [[c.key for c in group] for group in link_clusters(clusters)]
        assert got == every_pair(clusters)
