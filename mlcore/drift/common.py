"""What every drift check shares: result type, input error, validation and bootstrap helpers.

The checks take plain data (arrays, lists of strings) and return a frozen :class:`DriftResult`
whose ``details`` are JSON-ready, so the app can store them as they are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_MIN_SIZE",
    "DriftInputError",
    "DriftResult",
]

DEFAULT_MIN_SIZE = 20


class DriftInputError(ValueError):
    """The inputs of a drift check cannot be compared: empty, too small, mismatched, not finite."""


@dataclass(frozen=True)
class DriftResult:
    """The outcome of one drift check.

    Attributes
    ----------
    kind : str
        Which check: ``"data"``, ``"centroid"`` or ``"skill"``.
    score : float
        The check's statistic; each check documents what it is and how it compares to
        ``threshold``.
    threshold : float
        ``drifted`` is ``score > threshold`` (``score >= threshold`` for the data check, which
        follows Evidently's drift-share rule).
    drifted : bool
        Whether the window differs from the reference beyond chance.
    details : dict
        JSON-ready breakdown (plain str/int/float/bool/None, lists and dicts; no NaN).
    reference_size, window_size : int
        Number of documents compared.
    """

    kind: str
    score: float
    threshold: float
    drifted: bool
    details: dict[str, Any] = field(default_factory=dict)
    reference_size: int = 0
    window_size: int = 0

    def to_dict(self) -> dict[str, Any]:
        """All fields as one JSON-ready dict."""
        return asdict(self)


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars/arrays turned into Python ones and NaN/inf into None."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    return value


def check_sizes(what: str, n_reference: int, n_window: int, min_size: int) -> None:
    """Refuse an empty window and either side below ``min_size`` documents."""
    if min_size < 1:
        raise DriftInputError(f"min_size must be at least 1, got {min_size}")
    if n_window == 0:
        raise DriftInputError(f"{what}: the window is empty; there is nothing to compare")
    if n_reference < min_size:
        raise DriftInputError(
            f"{what}: the reference has {n_reference} documents, fewer than min_size={min_size}"
        )
    if n_window < min_size:
        raise DriftInputError(
            f"{what}: the window has {n_window} documents, fewer than min_size={min_size}"
        )


def check_bootstrap(n_bootstrap: int, quantile: float) -> None:
    if n_bootstrap < 10:
        raise DriftInputError(f"n_bootstrap must be at least 10, got {n_bootstrap}")
    if not 0.5 <= quantile < 1:
        raise DriftInputError(f"quantile must be in [0.5, 1), got {quantile}")


def as_matrix(name: str, values: Any) -> np.ndarray:
    """``values`` as a finite 2-D float64 array with unit rows; refuses anything else clearly."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DriftInputError(f"{name} must be a numeric 2-D array: {exc}") from None
    if arr.ndim != 2:
        raise DriftInputError(
            f"{name} must be a 2-D array (documents x dimensions), got {arr.ndim}-D"
        )
    if arr.shape[1] == 0:
        raise DriftInputError(f"{name} has no dimensions")
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        raise DriftInputError(
            f"{name} has NaN or infinite values in {int(bad.sum())} rows "
            f"(first: row {int(np.argmax(bad))})"
        )
    norms = np.linalg.norm(arr, axis=1)
    zero = norms == 0
    if zero.any():
        raise DriftInputError(
            f"{name} has {int(zero.sum())} all-zero rows (first: row {int(np.argmax(zero))})"
        )
    # Cosine distance is about directions: rows that are not unit length (a PCA output, another
    # model) must not weigh more in a centroid because they are longer.
    return arr / norms[:, None]


def check_same_dim(reference: np.ndarray, window: np.ndarray) -> None:
    if reference.shape[1] != window.shape[1]:
        raise DriftInputError(
            f"reference and window have different dimensions: "
            f"{reference.shape[1]} vs {window.shape[1]} (embedded with different models?)"
        )


def sidak_quantile(quantile: float, n_checks: int) -> float:
    """The per-check quantile that keeps the chance of any false alarm among ``n_checks``
    independent checks at ``1 - quantile`` (Šidák correction)."""
    return quantile ** (1.0 / max(n_checks, 1))


def resample_weights(
    rng: np.random.Generator, n_population: int, sample_size: int, n_bootstrap: int
) -> np.ndarray:
    """``(n_bootstrap, n_population)`` weights that average a with-replacement sample of
    ``sample_size`` rows: ``weights @ X`` is the mean of each resample."""
    # Index draws + one bincount: ~10x faster than rng.multinomial with uniform probabilities.
    idx = rng.integers(0, n_population, size=(n_bootstrap, sample_size))
    idx += np.arange(n_bootstrap)[:, None] * n_population
    counts = np.bincount(idx.ravel(), minlength=n_bootstrap * n_population)
    return counts.reshape(n_bootstrap, n_population) / float(sample_size)


def cosine_distance_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``1 - cos`` between matching rows of ``a`` and ``b`` (or a row and each row of the other)."""
    a = np.atleast_2d(a)
    b = np.atleast_2d(b)
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    dot = np.sum(a * b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = dot / (na * nb)
    # A mean of unit vectors can be ~0 (vectors that cancel out): it has no direction, so it
    # is as far as it can be from anything.
    cos = np.where((na > 0) & (nb > 0), cos, -1.0)
    return np.clip(1.0 - cos, 0.0, 2.0)


def labels_list(name: str, labels: Sequence[Any] | None, n: int) -> list[str] | None:
    """Labels as strings (None -> "(unlabelled)"), checked against the number of rows."""
    if labels is None:
        return None
    if isinstance(labels, str):
        raise DriftInputError(f"{name} must be a sequence of labels, not a single string")
    out = ["(unlabelled)" if lab is None or lab == "" else str(lab) for lab in labels]
    if len(out) != n:
        raise DriftInputError(f"{name} has {len(out)} labels for {n} embeddings")
    return out
