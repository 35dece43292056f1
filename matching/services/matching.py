"""Matching: jobs for a resume, candidates for a job, ranking a pile, explaining one pair.

Retrieval runs over the shared, memory-mapped stores (``matching.services.store``): the dense
side scans the store's vectors under a mask of what the caller may see (team, status, filters),
the BM25 side scores the same rows, and the two rankings are fused by reciprocal rank into a
pool of fixed size. The pool is scored at once with array operations (``mlcore.retrieval.batch``);
the results shown are then scored pair by pair with the scorer, so that every part adds up, and
explained from sentences encoded at ingestion: no request runs the model on resume text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import yaml
from django.conf import settings
from django.db.models import QuerySet

from config.exceptions import ApplicationError
from matching.models import ModelVersion
from matching.services.registry import active_weights
from matching.services.store import (
    _job_rows,
    _resume_rows,
    lexical_get,
    store_get,
    store_terms,
    term_id,
)
from mlcore.explain import Sentences
from mlcore.explain import explain as mlcore_explain
from mlcore.jobtext import looks_like_term_list, years_required_of
from mlcore.retrieval.batch import PoolScores, score_jobs, score_pool
from mlcore.retrieval.fit import WEIGHT_NAMES
from mlcore.retrieval.fusion import reciprocal_rank_fusion
from mlcore.retrieval.keywords import KeywordVector, keyword_tokens
from mlcore.retrieval.pairs import JobSide, ResumeSide, pair_evidence, pair_signals
from mlcore.retrieval.scorer import MatchWeights, ScoreBreakdown, part_values, score
from mlcore.retrieval.store import DocumentStore, PoolArrays
from mlcore.skills import SkillMatch
from mlcore.terms import find_terms
from recruiting.models import (
    Category,
    Job,
    JobEmbedding,
    JobSkill,
    MatchingTerm,
    Resume,
    ResumeEmbedding,
    ResumeSkill,
    Skill,
    user_team_id,
)
from recruiting.services.embedding import (
    embedder_get,
    keyword_model_get,
    sentences_now,
    sentences_stored,
)
from recruiting.services.jobs import job_text_check
from recruiting.services.requirements import (
    EXCLUDED,
    NICE,
    REQUIRED,
    Term,
    job_keyword_text,
    requirements_explicit,
    terms_from_text,
    terms_resolve,
)
from recruiting.services.taxonomy import skill_ids_by_name

MAX_K = 100
# The lexical side scores the query's rarest words only: they are what it is there to catch,
# and a whole description as a BM25 query costs much and adds noise.
LEXICAL_QUERY_WORDS = 32


@functools.cache
def load_params() -> dict:
    """params.yaml, read once per process."""
    with open(settings.PARAMS_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def match_params() -> dict:
    return load_params().get("match", {})


def weights() -> MatchWeights:
    """The score's two weightings: the active model version's, refitted on recruiters'
    decisions (stage `weights`), else params.yaml's ``match.weights`` (fitted on the labelled
    sets; see bench/eval_ranking.py)."""
    return active_weights() or _params_weights()


@functools.cache
def _params_weights() -> MatchWeights:
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


@dataclass(frozen=True)
class ResumeScope:
    """Which resumes a search may return: those of ``teams`` (None: every team), of a
    category, holding a skill, minus ``exclude`` (ids). Only ready, non-anonymised resumes are
    ever matched."""

    teams: tuple[int, ...] | None
    category_id: int | None = None
    skill_id: int | None = None
    exclude: frozenset[int] = frozenset()
    empty: bool = False  # a filter that matches nothing (an unknown category or skill)


def resume_scope(
    *,
    viewer,
    team_id: int | None = None,
    category_slug: str | None = None,
    skill_name: str | None = None,
    exclude: Iterable[int] = (),
) -> ResumeScope:
    """The resumes ``viewer`` may see (their team; staff: every team, or ``team_id``)."""
    if getattr(viewer, "is_staff", False):
        teams = (team_id,) if team_id is not None else None
    else:
        own = user_team_id(viewer)
        teams = (own,) if team_id in (None, own) else ()
    scope = ResumeScope(teams=teams, exclude=frozenset(int(i) for i in exclude))
    if category_slug:
        category = Category.objects.filter(slug=category_slug).values_list("id", flat=True).first()
        scope = ResumeScope(
            **{**scope.__dict__, "category_id": category, "empty": category is None}
        )
    if skill_name and not scope.empty:
        skill = Skill.objects.named([skill_name]).values_list("id", flat=True).first()
        scope = ResumeScope(**{**scope.__dict__, "skill_id": skill, "empty": skill is None})
    return scope


def model_version_label() -> str:
    active = ModelVersion.objects.current()
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


# What scoring reads of a stored embedding (the passages and sentences stay in the database
# until an explanation asks for them).
_SCORING_FIELDS = ("chunks", "chunk_spans", "sentences", "sentence_spans")
# Parsing's record of a resume: JSON that no result shows, and decoding it is most of loading one.
_RESULT_DEFERRED = ("sections", "steps", "warnings", "links", "error")


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


def _vector(row, owner_field: str) -> np.ndarray:
    """The document vector alone (409 as :func:`_vectors`)."""
    if row is None:
        return _vectors(row, owner_field)[0]
    try:
        return row.as_array()
    except ValueError:
        return _vectors(row, owner_field)[0]


# -- the job side -----------------------------------------------------------------------------
def _lists(terms: Sequence[Term]) -> dict:
    """``Requirements`` fields from terms: the three name lists and the free-text names."""
    return {
        "required": tuple(t.name for t in terms if t.requirement == REQUIRED),
        "nice": tuple(t.name for t in terms if t.requirement == NICE),
        "excluded": tuple(t.name for t in terms if t.requirement == EXCLUDED),
        "free_text": frozenset(t.name for t in terms if not t.in_taxonomy),
    }


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _required_vectors(names: Sequence[str], embedding=None) -> np.ndarray | None:
    """Unit vectors of must-have names: stored beside the job when it has them (float16, as
    the job store keeps them), else encoded now (the query side only: a short name each)."""
    if not names:
        return None
    stored: dict[str, np.ndarray] = {}
    if embedding is not None and embedding.requirement_names:
        data = bytes(embedding.requirement_vectors or b"")
        if data and len(data) % (2 * embedding.dim) == 0:
            rows = np.frombuffer(data, dtype=np.float16).reshape(-1, embedding.dim)
            stored = dict(zip(embedding.requirement_names, rows, strict=False))
    missing = [n for n in names if n not in stored]
    if missing:
        encoded = _unit(embedder_get().encode(missing)).astype(np.float16)
        stored.update(zip(missing, encoded, strict=True))
    return np.stack([np.asarray(stored[n], dtype=np.float32) for n in names])


def _stored_keywords(row) -> KeywordVector | None:
    """A stored keyword vector, if the current keyword model made it and it reads back."""
    if row is None or not row.keywords or row.keywords_model != keyword_model_get().fingerprint_:
        return None
    try:
        return KeywordVector.from_bytes(bytes(row.keywords))
    except ValueError:
        return None


def _requirements_of(
    job: Job,
    embedding,
    skills: Sequence[MatchingTerm],
    *,
    required=None,
    nice=None,
    excluded=None,
) -> Requirements:
    """A job's requirements; lists given by the caller replace the stored ones of that kind."""
    vector = _vector(embedding, "job")
    stored = [Term(s.name, s.skill_id is not None, s.requirement) for s in skills]
    overridden = required is not None or nice is not None or excluded is not None
    explicit = overridden or requirements_explicit(
        origins=[s.origin for s in skills], description_text=job.description_text
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
    lists = _lists(stored)
    names = [t.name for t in stored if t.requirement != EXCLUDED]
    keywords = None if overridden else _stored_keywords(embedding)
    return JobSide(
        text=f"{job.title}\n{job.description_text}",
        vector=vector,
        category=job.category.slug if job.category_id else None,
        category_confidence=job.category_confidence,
        years_required=job.years_required,
        keywords=keywords or keyword_model_get().vector(job_keyword_text(job, names)),
        required_vectors=_required_vectors(lists["required"], embedding),
        explicit=explicit,
        **lists,
    )


def job_requirements(job: Job, *, required=None, nice=None, excluded=None) -> Requirements:
    embedding = (
        JobEmbedding.objects.filter(job=job, model_id=embedder_get().model_id)
        .defer(*_SCORING_FIELDS)
        .first()
    )
    skills = JobSkill.objects.filter(job=job).matching_terms()
    return _requirements_of(job, embedding, skills, required=required, nice=nice, excluded=excluded)


def jobs_requirements(jobs: Sequence[Job]) -> dict[int, Requirements]:
    """The requirements of many jobs in two queries; jobs without a usable embedding left out."""
    ids = [j.pk for j in jobs]
    embeddings = {
        e.job_id: e
        for e in JobEmbedding.objects.filter(
            job_id__in=ids, model_id=embedder_get().model_id
        ).defer(*_SCORING_FIELDS)
    }
    skills: dict[int, list[MatchingTerm]] = {pk: [] for pk in ids}
    for term in JobSkill.objects.filter(job_id__in=ids).matching_terms():
        skills[term.job_id].append(term)
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
    job_text_check(title=title, description=description)
    text = f"{title}\n{description}".strip()
    terms = terms_resolve(required=must_have, nice=nice_to_have, excluded=exclude)
    if not must_have:
        keys = {t.key for t in terms}
        terms += [
            t
            for t in terms_from_text(description, title=title)
            if t.key not in keys and t.requirement == REQUIRED
        ]
    doc = embedder_get().encode_documents([text])[0]
    lists = _lists(terms)
    names = [t.name for t in terms if t.requirement != EXCLUDED]
    return JobSide(
        text=text,
        vector=doc.vector,
        years_required=years_required_of(text),
        keywords=keyword_model_get().vector("\n".join([text, *names])),
        required_vectors=_required_vectors(lists["required"]),
        explicit=bool(must_have) or looks_like_term_list(description),
        **lists,
    )


# -- keys: what a requirement is called in the stores -----------------------------------------
def _keys(names: Sequence[str], free_text: frozenset[str]) -> dict[str, int]:
    """Taxonomy names -> skill ids, free-text terms -> their negative term ids."""
    ids = skill_ids_by_name([n for n in names if n not in free_text])
    out = {}
    for name in names:
        if name in free_text:
            out[name] = term_id(name)
        elif name.lower() in ids:
            out[name] = ids[name.lower()]
        else:
            out[name] = term_id(name)  # a name the taxonomy lost since: matched as text
    return out


def _have(pool: PoolArrays, free_text: Sequence[str], texts: dict[int, str]) -> list[set[int]]:
    """Per pooled resume: its skill ids plus the ids of the free-text terms found in its text."""
    have = [set(s.tolist()) for s in pool.skill_ids]
    if free_text:
        ids = {t: term_id(t) for t in free_text}
        for i, doc_id in enumerate(pool.ids.tolist()):
            have[i] |= {ids[t] for t in find_terms(texts.get(doc_id, ""), free_text)}
    return have


# -- retrieval --------------------------------------------------------------------------------
def _lexical_query(text: str) -> str:
    """The text's rarest words (by the keyword model's weights), at most LEXICAL_QUERY_WORDS."""
    model = keyword_model_get()
    words = dict.fromkeys(keyword_tokens(text))
    weight = {
        w: float(model.idf_[model.vocabulary_[w]]) if w in model.vocabulary_ else 0.0 for w in words
    }
    return " ".join(sorted(words, key=lambda w: -weight[w])[:LEXICAL_QUERY_WORDS])


def _lexical_rows(kind: str, text: str, size: int, mask: np.ndarray) -> list[int]:
    """Store rows BM25 ranks first for ``text`` among the rows ``mask`` allows."""
    if not settings.MATCH_LEXICAL_CHANNEL or not mask.any():
        return []
    found = lexical_get(kind)
    if found is None:
        return []
    index, rows = found
    scores = index.scores(_lexical_query(text))
    if not len(scores):
        return []
    usable = (rows >= 0) & (scores > 0)
    usable[usable] &= mask[rows[usable]]
    hits = np.flatnonzero(usable)
    if not len(hits):
        return []
    order = hits[np.lexsort((rows[hits], -scores[hits]))][:size]
    return rows[order].tolist()


def _pool_rows(kind: str, store: DocumentStore, vector, text: str, mask: np.ndarray) -> np.ndarray:
    """The pool: the dense and BM25 rankings of the allowed rows, fused by reciprocal rank."""
    size = pool_size()
    dense = store.search(vector, size, mask).tolist()
    lexical = _lexical_rows(kind, text, size, mask)
    if not lexical:
        return np.asarray(dense[:size], dtype=np.int64)
    fused = reciprocal_rank_fusion([dense, lexical])
    return np.asarray([row for row, _ in fused[:size]], dtype=np.int64)


def _fresh_pool(kind: str, ids: Sequence[int]) -> PoolArrays:
    """The rows of the given documents as the store keeps them: from the shared store when it
    holds all of them, else from the database through the same columns (so the values, float16
    passages included, are the same either way)."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    store = store_get(kind)
    positions = store.positions(ids)
    if len(positions) == len(ids) and (
        kind != "resume" or store.columns["active"][positions].all()
    ):
        return store.gather(positions)
    model_id = embedder_get().model_id
    rows = _resume_rows(ids, model_id) if kind == "resume" else _job_rows(ids, model_id)[0]
    temp = DocumentStore.build(rows, dim=embedder_get().dim, meta={})
    return temp.gather(temp.positions(ids))


def _order(scores: PoolScores, ids: np.ndarray) -> np.ndarray:
    """Best first: total, then the document cosine, then the smaller id."""
    return np.lexsort((ids, -scores.cosines, -scores.totals))


# -- results ----------------------------------------------------------------------------------
def _resume_skills(ids: Sequence[int]) -> dict[int, list[SkillMatch]]:
    out: dict[int, list[SkillMatch]] = {i: [] for i in ids}
    rows = ResumeSkill.objects.filter(resume_id__in=ids).values_list(
        "resume_id", "skill__name", "skill__kind", "spans"
    )
    for resume_id, name, kind, spans in rows:
        out[resume_id].append(
            SkillMatch(name=name, kind=kind, spans=tuple(tuple(s) for s in spans))
        )
    return out


def _resume_side(resume: Resume, pool: PoolArrays, i: int, skills: list[SkillMatch]) -> ResumeSide:
    return ResumeSide(
        text=resume.text,
        vector=pool.vectors[i],
        chunks=pool.chunks[i],
        skills=skills,
        category=resume.category.slug if resume.category_id else None,
        category_confidence=resume.category_confidence,
        years_experience=resume.years_experience,
        keywords=pool.keywords[i],
    )


def _score_pair(
    req: Requirements, side: ResumeSide
) -> tuple[ScoreBreakdown, float, list[SkillMatch]]:
    """Score one pair: the breakdown, the document cosine and the evidence (the resume's
    taxonomy skills plus the free-text terms found in it)."""
    evidence = pair_evidence(req, side)
    signals = pair_signals(req, side, evidence)
    return score(signals, weights().for_job(req.explicit)), signals.doc_similarity, evidence


def _explain(
    req: Requirements,
    resume: Resume,
    skills,
    breakdown: ScoreBreakdown,
    *,
    resume_sentences: Sentences | None,
    job_sentences: Sentences | None,
) -> dict:
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
        resume_sentences=resume_sentences,
        job_sentences=job_sentences,
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


def _sentences_of(model, owner: str, ids: Sequence[int], texts: dict[int, str]) -> dict:
    rows = model.objects.filter(
        **{f"{owner}_id__in": list(ids), "model_id": embedder_get().model_id}
    ).only(f"{owner}_id", "sentences", "sentence_spans", "sentences_codec")
    return {
        getattr(r, f"{owner}_id"): sentences_stored(r, texts[getattr(r, f"{owner}_id")])
        for r in rows
    }


def _job_sentences(req: Requirements, job: Job | None) -> Sentences:
    """The job's sentences: stored with its embedding, else encoded now (a pasted JD)."""
    if job is not None:
        stored = _sentences_of(JobEmbedding, "job", [job.pk], {job.pk: req.text})
        if stored.get(job.pk) is not None:
            return stored[job.pk]
    return sentences_now(req.text)


def _resume_results(
    req: Requirements,
    job: Job | None,
    pool: PoolArrays,
    scores: PoolScores,
    k: int | None,
    explain_top: int,
) -> list[MatchResult]:
    """The first ``k`` of the pool, each scored exactly and the first ``explain_top`` explained."""
    order = _order(scores, pool.ids)
    # A little more than k: the exact score decides the order at the edge of the page.
    head = order if k is None else order[: k + 5]
    ids = pool.ids[head].tolist()
    resumes = Resume.objects.select_related("category").defer(*_RESULT_DEFERRED).in_bulk(ids)
    skills = _resume_skills(ids)
    scored = []
    for i, doc_id in zip(head.tolist(), ids, strict=True):
        resume = resumes.get(doc_id)
        if resume is None:
            continue  # deleted since the store was written
        breakdown, sim, evidence = _score_pair(req, _resume_side(resume, pool, i, skills[doc_id]))
        scored.append((breakdown, sim, resume, evidence))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    scored = scored if k is None else scored[:k]
    explained = [r.pk for _, _, r, _ in scored[:explain_top]]
    texts = {r.pk: r.text for _, _, r, _ in scored[:explain_top]}
    resume_sentences = _sentences_of(ResumeEmbedding, "resume", explained, texts)
    job_sentences = _job_sentences(req, job) if explained else None
    return [
        MatchResult(
            job=job,
            resume=r,
            breakdown=b,
            similarity=s,
            explanation=_explain(
                req,
                r,
                ev,
                b,
                resume_sentences=resume_sentences.get(r.pk),
                job_sentences=job_sentences,
            )
            if n < explain_top
            else None,
        )
        for n, (b, s, r, ev) in enumerate(scored)
    ]


def _score_resume_pool(req: Requirements, job: Job | None, pool: PoolArrays) -> PoolScores:
    free = sorted(req.free_text)
    texts = (
        dict(Resume.objects.filter(pk__in=pool.ids.tolist()).values_list("id", "text"))
        if free
        else {}
    )
    keys = _keys([*req.required, *req.nice, *req.excluded], req.free_text)
    return score_pool(
        weights=weights().for_job(req.explicit),
        job_vector=req.vector,
        job_keywords=req.keywords,
        required_vectors=req.required_vectors,
        required=[keys[n] for n in req.required],
        nice=[keys[n] for n in req.nice],
        excluded=[keys[n] for n in req.excluded],
        vectors=pool.vectors,
        chunks=pool.chunks,
        keywords=pool.keywords,
        have=_have(pool, free, texts),
        categories=pool.category,
        category_confidence=pool.category_confidence,
        years=pool.years,
        job_category=job.category_id if job is not None and job.category_id else -1,
        job_category_confidence=req.category_confidence,
        years_required=req.years_required,
    )


# -- the services -----------------------------------------------------------------------------
def rank_resumes(
    *,
    requirements: Requirements,
    resumes: QuerySet[Resume] | Sequence[Resume],
    job: Job | None = None,
    explain_top: int = 10,
    limit: int | None = None,
) -> MatchPage:
    """Score every given resume against the requirements, best first (ties by id)."""
    given = [r.pk for r in resumes]
    ready = list(
        Resume.objects.filter(
            pk__in=given, status=Resume.Status.READY, anonymised_at=None
        ).values_list("id", flat=True)
    )
    pool = _fresh_pool("resume", ready) if ready else None
    results = []
    if pool is not None and len(pool.ids):
        scores = _score_resume_pool(requirements, job, pool)
        results = _resume_results(requirements, job, pool, scores, limit, explain_top)
    return MatchPage(
        results=results,
        model_version=model_version_label(),
        total_candidates=len(given),
    )


def candidates_for_job(
    *,
    job: Job,
    scope: ResumeScope,
    k: int = 10,
    required=None,
    nice=None,
    excluded=None,
    explain_top: int = 10,
) -> MatchPage:
    """The best candidates for ``job`` among the resumes ``scope`` allows.

    The pool that is scored does not depend on ``k``: the same resume gets the same score and
    rank whatever ``k`` is, and a larger ``k`` only adds results after the first ones.
    """
    _check_k(k)
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    store = store_get("resume")
    if scope.empty or scope.teams == ():
        mask = np.zeros(len(store), dtype=bool)
    else:
        mask = store.mask(
            groups=scope.teams,
            category=scope.category_id,
            skill=scope.skill_id,
            exclude=scope.exclude,
        )
    query = " ".join([req.text, *req.required, *req.nice])
    rows = _pool_rows("resume", store, req.vector, query, mask)
    results = []
    if len(rows):
        pool = store.gather(rows)
        scores = _score_resume_pool(req, job, pool)
        results = _resume_results(req, job, pool, scores, k, min(explain_top, k))
    return MatchPage(
        results=results, model_version=model_version_label(), total_candidates=int(mask.sum())
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
    me = _fresh_pool("resume", [resume.pk])
    store = store_get("job")
    mask = np.zeros(len(store), dtype=bool)
    # Unordered: the ids come from an index alone ((team, status)); the order is the store's.
    mask[store.positions(jobs.order_by().values_list("id", flat=True))] = True
    rows = _pool_rows("job", store, me.vectors[0], resume.text, mask)
    results = []
    if len(rows):
        pool = store.gather(rows, passages=False)
        terms = store_terms("job")
        keys = np.concatenate([reqs[:, 0] for reqs in pool.requirements])
        pool_terms = sorted({terms[r] for r in np.unique(keys[keys < 0]).tolist() if r in terms})
        found = set(find_terms(resume.text, pool_terms)) if pool_terms else set()
        have = set(me.skill_ids[0].tolist()) | {term_id(t) for t in found}
        w = weights()
        scores = score_jobs(
            weights=[w.for_job(bool(e)) for e in pool.explicit],
            resume_vector=me.vectors[0],
            resume_chunks=me.chunks[0],
            resume_keywords=me.keywords[0],
            have=have,
            resume_category=int(me.category[0]),
            resume_category_confidence=None
            if np.isnan(me.category_confidence[0])
            else float(me.category_confidence[0]),
            resume_years=None if np.isnan(me.years[0]) else float(me.years[0]),
            vectors=pool.vectors,
            keywords=pool.keywords,
            requirements=pool.requirements,
            requirement_vectors=pool.requirement_vectors,
            categories=pool.category,
            category_confidence=pool.category_confidence,
            years_required=pool.years,
        )
        results = _job_results(resume, me, pool, scores, k, min(explain_top, k))
    return MatchPage(
        results=results, model_version=model_version_label(), total_candidates=int(mask.sum())
    )


def _job_results(
    resume: Resume,
    me: PoolArrays,
    pool: PoolArrays,
    scores: PoolScores,
    k: int,
    explain_top: int,
) -> list[MatchResult]:
    order = _order(scores, pool.ids)[: k + 5]
    ids = pool.ids[order].tolist()
    jobs = Job.objects.select_related("category").in_bulk(ids)
    requirements = jobs_requirements([jobs[i] for i in ids if i in jobs])
    side = _resume_side(resume, me, 0, _resume_skills([resume.pk])[resume.pk])
    scored = []
    for doc_id in ids:
        req = requirements.get(doc_id)
        if req is None:
            continue
        breakdown, sim, evidence = _score_pair(req, side)
        scored.append((breakdown, sim, jobs[doc_id], req, evidence))
    scored.sort(key=lambda t: (-t[0].total, -t[1], t[2].pk))
    scored = scored[:k]
    explained = [j.pk for _, _, j, _, _ in scored[:explain_top]]
    job_texts = {j.pk: req.text for _, _, j, req, _ in scored[:explain_top]}
    job_sentences = _sentences_of(JobEmbedding, "job", explained, job_texts)
    resume_sentences = (
        _sentences_of(ResumeEmbedding, "resume", [resume.pk], {resume.pk: resume.text}).get(
            resume.pk
        )
        if explained
        else None
    )
    return [
        MatchResult(
            job=job,
            resume=resume,
            breakdown=b,
            similarity=s,
            explanation=_explain(
                req,
                resume,
                ev,
                b,
                resume_sentences=resume_sentences,
                job_sentences=job_sentences.get(job.pk),
            )
            if n < explain_top
            else None,
        )
        for n, (b, s, job, req, ev) in enumerate(scored)
    ]


def judged_queries(pairs: Iterable[tuple[int, int, int]]) -> list[dict]:
    """Recruiters' decisions, ``(job_id, resume_id, label)``, as the `weights` stage reads them
    (mlcore.pipelines.weights): one query per job with candidates of both labels, holding each
    decided candidate's part values as the app scores the pair now (None where a part has no
    evidence), the labels, and whether the job's requirements were written by a person.
    Candidates no longer matchable (erased, anonymised) and jobs without a vector are left out."""
    by_job: dict[int, dict[int, int]] = {}
    for job_id, resume_id, label in pairs:
        by_job.setdefault(job_id, {})[resume_id] = int(label)
    wanted = [j for j, labels in by_job.items() if len(set(labels.values())) > 1]
    jobs = Job.objects.in_bulk(wanted)
    resume_ids = sorted({r for j in wanted for r in by_job[j]})
    pool = _fresh_pool("resume", resume_ids)
    resumes = Resume.objects.select_related("category").in_bulk([int(i) for i in pool.ids])
    skills = _resume_skills(list(resumes))
    position = {int(rid): i for i, rid in enumerate(pool.ids)}
    out = []
    for job_id in sorted(jobs):
        try:
            req = job_requirements(jobs[job_id])
        except ApplicationError:
            continue  # not embedded with the current model
        values, labels = [], []
        for resume_id, label in sorted(by_job[job_id].items()):
            if resume_id not in position or resume_id not in resumes:
                continue
            side = _resume_side(resumes[resume_id], pool, position[resume_id], skills[resume_id])
            parts = part_values(pair_signals(req, side, pair_evidence(req, side)))
            values.append([parts[name] for name in WEIGHT_NAMES])
            labels.append(label)
        if len(set(labels)) > 1:
            out.append(
                {"job": job_id, "explicit": req.explicit, "values": values, "labels": labels}
            )
    return out


def explain_pair(
    *, job: Job, resume: Resume, required=None, nice=None, excluded=None
) -> MatchResult:
    req = job_requirements(job, required=required, nice=nice, excluded=excluded)
    row = ResumeEmbedding.objects.filter(resume=resume, model_id=embedder_get().model_id).first()
    _vectors(row, "resume")  # 409 when missing or damaged
    pool = _fresh_pool("resume", [resume.pk])
    if not len(pool.ids):
        raise ApplicationError(
            "This candidate cannot be matched (not ready, or anonymised).",
            code="not_ready",
            status=409,
        )
    side = _resume_side(resume, pool, 0, _resume_skills([resume.pk])[resume.pk])
    breakdown, sim, evidence = _score_pair(req, side)
    return MatchResult(
        job=job,
        resume=resume,
        breakdown=breakdown,
        similarity=sim,
        explanation=_explain(
            req,
            resume,
            evidence,
            breakdown,
            resume_sentences=_sentences_of(
                ResumeEmbedding, "resume", [resume.pk], {resume.pk: resume.text}
            ).get(resume.pk),
            job_sentences=_job_sentences(req, job),
        ),
    )
