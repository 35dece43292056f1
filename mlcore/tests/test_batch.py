"""Scoring a pool at once gives the totals the scorer gives pair by pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcore.retrieval.batch import keyword_similarities, score_pool
from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.pairs import JobSide, ResumeSide, pair_signals
from mlcore.retrieval.scorer import ScoreWeights, score
from mlcore.skills import SkillMatch

SKILLS = ["Python", "SQL", "Excel", "Payroll", "GAAP", "Docker", "Java", "Sales"]
CATEGORIES = ["it", "accountant", "sales"]
WORDS = [
    "python",
    "sql",
    "excel",
    "payroll",
    "gaap",
    "docker",
    "java",
    "sales",
    "ledger",
    "audit",
    "cloud",
    "teams",
]
KW = KeywordModel(min_df=1).fit([" ".join(WORDS[i::3]) for i in range(3)])


def unit(rng, n, dim=8):
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(0, 4), st.sampled_from([None, 0, 3]))
def test_pool_totals_equal_the_pairwise_scores(seed, n_docs, n_required, years_required):
    rng = np.random.default_rng(seed)
    required = tuple(rng.choice(SKILLS, n_required, replace=False)) if n_required else ()
    nice = tuple(s for s in rng.choice(SKILLS, 2, replace=False) if s not in required)
    excluded = ("Java",) if seed % 3 == 0 and "Java" not in required + nice else ()
    job = JobSide(
        text="job",
        vector=unit(rng, 1)[0],
        required=required,
        nice=nice,
        excluded=excluded,
        category="it" if seed % 2 else None,
        category_confidence=0.8 if seed % 4 == 1 else None,
        years_required=None if years_required is None else float(years_required),
        keywords=KW.vector(" ".join(rng.choice(WORDS, 5))),
        required_vectors=unit(rng, n_required) if n_required else None,
    )
    resumes = []
    for _ in range(n_docs):
        has = rng.choice(SKILLS, rng.integers(0, 5), replace=False)
        resumes.append(
            ResumeSide(
                text="",
                vector=unit(rng, 1)[0],
                chunks=unit(rng, int(rng.integers(0, 4))),
                skills=tuple(SkillMatch(str(s), "technical", ()) for s in has),
                category=CATEGORIES[int(rng.integers(0, 3))] if rng.random() < 0.8 else None,
                category_confidence=float(rng.random()) if rng.random() < 0.5 else None,
                years_experience=float(rng.integers(0, 8)) if rng.random() < 0.7 else None,
                keywords=KW.vector(" ".join(rng.choice(WORDS, 6))),
            )
        )
    weights = ScoreWeights(*rng.random(7) + 0.01)
    expected = [score(pair_signals(job, r), weights).total for r in resumes]
    codes = {c: i for i, c in enumerate(CATEGORIES)}
    pool = score_pool(
        weights=weights,
        job_vector=job.vector,
        job_keywords=job.keywords,
        required_vectors=job.required_vectors,
        required=job.required,
        nice=job.nice,
        excluded=job.excluded,
        vectors=np.stack([r.vector for r in resumes]),
        chunks=[r.chunks for r in resumes],
        keywords=[r.keywords for r in resumes],
        have=[{s.name for s in r.skills} for r in resumes],
        categories=np.array([codes.get(r.category, -1) for r in resumes]),
        category_confidence=np.array(
            [np.nan if r.category_confidence is None else r.category_confidence for r in resumes]
        ),
        years=np.array(
            [np.nan if r.years_experience is None else r.years_experience for r in resumes]
        ),
        job_category=codes.get(job.category, -1),
        job_category_confidence=job.category_confidence,
        years_required=job.years_required,
    )
    assert pool.totals.tolist() == pytest.approx(expected, abs=0.011)
    assert np.sum(np.abs(pool.totals - np.array(expected)) > 1e-9) <= 1  # a rounding tie at most


def test_keyword_similarities_of_a_pool_are_the_pairwise_ones():
    query = KW.vector("python sql payroll")
    docs = [KW.vector(t) for t in ("python", "excel gaap", "sql payroll python", "")]
    assert keyword_similarities(query, docs) == pytest.approx([query.similarity(d) for d in docs])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 10))
def test_job_pool_totals_equal_the_pairwise_scores(seed, n_jobs):
    from mlcore.retrieval.batch import score_jobs

    rng = np.random.default_rng(seed)
    has = rng.choice(SKILLS, rng.integers(0, 5), replace=False)
    resume = ResumeSide(
        text="",
        vector=unit(rng, 1)[0],
        chunks=unit(rng, int(rng.integers(0, 4))),
        skills=tuple(SkillMatch(str(s), "technical", ()) for s in has),
        category=CATEGORIES[int(rng.integers(0, 3))] if rng.random() < 0.8 else None,
        category_confidence=float(rng.random()) if rng.random() < 0.5 else None,
        years_experience=float(rng.integers(0, 8)) if rng.random() < 0.7 else None,
        keywords=KW.vector(" ".join(rng.choice(WORDS, 6))),
    )
    jobs, reqs, req_vecs = [], [], []
    for _ in range(n_jobs):
        names = list(rng.choice(SKILLS, rng.integers(0, 5), replace=False))
        kinds = [int(rng.choice([0, 0, 1, 2])) for _ in names]
        vecs = unit(rng, len(names))
        required = tuple(n for n, k in zip(names, kinds, strict=True) if k == 0)
        jobs.append(
            JobSide(
                text="job",
                vector=unit(rng, 1)[0],
                required=required,
                nice=tuple(n for n, k in zip(names, kinds, strict=True) if k == 1),
                excluded=tuple(n for n, k in zip(names, kinds, strict=True) if k == 2),
                category=CATEGORIES[int(rng.integers(0, 3))] if rng.random() < 0.7 else None,
                category_confidence=float(rng.random()) if rng.random() < 0.5 else None,
                years_required=float(rng.integers(0, 6)) if rng.random() < 0.6 else None,
                keywords=KW.vector(" ".join(rng.choice(WORDS, 5))),
                required_vectors=vecs[[k == 0 for k in kinds]] if required else None,
                explicit=bool(rng.random() < 0.5),
            )
        )
        reqs.append(np.array([[SKILLS.index(n), k] for n, k in zip(names, kinds, strict=True)]))
        req_vecs.append(vecs)
    weights = [ScoreWeights(*rng.random(7) + 0.01), ScoreWeights(*rng.random(7) + 0.01)]
    expected = [score(pair_signals(j, resume), weights[int(j.explicit)]).total for j in jobs]
    codes = {c: i for i, c in enumerate(CATEGORIES)}
    pool = score_jobs(
        weights=[weights[int(j.explicit)] for j in jobs],
        resume_vector=resume.vector,
        resume_chunks=resume.chunks,
        resume_keywords=resume.keywords,
        have={SKILLS.index(s.name) for s in resume.skills},
        resume_category=codes.get(resume.category, -1),
        resume_category_confidence=resume.category_confidence,
        resume_years=resume.years_experience,
        vectors=np.stack([j.vector for j in jobs]),
        keywords=[j.keywords for j in jobs],
        requirements=reqs,
        requirement_vectors=req_vecs,
        categories=np.array([codes.get(j.category, -1) for j in jobs]),
        category_confidence=np.array(
            [np.nan if j.category_confidence is None else j.category_confidence for j in jobs]
        ),
        years_required=np.array(
            [np.nan if j.years_required is None else j.years_required for j in jobs]
        ),
    )
    assert pool.totals.tolist() == pytest.approx(expected, abs=0.011)
    assert np.sum(np.abs(pool.totals - np.array(expected)) > 1e-9) <= 1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([np.float16, np.float32]))
def test_closest_passages_computes_each_key_once_and_equals_every_row_computed(seed, dtype):
    """Jobs that list one skill hold one vector for it (its name's); a row that differs from
    its key's other rows is still scored with its own vector."""
    from mlcore.retrieval.batch import _closest_passages

    rng = np.random.default_rng(seed)
    by_key = unit(rng, 6)
    keys = rng.integers(0, 6, int(rng.integers(1, 40)))
    vectors = by_key[keys].astype(dtype)
    own = rng.random(len(keys)) < 0.2  # some rows carry a vector of their own
    vectors[own] = unit(rng, int(own.sum())).astype(dtype)
    passages = unit(rng, int(rng.integers(1, 5)))
    expected = (vectors.astype(np.float32) @ passages.T).max(axis=1)
    assert _closest_passages(keys, vectors, passages).tolist() == pytest.approx(
        expected.tolist(), abs=1e-6
    )
