"""A job's requirements: taxonomy skills and free-text terms, set by recruiters or read from a
posting. Unknown terms are never refused: they are kept in the recruiter's words and matched
lexically in resumes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from config.exceptions import ApplicationError
from mlcore.jobtext import looks_like_term_list, posting_requirements
from mlcore.terms import MAX_TERM_CHARS, core_term, term_key
from recruiting.models import Job, JobEmbedding, JobSkill
from recruiting.services.embedding import embedder_get, keyword_model_get
from recruiting.services.taxonomy import skill_ids_by_name, taxonomy_get

MAX_TERMS_PER_LIST = 50
REQUIRED, NICE, EXCLUDED = "required", "nice", "excluded"
_FIELDS = {REQUIRED: "must_have", NICE: "nice_to_have", EXCLUDED: "exclude"}


@dataclass(frozen=True)
class Term:
    """One requirement as the matcher reads it: the display name, whether the taxonomy knows it
    (then ``name`` is the canonical name) and the list it is on."""

    name: str
    in_taxonomy: bool
    requirement: str = REQUIRED

    @property
    def key(self) -> str:
        return term_key(self.name)


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_term", extra={"fields": {field: [message]}})


def terms_resolve(
    *,
    required: Sequence[str] = (),
    nice: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> list[Term]:
    """Recruiter input as requirement terms: taxonomy names where the taxonomy knows the term
    (or its core, "strong SQL skills" -> SQL), the recruiter's words otherwise.

    Raises ``ApplicationError`` (400) naming the field and the term for a term longer than
    :data:`MAX_TERM_CHARS` characters, one with no letter or digit, more than
    :data:`MAX_TERMS_PER_LIST` terms in a list, or a term both asked for and excluded. Repeats
    are dropped; a term both required and nice-to-have is required.
    """
    taxonomy = taxonomy_get()
    out: list[Term] = []
    seen: dict[str, str] = {}
    for requirement, names in ((REQUIRED, required), (NICE, nice), (EXCLUDED, excluded)):
        field = _FIELDS[requirement]
        names = [" ".join(str(n).split()) for n in names if str(n).strip()]
        if len(names) > MAX_TERMS_PER_LIST:
            raise _invalid(field, f"At most {MAX_TERMS_PER_LIST} terms per list.")
        for name in names:
            if len(name) > MAX_TERM_CHARS:
                raise _invalid(field, f"“{name[:40]}…” is longer than {MAX_TERM_CHARS} characters.")
            if not any(ch.isalnum() for ch in name):
                raise _invalid(field, f"“{name}” needs at least one letter or digit.")
            canonical = taxonomy.canonical(name) or taxonomy.canonical(core_term(name))
            term = Term(canonical or name, canonical is not None, requirement)
            previous = seen.get(term.key)
            if previous is None:
                seen[term.key] = requirement
                out.append(term)
            elif EXCLUDED in (previous, requirement) and previous != requirement:
                raise _invalid(field, f"“{name}” is both asked for and excluded.")
    return out


def terms_from_text(text: str, *, title: str = "") -> list[Term]:
    """The requirements a job text names (see ``mlcore.jobtext.posting_requirements``)."""
    full = f"{title}\n{text}" if title else text
    # The title is a skills context too: "Go Developer" asks for Go.
    contexts = [(0, len(title) + 1)] if title else []
    return [
        Term(r.name, r.in_taxonomy, r.requirement)
        for r in posting_requirements(full, taxonomy_get(), contexts)
    ]


def _rows(job: Job, terms: Sequence[Term], origin: str, spans=None) -> list[JobSkill]:
    ids = skill_ids_by_name([t.name for t in terms if t.in_taxonomy])
    return [
        JobSkill(
            job=job,
            skill_id=ids.get(t.name.lower()) if t.in_taxonomy else None,
            term=t.name[:MAX_TERM_CHARS],
            key=t.key[:MAX_TERM_CHARS],
            requirement=t.requirement,
            origin=origin,
            spans=(spans or {}).get(t.key, []),
        )
        for t in terms
    ]


def job_requirements_extract(job: Job) -> None:
    """Requirements read from the job's title and description. Those a recruiter set stay as
    they are; the extracted ones are replaced."""
    title = job.title
    full = f"{title}\n{job.description_text}"
    offset = len(title) + 1
    found = posting_requirements(full, taxonomy_get(), [(0, offset)])
    kept = set(
        JobSkill.objects.filter(job=job, origin=JobSkill.Origin.RECRUITER).values_list(
            "key", flat=True
        )
    )
    JobSkill.objects.filter(job=job, origin=JobSkill.Origin.EXTRACTED).delete()
    terms, spans = [], {}
    for r in found:
        term = Term(r.name, r.in_taxonomy, r.requirement)
        if term.key in kept:
            continue
        kept.add(term.key)
        terms.append(term)
        # Spans are stored against description_text (the title line is not part of it).
        spans[term.key] = [[a - offset, b - offset] for a, b in r.spans if a >= offset]
    JobSkill.objects.bulk_create(_rows(job, terms, JobSkill.Origin.EXTRACTED, spans))


@transaction.atomic
def job_set_requirements(
    *,
    job: Job,
    required: Sequence[str],
    nice: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> list[Term]:
    """A recruiter's must-have / nice-to-have / excluded lists replace the job's requirements.

    Terms the taxonomy does not know are kept as free text (see :func:`terms_resolve` for what
    is refused). Returns the terms as stored.
    """
    terms = terms_resolve(required=required, nice=nice, excluded=excluded)
    JobSkill.objects.filter(job=job).delete()
    JobSkill.objects.bulk_create(_rows(job, terms, JobSkill.Origin.RECRUITER))
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    jobs_requirements_encode([job])
    return terms


def job_terms(job: Job) -> list[Term]:
    """The job's stored requirements as terms, must-haves first."""
    return [
        Term(js.name, js.in_taxonomy, js.requirement)
        for js in JobSkill.objects.filter(job=job).for_matching()
    ]


def job_keyword_text(job: Job, names: Sequence[str] | None = None) -> str:
    """What the keyword part reads of a job: its text and its requirement names (default: the
    stored ones), so that a recruiter's edit of the must-haves moves it too."""
    if names is None:
        names = [t.name for t in job_terms(job) if t.requirement != EXCLUDED]
    return "\n".join([job.title, job.description_text, *names])


def jobs_requirements_encode(jobs: Sequence[Job]) -> None:
    """Store what scoring needs of each job's current requirements beside its embeddings: the
    keyword vector of its text with the requirement names, and one float16 vector per name
    (encoded here, in one batch, so that no request encodes them)."""
    if not jobs:
        return
    model = keyword_model_get()
    names = {job.pk: [t.name for t in job_terms(job) if t.requirement != EXCLUDED] for job in jobs}
    distinct = sorted({n for ns in names.values() for n in ns})
    vectors = dict(zip(distinct, embedder_get().encode(distinct), strict=True)) if distinct else {}
    for job in jobs:
        ns = names[job.pk]
        matrix = np.stack([vectors[n] for n in ns]).astype(np.float16) if ns else np.zeros((0,))
        JobEmbedding.objects.filter(job=job).update(
            keywords=model.vector(job_keyword_text(job, ns)).to_bytes(),
            keywords_model=model.fingerprint_,
            requirement_names=ns,
            requirement_vectors=matrix.tobytes(),
        )


def requirements_explicit(*, origins: Sequence[str], description_text: str) -> bool:
    """Whether a job's requirements were written by a person: a recruiter set some, or the
    description is a pasted list of terms. The score's explicit weighting follows them."""
    return JobSkill.Origin.RECRUITER in origins or looks_like_term_list(description_text)
