"""Reciprocal rank fusion of several rankings (dense + BM25) into one."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], *, k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Fuse rankings of ids (best first) by ``sum_i weight_i / (k + rank_i)``, ranks from 1.

    An id repeated inside one ranking counts once, at its first position, and does not push
    later ids down. Ties are broken by the
    smaller id, so the output is deterministic. Returns ``(id, score)`` best first.
    """
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    if weights is None:
        weights = [1.0] * len(rankings)
    elif len(weights) != len(rankings):
        raise ValueError(f"got {len(weights)} weights for {len(rankings)} rankings")
    scores: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        seen: set[int] = set()
        for doc_id in ranking:
            doc_id = int(doc_id)
            if doc_id in seen:
                continue
            seen.add(doc_id)  # a repeat neither scores again nor pushes later ids down
            scores[doc_id] = scores.get(doc_id, 0.0) + float(w) / (k + len(seen))
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
