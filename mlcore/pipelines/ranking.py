"""Ranking quality against human judgements: nDCG@5/@10, AUC and Spearman of the hybrid score
beside TF-IDF, BM25 and plain MiniLM baselines on the plain-text sets that
``scripts/export_ranking_sets.py`` writes, with paired bootstrap intervals.

Pairs are built with ``mlcore.retrieval.pairs``, the code the app's matching service runs, and
each job's requirements are read as the app reads them (``mlcore.jobtext.posting_requirements``:
a pasted list of terms makes each term a must-have). The hybrid's weights are also fitted on
the judgements (``mlcore.retrieval.fit``): ``hybrid_fitted`` scores each set with weights fitted
on the *other* sets only, the honest estimate of fitted weights on unseen data.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcore.embeddings.base import Embedder
from mlcore.embeddings.chunking import l2_normalise
from mlcore.jobtext import looks_like_term_list, posting_requirements, years_required_of
from mlcore.pipelines.rank_metrics import (
    average_precision,
    bootstrap_indices,
    ndcg_at_k,
    roc_auc,
    spearman,
)
from mlcore.pipelines.ranking_sets import (
    LOADERS,
    SET_FILES,
    Direction,
    JobText,
    RankingSet,
    ResumeText,
)
from mlcore.retrieval.fit import WEIGHT_NAMES, Query, WeightFitter, additive_scores
from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.lexical import BM25Index, tokenize
from mlcore.retrieval.pairs import JobSide, ResumeSide, pair_signals
from mlcore.retrieval.scorer import MatchWeights, ScoreWeights, part_values
from mlcore.skills import SkillEntry, SkillTaxonomy

__all__ = [
    "BASELINES",
    "METHODS",
    "SET_FILES",
    "Categorizer",
    "PairTable",
    "evaluate_ranking",
    "job_side",
    "pair_table",
    "resume_side",
    "taxonomy_from_fixture",
]

# Baselines need no model of ours; "random" has constant scores, so the tie-aware metrics
# return exactly what a random order scores on average.
BASELINES: tuple[str, ...] = ("random", "tfidf_cosine", "bm25", "minilm_cosine")
METHODS: tuple[str, ...] = (*BASELINES, "hybrid", "hybrid_fitted")
# Reference orders (not rankers) some sets provide, such as the order annotators saw items in.
REFERENCES: tuple[str, ...] = ("presentation_order",)
METRICS: tuple[str, ...] = ("ndcg@5", "ndcg@10", "auc", "map", "spearman")

# (texts, kind "resume" or "job") -> [(category slug or None, confidence or None), ...]
Categorizer = Callable[[Sequence[str], str], Sequence[tuple[str | None, float | None]]]


def taxonomy_from_fixture(path: str | os.PathLike[str]) -> SkillTaxonomy:
    """The skills taxonomy from ``fixtures/skills.json`` (Django ``loaddata`` format)."""
    import json

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


# -- the two sides of a pair, as the app builds them -------------------------------------------
def resume_side(
    resume: ResumeText,
    document,
    *,
    taxonomy: SkillTaxonomy,
    keyword_model: KeywordModel,
    category: tuple[str | None, float | None] = (None, None),
) -> ResumeSide:
    """A resume as the app stores it: skills found with its skills sections as context."""
    return ResumeSide(
        text=resume.text,
        vector=document.vector,
        chunks=document.chunks,
        skills=taxonomy.extract(resume.text, contexts=resume.skill_contexts()),
        category=category[0],
        category_confidence=category[1],
        years_experience=resume.years_experience,
        keywords=keyword_model.vector(resume.text),
    )


def job_side(
    job: JobText,
    document,
    *,
    taxonomy: SkillTaxonomy,
    keyword_model: KeywordModel,
    embedder: Embedder,
    category: tuple[str | None, float | None] = (None, None),
) -> JobSide:
    """A job as the app reads one: requirements from the title and text, must-have names
    embedded, keywords over the text with the requirement names."""
    contexts = [(0, len(job.title) + 1)] if job.title else []
    found = posting_requirements(job.full_text, taxonomy, contexts)
    required = tuple(r.name for r in found if r.requirement == "required")
    nice = tuple(r.name for r in found if r.requirement == "nice")
    return JobSide(
        text=job.full_text,
        vector=document.vector,
        required=required,
        nice=nice,
        free_text=frozenset(r.name for r in found if not r.in_taxonomy),
        category=category[0],
        category_confidence=category[1],
        years_required=years_required_of(job.text),
        keywords=keyword_model.vector("\n".join([job.title, job.text, *required, *nice])),
        required_vectors=l2_normalise(embedder.encode(list(required))) if required else None,
        explicit=looks_like_term_list(job.text),
    )


@dataclass(frozen=True, eq=False)
class PairTable:
    """Every pair of a set: ``values`` is ``(n_resumes, n_jobs, len(WEIGHT_NAMES))`` part values
    (NaN where a part has no evidence), the baselines' ``(n_resumes, n_jobs)`` scores, and which
    jobs' requirements are explicit (written by a person)."""

    values: np.ndarray
    cosine: np.ndarray
    tfidf: np.ndarray
    bm25: np.ndarray
    explicit: np.ndarray


def _tfidf_cosine(resume_texts: list[str], job_texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    matrix = vectorizer.fit_transform(resume_texts + job_texts)
    r, j = matrix[: len(resume_texts)], matrix[len(resume_texts) :]
    return np.asarray((r @ j.T).todense(), dtype=np.float64)


def _bm25(queries: list[str], documents: list[str]) -> np.ndarray:
    """``(n_queries, n_documents)`` BM25 scores, the documents being the set's candidates."""
    index = BM25Index(np.arange(len(documents)), documents)
    return np.stack([index.scores(q) for q in queries]).astype(np.float64)


def pair_table(
    rset: RankingSet,
    *,
    embedder: Embedder,
    taxonomy: SkillTaxonomy,
    keyword_model: KeywordModel,
    categorize: Categorizer | None = None,
) -> PairTable:
    """Embed, read and score every (resume, job) pair of ``rset`` (judged or not)."""
    resumes, jobs = list(rset.resumes), list(rset.jobs)
    r_texts, j_texts = [r.text for r in resumes], [j.full_text for j in jobs]
    r_docs, j_docs = embedder.encode_documents(r_texts), embedder.encode_documents(j_texts)
    r_cats = list(categorize(r_texts, "resume")) if categorize else [(None, None)] * len(resumes)
    j_cats = list(categorize(j_texts, "job")) if categorize else [(None, None)] * len(jobs)
    r_sides = [
        resume_side(r, d, taxonomy=taxonomy, keyword_model=keyword_model, category=c)
        for r, d, c in zip(resumes, r_docs, r_cats, strict=True)
    ]
    j_sides = [
        job_side(
            j, d, taxonomy=taxonomy, keyword_model=keyword_model, embedder=embedder, category=c
        )
        for j, d, c in zip(jobs, j_docs, j_cats, strict=True)
    ]
    values = np.full((len(resumes), len(jobs), len(WEIGHT_NAMES)), np.nan)
    judged = ~np.isnan(rset.relevance)
    for i, r in enumerate(r_sides):
        for j, job in enumerate(j_sides):
            if judged[i, j]:
                parts = part_values(pair_signals(job, r))
                values[i, j] = [np.nan if parts[n] is None else parts[n] for n in WEIGHT_NAMES]
    cosine = np.stack([d.vector for d in r_docs]) @ np.stack([d.vector for d in j_docs]).T
    if rset.direction == "jobs_for_resume":
        bm25 = _bm25(r_texts, j_texts)
    else:
        bm25 = _bm25(j_texts, r_texts).T
    return PairTable(
        values=values,
        cosine=cosine.astype(np.float64),
        tfidf=_tfidf_cosine(r_texts, j_texts),
        bm25=bm25,
        explicit=np.array([j.explicit for j in j_sides], dtype=bool),
    )


# -- queries and metrics -----------------------------------------------------------------------
def _queries(rset: RankingSet) -> list[tuple[int, np.ndarray]]:
    """``(index, candidate mask)`` per query: a row per resume or a column per job."""
    judged = ~np.isnan(rset.relevance)
    if rset.direction == "jobs_for_resume":
        return [(i, judged[i]) for i in range(judged.shape[0]) if judged[i].sum() > 1]
    return [(j, judged[:, j]) for j in range(judged.shape[1]) if judged[:, j].sum() > 1]


def _slice(direction: Direction, matrix: np.ndarray, index: int, mask: np.ndarray) -> np.ndarray:
    line = matrix[index] if direction == "jobs_for_resume" else matrix[:, index]
    return line[mask]


def fit_queries(rset: RankingSet, table: PairTable, *, explicit: bool) -> list[Query]:
    """The set's queries as training data for :class:`WeightFitter`: those over jobs with
    explicit requirements, or those over jobs with extracted ones (a jobs-for-a-resume query
    mixes jobs: it counts where most of its jobs belong)."""
    out = []
    for q, mask in _queries(rset):
        jobs = table.explicit[mask] if rset.direction == "jobs_for_resume" else table.explicit[[q]]
        if (jobs.mean() >= 0.5) == explicit:
            out.append(
                Query(
                    values=_slice(rset.direction, table.values, q, mask),
                    relevance=_slice(rset.direction, rset.relevance, q, mask),
                    group=rset.name,
                )
            )
    return out


def _metrics_of(
    rel: np.ndarray, relevant: np.ndarray | None, scores: np.ndarray, floor: float
) -> dict:
    gains = rel - floor  # the set's lowest grade gains nothing (1-7 grades: 0..6)
    out = {
        "ndcg@5": ndcg_at_k(gains, scores, k=5),
        "ndcg@10": ndcg_at_k(gains, scores, k=10),
        "spearman": spearman(scores, rel) if len(rel) > 2 else math.nan,
    }
    if relevant is not None:
        out["auc"] = roc_auc(relevant, scores)
        out["map"] = average_precision(relevant, scores)
    return out


def _nanmean(values, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample may miss every query
        return np.nanmean(values, axis=axis)


def _interval(boot: np.ndarray, level: float) -> list[float]:
    alpha = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanquantile(boot, [alpha, 1.0 - alpha])
    return [round(float(lo), 4), round(float(hi), 4)]


def evaluate_set(
    rset: RankingSet,
    scores: Mapping[str, np.ndarray],
    *,
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict:
    """Per method and metric the mean over queries with a bootstrap interval (queries are
    resampled), and every method minus ``bm25`` and minus ``hybrid`` on the same resamples."""
    queries = _queries(rset)
    floor = float(np.nanmin(rset.relevance))
    per_query: dict[str, dict[str, np.ndarray]] = {}
    for method, matrix in scores.items():
        rows = []
        for q, mask in queries:
            rel = _slice(rset.direction, rset.relevance, q, mask)
            relevant = (
                _slice(rset.direction, rset.relevant, q, mask)
                if rset.relevant is not None
                else None
            )
            scores_q = _slice(rset.direction, matrix, q, mask)
            rows.append(_metrics_of(rel, relevant, scores_q, floor))
        names = [m for m in METRICS if m in rows[0]]
        per_query[method] = {m: np.array([r[m] for r in rows], dtype=float) for m in names}
    idx = bootstrap_indices(len(queries), n_resamples=n_resamples, seed=seed)
    methods, versus = {}, {"bm25": {}, "hybrid": {}}
    for method, by_metric in per_query.items():
        methods[method] = {
            m: {"mean": round(float(_nanmean(v)), 4), "ci": _interval(_nanmean(v[idx], 1), level)}
            for m, v in by_metric.items()
            if not np.all(np.isnan(v))
        }
        for base in versus:
            if method == base or base not in per_query or method == "random":
                continue
            versus[base][method] = {}
            for m, v in by_metric.items():
                diff = v - per_query[base][m]
                if np.all(np.isnan(diff)):
                    continue
                boot = _nanmean(diff[idx], 1)
                versus[base][method][m] = {
                    "diff": round(float(_nanmean(diff)), 4),
                    "ci": _interval(boot, level),
                    "p_not_better": round(float(np.mean(~(boot > 0))), 4),
                    "won": int(np.nansum(diff > 1e-9)),
                    "lost": int(np.nansum(diff < -1e-9)),
                }
    return {
        "direction": rset.direction,
        "n_queries": len(queries),
        "n_judged_pairs": int(np.sum(~np.isnan(rset.relevance))),
        "metrics": [m for m in METRICS if m in next(iter(per_query.values()))],
        "methods": methods,
        "vs": versus,
        "notes": dict(rset.notes),
    }


def hybrid_scores(table: PairTable, weights: MatchWeights) -> np.ndarray:
    """The hybrid's scores (0-100, rounded as the app rounds them; ties broken by the cosine,
    as the app breaks them), each job scored with the weighting its requirements call for."""
    out = np.zeros(table.cosine.shape)
    for explicit in (False, True):
        cols = table.explicit == explicit
        if cols.any():
            w = weights.for_job(explicit).normalised()
            values = table.values[:, cols]
            flat = additive_scores(values.reshape(-1, len(WEIGHT_NAMES)), w)
            out[:, cols] = flat.reshape(values.shape[:2])
    return np.round(out * 100, 2) + 1e-4 * table.cosine


def method_scores(
    rset: RankingSet, table: PairTable, weights: Mapping[str, MatchWeights]
) -> dict[str, np.ndarray]:
    """Every baseline and one hybrid per entry of ``weights`` (name -> weights), as
    ``(n_resumes, n_jobs)`` scores, higher is better."""
    out = {
        "random": np.zeros_like(table.cosine),
        "tfidf_cosine": table.tfidf,
        "bm25": table.bm25,
        "minilm_cosine": table.cosine,
    }
    for name, w in weights.items():
        out[name] = hybrid_scores(table, w)
    out.update(rset.references)
    return out


def _fit_or_prior(fitter: WeightFitter, queries: Sequence[Query], prior: ScoreWeights):
    """Fitted weights, or ``prior`` when the queries hold no pair to learn from."""
    try:
        return fitter.fit(queries).weights_
    except ValueError:
        return prior


def _cross_fitted(
    rset: RankingSet, table: PairTable, fitter: WeightFitter, folds: int, seed: int
) -> np.ndarray:
    """Hybrid scores of one set with explicit weights fitted by K-fold over its own queries
    (each query scored by weights that never saw it)."""
    queries = [(q, m) for q, m in _queries(rset)]
    order = np.random.default_rng(seed).permutation(len(queries))
    out = np.zeros(table.cosine.shape)
    for fold in np.array_split(order, folds):
        held = set(fold.tolist())
        train = [
            Query(
                values=_slice(rset.direction, table.values, q, m),
                relevance=_slice(rset.direction, rset.relevance, q, m),
                group=rset.name,
            )
            for k, (q, m) in enumerate(queries)
            if k not in held
        ]
        w = MatchWeights(explicit=_fit_or_prior(fitter, train, fitter.prior))
        scores = hybrid_scores(table, w)
        for k in fold:
            q, m = queries[k]
            if rset.direction == "jobs_for_resume":
                out[q, m] = scores[q, m]
            else:
                out[m, q] = scores[m, q]
    return out


def evaluate_ranking(
    data_dir: str | os.PathLike[str],
    *,
    embedder: Embedder,
    taxonomy: SkillTaxonomy,
    keyword_model: KeywordModel,
    weights: MatchWeights | Mapping | None = None,
    sets: Sequence[str] = tuple(LOADERS),
    categorize: Categorizer | None = None,
    fitters: Mapping[str, WeightFitter] | None = None,
    folds: int = 8,
    n_resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict:
    """Rank the exported sets with every method and measure the orders.

    Parameters
    ----------
    data_dir : path
        The folder ``scripts/export_ranking_sets.py`` wrote (``data/raw/ranking``).
    embedder, taxonomy, keyword_model
        MiniLM for real figures, the skills taxonomy and the keyword model the app uses.
    weights : MatchWeights (or its mapping form: params.yaml's ``match.weights``).
    sets : names from ``SET_FILES``.
    categorize : optional Categorizer
        Categories for resumes and jobs (trained without the sets' documents); without it
        categories stay unknown (the neutral 0.5) and shift no order.
    fitters : {"extracted": WeightFitter, "explicit": WeightFitter}, optional
        Fit the two weightings. ``hybrid_fitted`` scores each set with weights that never saw
        it: extracted-requirement sets with weights fitted on the *other* such sets, explicit
        ones by ``folds``-fold cross-validation over their queries. The weights fitted on
        everything (what a retrain would ship) are reported under ``fitted``.

    Returns
    -------
    dict
        JSON-ready: per set, per method and metric ``{"mean", "ci"}`` and paired differences
        ``vs`` bm25 and the hybrid (``diff``, ``ci``, ``p_not_better``, queries won/lost); the
        fitted weights.
    """
    if not isinstance(weights, MatchWeights):
        weights = MatchWeights.from_mapping(weights)
    unknown = sorted(set(sets) - set(SET_FILES))
    if unknown:
        raise ValueError(f"unknown set(s) {', '.join(unknown)}; expected {', '.join(SET_FILES)}")
    fitters = fitters or {
        "extracted": WeightFitter(prior=weights.extracted),
        "explicit": WeightFitter(prior=weights.explicit),
    }
    loaded: dict[str, tuple[RankingSet, PairTable]] = {}
    for name in sets:
        rset = LOADERS[name](Path(data_dir))
        if not rset.resumes or not rset.jobs:
            raise ValueError(f"the {name} set in {data_dir} has no usable documents")
        table = pair_table(
            rset,
            embedder=embedder,
            taxonomy=taxonomy,
            keyword_model=keyword_model,
            categorize=categorize,
        )
        loaded[name] = (rset, table)
    queries = {
        kind: {
            name: fit_queries(rset, table, explicit=kind == "explicit")
            for name, (rset, table) in loaded.items()
        }
        for kind in ("extracted", "explicit")
    }
    fitted_all = {}
    for kind, by_set in queries.items():
        everything = [q for qs in by_set.values() for q in qs]
        fitted_all[kind] = _fit_or_prior(
            fitters[kind], everything, weights.for_job(kind == "explicit")
        )
    out: dict = {
        "embedder": embedder.model_id,
        "weights": weights.as_dict(),
        "bootstrap": {"n_resamples": n_resamples, "seed": seed, "level": level},
        "sets": {},
        "fitted": {"all_sets": MatchWeights(**fitted_all).as_dict()},
    }
    for name, (rset, table) in loaded.items():
        if table.explicit.mean() >= 0.5:
            held_out = _cross_fitted(rset, table, fitters["explicit"], folds, seed)
        else:
            others = [q for other, qs in queries["extracted"].items() if other != name for q in qs]
            w = _fit_or_prior(fitters["extracted"], others, weights.extracted)
            out["fitted"][f"extracted_without_{name}"] = w.as_dict()
            held_out = hybrid_scores(table, MatchWeights(extracted=w, explicit=weights.explicit))
        scores = method_scores(rset, table, {"hybrid": weights})
        scores["hybrid_fitted"] = held_out
        out["sets"][name] = evaluate_set(
            rset, scores, n_resamples=n_resamples, seed=seed, level=level
        )
    return out
