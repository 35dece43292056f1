"""Ranking metrics against graded judgements (tie-aware nDCG@k, MAP, Spearman) with bootstrap
resampling, and the fusion of a dense and a lexical order of the same candidates.

Each metric works on one list; the ``*_rows`` helpers score many lists (one per row) at once.
"""

from __future__ import annotations

import math

import numpy as np

RRF_K = 60
BLEND_LEXICAL_WEIGHT = 0.3


# -- metrics (each works on one list; the *_rows helpers on many lists at once) -----------------
def _rows(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    arr = arr.reshape(1, -1) if arr.ndim <= 1 else arr
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _tie_groups(sorted_rows: np.ndarray) -> np.ndarray:
    """Per position of each sorted row, the index of its run of equal values (0, 0, 1, ...)."""
    starts = np.ones(sorted_rows.shape, dtype=bool)
    starts[:, 1:] = sorted_rows[:, 1:] != sorted_rows[:, :-1]
    return np.cumsum(starts, axis=1) - 1


def _group_mean(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Replace every value by the mean over its row's group (one bincount for all rows)."""
    n_rows, n = groups.shape
    flat = (groups + np.arange(n_rows)[:, None] * n).ravel()
    sums = np.bincount(flat, weights=values.ravel(), minlength=n_rows * n)
    counts = np.bincount(flat, minlength=n_rows * n)
    return (sums[flat] / counts[flat]).reshape(n_rows, n)


def _dcg_rows(relevance: np.ndarray, scores: np.ndarray, k: int | None) -> np.ndarray:
    n = relevance.shape[1]
    k = n if k is None else min(int(k), n)
    if k <= 0 or n == 0:
        return np.zeros(relevance.shape[0])
    order = np.argsort(-scores, axis=1, kind="stable")
    gains = np.take_along_axis(relevance, order, axis=1)
    groups = _tie_groups(np.take_along_axis(-scores, order, axis=1))
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    return (_group_mean(groups, gains)[:, :k] * discounts).sum(axis=1)


def ndcg_rows(relevance: np.ndarray, scores: np.ndarray, k: int | None) -> np.ndarray:
    ideal = _dcg_rows(relevance, relevance, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ideal > 0, _dcg_rows(relevance, scores, k) / ideal, np.nan)


def dcg_at_k(relevance, scores, *, k: int | None = None) -> float:
    """Discounted cumulative gain of the order given by ``scores`` (higher first), linear gains.

    Tied scores share the mean gain of their group at each of their positions (McSherry &
    Najork, 2008): the exact average over every order of the ties, so the input order of tied
    items never changes the result. ``k=None`` means the whole list.
    """
    rel = _rows(relevance, "relevance")
    if np.any(rel < 0):
        raise ValueError("relevance must be >= 0")
    s = _rows(scores, "scores")
    if s.shape != rel.shape:
        raise ValueError(f"got {s.size} scores for {rel.size} items")
    return float(_dcg_rows(rel, s, k)[0])


def ndcg_at_k(relevance, scores, *, k: int | None = None) -> float:
    """nDCG@k in 0..1 (see :func:`dcg_at_k`); NaN when no item has a positive gain."""
    ideal = dcg_at_k(relevance, relevance, k=k)
    return dcg_at_k(relevance, scores, k=k) / ideal if ideal > 0 else math.nan


def average_precision(relevant, scores) -> float:
    """Average precision of the order given by ``scores``; NaN when nothing is relevant.

    Tied scores count as the exact expectation over every order of the ties: a relevant item
    at place ``j`` of a tied group of ``n`` holding ``m`` relevant items is there with chance
    ``m / n`` and then has ``(j - 1)(m - 1) / (n - 1)`` relevant group mates above it on
    average, while the place itself is fixed, so the expectation is a plain sum.
    """
    rel = np.asarray(relevant, dtype=bool).reshape(-1)
    s = _rows(scores, "scores")[0]
    if len(s) != len(rel):
        raise ValueError(f"got {len(s)} scores for {len(rel)} items")
    if not rel.any():
        return math.nan
    order = np.argsort(-s, kind="stable")
    in_order, groups = rel[order], _tie_groups(-s[order][None, :])[0]
    total, above, relevant_above = 0.0, 0, 0
    for group in range(groups[-1] + 1):
        members = in_order[groups == group]
        n, m = len(members), int(members.sum())
        if m:
            j = np.arange(1, n + 1)
            mates = (j - 1) * (m - 1) / (n - 1) if n > 1 else 0.0
            total += float(np.sum(m / n * (relevant_above + 1 + mates) / (above + j)))
        above, relevant_above = above + n, relevant_above + m
    return total / int(rel.sum())


def _average_ranks_rows(x: np.ndarray) -> np.ndarray:
    """1-based ranks within each row, ties sharing the mean of the ranks they span."""
    order = np.argsort(x, axis=1, kind="stable")
    groups = _tie_groups(np.take_along_axis(x, order, axis=1))
    positions = np.broadcast_to(np.arange(1.0, x.shape[1] + 1), x.shape)
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, _group_mean(groups, positions), axis=1)
    return ranks


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    rx, ry = _average_ranks_rows(x), _average_ranks_rows(y)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    denominator = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (rx * ry).sum(axis=1) / denominator, np.nan)


def spearman(x, y) -> float:
    """Spearman's rank correlation (ties get average ranks); NaN if either side is constant."""
    a, b = _rows(x, "x"), _rows(y, "y")
    if a.shape != b.shape:
        raise ValueError(f"got {a.size} and {b.size} values")
    return float(spearman_rows(a, b)[0]) if a.shape[1] > 1 else math.nan


def roc_auc(relevant, scores) -> float:
    """Area under the ROC curve: the chance that a relevant item outscores an irrelevant one,
    ties counting half (Mann-Whitney). NaN when either class is empty."""
    rel = np.asarray(relevant, dtype=bool).reshape(-1)
    s = _rows(scores, "scores")[0]
    if len(s) != len(rel):
        raise ValueError(f"got {len(s)} scores for {len(rel)} items")
    n_pos, n_neg = int(rel.sum()), int((~rel).sum())
    if not n_pos or not n_neg:
        return math.nan
    ranks = _average_ranks_rows(s[None, :])[0]
    return float((ranks[rel].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def bootstrap_indices(n: int, *, n_resamples: int, seed: int) -> np.ndarray:
    """``(n_resamples, n)`` indices drawn with replacement, reproducible from ``seed``."""
    return np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))


# -- lexical fusion (callable from the app) ----------------------------------------------------
def lexical_fusion(
    hybrid_scores, lexical_scores, *, k: int = RRF_K, weights: tuple[float, float] = (1.0, 1.0)
) -> np.ndarray:
    """Reciprocal rank fusion of the hybrid order and the BM25 order of the same candidates.

    Parameters
    ----------
    hybrid_scores, lexical_scores : arrays of equal length
        The hybrid total (or any dense score) and the BM25 score of each candidate.
    k, weights : RRF constant and the weight of each order, as in
        :func:`mlcore.retrieval.fusion.reciprocal_rank_fusion`.

    Returns
    -------
    np.ndarray
        ``sum_i weight_i / (k + rank_i)`` per candidate, in input order; sort descending.
        Tied scores share their mean rank, so the input order never decides; without ties the
        values equal ``reciprocal_rank_fusion`` over the two orders.
    """
    h, lex = _rows(hybrid_scores, "hybrid_scores"), _rows(lexical_scores, "lexical_scores")
    if h.shape != lex.shape:
        raise ValueError(f"got {h.size} hybrid and {lex.size} lexical scores")
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    fused = np.zeros(h.shape[1])
    for values, weight in zip((h, lex), weights, strict=True):
        fused += float(weight) / (k + h.shape[1] + 1 - _average_ranks_rows(values)[0])
    return fused


def lexical_blend(
    hybrid_scores, lexical_scores, *, lexical_weight: float = BLEND_LEXICAL_WEIGHT
) -> np.ndarray:
    """A lexical part added to the hybrid score: ``(1 - w) * hybrid / 100 + w * bm25 / max``.

    BM25 has no fixed scale, so it is divided by the best BM25 score among these candidates
    (the query's own scale); the result is on 0..1. All-zero BM25 keeps the hybrid order.
    """
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be within 0..1, got {lexical_weight!r}")
    h, lex = _rows(hybrid_scores, "hybrid_scores")[0], _rows(lexical_scores, "lexical_scores")[0]
    if h.shape != lex.shape:
        raise ValueError(f"got {h.size} hybrid and {lex.size} lexical scores")
    top = float(lex.max()) if lex.size else 0.0
    lex_part = lex / top if top > 0 else np.zeros_like(lex)
    return (1.0 - lexical_weight) * h / 100.0 + lexical_weight * lex_part
