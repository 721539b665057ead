"""The neutral summary: best-supported claims, story order, citations, no repeats, plain wording."""

from __future__ import annotations

import re

import numpy as np

from parallax.analysis.claims.summary import is_quotation, is_unusable_quote, measure_support, write_summary
from parallax.model import Article, Claim, Mention, Report, Sentence
from parallax.options import Options
from parallax.resources import Resources

JUDGED = Resources(Options()).judgement_words


def make_report(
    claim_specs: list[tuple[str, list[str], int]], independent: dict[str, int] | None = None
) -> Report:
    """A report whose articles hold one sentence per claim: (text, article ids, position)."""
    articles = {
        aid: Article(
            id=aid,
            source=f"{aid}.txt",
            title="",
            outlet=f"Outlet {aid}",
            published=None,
            language="en",
            original="",
        )
        for _, ids, _ in claim_specs
        for aid in ids
    }
    claims: list[Claim] = []
    for n, (text, ids, position) in enumerate(claim_specs, 1):
        mentions = []
        for aid in ids:
            article = articles[aid]
            start = len(article.original)
            article.original += text + " "
            sid = f"{aid}:s{position}"
            article.sentences.append(Sentence(sid, aid, position, text, start, start + len(text), text))
            mentions.append(Mention(aid, sid, text, start, start + len(text)))
        claims.append(
            Claim(
                id=f"c{n}",
                text=text,
                articles=list(ids),
                outlets=[f"Outlet {a}" for a in ids],
                mentions=mentions,
                independent_sources=(independent or {}).get(f"c{n}", 0),
            )
        )
    for article in articles.values():
        article.sentences.sort(key=lambda s: s.index)
    return Report(articles=list(articles.values()), claims=claims)


def test_summary_picks_best_supported_in_story_order() -> None:
    report = make_report(
        [
            ("The bridge reopened to traffic on Sunday morning.", ["a1", "a2", "a3"], 5),
            ("Repairs to the bridge cost 3 million euros.", ["a1", "a2"], 1),
            ("A local bakery gave free coffee to drivers.", ["a3"], 0),
            ("The mayor thanked the engineers at a ceremony.", ["a2", "a3"], 9),
        ]
    )
    summary = write_summary(report, 3, JUDGED)
    assert [s.claims for s in summary] == [["c2"], ["c1"], ["c4"]]  # story order, singleton left out
    assert summary[1].articles == ["a1", "a2", "a3"]
    for sentence in summary:
        cited = {a for cid in sentence.claims for a in report.claim(cid).articles}
        assert set(sentence.articles) == cited


def test_summary_prefers_independent_sources_when_known() -> None:
    specs = [
        ("Three agencies repeated the same wire story about the flood.", ["a1", "a2", "a3"], 0),
        ("Two reporters on the ground saw the river burst its banks.", ["a4", "a5"], 0),
    ]
    report = make_report(specs, independent={"c1": 1, "c2": 2})
    assert measure_support(report.claims[0]) == 1 and measure_support(report.claims[1]) == 2
    assert write_summary(report, 1, JUDGED)[0].claims == ["c2"]


def test_summary_prefers_the_lead_at_equal_support() -> None:
    """News states its main facts first: at equal support, a claim from the top of its
    articles beats one from the bottom."""
    specs = [
        ("The bridge carries about 30,000 cars a day on its four lanes.", ["a1", "a2"], 9),
        ("The river burst its banks on Monday and reached the old town.", ["a1", "a2"], 0),
    ]
    report = make_report(specs)
    for article in report.articles:  # eight more sentences between the two claims
        fillers = [Sentence(f"{article.id}:f{k}", article.id, k, "Filler.", 0, 7) for k in range(1, 9)]
        article.sentences += fillers
    assert write_summary(report, 1, JUDGED)[0].claims == ["c2"]


def test_summary_does_not_repeat_itself() -> None:
    report = make_report(
        [
            ("The bridge reopened to traffic on Sunday morning.", ["a1", "a2"], 0),
            ("The bridge reopened to traffic on Sunday.", ["a3", "a4"], 0),
            ("Repairs to the bridge cost 3 million euros.", ["a1", "a3"], 1),
        ]
    )
    vectors = {"c1": np.array([1.0, 0.0]), "c2": np.array([0.99, 0.14]), "c3": np.array([0.0, 1.0])}
    summary = write_summary(report, 3, JUDGED, vectors)
    assert len(summary) == 2
    assert summary[0].claims == ["c1", "c2"] and summary[0].articles == ["a1", "a2", "a3", "a4"]


def test_summary_avoids_quotations_at_equal_support() -> None:
    report = make_report(
        [
            ("\u201cWe are proud of this bridge,\u201d the mayor said.", ["a1", "a2"], 0),
            ("The bridge carries about 30,000 cars a day.", ["a1", "a2"], 1),
        ]
    )
    (only,) = write_summary(report, 1, JUDGED)
    assert only.claims == ["c2"] and not is_quotation(only.text)


def test_summary_seeds(seed_report: Report) -> None:
    summary = seed_report.summary
    assert len(summary) == 6
    for sentence in summary:
        assert len(sentence.articles) >= 2
        assert not is_quotation(sentence.text)
        cited = {a for cid in sentence.claims for a in seed_report.claim(cid).articles}
        assert set(sentence.articles) <= cited
    texts = [s.text for s in summary]
    assert len(set(texts)) == len(texts)
    assert any("postpone" in t or "delay" in t for t in texts)
    # the widely reported release of two Americans ("... released", "The release of two Americans")
    assert any("American" in t and re.search(r"\brelease[sd]?\b", t) for t in texts)
    assert not any(t.startswith(("Portraits", "Photo", "Picture")) for t in texts)  # no caption


def test_summary_skips_same_topic_near_repeats_without_citing_them() -> None:
    report = make_report(
        [
            ("The bridge reopened to traffic on Sunday morning.", ["a1", "a2", "a3"], 0),
            ("Engineers from Velmar inspected the cables before the opening.", ["a1", "a2"], 1),
            ("Velmar engineers will return next month for a second check.", ["a2", "a3"], 2),
            ("Repairs to the bridge cost 3 million euros.", ["a1", "a3"], 3),
            ("Drivers reported short queues at the toll gates.", ["a2", "a3"], 4),
        ]
    )
    vectors = {
        "c1": np.array([1.0, 0.0, 0.0, 0.0]),
        "c2": np.array([0.0, 1.0, 0.0, 0.0]),
        "c3": np.array([0.0, 0.75, 0.66, 0.0]),  # close to c2 (0.75) and shares the rare name
        "c4": np.array([0.0, 0.0, 1.0, 0.0]),
        "c5": np.array([0.0, 0.0, 0.0, 1.0]),
    }
    summary = write_summary(report, 4, JUDGED, vectors)
    cited = [cid for s in summary for cid in s.claims]
    assert len(summary) == 4  # a fifth claim fills the place
    assert ("c2" in cited) != ("c3" in cited)  # one of the two Velmar claims, the other not cited
    assert {"c1", "c4", "c5"} <= set(cited)


def test_summary_never_uses_captions_or_quotes_without_a_speaker() -> None:
    report = make_report(
        [
            ("Portraits of people missing after the flood in the old town.", ["a1", "a2", "a3"], 0),
            ("\u201cWe lost everything in one night and nobody came to help us.\u201d", ["a1", "a2"], 1),
            ("The river burst its banks on Monday and flooded the old town.", ["a1", "a2"], 2),
        ]
    )
    for article in report.articles:  # each sentence a paragraph of its own, as captions are
        article.original = article.original.replace(". ", ".\n").replace("\u201d ", "\u201d\n")
    texts = [s.text for s in write_summary(report, 3, JUDGED)]
    assert texts == ["The river burst its banks on Monday and flooded the old town."]


def test_summary_counts_sources_that_state_a_claim_in_other_words() -> None:
    """Of two claims two sources state, the one whose words two more sources use (stating it
    in other words) wins."""
    report = make_report(
        [
            ("Officials said the ferry service would resume in the spring.", ["a1", "a2"], 0),
            ("Two fishermen were rescued off the coast on Friday after a storm.", ["a3", "a6"], 0),
            ("Rescuers on Friday pulled two fishermen from the sea after a storm.", ["a4"], 1),
            ("The storm on Friday ended with two fishermen rescued from the sea.", ["a5"], 1),
        ]
    )
    vectors = {
        "c1": np.array([1.0, 0.0]),
        "c2": np.array([0.0, 1.0]),
        "c3": np.array([0.1, 0.99]),
        "c4": np.array([0.2, 0.98]),
    }
    (only,) = write_summary(report, 1, JUDGED, vectors)
    assert only.claims[0] == "c2"


def test_summary_falls_back_to_centrality_without_shared_claims() -> None:
    report = make_report(
        [
            ("A local bakery gave free coffee to drivers at the bridge.", ["a1"], 0),
            ("The bridge reopened to traffic on Sunday after repairs.", ["a2"], 3),
            ("Traffic returned to the bridge on Sunday after the repairs ended.", ["a3"], 3),
        ]
    )
    vectors = {"c1": np.array([1.0, 0.0]), "c2": np.array([0.0, 1.0]), "c3": np.array([0.1, 0.99])}
    summary = write_summary(report, 1, JUDGED, vectors)
    assert summary[0].claims[0] in {"c2", "c3"}  # central, though the bakery is at the top


def test_quoted_phrases_in_a_report_are_usable_but_bare_quotations_are_not() -> None:
    assert not is_unusable_quote("The president called the inquiry a \u201cwitch hunt\u201d on Monday.")
    assert is_unusable_quote("\u201cWe lost everything in one night and nobody came to help us.\u201d")
    assert is_unusable_quote("\u201cWe lost everything in one night,")  # a piece of a quotation
    assert not is_unusable_quote("\u201cWe lost everything in one night,\u201d the mayor said.")


def test_summary_keeps_long_sentences_whose_parse_is_a_fragment_but_not_short_ones() -> None:
    long_text = (
        "Another 1.9 million people filed for benefits last week, "
        "bringing the total since March to 40 million."
    )
    report = make_report(
        [
            ("Rescuers near the flooded bridge on Monday.", ["a1", "a2"], 0),
            (long_text, ["a1", "a2"], 1),
        ]
    )
    fragments = frozenset(m.sentence for c in report.claims for m in c.mentions)
    texts = [s.text for s in write_summary(report, 2, JUDGED, fragments=fragments)]
    assert texts == [long_text]
