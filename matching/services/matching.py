"""Matching: jobs for a resume, candidates for a job, ranking a pile, explaining one pair.

Dense retrieval (FAISS over stored embeddings, filtered by a database queryset) and BM25 each
propose candidates, fused by reciprocal rank; the hybrid scorer in mlcore ranks them;
explanations cite the resume text.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import yaml
from django.conf import settings
from django.db.models import QuerySet

from config.exceptions import ApplicationError
from matching.services.index import index_get
from matching.services.lexical import fused_pool
from mlcore.explain import explain as mlcore_explain
from mlcore.retrieval.scorer import MatchSignals, ScoreBreakdown, ScoreWeights, score
from mlcore.skills import SkillMatch
from recruiting.models import Job, JobEmbedding, JobSkill, Resume, ResumeEmbedding, ResumeSkill
from recruiting.services.embedding import embedder_get
from recruiting.services.taxonomy import taxonomy_get

MAX_K = 100


@functools.cache
def load_params() -> dict:
    """params.yaml, read once per process."""
    with open(settings.PARAMS_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def match_params() -> dict:
    return load_params().get("match", {})


def weights() -> ScoreWeights:
    return ScoreWeights.from_mapping(match_params().get("weights"))


@dataclass(frozen=True)
class Requirements:
    """What a job asks for: from a Job row, or typed in by a recruiter (free text + skills)."""

    text: str
    required: tuple[str, ...] = ()
    nice: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    category: str | None = None
    years_required: float | None = None
    vector: np.ndarray | None = None
    chunks: np.ndarray | None = None


@dataclass(frozen=True)
class MatchResult:
    job: Job
    resume: Resume
    breakdown: ScoreBreakdown
    similarity: float
    explanation: dict | None = None

    @property
    def score(self) -> float:
        return self.breakdown.total


@dataclass(frozen=True)
class MatchPage:
    results: list[MatchResult]
    model_version: str
    total_candidates: int
    extra: dict = field(default_factory=dict)


def model_version_label() -> str:
    from matching.models import ModelVersion

    active = ModelVersion.objects.active()
    embedder = embedder_get()
    return f"{active.version if active else 'untrained'}+{embedder.model_id}"


def _check_k(k: int) -> int:
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ApplicationError(f"k must be between 1 and {MAX_K}.", code="invalid_k")
    return k


def _vectors(row, owner_field: str) -> tuple[np.ndarray, np.ndarray]:
    if row is None:
        raise ApplicationError(
            f"This {owner_field} has not been processed yet (no embedding); try again in a moment.",
            code="not_ready",
            status=409,
        )
    try:
        return row.as_array(), row.chunk_array()
    except ValueError as exc:  # a damaged stored vector (reconcile_index reports these)
        raise ApplicationError(
            f"The stored embedding of this {owner_field} is damaged; process it again.",
            code="damaged_embedding",
            status=409,
        ) from exc


def _embedding(model, owner_field: str, obj) -> tuple[np.ndarray, np.ndarray]:
    row = model.objects.filter(**{owner_field: obj, "model_id": embedder_get().model_id}).first()
    return _vectors(row, owner_field)


def _requirements_of(
    job: Job, embedding, skills: Sequence[JobSkill], *, required=None, nice=None, excluded=()
) -> Requirements:
    vector, chunks = _vectors(embedding, "job")
    req = (
        tuple(required)
        if required is not None
        else tuple(s.skill.name for s in skills if s.requirement == "required")
    )
    opt = (
        tuple(nice)
        if nice is not None
        else tuple(s.skill.name for s in skills if s.requirement == "nice")
    )
    return Requirements(
        text=f"{job.title}\n{job.description_text}",
        required=req,
        nice=opt,
        excluded=tuple(excluded),
        category=job.category.slug if job.category_id else None,
        years_required=job.years_required,
        vector=vector,
        chunks=chunks,
    )


def job_requirements(job: Job, *, required=None, nice=None, excluded=()) -> Requirements:
    embedding = JobEmbedding.objects.filter(job=job, model_id=embedder_get().model_id).first()
    skills = list(JobSkill.objects.filter(job=job).select_related("skill"))
    return _requirements_of(job, embedding, skills, required=required, nice=nice, excluded=excluded)


def jobs_requirements(jobs: Sequence[Job]) -> dict[int, Requirements]:
    """The requirements of many jobs in two queries; jobs without a usable embedding left out."""
    ids = [j.pk for j in jobs]
    embeddings = {
        e.job_id: e
        for e in JobEmbedding.objects.filter(job_id__in=ids, model_id=embedder_get().model_id)
    }
    skills: dict[int, list[JobSkill]] = {pk: [] for pk in ids}
    for js in JobSkill.objects.filter(job_id__in=ids).select_related("skill"):
        skills[js.job_id].append(js)
    out = {}
    for job in jobs:
        try:
            out[job.pk] = _requirements_of(job, embeddings.get(job.pk), skills[job.pk])
        except ApplicationError:
            continue
    return out


def free_text_requirements(
    *,
    title: str,
    description: str,
    must_have: Sequence[str] = (),
    nice_to_have: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Requirements:
    text = f"{title}\n{description}".strip()
    if not text:
        raise ApplicationError(
            "Describe the job: a title or a description is needed.", code="empty"
        )
    taxonomy = taxonomy_get()
    unknown = [n for n in [*must_have, *nice_to_have, *exclude] if taxonomy.canonical(n) is None]
    if unknown:
        raise ApplicationError(
            f"Unknown skill(s): {', '.join(sorted(set(unknown))[:10])}.", code="unknown_skill"
        )
    canon = lambda names: tuple(dict.fromkeys(taxonomy.canonical(n) for n in names))  # noqa: E731
    required = canon(must_have)
    if not required:
        required = tuple(m.name for m in taxonomy.extract(text, contexts=[(0, len(text))]))
    from mlcore.jobtext import years_required_of

    doc = embedder_get().encode_documents([text])[0]
    return Requirements(
        text=text,
        required=required,
        nice=canon(nice_to_have),
        excluded=canon(exclude),
        years_required=years_required_of(text),
        vector=doc.vector,
        chunks=doc.chunks,
    )


def _resume_skills(resumes: Sequence[Resume]) -> dict[int, list[SkillMatch]]:
    out: dict[int, list[SkillMatch]] = {r.pk: [] for r in resumes}
    for rs in ResumeSkill.objects.filter(resume__in=resumes).select_related("skill"):
        out[rs.resume_id].append(
            SkillMatch(
                name=rs.skill.name, kind=rs.skill.kind, spans=tuple(tuple(s) for s in rs.spans)
            )
        )
    return out


def _score_pair(
    req: Requirements, resume: Resume, r_vec, r_chunks, skills: list[SkillMatch]
) -> tuple[ScoreBreakdown, float]:
    similarity = float(np.dot(r_vec, req.vector))
    best_chunk = (
        float(np.max(r_chunks @ req.chunks.T)) if len(r_chunks) and len(req.chunks) else similarity
    )
    signals = MatchSignals(
        doc_similarity=similarity,
        best_chunk_similarity=best_chunk,
        required=req.required,
        nice=req.nice,
        excluded=req.excluded,
        candidate_skills=frozenset(s.name for s in skills),
        resume_category=resume.category.slug if resume.category_id else None,
        job_category=req.category,
        category_confidence=resume.category_confidence,
        years_experience=resume.years_experience,
        years_required=req.years_required,
    )
    return score(signals, weights()), similarity


def _explain(req: Requirements, resume: Resume, skills, breakdown: ScoreBreakdown) -> dict:
    data = mlcore_explain(
        resume_text=resume.text,
        resume_skills=skills,
        job_text=req.text,
        required=req.required,
        nice=req.nice,
        breakdown=breakdown,
        embedder=embedder_get(),
    ).to_dict()
    for matched in data["matched"]:
        matched.update(_evidence_line(resume.text, matched))
    return data


def _evidence_line(text: str, matched: dict) -> dict:
    """The resume line that proves a skill, split around the evidence so pages can highlight it."""
    if not matched.get("line") or not matched.get("spans"):
        return {"line_before": "", "line_match": "", "line_after": ""}
    (line_start, line_end), (start, end) = matched["line"], matched["spans"][0]
    start, end = max(start, line_start), min(end, line_end)
    return {
        "line_before": text[line_start:start].lstrip(),
        "line_match": text[start:end],
        "line_after": text[end:line_end].rstrip(),
    }


def rank_resumes(
    *,
    requirements: Requirements,
    resumes: QuerySet[Resume] | Sequence[Resume],
    job: Job | None = None,
    explain_top: int = 10,
    limit: int | None = None,
) -> MatchPage:
    """Score every given resume against the requirements, best first (ties by id)."""
    resumes = list(resumes)
    model_id = embedder_get().model_id
    emb = {
        e.resume_id: e
        for e in ResumeEmbedding.objects.filter(resume__in=resumes, model_id=model_id)
    }
    skills = _resume_skills(resumes)
    scored = []
    for r in resumes:
        if r.pk not in emb:
            continue
        try:
            vector, chunks = emb[r.pk].as_array(), emb[r.pk].chunk_array()
        except ValueError:  # a damaged stored vector: skipped like an unprocessed resume
            continue
        breakdown, sim = _score_pair(requirements, r, vector, chunks, skills[r.pk])
        scored.append((breakdown, sim, r))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    if limit is not None:
        scored = scored[:limit]
    results = [
        MatchResult(
            job=job,
            resume=r,
            breakdown=b,
            similarity=s,
            explanation=_explain(requirements, r, skills[r.pk], b) if i < explain_top else None,
        )
        for i, (b, s, r) in enumerate(scored)
    ]
    return MatchPage(
        results=results,
        model_version=model_version_label(),
        total_candidates=len(resumes),
        extra={"skipped_unprocessed": len(resumes) - len(scored)},
    )


def candidates_for_job(
    *,
    job: Job,
    resumes: QuerySet[Resume],
    k: int = 10,
    required=None,
    nice=None,
    excluded=(),
    explain_top: int = 10,
) -> MatchPage:
    """The best candidates among ``resumes`` (already filtered to what the user may see)."""
    _check_k(k)
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    allowed = list(
        resumes.filter(status=Resume.Status.READY, anonymised_at=None).values_list("id", flat=True)
    )
    n_candidates = max(int(match_params().get("candidates", 100)), k * 5)
    hits = (
        index_get("resume").search(req.vector, n_candidates, allowed_ids=allowed)[0]
        if allowed
        else []
    )
    query = " ".join([req.text, *req.required, *req.nice])
    ids = fused_pool(
        kind="resume", dense=[i for i, _ in hits], query=query, allowed=allowed, size=n_candidates
    )
    pool = Resume.objects.filter(pk__in=ids).select_related("category")
    page = rank_resumes(
        requirements=req, resumes=pool, job=job, explain_top=min(explain_top, k), limit=k
    )
    return MatchPage(
        results=page.results, model_version=page.model_version, total_candidates=len(allowed)
    )


def jobs_for_resume(
    *, resume: Resume, jobs: QuerySet[Job], k: int = 10, explain_top: int = 10
) -> MatchPage:
    """The best jobs among ``jobs`` (filtered by the caller: open only, category, ...)."""
    _check_k(k)
    if resume.status != Resume.Status.READY:
        raise ApplicationError(
            f"This resume is {resume.get_status_display().lower()}; it cannot be matched yet.",
            code="not_ready",
            status=409,
        )
    if resume.anonymised_at is not None:
        raise ApplicationError(
            "This candidate was anonymised under the retention policy; it cannot be matched.",
            code="anonymised",
            status=409,
        )
    r_vec, r_chunks = _embedding(ResumeEmbedding, "resume", resume)
    allowed = list(jobs.values_list("id", flat=True))
    n_candidates = max(int(match_params().get("candidates", 100)), k * 5)
    hits = index_get("job").search(r_vec, n_candidates, allowed_ids=allowed)[0] if allowed else []
    ids = fused_pool(
        kind="job",
        dense=[i for i, _ in hits],
        query=resume.text,
        allowed=allowed,
        size=n_candidates,
    )
    candidates = list(Job.objects.filter(pk__in=ids).select_related("category"))
    requirements = jobs_requirements(candidates)
    skills = _resume_skills([resume])[resume.pk]
    scored = []
    for job in candidates:
        req = requirements.get(job.pk)
        if req is None:
            continue
        breakdown, sim = _score_pair(req, resume, r_vec, r_chunks, skills)
        scored.append((breakdown, sim, job, req))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    results = [
        MatchResult(
            job=job,
            resume=resume,
            breakdown=b,
            similarity=s,
            explanation=_explain(req, resume, skills, b) if i < explain_top else None,
        )
        for i, (b, s, job, req) in enumerate(scored[:k])
    ]
    return MatchPage(
        results=results, model_version=model_version_label(), total_candidates=len(allowed)
    )


def explain_pair(*, job: Job, resume: Resume, required=None, nice=None, excluded=()) -> MatchResult:
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    r_vec, r_chunks = _embedding(ResumeEmbedding, "resume", resume)
    skills = _resume_skills([resume])[resume.pk]
    breakdown, sim = _score_pair(req, resume, r_vec, r_chunks, skills)
    return MatchResult(
        job=job,
        resume=resume,
        breakdown=breakdown,
        similarity=sim,
        explanation=_explain(req, resume, skills, breakdown),
    )
