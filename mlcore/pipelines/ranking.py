"""Ranking quality against human judgements: nDCG@k, MAP and Spearman of the hybrid scorer beside
TF-IDF, BM25 and plain MiniLM baselines, on the plain-text sets that
``scripts/export_ranking_sets.py`` writes; plus the lexical fusion the app can call.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from mlcore.embeddings.base import Embedder
from mlcore.embeddings.text import has_words
from mlcore.jobtext import split_requirements, years_required_of
from mlcore.retrieval.lexical import BM25Index, tokenize
from mlcore.retrieval.scorer import MatchSignals, ScoreWeights, score
from mlcore.skills import SkillEntry, SkillTaxonomy

__all__ = [
    "METHODS",
    "REFERENCES",
    "SET_FILES",
    "JobText",
    "PairFeatures",
    "RankingSet",
    "ResumeText",
    "average_precision",
    "bootstrap_indices",
    "dcg_at_k",
    "evaluate_ranking",
    "job_requirements",
    "lexical_blend",
    "lexical_fusion",
    "load_match150",
    "load_vanetik",
    "method_scores",
    "ndcg_at_k",
    "pair_features",
    "spearman",
    "taxonomy_from_fixture",
    "years_required_of",
]

Span = tuple[int, int]
Direction = Literal["jobs_for_resume", "resumes_for_job"]

SET_FILES: dict[str, tuple[str, ...]] = {
    "vanetik": ("vanetik_cvs.jsonl", "vanetik_vacancies.jsonl", "vanetik_judgements.jsonl"),
    "match150": ("match150_resumes.jsonl", "match150_jd.jsonl"),
}
# References are not rankers. "random" has constant scores, so the tie-aware metrics return
# exactly what a uniformly random order scores on average; "presentation_order" ranks the
# candidates in the order annotators saw them (a bias check, only where that order is known).
REFERENCES: tuple[str, ...] = ("random", "presentation_order")
METHODS: tuple[str, ...] = (
    "random",
    "tfidf_cosine",
    "bm25",
    "minilm_cosine",
    "minilm_best_chunk",
    "skill_coverage",
    "hybrid",
    "rrf_minilm_bm25",
    "rrf_hybrid_bm25",
    "hybrid_bm25_blend",
)
SKILL_SECTIONS = frozenset({"skills", "certifications"})
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


def _ndcg_rows(relevance: np.ndarray, scores: np.ndarray, k: int | None) -> np.ndarray:
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


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
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
    return float(_spearman_rows(a, b)[0]) if a.shape[1] > 1 else math.nan


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


# -- documents and sets ------------------------------------------------------------------------
@dataclass(frozen=True)
class ResumeText:
    """A parsed resume: its text, section spans ``(name, start, end)`` and years of experience."""

    id: str
    text: str
    sections: tuple[tuple[str, int, int], ...] = ()
    years_experience: float | None = None

    def skill_contexts(self) -> tuple[Span, ...]:
        return tuple((a, b) for name, a, b in self.sections if name in SKILL_SECTIONS)


@dataclass(frozen=True)
class JobText:
    """A job: title and description text (embedded together, as the app does)."""

    id: str
    title: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, eq=False)
class RankingSet:
    """Resumes x jobs with graded relevance and which way round the ranking goes.

    ``relevance`` is ``(n_resumes, n_jobs)``. ``relevant`` is the binary relevance for MAP
    (``None``: no MAP). ``targets`` holds further relevance matrices (one per annotator, NaN
    rows where that annotator did not judge); ``references`` holds reference scores.
    """

    name: str
    resumes: tuple[ResumeText, ...]
    jobs: tuple[JobText, ...]
    direction: Direction
    relevance: np.ndarray
    relevant: np.ndarray | None = None
    targets: Mapping[str, np.ndarray] = field(default_factory=dict)
    references: Mapping[str, np.ndarray] = field(default_factory=dict)
    notes: Mapping[str, object] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run scripts/export_ranking_sets.py --data-dir ../shared/data "
            f"--out {path.parent}"
        )
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _resume(row: dict) -> ResumeText:
    years = row.get("years_experience")
    return ResumeText(
        id=str(row["id"]),
        text=row["text"],
        sections=tuple((str(n), int(a), int(b)) for n, a, b in row.get("sections") or ()),
        years_experience=None if years is None else float(years),
    )


def _usable(row: dict) -> bool:
    return row.get("status", "parsed") == "parsed" and has_words(row.get("text") or "")


def load_vanetik(directory: str | os.PathLike[str]) -> RankingSet:
    """Vacancies ranked per CV; relevance = the annotators' mean Borda points (4 best .. 0).

    Arrays that are not permutations (annotation slips) are dropped; a CV left without a valid
    array, or whose file could not be parsed, is left out. For MAP the vacancies with the two
    highest consensus points (ties included) count as relevant. Each annotator's own points
    are kept as targets ``a1``, ``a2``, ...; vacancies keep the file's order, the order the
    annotators saw them in.
    """
    folder = Path(directory)
    cvs_file, vacancies_file, judgements_file = (folder / f for f in SET_FILES["vanetik"])
    cv_rows = {str(r["id"]): r for r in _read_jsonl(cvs_file)}
    jobs = tuple(
        JobText(id=str(r["id"]), title=r.get("title", ""), text=r["text"])
        for r in _read_jsonl(vacancies_file)
    )
    job_index = {j.id: i for i, j in enumerate(jobs)}
    by_annotator: dict[str, dict[str, np.ndarray]] = {}
    dropped = 0
    for row in _read_jsonl(judgements_file):
        ranking = [str(v) for v in row["ranking"]]
        if not row.get("valid", True) or sorted(ranking) != sorted(job_index):
            dropped += 1
            continue
        points = np.zeros(len(jobs))
        for place, vacancy in enumerate(ranking):
            points[job_index[vacancy]] = len(jobs) - 1 - place
        by_annotator.setdefault(f"a{row['annotator']}", {})[str(row["cv_id"])] = points
    judged = {cv for points in by_annotator.values() for cv in points}
    ids = sorted((cv for cv in judged if cv in cv_rows and _usable(cv_rows[cv])), key=_natural)
    annotators = sorted(by_annotator)
    targets = {
        a: np.array([by_annotator[a].get(cv, np.full(len(jobs), np.nan)) for cv in ids])
        for a in annotators
    }
    stacked = np.stack([targets[a] for a in annotators])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        relevance = np.nanmean(stacked, axis=0).reshape(len(ids), len(jobs))
    relevant = relevance >= np.sort(relevance, axis=1)[:, [-2]]
    n_both = int(np.sum(np.all(~np.isnan(stacked[:, :, 0]), axis=0))) if len(annotators) > 1 else 0
    return RankingSet(
        name="vanetik",
        resumes=tuple(_resume(cv_rows[cv]) for cv in ids),
        jobs=jobs,
        direction="jobs_for_resume",
        relevance=relevance,
        relevant=relevant,
        targets=targets,
        references={
            "presentation_order": np.tile(-np.arange(len(jobs), dtype=float), (len(ids), 1))
        },
        notes={
            "dropped_arrays": dropped,
            "judged_cvs_left_out": len(judged) - len(ids),
            "cvs_per_annotator": {a: int(np.sum(~np.isnan(targets[a][:, 0]))) for a in annotators},
            "cvs_judged_by_all": n_both,
        },
    )


def _natural(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def load_match150(directory: str | os.PathLike[str]) -> RankingSet:
    """Resumes ranked for the one ML-engineer JD; relevance = the set's match percentage."""
    folder = Path(directory)
    resumes_file, jd_file = (folder / f for f in SET_FILES["match150"])
    rows = [r for r in _read_jsonl(resumes_file) if r.get("match_percentage") is not None]
    kept = sorted((r for r in rows if _usable(r)), key=lambda r: str(r["id"]))
    jd_rows = _read_jsonl(jd_file)
    if len(jd_rows) != 1:
        raise ValueError(f"{jd_file} should hold one job description, found {len(jd_rows)}")
    jd = jd_rows[0]
    return RankingSet(
        name="match150",
        resumes=tuple(_resume(r) for r in kept),
        jobs=(JobText(id=str(jd["id"]), title=jd.get("title", ""), text=jd["text"]),),
        direction="resumes_for_job",
        relevance=np.array([float(r["match_percentage"]) for r in kept]).reshape(len(kept), 1),
        notes={"labelled_left_out": len(rows) - len(kept)},
    )


_LOADERS: dict[str, Callable[[Path], RankingSet]] = {
    "vanetik": load_vanetik,
    "match150": load_match150,
}


# -- the rankers -------------------------------------------------------------------------------
def taxonomy_from_fixture(path: str | os.PathLike[str]) -> SkillTaxonomy:
    """The skills taxonomy from ``fixtures/skills.json`` (Django ``loaddata`` format)."""
    with open(path, encoding="utf-8") as fh:
        rows = json.load(fh)
    return SkillTaxonomy.from_entries(
        SkillEntry(
            name=f["name"],
            aliases=tuple(f.get("aliases") or ()),
            kind=f.get("kind", "technical"),
            requires_context=bool(f.get("requires_context", False)),
        )
        for f in (row["fields"] for row in rows)
    )


def job_requirements(job: JobText, taxonomy: SkillTaxonomy) -> tuple[tuple[str, ...], ...]:
    """``(required, nice)`` skill names found in a job, read as the app reads it."""
    required, nice = split_requirements(job.full_text, taxonomy)
    return tuple(m.name for m in required), tuple(m.name for m in nice)


@dataclass(frozen=True, eq=False)
class PairFeatures:
    """What every method needs about each (resume, job) pair: ``(n_resumes, n_jobs)`` arrays
    and the hybrid scorer's signals, computed once so that weight variants are cheap."""

    direction: Direction
    cosine: np.ndarray
    best_chunk: np.ndarray
    tfidf: np.ndarray
    bm25: np.ndarray
    coverage: np.ndarray
    signals: tuple[tuple[MatchSignals, ...], ...]


def _tfidf_cosine(resume_texts: list[str], job_texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(resume_texts + job_texts)
    r, j = matrix[: len(resume_texts)], matrix[len(resume_texts) :]
    return np.asarray((r @ j.T).todense(), dtype=np.float64)


def _bm25(queries: list[str], documents: list[str]) -> np.ndarray:
    """``(n_queries, n_documents)`` BM25 scores, the documents being the candidate pool."""
    index = BM25Index(np.arange(len(documents)), documents)
    return np.stack([index.scores(q) for q in queries]).astype(np.float64)


def pair_features(rset: RankingSet, *, embedder: Embedder, taxonomy: SkillTaxonomy) -> PairFeatures:
    """Embed, extract skills and score lexically every (resume, job) pair of ``rset``.

    The hybrid's signals are built as ``matching/services/matching.py::_score_pair`` builds
    them: pooled and best-chunk cosines, the job's required / nice skills against the skills
    found in the resume (ambiguous names only in its skills sections), years of experience
    against the years asked for. Categories stay unknown (the scorer's neutral 0.5), so they
    shift no order.
    """
    resumes, jobs = list(rset.resumes), list(rset.jobs)
    r_texts, j_texts = [r.text for r in resumes], [j.full_text for j in jobs]
    r_docs, j_docs = embedder.encode_documents(r_texts), embedder.encode_documents(j_texts)
    cosine = np.stack([d.vector for d in r_docs]) @ np.stack([d.vector for d in j_docs]).T
    cosine = cosine.astype(np.float64)
    best_chunk = cosine.copy()
    for i, rd in enumerate(r_docs):
        for j, jd in enumerate(j_docs):
            if len(rd.chunks) and len(jd.chunks):
                best_chunk[i, j] = float(np.max(rd.chunks @ jd.chunks.T))
    skills = [
        frozenset(m.name for m in taxonomy.extract(r.text, contexts=r.skill_contexts()))
        for r in resumes
    ]
    requirements = [job_requirements(j, taxonomy) for j in jobs]
    years_required = [years_required_of(j.text) for j in jobs]
    coverage = np.array(
        [
            [sum(s in have for s in req) / len(req) if req else 0.0 for req, _ in requirements]
            for have in skills
        ]
    ).reshape(cosine.shape)
    signals = tuple(
        tuple(
            MatchSignals(
                doc_similarity=cosine[i, j],
                best_chunk_similarity=best_chunk[i, j],
                required=required,
                nice=nice,
                candidate_skills=skills[i],
                years_experience=r.years_experience,
                years_required=years_required[j],
            )
            for j, (required, nice) in enumerate(requirements)
        )
        for i, r in enumerate(resumes)
    )
    if rset.direction == "jobs_for_resume":
        bm25 = _bm25(r_texts, j_texts)
    else:
        bm25 = _bm25(j_texts, r_texts).T
    return PairFeatures(
        direction=rset.direction,
        cosine=cosine,
        best_chunk=best_chunk,
        tfidf=_tfidf_cosine(r_texts, j_texts),
        bm25=bm25,
        coverage=coverage,
        signals=signals,
    )


def _per_query(direction: Direction, a: np.ndarray, b: np.ndarray, fn) -> np.ndarray:
    """``fn(a_query, b_query)`` over every query's candidate list (rows or columns)."""
    if direction == "jobs_for_resume":
        return np.stack([fn(a[i], b[i]) for i in range(a.shape[0])])
    return np.stack([fn(a[:, j], b[:, j]) for j in range(a.shape[1])], axis=1)


def _hybrid(features: PairFeatures, weights: ScoreWeights) -> np.ndarray:
    # The app breaks equal totals by similarity; a nudge far below the 0.01 rounding step of
    # the total does the same here.
    return np.array(
        [
            [score(s, weights).total + 1e-4 * s.doc_similarity for s in row]
            for row in features.signals
        ]
    ).reshape(features.cosine.shape)


def method_scores(
    features: PairFeatures,
    *,
    weights: ScoreWeights,
    lexical_weight: float = BLEND_LEXICAL_WEIGHT,
) -> dict[str, np.ndarray]:
    """Every method of :data:`METHODS` as ``(n_resumes, n_jobs)`` scores (higher is better)."""
    hybrid = _hybrid(features, weights)
    bm25, direction = features.bm25, features.direction
    return {
        "random": np.zeros_like(hybrid),
        "tfidf_cosine": features.tfidf,
        "bm25": bm25,
        "minilm_cosine": features.cosine,
        "minilm_best_chunk": features.best_chunk,
        "skill_coverage": features.coverage,
        "hybrid": hybrid,
        "rrf_minilm_bm25": _per_query(direction, features.cosine, bm25, lexical_fusion),
        "rrf_hybrid_bm25": _per_query(direction, hybrid, bm25, lexical_fusion),
        "hybrid_bm25_blend": _per_query(
            direction, hybrid, bm25, lambda h, b: lexical_blend(h, b, lexical_weight=lexical_weight)
        ),
    }


def _variant_scores(
    features: PairFeatures, weights: ScoreWeights, variant: Mapping[str, float]
) -> np.ndarray:
    """The hybrid with some weights overridden; with ``lexical_weight`` > 0, blended with BM25."""
    overrides = {k: v for k, v in variant.items() if k != "lexical_weight"}
    hybrid = _hybrid(features, replace(weights, **overrides))
    lexical_weight = float(variant.get("lexical_weight", 0.0))
    if lexical_weight <= 0:
        return hybrid
    blend = lambda h, b: lexical_blend(h, b, lexical_weight=lexical_weight)  # noqa: E731
    return _per_query(features.direction, hybrid, features.bm25, blend)


# -- evaluation --------------------------------------------------------------------------------
def _nanmean(values: np.ndarray, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample may miss a target's rows
        return np.nanmean(values, axis=axis)


def _interval(boot: np.ndarray, level: float) -> list[float]:
    alpha = (1.0 - level) / 2.0
    lo, hi = np.nanquantile(boot, [alpha, 1.0 - alpha])
    return [round(float(lo), 4), round(float(hi), 4)]


def _compare(point: float, boot: np.ndarray, level: float) -> dict:
    return {
        "diff": round(float(point), 4),
        "ci": _interval(boot, level),
        "p_not_better": round(float(np.mean(~(boot > 0))), 4),
    }


def _summarise(
    point: Mapping[str, Mapping[str, float]],
    boot: Mapping[str, Mapping[str, np.ndarray]],
    *,
    level: float,
    baselines: Sequence[str],
    spread: Mapping[str, Mapping[str, float]] | None = None,
) -> tuple[dict, dict]:
    """Per method and metric ``{"mean", "ci"[, "sd"]}``; per baseline the paired differences."""
    methods = {}
    for method, metrics in point.items():
        methods[method] = {}
        for name, value in metrics.items():
            if math.isnan(value):
                continue  # e.g. Spearman of constant scores: undefined, not zero
            methods[method][name] = {
                "mean": round(value, 4),
                "ci": _interval(boot[method][name], level),
            }
            if spread is not None:
                methods[method][name]["sd"] = spread[method][name]
    versus = {
        base: {
            method: {
                name: _compare(
                    point[method][name] - point[base][name],
                    boot[method][name] - boot[base][name],
                    level,
                )
                for name in point[method]
                if not math.isnan(point[method][name] - point[base][name])
            }
            for method in point
            if method != base and method not in REFERENCES
        }
        for base in baselines
    }
    return methods, versus


def _evaluate_per_query(rset, scores, *, n_resamples, seed, level) -> dict:
    """Metrics per query (a CV), averaged; the bootstrap resamples the queries."""
    n_queries, n_candidates = rset.relevance.shape
    full = f"ndcg@{n_candidates}"
    targets = {"": rset.relevance, **{f"_{a}": rel for a, rel in rset.targets.items()}}
    idx = bootstrap_indices(n_queries, n_resamples=n_resamples, seed=seed)
    point, boot, spread = {}, {}, {}
    for method, s in scores.items():
        per_query: dict[str, np.ndarray] = {}
        for suffix, rel in targets.items():
            judged = ~np.isnan(rel[:, 0])
            ndcg, rho = np.full(n_queries, np.nan), np.full(n_queries, np.nan)
            ndcg[judged] = _ndcg_rows(rel[judged], s[judged], None)
            rho[judged] = _spearman_rows(s[judged], rel[judged])
            per_query[full + suffix], per_query["spearman" + suffix] = ndcg, rho
            if not suffix:
                per_query["ndcg@1"] = _ndcg_rows(rel, s, 1)
            if not suffix and rset.relevant is not None:
                per_query["map"] = np.array(
                    [average_precision(rset.relevant[q], s[q]) for q in range(n_queries)]
                )
        point[method] = {k: float(_nanmean(v)) for k, v in per_query.items()}
        boot[method] = {k: _nanmean(v[idx], axis=1) for k, v in per_query.items()}
        spread[method] = {
            k: round(float(np.nanstd(v, ddof=1)), 4) if np.sum(~np.isnan(v)) > 1 else 0.0
            for k, v in per_query.items()
        }
    methods, versus = _summarise(
        point, boot, level=level, baselines=("bm25", "hybrid"), spread=spread
    )
    metric_names = [full, "ndcg@1", *(["map"] if rset.relevant is not None else []), "spearman"]
    return {
        "n_queries": n_queries,
        "n_candidates": n_candidates,
        "metrics": metric_names,
        "annotator_metrics": [m + f"_{a}" for a in rset.targets for m in (full, "spearman")],
        "methods": methods,
        "vs": versus,
        "human_agreement": _annotator_agreement(rset),
    }


def _annotator_agreement(rset: RankingSet) -> dict:
    """How one annotator's ranking scores against the other's (CVs both judged validly)."""
    if len(rset.targets) != 2:
        return {}
    a, b = rset.targets.values()
    both = ~np.isnan(a[:, 0]) & ~np.isnan(b[:, 0])
    if not both.any():
        return {}
    a, b = a[both], b[both]
    n = a.shape[1]
    return {
        "what": "one annotator's ranking scored against the other's, both ways averaged",
        "n_cvs": int(both.sum()),
        f"ndcg@{n}": round(
            float(np.mean((_ndcg_rows(a, b, None) + _ndcg_rows(b, a, None)) / 2)), 4
        ),
        "ndcg@1": round(float(np.mean((_ndcg_rows(a, b, 1) + _ndcg_rows(b, a, 1)) / 2)), 4),
        "spearman": round(float(_nanmean(_spearman_rows(a, b))), 4),
    }


def _evaluate_single_query(rset, scores, *, k, n_resamples, seed, level) -> dict:
    """One query over many candidates; the bootstrap resamples the candidates."""
    rel = rset.relevance[:, 0]
    idx = bootstrap_indices(len(rel), n_resamples=n_resamples, seed=seed)
    point, boot = {}, {}
    for method, matrix in scores.items():
        s = matrix[:, 0]
        point[method] = {"spearman": spearman(s, rel), f"ndcg@{k}": ndcg_at_k(rel, s, k=k)}
        boot[method] = {
            "spearman": _spearman_rows(s[idx], rel[idx]),
            f"ndcg@{k}": _ndcg_rows(rel[idx], s[idx], k),
        }
    methods, versus = _summarise(point, boot, level=level, baselines=("bm25", "hybrid"))
    return {
        "n_queries": 1,
        "n_candidates": len(rel),
        "metrics": ["spearman", f"ndcg@{k}"],
        "methods": methods,
        "vs": versus,
    }


def evaluate_ranking(
    data_dir: str | os.PathLike[str],
    *,
    embedder: Embedder,
    taxonomy: SkillTaxonomy,
    weights: ScoreWeights | Mapping[str, float] | None,
    sets: Sequence[str] = ("vanetik", "match150"),
    variants: Mapping[str, Mapping[str, float]] | None = None,
    lexical_weight: float = BLEND_LEXICAL_WEIGHT,
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    ndcg_k: int = 10,
) -> dict:
    """Rank the exported sets with every method of :data:`METHODS` and measure the orders.

    Parameters
    ----------
    data_dir : path
        The folder ``scripts/export_ranking_sets.py`` wrote (``data/raw/ranking``).
    embedder, taxonomy, weights
        The embedder (MiniLM for real figures), the skills taxonomy and the hybrid's weights
        (the ``match.weights`` block of params.yaml).
    sets : names from :data:`SET_FILES`
    variants : mapping, optional
        Extra methods ``variant:<name>``: the hybrid with some weights overridden, e.g.
        ``{"no_chunk": {"chunk": 0}}``; a ``lexical_weight`` key blends it with BM25.
    lexical_weight : float
        ``w`` of the ``hybrid_bm25_blend`` method (see :func:`lexical_blend`).
    n_resamples, seed, level
        Percentile bootstrap: resamples, seed and the interval's coverage.
    ndcg_k : int
        nDCG cut-off on the one-query set (per-CV sets rank all five vacancies).

    Returns
    -------
    dict
        JSON-ready, per set: per method and metric ``{"mean", "ci"}`` (per-CV sets add ``sd``,
        the spread over CVs), and ``vs``: each method minus ``bm25`` and minus ``hybrid`` on the
        same resamples (``diff``, ``ci``, ``p_not_better`` = share of resamples where it is
        not ahead). Deterministic for a given embedder.
    """
    if not isinstance(weights, ScoreWeights):
        weights = ScoreWeights.from_mapping(weights)
    unknown = sorted(set(sets) - set(SET_FILES))
    if unknown:
        raise ValueError(f"unknown set(s) {', '.join(unknown)}; expected {', '.join(SET_FILES)}")
    for name, variant in (variants or {}).items():
        ScoreWeights.from_mapping({k: v for k, v in variant.items() if k != "lexical_weight"})
        if not 0 <= variant.get("lexical_weight", 0) <= 1:
            raise ValueError(f"variant {name!r}: lexical_weight must be within 0..1")
    out: dict = {
        "embedder": embedder.model_id,
        "weights": weights.as_dict(),
        "lexical_weight": lexical_weight,
        "variants": {k: dict(v) for k, v in (variants or {}).items()},
        "bootstrap": {"n_resamples": n_resamples, "seed": seed, "level": level},
        "sets": {},
    }
    for name in sets:
        rset = _LOADERS[name](Path(data_dir))
        if not rset.resumes:
            raise ValueError(f"the {name} set in {data_dir} has no usable judged resumes")
        features = pair_features(rset, embedder=embedder, taxonomy=taxonomy)
        scores = method_scores(features, weights=weights, lexical_weight=lexical_weight)
        scores.update(rset.references)
        for variant, overrides in (variants or {}).items():
            scores[f"variant:{variant}"] = _variant_scores(features, weights, overrides)
        if rset.direction == "jobs_for_resume":
            result = _evaluate_per_query(
                rset, scores, n_resamples=n_resamples, seed=seed, level=level
            )
        else:
            result = _evaluate_single_query(
                rset, scores, k=ndcg_k, n_resamples=n_resamples, seed=seed, level=level
            )
        result["notes"] = dict(rset.notes)
        out["sets"][name] = result
    return out
