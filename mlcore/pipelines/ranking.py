"""Ranking quality against human judgements: nDCG@k, MAP and Spearman of the hybrid scorer beside
TF-IDF, BM25 and plain MiniLM baselines, on the plain-text sets that
``scripts/export_ranking_sets.py`` writes. The metrics (and the lexical fusion the app can call)
live in ``rank_metrics``, the documents and set loaders in ``ranking_sets``; this module re-exports
them, computes each method's pair scores and evaluates them.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mlcore.embeddings.base import Embedder
from mlcore.jobtext import split_requirements, years_required_of
from mlcore.pipelines.rank_metrics import (
    BLEND_LEXICAL_WEIGHT,
    average_precision,
    bootstrap_indices,
    dcg_at_k,
    lexical_blend,
    lexical_fusion,
    ndcg_at_k,
    ndcg_rows,
    spearman,
    spearman_rows,
)
from mlcore.pipelines.ranking_sets import (
    LOADERS,
    SET_FILES,
    Direction,
    JobText,
    RankingSet,
    ResumeText,
    load_match150,
    load_vanetik,
)
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
            ndcg[judged] = ndcg_rows(rel[judged], s[judged], None)
            rho[judged] = spearman_rows(s[judged], rel[judged])
            per_query[full + suffix], per_query["spearman" + suffix] = ndcg, rho
            if not suffix:
                per_query["ndcg@1"] = ndcg_rows(rel, s, 1)
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
        f"ndcg@{n}": round(float(np.mean((ndcg_rows(a, b, None) + ndcg_rows(b, a, None)) / 2)), 4),
        "ndcg@1": round(float(np.mean((ndcg_rows(a, b, 1) + ndcg_rows(b, a, 1)) / 2)), 4),
        "spearman": round(float(_nanmean(spearman_rows(a, b))), 4),
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
            "spearman": spearman_rows(s[idx], rel[idx]),
            f"ndcg@{k}": ndcg_rows(rel[idx], s[idx], k),
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
        rset = LOADERS[name](Path(data_dir))
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
