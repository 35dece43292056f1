"""Overlapping token windows over long texts, shared by the real and the hashing embedder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def window_starts(n_tokens: int, window: int, overlap: int) -> list[int]:
    """Start positions of windows of ``window`` tokens overlapping by ``overlap`` tokens.

    The last window ends exactly at ``n_tokens`` so the whole text is covered; a text shorter
    than one window gives a single window starting at 0.
    """
    if window <= 0:
        raise ValueError(f"window must be positive, got {window}")
    if not 0 <= overlap < window:
        raise ValueError(f"overlap must be in [0, window), got {overlap} for window {window}")
    if n_tokens <= window:
        return [0]
    stride = window - overlap
    starts = list(range(0, n_tokens - window, stride))
    starts.append(n_tokens - window)
    return starts


def sample_evenly(n: int, limit: int) -> list[int]:
    """Indices of at most ``limit`` items spread evenly over ``range(n)``, first and last kept."""
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    if n <= limit:
        return list(range(n))
    if limit == 1:
        return [0]
    # With n > limit the step is > 1, so the rounded positions are distinct.
    return [int(i) for i in np.linspace(0, n - 1, limit).round().astype(np.int64)]


def token_windows(
    spans: Sequence[tuple[int, int]], *, window: int, overlap: int, max_chunks: int
) -> list[tuple[int, int, tuple[int, int]]]:
    """Windows over tokens given their character spans.

    Returns ``(first_token, end_token, (char_start, char_end))`` per window, at most
    ``max_chunks`` of them sampled evenly when the text is longer.
    """
    if not spans:
        return []
    starts = window_starts(len(spans), window, overlap)
    chosen = [starts[i] for i in sample_evenly(len(starts), max_chunks)]
    out = []
    for s in chosen:
        e = min(s + window, len(spans))
        out.append((s, e, (int(spans[s][0]), int(spans[e - 1][1]))))
    return out


def l2_normalise(matrix: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """Rows scaled to unit length as ``dtype`` (float32 unless asked); all-zero rows stay zero."""
    matrix = np.asarray(matrix, dtype=dtype)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(dtype, copy=False)


def pool(chunks: np.ndarray) -> np.ndarray:
    """Unit-length mean of unit chunk vectors (the document vector)."""
    return l2_normalise(np.asarray(chunks, dtype=np.float32).mean(axis=0))
