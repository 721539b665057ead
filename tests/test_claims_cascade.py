"""The claims cascade: which sentences get a MiniLM vector (parallax.analysis.claims.cascade)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import bag_embedder, build_article
from parallax.analysis.claims.cascade import choose_minilm_sentences, embed_heads, find_repeats
from parallax.analysis.claims.grouping import PairScores, describe_sentence, is_claim_sentence
from parallax.analysis.reading.embed import embed_sentences
from parallax.errors import ModelUnavailable
from parallax.model import Report, Sentence
from parallax.options import Options
from parallax.stage import Context

THRESHOLD = Options().claim_threshold
MIN_CHARS = Options().min_sentence_chars

BUDGET = "The city council approved a 40 million euro budget for the new tram line on Tuesday."
BUDGET_AGAIN = "On Tuesday the council approved the 40 million euro budget for the new tram line."
SNOW = "Heavy snow closed the mountain pass north of the valley for three whole days."
FERRY = "A ferry company announced new summer timetables for its island routes this week."


def sentences_of(*articles: list[str]) -> list[Sentence]:
    built = [build_article(f"a{n}", texts) for n, texts in enumerate(articles, 1)]
    return [s for a in built for s in a.sentences]


def unit_rows(*pairs: tuple[int, int, float], size: int) -> np.ndarray:
    """Unit vectors for ``size`` sentences whose cosines are 0 except the (i, j, cosine) given."""
    rows = np.eye(size, dtype=np.float32)
    for i, j, cosine in pairs:
        rows[j] = cosine * rows[i] + np.sqrt(1 - cosine**2) * rows[j]
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_claims_cascade_keeps_close_pairs_and_drops_lone_sentences() -> None:
    sentences = sentences_of([BUDGET, SNOW], [BUDGET_AGAIN, FERRY])
    static = unit_rows((0, 2, 0.9), size=4)
    need = choose_minilm_sentences(sentences, static, THRESHOLD, MIN_CHARS)
    assert need.tolist() == [True, False, True, False]


def test_claims_cascade_static_cosine_decides_unrelated_words() -> None:
    # No shared words: only a high static cosine can make the pair a possible claim.
    sentences = sentences_of([SNOW], [FERRY])
    low = choose_minilm_sentences(sentences, unit_rows((0, 1, 0.3), size=2), THRESHOLD, MIN_CHARS)
    high = choose_minilm_sentences(sentences, unit_rows((0, 1, 0.99), size=2), THRESHOLD, MIN_CHARS)
    assert not low.any()
    assert high.all()
    # The margin widens the bound: a pair just below it at margin 0 is open at a larger margin.
    middle = unit_rows((0, 1, 0.7), size=2)
    assert not choose_minilm_sentences(sentences, middle, THRESHOLD, MIN_CHARS, margin=0.0).any()
    assert choose_minilm_sentences(sentences, middle, THRESHOLD, MIN_CHARS, margin=0.1).all()


def test_claims_cascade_same_article_pairs_never_count() -> None:
    sentences = sentences_of([BUDGET, BUDGET_AGAIN.replace("Tuesday", "Friday")], [SNOW])
    need = choose_minilm_sentences(sentences, unit_rows((0, 1, 0.95), size=3), THRESHOLD, MIN_CHARS)
    assert not need.any()


def test_claims_cascade_keeps_a_repeat_within_its_article() -> None:
    repeat = BUDGET.replace("new tram line", "new  tram line")
    sentences = sentences_of([BUDGET, SNOW, repeat], [FERRY])
    need = choose_minilm_sentences(sentences, unit_rows(size=4), THRESHOLD, MIN_CHARS)
    assert need.tolist() == [True, False, True, False]
    assert find_repeats([BUDGET.lower(), SNOW.lower()], ["a", "a"]).tolist() == [False, False]


def test_claims_cascade_short_sentences_get_no_minilm() -> None:
    sentences = sentences_of([BUDGET, "Officials agreed."], [BUDGET_AGAIN, "Officials agreed."])
    need = choose_minilm_sentences(
        sentences, unit_rows((0, 2, 0.95), (1, 3, 1.0), size=4), THRESHOLD, MIN_CHARS
    )
    assert need.tolist() == [True, False, True, False]


def test_claims_cascade_bound_covers_every_pair_that_reaches_the_threshold() -> None:
    """With the static vectors equal to the deciding ones and no margin, every sentence of every
    pair whose real pair score reaches the threshold is kept (the bound is an upper bound)."""
    texts_a = [BUDGET, SNOW, "Mayor Elena Ruiz said construction of the tram would begin in March."]
    texts_b = [BUDGET_AGAIN, "Construction of the tram will begin in March, Mayor Elena Ruiz said."]
    texts_c = [
        "The council approved a budget of 50 million euros for the tram line on Monday.",
        "Snow closed the mountain pass north of the valley for three days.",
        FERRY,
    ]
    articles = [
        build_article(f"a{n}", texts, names=[("Elena Ruiz", "PERSON")])
        for n, texts in enumerate((texts_a, texts_b, texts_c), 1)
    ]
    for article in articles:
        for sentence in article.sentences:
            sentence.numbers = [float(n) for n in (40, 50) if str(n) in sentence.text]
    sentences = [s for a in articles for s in a.sentences]
    vectors = bag_embedder([s.text for s in sentences])
    for threshold in (0.3, 0.45, THRESHOLD):
        need = choose_minilm_sentences(sentences, vectors, threshold, MIN_CHARS, margin=0.0)
        cosines = np.clip(vectors @ vectors.T, -1.0, 1.0)
        pairs = PairScores(cosines, [describe_sentence(s) for s in sentences], [s.article for s in sentences])
        reached = [
            (i, j)
            for i, j in itertools.combinations(range(len(sentences)), 2)
            if sentences[i].article != sentences[j].article and pairs(i, j) >= threshold
        ]
        assert reached, f"no pair reaches {threshold}: the test says nothing"
        for i, j in reached:
            assert need[i] and need[j], (threshold, sentences[i].text, sentences[j].text)
        assert not need.all() or threshold < THRESHOLD


def test_claims_cascade_embed_stage_fills_zero_rows_only_where_not_needed() -> None:
    articles = [
        build_article("a1", [BUDGET, SNOW]),
        build_article("a2", [BUDGET_AGAIN, FERRY]),
    ]
    ctx = Context(report=Report(articles=articles), options=Options(claims_cascade=True))
    try:
        ctx.resources.embed_static(["a sentence"])
    except ModelUnavailable as exc:
        pytest.skip(f"no static model: {exc}")
    embed_sentences(ctx)
    assert ctx.vectors is not None
    norms = np.linalg.norm(ctx.vectors, axis=1)
    eligible = [is_claim_sentence(s, MIN_CHARS) for s in ctx.sentences()]
    assert eligible == [True] * 4
    assert norms[0] == pytest.approx(1.0, abs=1e-4) and norms[2] == pytest.approx(1.0, abs=1e-4)
    assert norms[1] == 0.0 and norms[3] == 0.0  # snow and ferry: nothing to join
    full = Context(report=Report(articles=articles), options=Options(claims_cascade=False))
    embed_sentences(full)
    assert full.vectors is not None
    assert np.allclose(full.vectors[[0, 2]], ctx.vectors[[0, 2]], atol=1e-5)
    assert np.linalg.norm(full.vectors, axis=1).min() > 0.99


def test_claims_cascade_main_clause_can_open_a_pair() -> None:
    long = (
        "The city council approved the new tram budget on Tuesday, a decision that opponents of the "
        "project had fought against for many months."
    )
    short = "Councillors gave the green light to funding for the tram."
    sentences = sentences_of([long], [short])
    static = unit_rows((0, 1, 0.5), size=2)
    assert not choose_minilm_sentences(sentences, static, THRESHOLD, MIN_CHARS).any()
    heads = np.zeros_like(static)
    heads[0] = static[1]  # the long sentence's main clause says what the short one says
    assert choose_minilm_sentences(sentences, static, THRESHOLD, MIN_CHARS, heads=heads).all()
    found = embed_heads(sentences, lambda texts: np.ones((len(texts), 2), dtype=np.float32), 2)
    assert found[0].tolist() == [1.0, 1.0] and found[1].tolist() == [0.0, 0.0]
