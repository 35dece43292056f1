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
from mlcore.jobtext import looks_like_term_list, years_required_of
from mlcore.retrieval.keywords import KeywordVector
from mlcore.retrieval.pairs import JobSide, ResumeSide, pair_evidence, pair_signals
from mlcore.retrieval.scorer import MatchWeights, ScoreBreakdown, score
from mlcore.skills import SkillMatch
from recruiting.models import Job, JobEmbedding, JobSkill, Resume, ResumeEmbedding, ResumeSkill
from recruiting.services.embedding import embedder_get, keyword_model_get
from recruiting.services.requirements import (
    EXCLUDED,
    NICE,
    REQUIRED,
    Term,
    job_keyword_text,
    terms_from_text,
    terms_resolve,
)

MAX_K = 100


@functools.cache
def load_params() -> dict:
    """params.yaml, read once per process."""
    with open(settings.PARAMS_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def match_params() -> dict:
    return load_params().get("match", {})


def weights() -> MatchWeights:
    """The score's two weightings: params.yaml's ``match.weights`` (fitted on the labelled
    sets; see bench/eval_ranking.py)."""
    return MatchWeights.from_mapping(match_params().get("weights"))


# What a job asks for (from a Job row, or typed in by a recruiter): the job side of a pair.
Requirements = JobSide


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


def pool_size() -> int:
    """How many retrieved documents are scored: fixed, never a function of ``k``, so that the
    first results do not change when more are asked for (params.yaml keeps it >= MAX_K, so
    that the largest page is full)."""
    return max(int(match_params().get("candidates", 300)), 1)


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


def _lists(terms: Sequence[Term]) -> dict:
    """``Requirements`` fields from terms: the three name lists and the free-text names."""
    return {
        "required": tuple(t.name for t in terms if t.requirement == REQUIRED),
        "nice": tuple(t.name for t in terms if t.requirement == NICE),
        "excluded": tuple(t.name for t in terms if t.requirement == EXCLUDED),
        "free_text": frozenset(t.name for t in terms if not t.in_taxonomy),
    }


def _term_vectors(names: Sequence[str]) -> np.ndarray | None:
    """Unit embeddings of requirement names (short texts; the embedder's memo keeps them)."""
    if not names:
        return None
    vectors = np.asarray(embedder_get().encode(list(names)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _job_side(
    *,
    text: str,
    keyword_text: str,
    vector: np.ndarray,
    terms: Sequence[Term],
    category: str | None,
    years_required: float | None,
    category_confidence: float | None = None,
    keywords: KeywordVector | None = None,
    explicit: bool = False,
) -> JobSide:
    lists = _lists(terms)
    return JobSide(
        explicit=explicit,
        text=text,
        vector=vector,
        category=category,
        category_confidence=category_confidence,
        years_required=years_required,
        keywords=keywords or keyword_model_get().vector(keyword_text),
        required_vectors=_term_vectors(lists["required"]),
        **lists,
    )


def _stored_keywords(row) -> KeywordVector | None:
    """A stored keyword vector, if the current keyword model made it and it reads back."""
    if row is None or not row.keywords or row.keywords_model != keyword_model_get().fingerprint_:
        return None
    try:
        return KeywordVector.from_bytes(bytes(row.keywords))
    except ValueError:
        return None


def _requirements_of(
    job: Job, embedding, skills: Sequence[JobSkill], *, required=None, nice=None, excluded=None
) -> Requirements:
    """A job's requirements; lists given by the caller replace the stored ones of that kind."""
    vector, _ = _vectors(embedding, "job")
    stored = [Term(s.name, s.in_taxonomy, s.requirement) for s in skills]
    overridden = required is not None or nice is not None or excluded is not None
    # A recruiter's must-haves, or a description that is a pasted list of terms, are
    # requirements a person wrote: the explicit weighting follows them more closely.
    explicit = (
        overridden
        or any(s.origin == JobSkill.Origin.RECRUITER for s in skills)
        or looks_like_term_list(job.description_text)
    )
    if overridden:
        given = terms_resolve(required=required or (), nice=nice or (), excluded=excluded or ())
        replaced = {
            kind
            for kind, value in ((REQUIRED, required), (NICE, nice), (EXCLUDED, excluded))
            if value is not None
        }
        given_keys = {t.key for t in given}
        stored = [t for t in stored if t.requirement not in replaced and t.key not in given_keys]
        stored = given + stored
    names = [t.name for t in stored if t.requirement != EXCLUDED]
    return _job_side(
        text=f"{job.title}\n{job.description_text}",
        keyword_text=job_keyword_text(job, names),
        vector=vector,
        terms=stored,
        category=job.category.slug if job.category_id else None,
        category_confidence=job.category_confidence,
        years_required=job.years_required,
        keywords=None if overridden else _stored_keywords(embedding),
        explicit=explicit,
    )


def job_requirements(job: Job, *, required=None, nice=None, excluded=None) -> Requirements:
    embedding = JobEmbedding.objects.filter(job=job, model_id=embedder_get().model_id).first()
    skills = list(JobSkill.objects.filter(job=job).for_matching())
    return _requirements_of(job, embedding, skills, required=required, nice=nice, excluded=excluded)


def jobs_requirements(jobs: Sequence[Job]) -> dict[int, Requirements]:
    """The requirements of many jobs in two queries; jobs without a usable embedding left out."""
    ids = [j.pk for j in jobs]
    embeddings = {
        e.job_id: e
        for e in JobEmbedding.objects.filter(job_id__in=ids, model_id=embedder_get().model_id)
    }
    skills: dict[int, list[JobSkill]] = {pk: [] for pk in ids}
    for js in JobSkill.objects.filter(job_id__in=ids).for_matching():
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
    """Requirements typed in by a recruiter. Without must-haves they are read from the text: a
    pasted list of terms makes each term a must-have, a description gives its skills."""
    text = f"{title}\n{description}".strip()
    if not text:
        raise ApplicationError(
            "Describe the job: a title or a description is needed.", code="empty"
        )
    terms = terms_resolve(required=must_have, nice=nice_to_have, excluded=exclude)
    if not must_have:
        keys = {t.key for t in terms}
        terms += [
            t
            for t in terms_from_text(description, title=title)
            if t.key not in keys and t.requirement == REQUIRED
        ]
    doc = embedder_get().encode_documents([text])[0]
    names = [t.name for t in terms if t.requirement != EXCLUDED]
    return _job_side(
        text=text,
        keyword_text="\n".join([text, *names]),
        vector=doc.vector,
        terms=terms,
        category=None,
        years_required=years_required_of(text),
        explicit=bool(must_have) or looks_like_term_list(description),
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


def _resume_side(resume: Resume, embedding, skills: list[SkillMatch]) -> ResumeSide | None:
    """The resume side of a pair; ``None`` when its stored vector is damaged."""
    try:
        vector, chunks = embedding.as_array(), embedding.chunk_array()
    except ValueError:
        return None
    keywords = _stored_keywords(embedding) or keyword_model_get().vector(resume.text)
    return ResumeSide(
        text=resume.text,
        vector=vector,
        chunks=chunks,
        skills=skills,
        category=resume.category.slug if resume.category_id else None,
        category_confidence=resume.category_confidence,
        years_experience=resume.years_experience,
        keywords=keywords,
    )


def _score_pair(
    req: Requirements, side: ResumeSide
) -> tuple[ScoreBreakdown, float, list[SkillMatch]]:
    """Score one pair: the breakdown, the document cosine and the evidence (the resume's
    taxonomy skills plus the free-text terms found in it)."""
    evidence = pair_evidence(req, side)
    signals = pair_signals(req, side, evidence)
    return score(signals, weights().for_job(req.explicit)), signals.doc_similarity, evidence


def _explain(req: Requirements, resume: Resume, skills, breakdown: ScoreBreakdown) -> dict:
    """The explanation of one pair; ``skills`` is the evidence of :func:`_score_pair`."""
    data = mlcore_explain(
        resume_text=resume.text,
        resume_skills=skills,
        job_text=req.text,
        required=req.required,
        nice=req.nice,
        breakdown=breakdown,
        embedder=embedder_get(),
        free_text=sorted(req.free_text),
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
        side = _resume_side(r, emb[r.pk], skills[r.pk]) if r.pk in emb else None
        if side is None:  # unprocessed, or a damaged stored vector: skipped
            continue
        breakdown, sim, evidence = _score_pair(requirements, side)
        scored.append((breakdown, sim, r, evidence))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    if limit is not None:
        scored = scored[:limit]
    results = [
        MatchResult(
            job=job,
            resume=r,
            breakdown=b,
            similarity=s,
            explanation=_explain(requirements, r, ev, b) if i < explain_top else None,
        )
        for i, (b, s, r, ev) in enumerate(scored)
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
    excluded=None,
    explain_top: int = 10,
) -> MatchPage:
    """The best candidates among ``resumes`` (already filtered to what the user may see).

    The pool that is scored does not depend on ``k``: the same resume gets the same score and
    rank whatever ``k`` is, and a larger ``k`` only adds results after the first ones.
    """
    _check_k(k)
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    allowed = list(
        resumes.filter(status=Resume.Status.READY, anonymised_at=None).values_list("id", flat=True)
    )
    n_candidates = pool_size()
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
    row = ResumeEmbedding.objects.filter(resume=resume, model_id=embedder_get().model_id).first()
    _vectors(row, "resume")  # 409 when missing or damaged
    side = _resume_side(resume, row, _resume_skills([resume])[resume.pk])
    r_vec = side.vector
    allowed = list(jobs.values_list("id", flat=True))
    n_candidates = pool_size()
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
    scored = []
    for job in candidates:
        req = requirements.get(job.pk)
        if req is None:
            continue
        breakdown, sim, evidence = _score_pair(req, side)
        scored.append((breakdown, sim, job, req, evidence))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    results = [
        MatchResult(
            job=job,
            resume=resume,
            breakdown=b,
            similarity=s,
            explanation=_explain(req, resume, ev, b) if i < explain_top else None,
        )
        for i, (b, s, job, req, ev) in enumerate(scored[:k])
    ]
    return MatchPage(
        results=results, model_version=model_version_label(), total_candidates=len(allowed)
    )


def explain_pair(
    *, job: Job, resume: Resume, required=None, nice=None, excluded=None
) -> MatchResult:
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    row = ResumeEmbedding.objects.filter(resume=resume, model_id=embedder_get().model_id).first()
    _vectors(row, "resume")  # 409 when missing or damaged
    side = _resume_side(resume, row, _resume_skills([resume])[resume.pk])
    breakdown, sim, evidence = _score_pair(req, side)
    return MatchResult(
        job=job,
        resume=resume,
        breakdown=breakdown,
        similarity=sim,
        explanation=_explain(req, resume, evidence, breakdown),
    )
