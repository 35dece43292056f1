"""Data drift with Evidently: per-document text descriptors and the embeddings, window vs reference.

Evidently (imported lazily: it costs seconds) computes the descriptors and runs its column drift
tests; the embedding check is its domain-classifier method. Optionally saves the HTML report.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from mlcore.artifacts import write_atomic
from mlcore.drift.common import (
    DEFAULT_MIN_SIZE,
    DriftInputError,
    DriftResult,
    as_matrix,
    check_same_dim,
    check_sizes,
    jsonable,
)

__all__ = ["DESCRIPTOR_COLUMNS", "EMBEDDING_QUANTILE", "MAX_ROWS", "data_drift"]

# Evidently's built-in descriptors that run offline. OOVWordsPercentage is left out on purpose:
# it downloads NLTK word lists on first use, and this check must never touch the network.
DESCRIPTOR_COLUMNS = ("text_length", "word_count", "sentence_count", "non_letter_percent")
# The domain classifier's AUC must beat this quantile of the AUCs of random scores on the same
# held-out rows (Evidently's bootstrap option): the embedding counterpart of a p < 0.05 test.
EMBEDDING_QUANTILE = 0.95
# Documents per side beyond which a random subset is compared: the tests are already precise,
# and the report's t-SNE plot of the embeddings grows slow (minutes on two cores).
MAX_ROWS = 2000
_EMBEDDING = "embedding"


def _texts(name: str, texts: Sequence[str]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise DriftInputError(f"{name} must be a sequence of texts, not a single string")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise DriftInputError(f"{name}[{i}] is a {type(text).__name__}, not a str")
        if not text.strip():
            raise DriftInputError(f"{name}[{i}] is empty; drop empty documents before the check")
    return out


@contextlib.contextmanager
def _evidently_sandbox() -> Iterator[None]:
    """Run Evidently without side effects the caller would notice.

    Its embedding method reseeds numpy's global RNG (the caller's state is restored), and its
    imports and legacy code raise DeprecationWarnings about its own dependencies (litestar,
    numpy.core) that no caller can act on.
    """
    state = np.random.get_state()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        np.random.set_state(state)


def _rows_used(n: int, rng: np.random.Generator) -> np.ndarray:
    if n <= MAX_ROWS:
        return np.arange(n)
    return np.sort(rng.choice(n, MAX_ROWS, replace=False))


def _descriptor_frame(texts: list[str]):
    """A DataFrame of Evidently's descriptors, one row per text (and no text column)."""
    import pandas as pd
    from evidently import DataDefinition, Dataset
    from evidently.descriptors import (
        NonLetterCharacterPercentage,
        SentenceCount,
        TextLength,
        WordCount,
    )

    descriptors = [
        TextLength("text", alias="text_length"),
        WordCount("text", alias="word_count"),
        SentenceCount("text", alias="sentence_count"),
        NonLetterCharacterPercentage("text", alias="non_letter_percent"),
    ]
    dataset = Dataset.from_pandas(
        pd.DataFrame({"text": texts}),
        data_definition=DataDefinition(text_columns=["text"]),
        descriptors=descriptors,
    )
    # Only the numbers go on: the report must not carry document text (resumes are personal).
    frame = dataset.as_dataframe()[list(DESCRIPTOR_COLUMNS)].astype(np.float64)
    return frame.reset_index(drop=True)


@functools.lru_cache(maxsize=64)
def _random_auc_threshold(n_reference: int, n_window: int) -> float:
    """The AUC threshold Evidently's ``ModelDriftMethod(bootstrap=True)`` compares against.

    Evidently splits reference (1) + window (0) rows 50/50 with ``random_state=42`` and takes
    the ``EMBEDDING_QUANTILE`` of the AUCs of 100 seeded random score vectors on the held-out
    half. The split depends only on the row counts, so the threshold is recomputed here the same
    way (Evidently returns only the decision).
    """
    from evidently.legacy.metrics.data_drift.embedding_drift_methods import calc_roc_auc_random
    from sklearn.model_selection import train_test_split

    target = np.r_[np.ones(n_reference, dtype=int), np.zeros(n_window, dtype=int)]
    _, y_test = train_test_split(target, test_size=0.5, random_state=42, shuffle=True)
    aucs = [calc_roc_auc_random(y_test, i) for i in range(100)]
    return float(np.percentile(aucs, 100 * EMBEDDING_QUANTILE))


def _embedding_method():
    from evidently.metrics.embeddings import ModelDriftMethod

    return ModelDriftMethod(bootstrap=True, quantile_probability=EMBEDDING_QUANTILE)


def _embedding_check(ref_emb: np.ndarray, win_emb: np.ndarray) -> dict[str, Any]:
    import pandas as pd

    cols = [f"e{i}" for i in range(ref_emb.shape[1])]
    auc, drifted, _ = _embedding_method()(
        pd.DataFrame(win_emb, columns=cols), pd.DataFrame(ref_emb, columns=cols)
    )
    threshold = _random_auc_threshold(ref_emb.shape[0], win_emb.shape[0])
    return {
        "column": _EMBEDDING,
        "kind": "embedding",
        "method": "domain classifier ROC AUC (Evidently ModelDriftMethod, bootstrap)",
        "score": float(auc),
        "threshold": threshold,
        "drifted": bool(drifted),
    }


def _column_results(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-column method, score, threshold and decision from an Evidently snapshot dict."""
    status = {
        t["metric_config"]["metric_id"]: t["status"]
        for t in snapshot.get("tests", [])
        if t.get("id") == "drift"
    }
    out = []
    for metric in snapshot["metrics"]:
        config = metric["config"]
        if not config.get("type", "").endswith(":ValueDrift"):
            continue
        out.append(
            {
                "column": config["column"],
                "kind": "descriptor",
                "method": config.get("method"),
                "score": metric["value"],
                "threshold": config.get("threshold"),
                "drifted": status.get(metric["id"]) == "FAIL",
            }
        )
    order = {c: i for i, c in enumerate(DESCRIPTOR_COLUMNS)}
    return sorted(out, key=lambda c: order.get(c["column"], len(order)))


def _run_evidently(
    ref_texts: list[str],
    win_texts: list[str],
    ref_emb: np.ndarray | None,
    win_emb: np.ndarray | None,
    *,
    drift_share: float,
    report: str | None,
):
    """Evidently's report over the descriptors (+ embeddings) and the per-column results."""
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import EmbeddingsDrift
    from evidently.presets import DataDriftPreset

    ref_frame = _descriptor_frame(ref_texts)
    win_frame = _descriptor_frame(win_texts)
    columns = list(DESCRIPTOR_COLUMNS)
    metrics: list[Any] = [DataDriftPreset(columns=columns, drift_share=drift_share)]
    definition = DataDefinition(numerical_columns=columns)
    ref_data, win_data = ref_frame, win_frame
    if report is not None and ref_emb is not None:
        # Only a saved report shows the embeddings (as a t-SNE plot, which is slow); the
        # decision is computed below either way, with the same deterministic method.
        emb_cols = [f"e{i}" for i in range(ref_emb.shape[1])]
        ref_data = pd.concat([ref_frame, pd.DataFrame(ref_emb, columns=emb_cols)], axis=1)
        win_data = pd.concat([win_frame, pd.DataFrame(win_emb, columns=emb_cols)], axis=1)
        definition = DataDefinition(
            numerical_columns=columns + emb_cols, embeddings={_EMBEDDING: emb_cols}
        )
        metrics.append(
            EmbeddingsDrift(embeddings_name=_EMBEDDING, drift_method=_embedding_method())
        )
    snapshot = Report(metrics, include_tests=True).run(
        Dataset.from_pandas(win_data, data_definition=definition),
        Dataset.from_pandas(ref_data, data_definition=definition),
    )
    column_results = _column_results(snapshot.dict())
    if ref_emb is not None:
        column_results.append(_embedding_check(ref_emb, win_emb))
    return snapshot, column_results, ref_frame, win_frame


def data_drift(
    reference_texts: Sequence[str],
    window_texts: Sequence[str],
    *,
    reference_embeddings: np.ndarray | None = None,
    window_embeddings: np.ndarray | None = None,
    report_path: str | None = None,
    drift_share: float = 0.5,
    random_state: int | None = 0,
    min_size: int = DEFAULT_MIN_SIZE,
) -> DriftResult:
    """Evidently data drift over text descriptors, plus embedding drift when embeddings are given.

    Each document gets Evidently's descriptors ``text_length`` (characters), ``word_count``,
    ``sentence_count`` and ``non_letter_percent`` (share of characters that are not letters or
    spaces). Evidently tests each descriptor column with its default test (Kolmogorov-Smirnov,
    p < 0.05, up to 1,000 reference rows; normed Wasserstein distance >= 0.1 above that;
    chi-square or z-test for columns with at most 5 distinct values). With embeddings, the
    ``embedding`` column is tested with Evidently's domain classifier: a linear classifier
    learns to tell window from reference on half of the rows, and its ROC AUC on the other half
    must beat the 95th percentile of the AUCs of random scores.

    Parameters
    ----------
    reference_texts, window_texts : sequence of str
        Non-empty document texts.
    reference_embeddings, window_embeddings : array of shape (n, d) and (m, d), optional
        Embeddings of the same documents, in the same order; both or neither.
    report_path : str, optional
        Where to save Evidently's HTML report, written atomically. The page is self-contained
        (JavaScript and fonts inlined, ~4 MB), so it opens offline; it holds descriptor
        distributions and, with embeddings, a t-SNE plot of both sides (which adds 10-30 s).
        No document text goes into it.
    drift_share : float
        Share of drifted columns at which the window counts as drifted.
    random_state : int or None
        Seed for the random subset of documents compared when a side has more than
        ``MAX_ROWS`` (2,000); Evidently seeds its own classifier.
    min_size : int
        Fewest documents accepted on each side.

    Returns
    -------
    DriftResult
        ``kind="data"``; ``score`` is the share of drifted columns (the four descriptors, plus
        the embedding counted as one column when given), ``threshold`` is ``drift_share`` and
        ``drifted`` is ``score >= drift_share`` (Evidently's dataset-drift rule). ``details``
        lists each column's test, score, threshold and decision, the descriptor means of both
        sides, and ``report_path`` (absolute) when a report was saved.

    Raises
    ------
    DriftInputError
        Empty or too small sides, empty texts, embeddings given on one side only, rows not
        matching the texts, mismatched dimensions, NaN.
    """
    if not 0 < drift_share <= 1:
        raise DriftInputError(f"drift_share must be in (0, 1], got {drift_share}")
    ref_texts = _texts("reference_texts", reference_texts)
    win_texts = _texts("window_texts", window_texts)
    check_sizes("data drift", len(ref_texts), len(win_texts), min_size)
    if (reference_embeddings is None) != (window_embeddings is None):
        raise DriftInputError("give embeddings for both the reference and the window, or neither")
    ref_emb = win_emb = None
    if reference_embeddings is not None:
        ref_emb = as_matrix("reference_embeddings", reference_embeddings)
        win_emb = as_matrix("window_embeddings", window_embeddings)
        check_same_dim(ref_emb, win_emb)
        for name, emb, texts in (
            ("reference_embeddings", ref_emb, ref_texts),
            ("window_embeddings", win_emb, win_texts),
        ):
            if emb.shape[0] != len(texts):
                raise DriftInputError(f"{name} has {emb.shape[0]} rows for {len(texts)} texts")

    rng = np.random.default_rng(random_state)
    ref_rows = _rows_used(len(ref_texts), rng)
    win_rows = _rows_used(len(win_texts), rng)
    ref_texts = [ref_texts[i] for i in ref_rows]
    win_texts = [win_texts[i] for i in win_rows]
    if ref_emb is not None:
        ref_emb, win_emb = ref_emb[ref_rows], win_emb[win_rows]

    with _evidently_sandbox():
        snapshot, column_results, ref_frame, win_frame = _run_evidently(
            ref_texts, win_texts, ref_emb, win_emb, drift_share=drift_share, report=report_path
        )
        from evidently import __version__ as evidently_version
    n_drifted = sum(1 for c in column_results if c["drifted"])
    score = n_drifted / len(column_results)

    details: dict[str, Any] = {
        "score_definition": "share of drifted columns (descriptors + the embedding as one column)",
        "columns": column_results,
        "drifted_columns": n_drifted,
        "n_columns": len(column_results),
        "descriptor_means": {
            col: {"reference": float(ref_frame[col].mean()), "window": float(win_frame[col].mean())}
            for col in DESCRIPTOR_COLUMNS
        },
        "reference_rows_used": len(ref_rows),
        "window_rows_used": len(win_rows),
        "evidently_version": evidently_version,
        "report_path": None,
    }
    if report_path is not None:
        html = snapshot.get_html_str(as_iframe=False)
        details["report_path"] = str(write_atomic(report_path, html.encode("utf-8")))
    return DriftResult(
        kind="data",
        score=float(score),
        threshold=float(drift_share),
        drifted=score >= drift_share,
        details=jsonable(details),
        reference_size=len(reference_texts),
        window_size=len(window_texts),
    )
