"""Centroid drift: has the average meaning of recent documents moved, overall and per category?

Thresholds are calibrated by bootstrap on the reference, and the category mix is checked too,
so a window where one category's share jumps is caught even if each category looks the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from mlcore.drift.common import (
    DEFAULT_MIN_SIZE,
    DriftInputError,
    DriftResult,
    as_matrix,
    check_bootstrap,
    check_same_dim,
    check_sizes,
    cosine_distance_rows,
    jsonable,
    labels_list,
    resample_weights,
    sidak_quantile,
)

__all__ = ["centroid_drift"]

# A threshold of exactly 0 (a reference of identical vectors) would make any ratio infinite.
_TINY = 1e-12


def _ratio(statistic: float, threshold: float) -> float:
    return statistic / max(threshold, _TINY)


def _centroid_null(
    rng: np.random.Generator, x: np.ndarray, window_count: int, n_bootstrap: int
) -> np.ndarray:
    """Bootstrap distances between a reference-sized and a window-sized resample of ``x``.

    Both sides are resampled because a real window is independent of the reference: its
    distance to the reference centroid carries the reference's own sampling noise as well as
    the window's. Comparing a resample with the full reference centroid (which contains the
    very rows it resampled) misses the first part and alarms too often when the window is not
    much smaller than the reference.
    """
    n = x.shape[0]
    ref_means = resample_weights(rng, n, n, n_bootstrap) @ x
    win_means = resample_weights(rng, n, window_count, n_bootstrap) @ x
    return cosine_distance_rows(ref_means, win_means)


def _tvd(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    return 0.5 * np.abs(p - q).sum(axis=-1)


def centroid_drift(
    reference: np.ndarray,
    reference_labels: Sequence[Any] | None,
    window: np.ndarray,
    window_labels: Sequence[Any] | None,
    *,
    min_per_category: int = 10,
    n_bootstrap: int = 200,
    quantile: float = 0.99,
    random_state: int | None = 0,
    min_size: int = DEFAULT_MIN_SIZE,
) -> DriftResult:
    """Compare the mean embedding of a window with the reference, globally and per category.

    Three kinds of check run, each against a threshold calibrated on the reference:

    - **global**: cosine distance (``1 - cos``) between the mean of all reference rows and the
      mean of all window rows;
    - **category** (when both sides have labels): the same distance per category that has at
      least ``min_per_category`` documents on both sides;
    - **category_shares** (when both sides have labels): total variation distance between the
      label proportions of reference and window (half the summed absolute share differences).

    Each threshold is the bootstrap quantile of the statistic when the window is drawn from
    the reference itself: ``n_bootstrap`` times, a resample of the reference's size and one of
    the window's size (with replacement) are compared. With ``k`` checks, each uses the Šidák
    quantile ``quantile ** (1/k)``, so a same-distribution window raises *any* alarm with a
    probability of about ``1 - quantile`` rather than ``k`` times that. (With the default
    200 resamples that per-check quantile sits at the top of the bootstrap sample once ``k``
    passes ~2; raise ``n_bootstrap`` when many categories are checked.)

    Parameters
    ----------
    reference, window : array of shape (n, d) and (m, d)
        Document embeddings; rows are L2-normalised here, so cosine geometry holds for any input.
    reference_labels, window_labels : sequence of str or None
        A category per row (``None`` entries count as the category ``"(unlabelled)"``). When
        either side is ``None`` only the global check runs (a source without labels).
    min_per_category : int
        Categories with fewer documents on either side are listed as skipped, not checked.
    n_bootstrap, quantile, random_state
        Bootstrap resamples, the family-wise quantile, and the seed (results are deterministic).
    min_size : int
        Fewest documents accepted on each side.

    Returns
    -------
    DriftResult
        ``kind="centroid"``; ``score`` is the largest ``statistic / threshold`` ratio over all
        checks and ``threshold`` is 1.0, so ``drifted`` means some check exceeded its own
        threshold. ``details`` holds every check (distance, threshold, ratio, counts), the
        skipped categories, and the per-category shares with their change.

    Raises
    ------
    DriftInputError
        Empty or too small window/reference, mismatched dimensions or label counts, NaN.
    """
    check_bootstrap(n_bootstrap, quantile)
    if min_per_category < 2:
        raise DriftInputError(f"min_per_category must be at least 2, got {min_per_category}")
    ref_raw = np.asarray(reference) if not isinstance(reference, np.ndarray) else reference
    win_raw = np.asarray(window) if not isinstance(window, np.ndarray) else window
    n_ref = ref_raw.shape[0] if ref_raw.ndim >= 1 else 0
    n_win = win_raw.shape[0] if win_raw.ndim >= 1 else 0
    check_sizes("centroid drift", n_ref, n_win, min_size)
    ref = as_matrix("reference", ref_raw)
    win = as_matrix("window", win_raw)
    check_same_dim(ref, win)
    ref_labels = labels_list("reference_labels", reference_labels, n_ref)
    win_labels = labels_list("window_labels", window_labels, n_win)
    labelled = ref_labels is not None and win_labels is not None

    # Decide the checks first: the Šidák correction needs their number.
    checked: list[str] = []
    skipped: list[dict[str, Any]] = []
    ref_arr = win_arr = None
    if labelled:
        ref_arr = np.asarray(ref_labels, dtype=object)
        win_arr = np.asarray(win_labels, dtype=object)
        ref_counts = Counter(ref_labels)
        win_counts = Counter(win_labels)
        for cat in sorted(set(ref_counts) | set(win_counts)):
            rc, wc = ref_counts.get(cat, 0), win_counts.get(cat, 0)
            if rc >= min_per_category and wc >= min_per_category:
                checked.append(cat)
            else:
                reason = (
                    "only in the window"
                    if rc == 0
                    else "only in the reference"
                    if wc == 0
                    else f"fewer than {min_per_category} documents on one side"
                )
                skipped.append(
                    {"category": cat, "reference_count": rc, "window_count": wc, "reason": reason}
                )
    n_checks = 1 + len(checked) + (1 if labelled else 0)
    q_check = sidak_quantile(quantile, n_checks)
    rng = np.random.default_rng(random_state)

    def centroid_check(x_ref: np.ndarray, x_win: np.ndarray) -> dict[str, Any]:
        distance = float(cosine_distance_rows(x_ref.mean(axis=0), x_win.mean(axis=0))[0])
        null = _centroid_null(rng, x_ref, x_win.shape[0], n_bootstrap)
        threshold = float(np.quantile(null, q_check))
        ratio = _ratio(distance, threshold)
        return {
            "distance": distance,
            "threshold": threshold,
            "ratio": ratio,
            "drifted": ratio > 1.0,
            "reference_count": int(x_ref.shape[0]),
            "window_count": int(x_win.shape[0]),
        }

    global_check = centroid_check(ref, win)
    category_checks = []
    for cat in checked:
        entry = {"category": cat, **centroid_check(ref[ref_arr == cat], win[win_arr == cat])}
        category_checks.append(entry)
    category_checks.sort(key=lambda c: (-c["ratio"], c["category"]))

    shares_check = None
    if labelled:
        cats = sorted(set(ref_labels) | set(win_labels))
        p_ref = np.array([ref_counts.get(c, 0) for c in cats], dtype=np.float64) / n_ref
        p_win = np.array([win_counts.get(c, 0) for c in cats], dtype=np.float64) / n_win
        tvd = float(_tvd(p_ref, p_win))
        null = _tvd(
            rng.multinomial(n_ref, p_ref, n_bootstrap) / n_ref,
            rng.multinomial(n_win, p_ref, n_bootstrap) / n_win,
        )
        threshold = float(np.quantile(null, q_check))
        ratio = _ratio(tvd, threshold)
        shares = [
            {
                "category": c,
                "reference_share": float(pr),
                "window_share": float(pw),
                "change": float(pw - pr),
            }
            for c, pr, pw in zip(cats, p_ref, p_win, strict=True)
        ]
        shares.sort(key=lambda s: (-abs(s["change"]), s["category"]))
        shares_check = {
            "statistic": "total_variation_distance",
            "distance": tvd,
            "threshold": threshold,
            "ratio": ratio,
            "drifted": ratio > 1.0,
            "shares": shares,
        }

    ratios = [global_check["ratio"]] + [c["ratio"] for c in category_checks]
    drifted_checks = ["global"] if global_check["drifted"] else []
    drifted_checks += [f"category:{c['category']}" for c in category_checks if c["drifted"]]
    if shares_check is not None:
        ratios.append(shares_check["ratio"])
        if shares_check["drifted"]:
            drifted_checks.append("category_shares")
    score = float(max(ratios))
    details = {
        "score_definition": "max over checks of statistic / bootstrap threshold",
        "distance": "cosine (1 - cos) between L2-normalised mean embeddings",
        "quantile": quantile,
        "quantile_per_check": q_check,
        "n_checks": n_checks,
        "n_bootstrap": n_bootstrap,
        "labelled": labelled,
        "drifted_checks": drifted_checks,
        "global": global_check,
        "categories": category_checks,
        "skipped_categories": skipped,
        "category_shares": shares_check,
    }
    return DriftResult(
        kind="centroid",
        score=score,
        threshold=1.0,
        drifted=bool(drifted_checks),
        details=jsonable(details),
        reference_size=n_ref,
        window_size=n_win,
    )
