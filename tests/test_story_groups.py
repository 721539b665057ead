"""`analyze` groups its inputs into stories first: groups, cannot-links in claims, summary, rendering."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from conftest import need_shared
from parallax.analysis.claims.grouping import cluster_sentences, describe_sentence
from parallax.analysis.claims.summary import main_story_claims
from parallax.corpus.bags import Bag, Frequencies
from parallax.corpus.pairs import ClusterSettings, Lead, Profile, cut_groups, group_articles, score_pair
from parallax.model import Article, Claim, Mention, Report, Sentence
from parallax.render.html import render_html
from parallax.render.markdown import render_markdown
from parallax.render.text import render_text


def sentence(aid: str, text: str) -> Sentence:
    return Sentence(f"{aid}:s0", aid, 0, text, 0, len(text), text)


def test_cannot_link_keeps_sentences_of_different_stories_apart() -> None:
    texts = ["The council approved the tram budget on Tuesday."] * 3
    articles = ["a1", "a2", "a3"]
    features = [describe_sentence(sentence(a, t)) for a, t in zip(articles, texts, strict=True)]
    cosines = np.ones((3, 3))
    together, _ = cluster_sentences(articles, cosines, features, 0.5)
    assert sorted(map(sorted, together)) == [[0, 1, 2]]
    apart, _ = cluster_sentences(articles, cosines, features, 0.5, stories=[0, 0, 1])
    assert sorted(map(sorted, apart)) == [[0, 1], [2]]


def test_cut_groups_parts_where_linkage_falls_below_threshold() -> None:
    scores = np.array([[0, 2.0, 0.1, 0.0], [2.0, 0, 0.2, 0.1], [0.1, 0.2, 0, 1.5], [0.0, 0.1, 1.5, 0]])
    labels = cut_groups(scores, 0.45)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert len(set(cut_groups(scores, -1.0))) == 1  # a bar below every score keeps one group


def partition(labels: list[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    return sorted(groups.values())


def test_cut_groups_matches_scipys_average_linkage() -> None:
    """The groups are those of scipy's fcluster over average linkage (numbered from 1 in the order
    of their first row), also with tied scores and with the bar equal to a score."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(5)
    for trial in range(400):
        size = int(rng.integers(2, 12))
        upper = np.triu(rng.normal(1.0 if trial % 2 else 0.0, 1.5, (size, size)), 1)
        if trial % 3 == 0:
            upper = np.round(upper, 1)  # ties
        scores = upper + upper.T
        pairs = scores[np.triu_indices(size, 1)]
        threshold = float(rng.choice([pairs.min(), pairs.min() - 0.01, float(np.median(pairs)), 0.3]))
        top = float(scores.max())
        tree = linkage(squareform(top - scores, checks=False), "average")
        expected = fcluster(tree, top - threshold, "distance")
        labels = cut_groups(scores, threshold)
        assert partition(labels) == partition(list(expected)), (trial, scores, threshold)
        assert labels[0] == 1 and sorted(set(labels)) == list(range(1, max(labels) + 1))


def test_group_articles_orders_largest_first() -> None:
    leads = [
        Lead("Storm floods harbour town", "Heavy rain flooded the harbour of Veldan on Monday.", None),
        Lead("Veldan harbour flooded", "The harbour of Veldan flooded after heavy rain on Monday.", None),
        Lead("Harbour flood in Veldan", "Rain flooded Veldan harbour, officials said on Monday.", None),
        Lead("Chess final drawn", "The chess world championship final in Oslo ended in a draw.", None),
    ]
    flood = np.array([1.0, 0.0])
    chess = np.array([0.0, 1.0])
    groups = group_articles(ClusterSettings(), leads, np.vstack([flood, flood, flood, chess]))
    assert groups == [[0, 1, 2], [3]]


def make_two_story_report() -> Report:
    articles = [
        Article(f"a{n}", f"a{n}.txt", title, None, None, "en", "x")
        for n, title in enumerate(["Flood in Veldan", "Veldan floods", "Chess final drawn"], 1)
    ]
    flood = [Mention(a, f"{a}:s0", "Veldan flooded.", 0, 1) for a in ("a1", "a2")]
    chess = [Mention("a3", "a3:s0", "The final was drawn.", 0, 1)]
    claims = [
        Claim("c1", "Veldan flooded.", ["a1", "a2"], [], flood),
        Claim("c2", "The final was drawn.", ["a3"], [], chess),
    ]
    report = Report(articles=articles, claims=claims, story_groups=[["a1", "a2"], ["a3"]])
    report.stages = ["group_stories", "group_claims"]
    return report


def test_summary_draws_on_the_largest_story_only() -> None:
    report = make_two_story_report()
    assert [c.id for c in main_story_claims(report)] == ["c1"]
    report.story_groups = [["a1", "a2", "a3"]]
    assert [c.id for c in main_story_claims(report)] == ["c1", "c2"]


def test_renderers_say_first_that_inputs_form_several_stories() -> None:
    report = make_two_story_report()
    text = render_text(report)
    markdown = render_markdown(report)
    for output in (text, markdown):
        assert "form 2 stories" in output
        assert output.index("Several stories") < output.index("Articles")
        assert 'Left out: a3 ("Chess final drawn")' in output
    html = render_html(report)
    assert html.index("Several stories") < html.index("Articles")
    assert "Left out: a3 (&#34;Chess final drawn&#34;)" in html
    report.story_groups = [["a1", "a2", "a3"]]
    assert "Several stories" not in render_text(report)
    assert "Several stories" not in render_markdown(report)
    assert "Several stories" not in render_html(report)


def test_seeds_and_example_are_one_story(seed_report: Report, example_report: Report) -> None:
    for report in (seed_report, example_report):
        assert report.story_groups == [[a.id for a in report.articles]]
        assert not any("stories" in note for note in report.notes)


def write_neus_mix(folder: Path, count: int = 3) -> dict[str, str]:
    """``count`` NeuS val stories chosen at random (seed 0), three articles each, as one .jsonl;
    returns the gold story of each record id."""
    rows = [json.loads(line) for line in need_shared("datasets", "neus", "val.jsonl").open(encoding="utf-8")]
    stories = sorted({r["story"] for r in rows})
    chosen = set(random.Random(0).sample(stories, count))
    picked = [r for r in rows if r["story"] in chosen]
    with (folder / "mix.jsonl").open("w", encoding="utf-8") as out:
        for r in picked:
            out.write(json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}) + "\n")
    return {r["id"]: r["story"] for r in picked}


def test_analyze_reports_three_groups_for_three_neus_stories(tmp_path: Path) -> None:
    import parallax

    gold = write_neus_mix(tmp_path)
    report = parallax.analyze([tmp_path])
    story_of = {a.id: gold[a.meta["input_id"]] for a in report.articles}
    found = sorted(sorted(story_of[a] for a in group) for group in report.story_groups)
    expected = sorted(sorted([s] * list(gold.values()).count(s)) for s in set(gold.values()))
    assert found == expected
    assert report.notes[0].startswith(f"These {len(report.articles)} inputs form 3 stories")
    group_of = {a: n for n, group in enumerate(report.story_groups) for a in group}
    for claim in report.claims:
        assert len({group_of[a] for a in claim.articles}) == 1, claim
    largest = set(report.story_groups[0])
    assert all(set(s.articles) <= largest for s in report.summary)


def test_undated_pairs_clear_a_stricter_bar() -> None:
    empty = Profile(Frequencies().weigh(Bag.from_counts({})), Frequencies().weigh(Bag.from_counts({})), 0)
    settings = ClusterSettings()
    dated = score_pair(settings, 0.9, empty, empty, 0)
    undated = score_pair(settings, 0.9, empty, empty, None)
    assert undated < dated  # the learned scorer asks more of content alone
    far = score_pair(settings, 0.9, empty, empty, 6)
    assert far < dated  # and less of articles published the same day
