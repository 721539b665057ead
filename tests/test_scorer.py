"""The learned story-pair scorer: features, the shipped coefficients, undated stories, refitting."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, bag_embedder
from parallax.corpus.bags import Bag, Frequencies
from parallax.corpus.connect import open_store
from parallax.corpus.pairs import ClusterSettings, decision_thresholds, score_pair
from parallax.corpus.scorer import FEATURES, Profile, load_scorer, logit, pair_features, read_scorer
from parallax.corpus.stories import StoryClusterer
from parallax.errors import ParallaxError
from parallax.model import Article


def profiles(*counts: dict[int, int]) -> list[Profile]:
    """Profiles whose names, terms and lead terms are the given buckets, weighed over each other."""
    freq = Frequencies(size=64)
    bags = [Bag.from_counts(c) for c in counts]
    for bag in bags:
        freq.add(bag)
    return [Profile(freq.weigh(b), freq.weigh(b), 0, freq.weigh(b)) for b in bags]


def test_scorer_features_name_every_value_and_mark_dates() -> None:
    a, b, c = profiles({1: 2, 2: 1, 3: 1}, {1: 1, 2: 1, 4: 1}, {5: 1})
    dated = dict(zip(FEATURES, pair_features(0.6, a, b, 2), strict=True))
    undated = dict(zip(FEATURES, pair_features(0.6, a, b, None), strict=True))
    assert len(pair_features(0.6, a, c, 0)) == len(FEATURES)
    assert dated["lead_cosine"] == undated["lead_cosine"] == pytest.approx(0.6)
    assert dated["terms_cosine"] > 0 and dated["names_overlap"] > 0
    assert dated["either_undated"] == 0 and undated["either_undated"] == 1
    assert 0 < dated["gap_decay"] < 1 and undated["gap_decay"] == 0
    assert dated["undated_terms_cosine"] == 0 and undated["undated_terms_cosine"] == dated["terms_cosine"]


def test_scorer_shipped_model_loads_and_asks_more_without_dates() -> None:
    scorer = load_scorer()
    assert 0.0 < scorer.threshold < 1.0
    assert decision_thresholds(ClusterSettings()) == (logit(scorer.threshold),) * 3  # scores are log-odds
    assert decision_thresholds(ClusterSettings(join_threshold=0.5))[0] == pytest.approx(0.0)
    same, related = profiles({1: 3, 2: 2, 3: 1, 7: 1}, {1: 2, 2: 1, 3: 1, 8: 1})
    settings = ClusterSettings()
    on_the_day = score_pair(settings, 0.7, same, related, 0)
    a_week_apart = score_pair(settings, 0.7, same, related, 7)
    undated = score_pair(settings, 0.7, same, related, None)
    assert on_the_day > a_week_apart
    assert undated < on_the_day  # content alone must clear a higher bar
    unrelated = profiles({1: 1, 9: 1}, {2: 1, 10: 1})
    assert score_pair(settings, 0.2, *unrelated, 0) < logit(scorer.threshold) < on_the_day


def test_scorer_cross_language_term_leaves_one_language_pairs_as_they_were() -> None:
    """``cross_lead_cosine`` is 0 for a pair in one language and unstandardised, so such a pair
    scores bit for bit as the same-language coefficients alone (the clustering branch's model);
    a pair in two languages is scored on the multilingual cosine, lifted by that coefficient."""
    scorer = load_scorer()
    cross = FEATURES.index("cross_lead_cosine")
    assert cross == len(FEATURES) - 1 and scorer.mean[cross] == 0.0 and scorer.scale[cross] == 1.0
    assert scorer.coef[cross] > 0
    a, b = profiles({1: 2, 2: 1, 3: 1}, {1: 1, 2: 1, 4: 1})
    for gap in (0, 3, None):
        row = pair_features(0.6, a, b, gap)
        assert row[cross] == 0.0
        alone = float(((row[:cross] - scorer.mean[:cross]) / scorer.scale[:cross]) @ scorer.coef[:cross])
        assert scorer.log_odds(row) == alone + scorer.intercept
        translated = pair_features(0.2, a, b, gap, cross=0.6)
        assert translated[0] == translated[cross] == pytest.approx(0.6)  # the lead cosine too
        assert scorer.log_odds(translated) == pytest.approx(scorer.log_odds(row) + 0.6 * scorer.coef[cross])


def test_scorer_refuses_coefficients_for_other_features(tmp_path: Path) -> None:
    data = load_scorer().to_dict()
    with pytest.raises(ParallaxError, match="other pair features"):
        read_scorer({**data, "features": ["lead_cosine"]}, "old.json")
    with pytest.raises(ParallaxError, match="no valid 'coef'"):
        read_scorer({**data, "coef": [1.0]}, "short.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ParallaxError, match="is not JSON"):
        load_scorer(str(broken))
    with pytest.raises(ParallaxError, match="cannot read"):
        load_scorer(str(tmp_path / "absent.json"))


def test_scorer_fit_separates_pairs_and_is_deterministic() -> None:
    spec = importlib.util.spec_from_file_location(
        "fit_story_scorer", ROOT / "scripts" / "fit_story_scorer.py"
    )
    assert spec is not None and spec.loader is not None
    fitting = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = fitting  # its dataclasses look their module up
    spec.loader.exec_module(fitting)
    rng = np.random.default_rng(3)
    sources = []
    for name, size in (("one", 300), ("two", 200)):
        labels = (rng.random(size) < 0.4).astype(np.int64)
        rows = rng.random((size, len(FEATURES))) * 0.3
        rows[:, 0] += 0.5 * labels  # the lead cosine tells the pairs apart
        sources.append(fitting.Pairs(name, rows, labels))
    first, second = fitting.fit(sources), fitting.fit(sources)
    assert first.to_dict() == second.to_dict()
    assert first.coef[0] > 0 and abs(first.coef[0]) == max(abs(first.coef))
    judged = fitting.judge(first, sources[1])
    assert judged["auc"] > 0.95 and judged["pair_f1"] > 0.8


def test_scorer_stories_record_missing_dates(tmp_path: Path) -> None:
    flood = "Heavy rain flooded the Ashford valley; the Ashford council opened shelters near Kelby."

    def article(ident: str, date: str | None) -> Article:
        return Article(
            id="",
            source="t",
            title="Ashford flood",
            outlet=ident,
            published=date,
            language="en",
            original=flood + f" Report {ident}.",
            meta={"input_id": ident},
        )

    with open_store(str(tmp_path / "c.db")) as store:
        store.add_articles([article("a", "2024-05-01"), article("b", None), article("c", None)])
        StoryClusterer(store, ClusterSettings(), bag_embedder).cluster_pending()
        listed = store.list_stories()
        assert sum(s["dates_missing"] for s in listed) == 2
        assert all(s["dates_missing"] <= s["size"] for s in listed)
        dated_story = next(s for s in listed if "a" in s["article_ids"])
        assert store.get_story(dated_story["id"]).dates_missing == sum(
            1 for i in dated_story["article_ids"] if i != "a"
        )
        assert json.loads(json.dumps(listed))[0]["dates_missing"] >= 0


def test_scorer_undated_threshold_moves_undated_pairs_only() -> None:
    """``undated_threshold`` is the bar for a pair with a date missing: its log-odds gain
    logit(threshold) - logit(undated_threshold), so one bar serves joins, merges and splits;
    dated pairs score as before, and the value survives the JSON form."""
    from dataclasses import replace

    base = replace(load_scorer(), undated_threshold=None)
    shifted = replace(base, undated_threshold=base.threshold / 2)
    a, b = profiles({1: 2, 2: 1, 3: 1}, {1: 1, 2: 1, 4: 1})
    for gap in (0, 4):
        row = pair_features(0.6, a, b, gap)
        assert shifted.log_odds(row) == base.log_odds(row)
    row = pair_features(0.6, a, b, None)
    gain = logit(base.threshold) - logit(base.threshold / 2)
    assert gain > 0 and shifted.log_odds(row) == pytest.approx(base.log_odds(row) + gain)
    assert read_scorer(shifted.to_dict(), "s.json").undated_threshold == shifted.undated_threshold
    assert "undated_threshold" not in base.to_dict() and read_scorer(base.to_dict(), "b").undated_shift == 0
    with pytest.raises(ParallaxError, match="undated_threshold outside"):
        read_scorer({**base.to_dict(), "undated_threshold": 1.5}, "bad.json")
