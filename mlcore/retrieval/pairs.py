"""One (resume, job) pair as the scorer sees it: the evidence the resume holds for each requirement
and the similarities the score is made of. The app's matching service and the ranking evaluation
both build their pairs here, so that what is measured is what is served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mlcore.retrieval.keywords import KeywordVector
from mlcore.retrieval.scorer import MatchSignals
from mlcore.skills import SkillMatch
from mlcore.terms import find_terms

__all__ = ["JobSide", "ResumeSide", "pair_evidence", "pair_signals"]


@dataclass(frozen=True, eq=False)
class JobSide:
    """What a job asks for and how it reads.

    ``required``/``nice``/``excluded`` are names: canonical taxonomy names, or the recruiter's
    words for the terms in ``free_text``. ``required_vectors`` holds one unit embedding per
    required name, in order; ``keywords`` is the keyword vector of the job text with its
    requirement names. ``explicit`` says the requirements were written by a person (a
    recruiter's must-haves, a pasted list of terms) rather than read out of a posting's prose:
    the score trusts them more (see ``mlcore.retrieval.scorer.MatchWeights``).
    """

    text: str
    vector: np.ndarray
    required: tuple[str, ...] = ()
    nice: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    free_text: frozenset[str] = frozenset()
    category: str | None = None
    category_confidence: float | None = None
    years_required: float | None = None
    keywords: KeywordVector | None = None
    required_vectors: np.ndarray | None = None
    explicit: bool = False


@dataclass(frozen=True, eq=False)
class ResumeSide:
    """A processed resume: text, its taxonomy skills with spans, vectors and facts."""

    text: str
    vector: np.ndarray
    chunks: np.ndarray
    skills: Sequence[SkillMatch] = field(default_factory=tuple)
    category: str | None = None
    category_confidence: float | None = None
    years_experience: float | None = None
    keywords: KeywordVector | None = None


def pair_evidence(job: JobSide, resume: ResumeSide) -> list[SkillMatch]:
    """The resume's taxonomy skills plus the job's free-text terms found in its text (kind
    "term", with the spans that prove them)."""
    skills = list(resume.skills)
    if job.free_text:
        found = find_terms(resume.text, sorted(job.free_text))
        skills += [SkillMatch(name=t, kind="term", spans=spans) for t, spans in found.items()]
    return skills


def related_similarities(job: JobSide, resume: ResumeSide) -> tuple[float, ...]:
    """Per must-have, the cosine to the closest passage (chunk) of the resume."""
    if job.required_vectors is None or not len(job.required_vectors):
        return ()
    passages = resume.chunks if len(resume.chunks) else resume.vector[None, :]
    sims = (
        np.asarray(job.required_vectors, dtype=np.float32)
        @ np.asarray(passages, dtype=np.float32).T
    )
    return tuple(float(v) for v in sims.max(axis=1))


def pair_signals(
    job: JobSide, resume: ResumeSide, evidence: Sequence[SkillMatch] | None = None
) -> MatchSignals:
    """The scorer's signals for one pair; ``evidence`` defaults to :func:`pair_evidence`."""
    if evidence is None:
        evidence = pair_evidence(job, resume)
    keyword = (
        job.keywords.similarity(resume.keywords)
        if job.keywords is not None and resume.keywords is not None
        else None
    )
    return MatchSignals(
        doc_similarity=float(np.dot(resume.vector, job.vector)),
        keyword_similarity=keyword,
        related_similarities=related_similarities(job, resume),
        required=job.required,
        nice=job.nice,
        excluded=job.excluded,
        candidate_skills=frozenset(s.name for s in evidence),
        resume_category=resume.category,
        job_category=job.category,
        category_confidence=resume.category_confidence,
        job_category_confidence=job.category_confidence,
        years_experience=resume.years_experience,
        years_required=job.years_required,
    )
