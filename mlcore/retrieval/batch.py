"""The score of a whole pool at once: the same part values and totals as
``mlcore.retrieval.pairs`` + ``mlcore.retrieval.scorer`` give one pair at a time, computed with a
few array operations over the pool (a few milliseconds for 300 candidates instead of tens).

The pool's ranking comes from these totals; the breakdown of the results actually shown is then
made pair by pair with the scorer, so every part of every shown score still adds up exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlcore.retrieval.fit import WEIGHT_NAMES
from mlcore.retrieval.keywords import KeywordVector
from mlcore.retrieval.scorer import (
    DEFAULT_EXCLUDED_CAP,
    DEFAULT_SIMILARITY_RANGE,
    KEYWORD_RANGE,
    RELATED_RANGE,
    REQUIRED_PRIOR,
    ScoreWeights,
)

__all__ = ["PoolScores", "score_jobs", "score_pool", "totals_of"]


@dataclass(frozen=True, eq=False)
class PoolScores:
    """Per candidate: the total (0-100, rounded to 0.01 as the scorer rounds it), the document
    cosine and the part values ``(n, len(WEIGHT_NAMES))`` with NaN where a part has no value."""

    totals: np.ndarray
    cosines: np.ndarray
    values: np.ndarray


def _rescale(x: np.ndarray, low_high: tuple[float, float]) -> np.ndarray:
    low, high = low_high
    return np.clip((x - low) / (high - low), 0.0, 1.0)


def _segments(lengths: Sequence[int]) -> np.ndarray:
    return np.repeat(np.arange(len(lengths)), lengths)


def keyword_similarities(query: KeywordVector | None, docs: Sequence[KeywordVector]) -> np.ndarray:
    """``query.similarity(doc)`` for every doc, in one pass over their words."""
    out = np.zeros(len(docs), dtype=np.float64)
    if query is None or not len(query.ids) or not docs:
        return out
    ids = np.concatenate([d.ids for d in docs])
    weights = np.concatenate([d.weights for d in docs]).astype(np.float64)
    owner = _segments([len(d.ids) for d in docs])
    order = np.argsort(query.ids, kind="stable")
    q_ids, q_w = query.ids[order], query.weights[order].astype(np.float64)
    at = np.clip(np.searchsorted(q_ids, ids), 0, len(q_ids) - 1)
    hit = q_ids[at] == ids
    np.add.at(out, owner[hit], weights[hit] * q_w[at[hit]])
    return out


def related_similarities(
    required_vectors: np.ndarray | None, chunks: Sequence[np.ndarray], vectors: np.ndarray
) -> np.ndarray:
    """``(n_docs, n_required)``: each must-have's cosine to each doc's closest passage (its
    document vector when it has no passages)."""
    n = len(chunks)
    if required_vectors is None or not len(required_vectors) or not n:
        return np.zeros((n, 0))
    passages = [c if len(c) else vectors[i][None, :] for i, c in enumerate(chunks)]
    lengths = [len(p) for p in passages]
    sims = np.concatenate(passages).astype(np.float32) @ np.asarray(required_vectors, np.float32).T
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return np.maximum.reduceat(sims, starts, axis=0).astype(np.float64)


def _coverage(wanted: Sequence[int | str], have: Sequence[set]) -> tuple[np.ndarray, np.ndarray]:
    """(matched count, listed count) per doc; ``wanted`` are unique keys (skill ids or terms)."""
    wanted = list(dict.fromkeys(wanted))
    matched = np.array([sum(key in h for key in wanted) for h in have], dtype=np.float64)
    return matched, np.full(len(have), float(len(wanted)))


def score_pool(
    *,
    weights: ScoreWeights,
    job_vector: np.ndarray,
    job_keywords: KeywordVector | None,
    required_vectors: np.ndarray | None,
    required: Sequence[int | str],
    nice: Sequence[int | str],
    excluded: Sequence[int | str],
    vectors: np.ndarray,
    chunks: Sequence[np.ndarray],
    keywords: Sequence[KeywordVector] | None,
    have: Sequence[set],
    categories: np.ndarray,
    category_confidence: np.ndarray,
    years: np.ndarray,
    job_category: int = -1,
    job_category_confidence: float | None = None,
    years_required: float | None = None,
    excluded_cap: float = DEFAULT_EXCLUDED_CAP,
) -> PoolScores:
    """Score every doc of a pool against one job, as the scorer would pair by pair.

    ``required``/``nice``/``excluded`` are keys (taxonomy skill ids, or free-text terms) and
    ``have[i]`` the keys doc ``i`` proves (its skill ids plus the free-text terms found in its
    text). Categories are codes (-1 unknown); NaN confidence or years mean unknown.
    """
    n = len(vectors)
    cosines = np.asarray(vectors, np.float32) @ np.asarray(job_vector, np.float32)
    cosines = cosines.astype(np.float64)
    values = np.full((n, len(WEIGHT_NAMES)), np.nan)
    col = {name: i for i, name in enumerate(WEIGHT_NAMES)}
    values[:, col["semantic"]] = _rescale(cosines, DEFAULT_SIMILARITY_RANGE)
    if job_keywords is not None and keywords is not None:
        values[:, col["keywords"]] = _rescale(
            keyword_similarities(job_keywords, keywords), KEYWORD_RANGE
        )
    required = list(dict.fromkeys(required))
    nice = [k for k in dict.fromkeys(nice) if k not in set(required)]
    if required:
        matched, listed = _coverage(required, have)
        prior, prior_weight = REQUIRED_PRIOR
        values[:, col["required"]] = (matched + prior * prior_weight) / (listed + prior_weight)
    related = related_similarities(required_vectors, chunks, vectors)
    if related.shape[1]:
        values[:, col["related"]] = _rescale(related, RELATED_RANGE).mean(axis=1)
    if nice:
        matched, listed = _coverage(nice, have)
        values[:, col["nice"]] = matched / listed
    values[:, col["category"]] = _category_values(
        categories, category_confidence, job_category, job_category_confidence
    )
    values[:, col["experience"]] = _experience_values(
        years, np.nan if years_required is None else years_required
    )

    excluded_hit = np.array(
        [any(key in h for key in dict.fromkeys(excluded)) for h in have], dtype=bool
    )
    w = np.array([weights.as_dict()[name] for name in WEIGHT_NAMES], dtype=np.float64)
    totals = totals_of(values, np.broadcast_to(w, values.shape), excluded_hit, excluded_cap)
    return PoolScores(totals=totals, cosines=cosines, values=values)


def _category_values(
    categories: np.ndarray, confidences: np.ndarray, other: int, other_confidence: float | None
) -> np.ndarray:
    """Category agreement of each row with ``other`` (codes, -1 unknown), as the scorer's
    ``_category_agreement``: 1 / 0 shrunk toward 0.5 by the confidences (NaN: set by hand,
    counts as 1); 0.5 when either category is unknown."""
    known = (categories >= 0) & (other >= 0)
    raw = (categories == other).astype(np.float64)
    confidence = np.where(np.isnan(confidences), 1.0, np.clip(confidences, 0, 1))
    if other_confidence is not None:
        confidence = confidence * min(max(other_confidence, 0.0), 1.0)
    return np.where(known, 0.5 + (raw - 0.5) * confidence, 0.5)


def _experience_values(years, required) -> np.ndarray:
    """Experience fit, as the scorer's ``_experience_fit``, of years against years asked for
    (either may be an array; NaN unknown): 0.5 when either is unknown, 1 when none are asked
    for, else the share of the years asked for that are there."""
    years = np.asarray(years, dtype=np.float64)
    required = np.asarray(required, dtype=np.float64)
    fit = np.clip(np.maximum(years, 0.0) / np.where(required > 0, required, 1.0), None, 1.0)
    return np.where(np.isnan(years) | np.isnan(required), 0.5, np.where(required <= 0, 1.0, fit))


def totals_of(
    values: np.ndarray, weights: np.ndarray, excluded_hit: np.ndarray, excluded_cap: float
) -> np.ndarray:
    """Totals on 0-100 as the scorer makes them: each pair's weights (a row of ``weights``)
    shared among its present parts, the excluded cap, rounding to 0.01."""
    present = ~np.isnan(values)
    den = np.sum(np.where(present, weights, 0.0), axis=1)
    num = np.sum(np.where(present, values, 0.0) * weights, axis=1)
    raw_points = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), 0.0)
    capped = np.where(excluded_hit & (raw_points > excluded_cap), excluded_cap, raw_points)
    return np.floor(capped * 100.0 + 0.5) / 100.0


def _flat_requirements(requirements: Sequence[np.ndarray]):
    """All jobs' requirements as flat arrays: key, kind, owning job."""
    reqs = [np.asarray(r, dtype=np.int64).reshape(-1, 2) for r in requirements]
    flat = np.concatenate(reqs) if reqs else np.zeros((0, 2), np.int64)
    owner = _segments([len(r) for r in reqs])
    return flat[:, 0], flat[:, 1], owner


# A (job, key) pair as one int64: keys are skill ids (>= 0) or term ids (>= -2**40), jobs are
# pool rows; sorting one column is several times faster than np.unique(axis=0) over two.
_KEY_SPAN = 1 << 41
_KEY_SHIFT = 1 << 40


def _pair_codes(owner: np.ndarray, keys: np.ndarray) -> np.ndarray:
    return owner.astype(np.int64) * _KEY_SPAN + (keys.astype(np.int64) + _KEY_SHIFT)


def _unique_pairs(owner: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """(m, 2) unique (job, key) pairs, sorted by job then key."""
    if not len(owner):
        return np.zeros((0, 2), np.int64)
    codes = np.unique(_pair_codes(owner, keys))
    return np.stack([codes // _KEY_SPAN, codes % _KEY_SPAN - _KEY_SHIFT], axis=1)


def _rows_in(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each (job, key) row of ``a``, whether ``b`` holds it."""
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    return np.isin(_pair_codes(a[:, 0], a[:, 1]), _pair_codes(b[:, 0], b[:, 1]))


def _closest_passages(keys: np.ndarray, vectors: np.ndarray, passages: np.ndarray) -> np.ndarray:
    """Per requirement row, its best cosine with a passage. A key's rows hold one vector (its
    name's) in every job that lists it, so each distinct key is computed once: a pool of 300
    jobs lists about 3,000 must-haves over 150 keys. Rows that differ from their key's first
    row (a caller may pass any vectors) are computed on their own; the result is the same."""
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    vectors = np.ascontiguousarray(vectors)
    distinct = vectors[first]
    # Compared bit for bit, as unsigned integers: numpy compares float16 one value at a time.
    bits = np.dtype(f"u{vectors.dtype.itemsize}")
    same = (vectors.view(bits) == distinct.view(bits)[inverse]).all(axis=1)
    best = (np.asarray(distinct, np.float32) @ passages.T).max(axis=1)[inverse]
    if not same.all():
        best[~same] = (np.asarray(vectors[~same], np.float32) @ passages.T).max(axis=1)
    return best.astype(np.float64)


def _requirement_parts(values, col, flat, requirement_vectors, passages, held) -> None:
    """Fill the required, related and nice parts of every job of a pool at once: coverage of
    unique keys (a key listed as required and nice counts as required), and each must-have's
    closeness to the resume's closest passage, averaged per job. ``flat`` is
    :func:`_flat_requirements`' (key, kind, job); ``held[i]``: the resume proves key ``i``."""
    n = len(values)
    keys, kinds, owner = flat
    if not len(keys):
        return
    prior, prior_weight = REQUIRED_PRIOR
    req = kinds == 0
    required = _unique_pairs(owner[req], keys[req])
    listed = np.bincount(required[:, 0], minlength=n).astype(np.float64)
    matched = np.bincount(required[:, 0], weights=np.isin(required[:, 1], keys[held]), minlength=n)
    has_required = listed > 0
    values[has_required, col["required"]] = (matched[has_required] + prior * prior_weight) / (
        listed[has_required] + prior_weight
    )
    if req.any():
        vectors = np.concatenate(
            [np.asarray(v).reshape(-1, passages.shape[1]) for v in requirement_vectors]
        )[req]
        closest = _rescale(_closest_passages(keys[req], vectors, passages), RELATED_RANGE)
        count = np.bincount(owner[req], minlength=n)
        total = np.bincount(owner[req], weights=closest, minlength=n)
        values[count > 0, col["related"]] = total[count > 0] / count[count > 0]
    nice = _unique_pairs(owner[kinds == 1], keys[kinds == 1])
    if len(nice):
        # Drop nice keys the same job requires.
        nice = nice[~_rows_in(nice, required)]
        listed = np.bincount(nice[:, 0], minlength=n).astype(np.float64)
        matched = np.bincount(nice[:, 0], weights=np.isin(nice[:, 1], keys[held]), minlength=n)
        has_nice = listed > 0
        values[has_nice, col["nice"]] = matched[has_nice] / listed[has_nice]


def _excluded_hits(n: int, flat, held: np.ndarray) -> np.ndarray:
    _, kinds, owner = flat
    out = np.zeros(n, dtype=bool)
    out[owner[(kinds == 2) & held]] = True
    return out


def score_jobs(
    *,
    weights: Sequence[ScoreWeights],
    resume_vector: np.ndarray,
    resume_chunks: np.ndarray,
    resume_keywords: KeywordVector | None,
    have: set,
    resume_category: int = -1,
    resume_category_confidence: float | None = None,
    resume_years: float | None = None,
    vectors: np.ndarray,
    keywords: Sequence[KeywordVector] | None,
    requirements: Sequence[np.ndarray],
    requirement_vectors: Sequence[np.ndarray],
    categories: np.ndarray,
    category_confidence: np.ndarray,
    years_required: np.ndarray,
    excluded_cap: float = DEFAULT_EXCLUDED_CAP,
) -> PoolScores:
    """Score one resume against every job of a pool, as the scorer would pair by pair.

    ``requirements[j]`` is ``(k, 2)``: key and kind (0 required, 1 nice, 2 excluded) of job
    ``j``'s requirements, one row of ``requirement_vectors[j]`` each; ``have`` holds the keys
    the resume proves; ``weights[j]`` is the weighting job ``j`` calls for.
    """
    n = len(vectors)
    cosines = (np.asarray(vectors, np.float32) @ np.asarray(resume_vector, np.float32)).astype(
        np.float64
    )
    values = np.full((n, len(WEIGHT_NAMES)), np.nan)
    col = {name: i for i, name in enumerate(WEIGHT_NAMES)}
    values[:, col["semantic"]] = _rescale(cosines, DEFAULT_SIMILARITY_RANGE)
    if resume_keywords is not None and keywords is not None:
        values[:, col["keywords"]] = _rescale(
            keyword_similarities(resume_keywords, keywords), KEYWORD_RANGE
        )
    passages = resume_chunks if len(resume_chunks) else np.asarray(resume_vector)[None, :]
    passages = np.asarray(passages, np.float32)
    flat = _flat_requirements(requirements)
    held = np.isin(flat[0], np.fromiter(have, dtype=np.int64, count=len(have)))
    _requirement_parts(values, col, flat, requirement_vectors, passages, held)
    excluded_hit = _excluded_hits(n, flat, held)
    values[:, col["category"]] = _category_values(
        categories, category_confidence, resume_category, resume_category_confidence
    )
    values[:, col["experience"]] = _experience_values(
        np.nan if resume_years is None else resume_years, years_required
    )
    # A pool has one or two distinct weightings (extracted, explicit): one row each.
    distinct = {wt: [wt.as_dict()[name] for name in WEIGHT_NAMES] for wt in dict.fromkeys(weights)}
    w = np.array([distinct[wt] for wt in weights], dtype=np.float64).reshape(n, len(WEIGHT_NAMES))
    totals = totals_of(values, w, excluded_hit, excluded_cap)
    return PoolScores(totals=totals, cosines=cosines, values=values)
