"""Temperature scaling of linear-model scores and the choice of the "uncertain" threshold.

Both are fitted on out-of-fold scores of the training split, never on data used for testing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature``, computed stably."""
    z = np.asarray(scores, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log-loss of ``softmax(scores / T)`` against ``y``.

    One scalar keeps the ranking of classes unchanged and cannot overfit a small training set,
    unlike per-class (isotonic or Platt) calibration with ~70 examples per class.

    Parameters
    ----------
    scores : ndarray of shape (n, n_classes)
        Out-of-fold decision scores.
    y : ndarray of shape (n,)
        Class indices into the columns of ``scores``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    y = np.asarray(y)
    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        p = softmax(scores, np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[rows, y], 1e-12, None))))

    # Linear-SVM margins are ~1, log-odds up to ~20: T in [0.01, 100] covers both.
    res = minimize_scalar(nll, bounds=(np.log(1e-2), np.log(1e2)), method="bounded")
    return float(np.exp(res.x))


@dataclass(frozen=True)
class CoveragePoint:
    """Answering only when confidence >= ``threshold``: the share answered and their accuracy."""

    threshold: float
    coverage: float
    accuracy: float
    answered: int


def coverage_curve(
    confidence: np.ndarray, correct: np.ndarray, *, thresholds: np.ndarray | None = None
) -> list[CoveragePoint]:
    """Coverage and accuracy on the answered items at each threshold.

    Parameters
    ----------
    confidence : ndarray of shape (n,)
        The top class probability of each item.
    correct : ndarray of bool, shape (n,)
        Whether the top class is the true one.
    thresholds : ndarray, optional
        Defaults to 0.0, 0.1, ..., 0.9.
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    if thresholds is None:
        thresholds = np.round(np.arange(0.0, 1.0, 0.1), 2)
    out = []
    for t in thresholds:
        mask = confidence >= t
        n = int(mask.sum())
        out.append(
            CoveragePoint(
                threshold=float(t),
                coverage=n / len(confidence) if len(confidence) else 0.0,
                accuracy=float(correct[mask].mean()) if n else float("nan"),
                answered=n,
            )
        )
    return out


def choose_threshold(
    confidence: np.ndarray,
    correct: np.ndarray,
    *,
    target_accuracy: float,
    min_coverage: float = 0.1,
) -> float:
    """The lowest threshold whose answered items reach ``target_accuracy``.

    The lowest such threshold answers the most items. When no threshold answering at least
    ``min_coverage`` of the items reaches the target, the most accurate of those is taken, so the
    classifier never falls silent on nearly everything.

    Parameters
    ----------
    confidence : ndarray of shape (n,)
        Out-of-fold top class probabilities (training split only).
    correct : ndarray of bool, shape (n,)
        Whether each out-of-fold top class was right.
    target_accuracy : float
        Accuracy wanted on the answered items, in (0, 1].
    min_coverage : float
        The smallest share of items a threshold may answer.
    """
    if not 0.0 < target_accuracy <= 1.0:
        raise ValueError(f"target_accuracy must be in (0, 1], got {target_accuracy}")
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    if confidence.size == 0:
        return 0.0
    order = np.argsort(-confidence, kind="stable")
    conf_sorted = confidence[order]
    # Accuracy of answering the k most confident items, for every k.
    hits = np.cumsum(correct[order])
    k = np.arange(1, len(order) + 1)
    acc = hits / k
    # Only cut between distinct confidences: ties are answered together or not at all.
    last_of_tie = np.r_[conf_sorted[1:] != conf_sorted[:-1], True]
    allowed = last_of_tie & (k >= max(1, int(np.ceil(min_coverage * len(order)))))
    if not allowed.any():
        return 0.0
    ok = allowed & (acc >= target_accuracy)
    if ok.any():
        best = int(np.flatnonzero(ok)[-1])  # the largest answered set that is accurate enough
    else:
        candidates = np.flatnonzero(allowed)
        best = int(candidates[np.argmax(acc[candidates])])
    if best == len(order) - 1:
        return 0.0
    return float(conf_sorted[best])
