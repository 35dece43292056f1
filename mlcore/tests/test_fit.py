"""Fitting the score's weights on judged pairs: the fit finds the informative part, stays
additive, keeps floors and leaves uninformative parts at their prior."""

from __future__ import annotations

import numpy as np
import pytest

from mlcore.retrieval.fit import WEIGHT_NAMES, Query, WeightFitter, additive_scores
from mlcore.retrieval.scorer import ScoreWeights

SEM, KW = WEIGHT_NAMES.index("semantic"), WEIGHT_NAMES.index("keywords")


def queries(n: int = 12, seed: int = 0, *, informative: int = KW) -> list[Query]:
    """Relevance follows one part; the others are noise (category constant, nice absent)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        values = rng.random((8, len(WEIGHT_NAMES)))
        values[:, WEIGHT_NAMES.index("category")] = 0.5
        values[:, WEIGHT_NAMES.index("nice")] = np.nan
        out.append(Query(values=values, relevance=np.round(values[:, informative] * 3)))
    return out


def test_the_fit_puts_the_weight_on_the_part_that_orders_the_candidates():
    weights = WeightFitter(l2=0.0).fit(queries()).weights_.as_dict()
    assert weights["keywords"] == max(weights.values())
    assert weights["keywords"] > 0.5
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert all(v >= 0 for v in weights.values())


def test_floors_hold_and_parts_without_information_keep_their_prior():
    prior = ScoreWeights()
    fitter = WeightFitter(prior=prior, l2=0.0, floors={"required": 0.15}).fit(queries())
    weights = fitter.weights_.as_dict()
    assert weights["required"] >= 0.15 - 1e-6
    assert set(fitter.fixed_) == {"category", "nice"}
    assert weights["category"] == pytest.approx(prior.normalised()["category"], abs=1e-3)


def test_a_strong_pull_keeps_the_prior():
    prior = ScoreWeights()
    weights = WeightFitter(prior=prior, l2=100.0).fit(queries()).weights_.as_dict()
    for name, value in prior.normalised().items():
        assert weights[name] == pytest.approx(value, abs=0.02)


def test_unjudged_candidates_are_left_out_and_a_query_without_pairs_is_an_error():
    values = np.random.default_rng(1).random((3, len(WEIGHT_NAMES)))
    with pytest.raises(ValueError, match="different relevance"):
        WeightFitter().fit([Query(values=values, relevance=np.array([1.0, 1.0, np.nan]))])
    with pytest.raises(ValueError, match="floors"):
        WeightFitter(floors={"semantik": 0.1}).fit(queries())


def test_additive_scores_share_a_missing_parts_weight_like_the_scorer():
    values = np.full((1, len(WEIGHT_NAMES)), np.nan)
    values[0, SEM], values[0, KW] = 1.0, 0.0
    weights = dict.fromkeys(WEIGHT_NAMES, 0.0) | {"semantic": 0.3, "keywords": 0.1}
    assert additive_scores(values, weights)[0] == pytest.approx(0.75)
