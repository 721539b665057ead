"""The learned claim-pair scorer: its shipped coefficients, its features, and how it ranks pairs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parallax.analysis.claims.grouping import describe_sentence
from parallax.analysis.claims.scorer import (
    FEATURES,
    compare_articles,
    is_modal,
    is_negated,
    load_scorer,
    pair_features,
    read_scorer,
)
from parallax.model import Sentence


def describe(text: str, article: str = "a1") -> object:
    return describe_sentence(Sentence(f"{article}:s0", article, 0, text, 0, len(text), text))


def test_claim_scorer_shipped_matches_features() -> None:
    scorer = load_scorer()
    assert scorer.names == FEATURES
    assert scorer.coef.shape == scorer.mean.shape == scorer.scale.shape == (len(FEATURES),)
    assert np.all(scorer.scale > 0)


def test_claim_scorer_rejects_stale_coefficients() -> None:
    data = json.loads(load_scorer().to_json({}))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="refit"):
        read_scorer(json.dumps(data))


def test_claim_scorer_ranks_restatement_above_other_fact() -> None:
    scorer = load_scorer()
    base = describe("The council approved the new bridge over the river on Tuesday.")
    same = describe("On Tuesday the council approved a new bridge over the river.", "a2")
    other = describe("Residents protested against the closure of the old library.", "a2")
    close = scorer.score_one(pair_features(0.9, base, same))  # type: ignore[arg-type]
    far = scorer.score_one(pair_features(0.3, base, other))  # type: ignore[arg-type]
    assert 0.0 <= far < close <= 1.0


def test_claim_scorer_negation_and_modality() -> None:
    assert is_negated("the minister did not resign") and is_negated("the army denied the strike")
    assert not is_negated("the minister resigned")
    assert is_modal("the group will release two hostages") and not is_modal("the group released two hostages")
    deed = describe("The group released two hostages on Friday.")
    intent = describe("The group will release two hostages on Friday.", "a2")
    names = list(FEATURES)
    row = pair_features(0.9, deed, intent)  # type: ignore[arg-type]
    assert row[names.index("modality_differs")] == 1.0
    assert row[names.index("negation_differs")] == 0.0


def test_claim_scorer_compare_articles() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    sims = compare_articles(vectors, ["a1", "a1", "a2"])
    assert sims[("a1", "a2")] == pytest.approx(0.0) and sims[("a1", "a1")] == pytest.approx(1.0)
    assert compare_articles(vectors, ["a1", "a1", "a1"]) == {}
