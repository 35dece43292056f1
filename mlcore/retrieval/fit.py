"""Fitting the score's weights on judged pairs: a pairwise logistic ranker over the score parts,
kept additive (non-negative weights that sum to one), so that the fitted score still explains
itself part by part.

Within each query (a job's candidates, or a candidate's jobs) every pair of candidates with
different relevance is a training pair; each query counts equally, and each *set* of queries
(a labelled data set, or recruiters' feedback) can be given its own total weight. Parts that a
pair lacks (no must-haves, say) drop out of its score exactly as in
:func:`mlcore.retrieval.scorer.score`: their weight is shared among the other parts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from mlcore.retrieval.scorer import ScoreWeights

__all__ = ["Query", "WeightFitter", "additive_scores"]

WEIGHT_NAMES: tuple[str, ...] = tuple(ScoreWeights().as_dict())
# The score is on 0..1 while fitting; differences of a few hundredths matter, so the logistic
# loss sees them scaled by this factor.
_TEMPERATURE = 10.0


@dataclass(frozen=True, eq=False)
class Query:
    """One query's candidates: ``values`` is ``(n, len(WEIGHT_NAMES))`` part values on 0..1
    with NaN where a candidate lacks a part; ``relevance`` is ``(n,)``, higher is better; NaN
    relevance marks unjudged candidates (left out). ``group`` names the set it comes from."""

    values: np.ndarray
    relevance: np.ndarray
    group: str = ""


def additive_scores(values: np.ndarray, weights: Mapping[str, float] | np.ndarray) -> np.ndarray:
    """Scores on 0..1 as the scorer makes them (before the excluded cap and rounding)."""
    w = (
        np.asarray([weights[n] for n in WEIGHT_NAMES], dtype=np.float64)
        if isinstance(weights, Mapping)
        else np.asarray(weights, dtype=np.float64)
    )
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    den = present.astype(np.float64) @ w
    return np.where(den > 0, (filled @ w) / np.where(den > 0, den, 1.0), 0.0)


def _pairs(queries: Sequence[Query], group_weights: Mapping[str, float]):
    """Differences are not linear in the weights (renormalisation), so keep both sides."""
    better, worse, pair_weight = [], [], []
    groups = {q.group for q in queries}
    per_group = {g: sum(1 for q in queries if q.group == g) for g in groups}
    for q in queries:
        judged = ~np.isnan(q.relevance)
        values, rel = q.values[judged], q.relevance[judged]
        i, j = np.nonzero(rel[:, None] > rel[None, :])
        if not len(i):
            continue
        weight = group_weights.get(q.group, 1.0) / per_group[q.group] / len(i)
        better.append(values[i])
        worse.append(values[j])
        pair_weight.append(np.full(len(i), weight))
    if not better:
        raise ValueError("No query has two candidates of different relevance to learn from.")
    return np.concatenate(better), np.concatenate(worse), np.concatenate(pair_weight)


class WeightFitter:
    """Fits :class:`ScoreWeights` by pairwise logistic loss, scikit-learn style.

    Parameters
    ----------
    prior : ScoreWeights
        Where the fit starts and what the penalty pulls toward (the hand-set weights).
    l2 : float
        Strength of the pull toward ``prior`` (small data: keep it).
    floors : mapping of part name to float
        Lower bounds on (normalised) weights, for parts the product needs to move the ranking
        whatever the labels say (a recruiter's must-haves must count).
    group_weights : mapping of group name to float
        Total weight of each set of queries (default 1 each, so a big set does not drown a
        small one).

    Attributes
    ----------
    weights_ : ScoreWeights
    loss_ : float
    n_pairs_ : int
    fixed_ : tuple of str
        Parts the pairs say nothing about (kept at their prior weight).
    """

    def __init__(
        self,
        *,
        prior: ScoreWeights | None = None,
        l2: float = 0.05,
        floors: Mapping[str, float] | None = None,
        group_weights: Mapping[str, float] | None = None,
    ) -> None:
        self.prior = prior or ScoreWeights()
        self.l2 = l2
        self.floors = dict(floors or {})
        self.group_weights = dict(group_weights or {})

    def fit(self, queries: Sequence[Query]) -> WeightFitter:
        unknown = set(self.floors) - set(WEIGHT_NAMES)
        if unknown:
            raise ValueError(f"Unknown part(s) in floors: {sorted(unknown)}")
        better, worse, pair_weight = _pairs(queries, self.group_weights)
        total = pair_weight.sum()
        p0 = np.array([self.prior.normalised()[n] for n in WEIGHT_NAMES])
        # A part that never varies between the candidates of a query (no evidence at all, or
        # the same value for everyone, as categories without a classifier) cannot be learned
        # from these pairs: it keeps its prior weight.
        informative = np.any(
            ~np.isnan(better) & ~np.isnan(worse) & (np.abs(better - worse) > 1e-9), axis=0
        )
        self.fixed_ = tuple(n for n, ok in zip(WEIGHT_NAMES, informative, strict=True) if not ok)
        bounds = [
            (max(self.floors.get(n, 0.0), 0.0), 1.0) if ok else (p0[i], p0[i])
            for i, (n, ok) in enumerate(zip(WEIGHT_NAMES, informative, strict=True))
        ]

        def loss(w: np.ndarray) -> float:
            margin = additive_scores(better, w) - additive_scores(worse, w)
            data = np.sum(pair_weight * np.logaddexp(0.0, -_TEMPERATURE * margin)) / total
            return float(data + self.l2 * np.sum((w - p0) ** 2))

        start = np.clip(p0, [b[0] for b in bounds], [b[1] for b in bounds])
        result = minimize(
            loss,
            start,
            bounds=bounds,
            constraints=({"type": "eq", "fun": lambda w: w.sum() - 1.0},),
            method="SLSQP",
            options={"maxiter": 500, "ftol": 1e-10},
        )
        w = np.clip(result.x, 0.0, None)
        w = w / w.sum()
        self.weights_ = ScoreWeights(
            **{n: round(float(v), 4) for n, v in zip(WEIGHT_NAMES, w, strict=True)}
        )
        self.loss_ = float(result.fun)
        self.n_pairs_ = len(pair_weight)
        return self
