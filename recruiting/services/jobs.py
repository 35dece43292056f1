"""Job workflow: upsert postings by (source, external id) with a content hash, skills, embedding;
recruiters' jobs: create, edit, close, reopen, and requirement edits recorded with who and when."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.celery import task_named
from config.exceptions import ApplicationError
from mlcore.embeddings.text import has_words
from mlcore.jobtext import years_required_of
from recruiting.models import AuditEvent, Category, Job, JobEmbedding, JobSource, user_team_id
from recruiting.services.classification import documents_classify
from recruiting.services.embedding import embedder_get, embeddings_store
from recruiting.services.requirements import (
    EXCLUDED,
    NICE,
    REQUIRED,
    Term,
    job_keyword_text,
    job_requirements_extract,
    job_set_requirements,
    job_terms,
    jobs_requirements_encode,
)
from recruiting.services.teams import job_edit_check
from recruiting.sources import NormalizedPosting
from recruiting.sources.sanitize import description_to_html, html_to_text

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# A job's fields that ``job_update`` takes as they are; with its text they make its content hash.
EDITABLE = ("title", "company", "location", "remote", "url")

logger = logging.getLogger(__name__)


def content_hash_of(
    *, title: str, company: str, location: str, remote: bool, text: str, url: str
) -> str:
    payload = "\x1f".join([title, company, location, str(remote), text, url])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def job_text_has_words(*, title: str, description: str) -> bool:
    """Whether a job's title and description hold a letter or digit: without one the embedder
    has nothing to embed, so the job could never be matched."""
    return has_words(f"{title}\n{description}")


def job_text_check(*, title: str, description: str) -> None:
    """Refuse a job (saved or typed in for one ranking) whose title and description hold no
    letter or digit (``job_text_has_words``).

    Raises ``ApplicationError`` (400) naming both fields: either one may supply the words.
    """
    if not job_text_has_words(title=title, description=description):
        hint = "Write what the job is: letters or digits, not only symbols."
        raise ApplicationError(
            "Describe the job: its title or description needs at least one letter or digit.",
            code="empty",
            extra={"fields": {"title": [hint], "description": [hint]}},
        )


def job_upsert(
    *, source: JobSource, posting: NormalizedPosting, category_slug: str = ""
) -> tuple[Job, str]:
    """Insert or update one posting; an unchanged content hash changes nothing."""
    job = Job.objects.filter(source=source, external_id=posting.external_id).first()
    if (
        job is not None
        and job.content_hash == posting.content_hash
        and job.status == Job.Status.OPEN
    ):
        return job, UNCHANGED
    outcome = CREATED if job is None else UPDATED
    job = job or Job(source=source, external_id=posting.external_id)
    job.team_id = source.team_id  # postings belong to the team that owns their source
    job.title = posting.title[:300]
    job.company = posting.company[:200]
    job.location = posting.location[:200]
    job.remote = posting.remote
    job.description_html = posting.description_html
    job.description_text = posting.description_text
    job.url = posting.url[:500]
    job.posted_at = posting.posted_at
    job.status = Job.Status.OPEN
    job.closed_at = None
    job.content_hash = posting.content_hash
    job.years_required = years_required_of(posting.description_text)
    if category_slug and job.category_id is None:
        job.category = Category.objects.filter(slug=category_slug).first()
    with transaction.atomic():
        job.full_clean(validate_unique=False, validate_constraints=False)
        job.save()
        job_requirements_extract(job)
    return job, outcome


def job_create(
    *,
    owner,
    title: str,
    description: str,
    company: str = "",
    location: str = "",
    remote: bool = False,
    url: str = "",
    must_have: Sequence[str] = (),
    nice_to_have: Sequence[str] = (),
    exclude: Sequence[str] = (),
    external_id: str = "",
    team=None,
) -> Job:
    """A job entered by a recruiter (API or page) for their team (or ``team``): description is
    plain text or HTML. Requirement lists given replace those read from the description; a list
    left empty keeps what the description says."""
    if not title.strip():
        raise ApplicationError(
            "A job needs a title.", code="invalid", extra={"fields": {"title": ["Required."]}}
        )
    html = description_to_html(description)
    text = html_to_text(html)
    job_text_check(title=title, description=text)
    job = Job(
        owner=owner,
        team_id=team.pk if team is not None else user_team_id(owner),
        external_id=external_id or uuid.uuid4().hex,
        title=title.strip()[:300],
        company=company[:200],
        location=location[:200],
        remote=remote,
        url=url,
        description_html=html,
        description_text=text,
        years_required=years_required_of(text),
    )
    job.content_hash = content_hash_of(
        title=job.title, company=company, location=location, remote=remote, text=text, url=url
    )
    with transaction.atomic():
        job.full_clean()
        job.save()
        job_requirements_extract(job)
        if must_have or nice_to_have or exclude:
            # A list left empty is the one read from the description.
            read = requirements_snapshot(job_terms(job))
            job_set_requirements(
                job=job,
                required=must_have or read[REQUIRED],
                nice=nice_to_have or read[NICE],
                excluded=exclude or read[EXCLUDED],
            )
    task_named("recruiting.tasks.job_process_task").delay_on_commit(job.pk)
    return job


IDEMPOTENCY_PREFIX = "key:"


def job_create_once(*, owner, idempotency_key: str, **fields) -> tuple[Job, bool]:
    """``job_create`` that a client may retry: the same key from the same owner gives the job
    created the first time (``created`` False), even when two tries race."""
    external_id = f"{IDEMPOTENCY_PREFIX}{idempotency_key}"
    existing = Job.objects.filter(owner=owner, source=None, external_id=external_id).first()
    if existing is not None:
        return existing, False
    try:
        return job_create(owner=owner, external_id=external_id, **fields), True
    except (IntegrityError, ValidationError):
        existing = Job.objects.filter(owner=owner, source=None, external_id=external_id).first()
        if existing is None:
            raise
        return existing, False


def _board_posting_check(job: Job, verb: str) -> None:
    """A board's posting follows its board: an edit or a close here would be undone by the
    next ingestion run. Its requirements are the team's to change."""
    if job.source_id is not None:
        raise ApplicationError(
            f"This posting comes from {job.source}: it cannot be {verb} here, only its "
            "requirements can. It closes by itself when the board removes it.",
            code="board_posting",
        )


def job_update(
    *,
    job: Job,
    actor=None,
    must_have: Sequence[str] | None = None,
    nice_to_have: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    description: str | None = None,
    **fields,
) -> Job:
    """Change a job's fields; a new description re-extracts skills and re-embeds. With an
    ``actor``, only the owning team (or staff) may, and requirement changes are recorded."""
    if actor is not None:
        job_edit_check(job=job, user=actor)
    _board_posting_check(job, "edited")
    for name in EDITABLE:
        if name in fields:
            setattr(job, name, fields[name])
    if description is not None:
        job.description_html = description_to_html(description)
        job.description_text = html_to_text(job.description_html)
        job.years_required = years_required_of(job.description_text)
    job_text_check(title=job.title, description=job.description_text)
    job.content_hash = content_hash_of(
        **{name: getattr(job, name) for name in EDITABLE}, text=job.description_text
    )
    with transaction.atomic():
        job.full_clean()
        job.save()
        job_requirements_extract(job)
        if must_have is not None or nice_to_have is not None or exclude is not None:
            job_requirements_update(
                job=job,
                actor=actor,
                required=must_have or (),
                nice=nice_to_have or (),
                excluded=exclude or (),
            )
    task_named("recruiting.tasks.job_process_task").delay_on_commit(job.pk)
    return job


def requirements_snapshot(terms: Sequence[Term]) -> dict[str, list[str]]:
    """The three requirement lists by name, as the audit log records them."""
    return {
        kind: [t.name for t in terms if t.requirement == kind]
        for kind in (REQUIRED, NICE, EXCLUDED)
    }


@transaction.atomic
def job_requirements_update(
    *,
    job: Job,
    actor,
    required: Sequence[str],
    nice: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> list[Term]:
    """A recruiter replaces a job's must-have / nice-to-have / excluded lists.

    Only the team that owns the job (or staff) may (``ApplicationError`` 403; ``actor`` None is
    the system). Unknown terms are kept as free text (see ``job_set_requirements``). A change is
    recorded in the audit log with who, when, and the lists before and after.
    """
    if actor is not None:
        job_edit_check(job=job, user=actor)
    before = requirements_snapshot(job_terms(job))
    terms = job_set_requirements(job=job, required=required, nice=nice, excluded=excluded)
    after = requirements_snapshot(terms)
    if before != after:
        AuditEvent.objects.create(
            actor=actor,
            action=AuditEvent.Action.REQUIREMENTS_CHANGED,
            object_type="job",
            object_id=job.pk,
            details={"before": before, "after": after},
        )
    return terms


@transaction.atomic
def job_category_update(*, job: Job, actor, category: Category | None) -> Job:
    """A recruiter sets a job's category; the classifier never changes a chosen category again.
    ``None`` hands the job back to the classifier, which predicts it again after commit.

    Only the owning team (or staff) may (``actor`` None is the system); board postings too,
    since the category is the team's reading of the job, as its requirements are. A change is
    recorded in the audit log with who, when, before and after.
    """
    if actor is not None:
        job_edit_check(job=job, user=actor)
    job = Job.objects.select_for_update(of=("self",)).select_related("category").get(pk=job.pk)
    before = job.category.slug if job.category_id else None
    after = category.slug if category is not None else None
    manual = category is not None
    if before == after and job.category_manual == manual:
        return job
    job.category = category
    job.category_manual = manual
    job.category_confidence = None
    job.full_clean(validate_unique=False, validate_constraints=False)
    job.save(update_fields=["category", "category_manual", "category_confidence", "updated_at"])
    AuditEvent.objects.create(
        actor=actor,
        action=AuditEvent.Action.CATEGORY_CHANGED,
        object_type="job",
        object_id=job.pk,
        details={"before": before, "after": after},
    )
    if not manual:
        documents_classify(kind="job", ids=[job.pk])
    return job


def jobs_embed(jobs: list[Job]) -> None:
    """Embed jobs in one batch; jobs whose content already has a vector are skipped."""
    model_id = embedder_get().model_id
    have = set(
        JobEmbedding.objects.filter(job__in=jobs, model_id=model_id).values_list(
            "job_id", "content_hash"
        )
    )
    todo = [j for j in jobs if (j.pk, j.content_hash) not in have]
    # A job with no letters or digits (stored before the services refused them, or edited in
    # the admin) cannot be embedded: it stays unmatched, and the rest of the batch goes on.
    wordless = [
        j.pk for j in todo if not job_text_has_words(title=j.title, description=j.description_text)
    ]
    if wordless:
        logger.warning("jobs %s have no letters or digits to embed; left unmatched", wordless)
        todo = [j for j in todo if j.pk not in wordless]
    if todo:
        embeddings_store(
            model=JobEmbedding,
            owner_field="job",
            objects=todo,
            texts=[f"{j.title}\n{j.description_text}" for j in todo],
            keyword_texts=[job_keyword_text(j) for j in todo],
        )
        jobs_requirements_encode(todo)
    documents_classify(kind="job", ids=[j.pk for j in jobs])


def job_process(*, job_id: int) -> Job | None:
    job = Job.objects.filter(pk=job_id).first()
    if job is not None:
        jobs_embed([job])
    return job


@transaction.atomic
def job_close(*, job: Job, actor=None) -> Job:
    if actor is not None:
        job_edit_check(job=job, user=actor)
    _board_posting_check(job, "closed")
    if job.status == Job.Status.CLOSED:
        return job
    job.status = Job.Status.CLOSED
    job.closed_at = timezone.now()
    # The job stays in the indexes: searches filter by status in the database, and a job that
    # reopens with the same content is not embedded again, so it must still be there.
    job.save(update_fields=["status", "closed_at", "updated_at"])
    return job


@transaction.atomic
def job_reopen(*, job: Job, actor=None) -> Job:
    """Open a closed job again; it is matched again at once (closed jobs stay indexed)."""
    if actor is not None:
        job_edit_check(job=job, user=actor)
    _board_posting_check(job, "reopened")
    if job.status == Job.Status.OPEN:
        return job
    job.status = Job.Status.OPEN
    job.closed_at = None
    job.save(update_fields=["status", "closed_at", "updated_at"])
    return job


def jobs_close_missing(*, source: JobSource, seen_ids: set[str]) -> int:
    """A posting missing from a full listing is closed, not deleted."""
    missing = Job.objects.open().filter(source=source).exclude(external_id__in=seen_ids)
    ids = list(missing.values_list("id", flat=True))
    if ids:
        Job.objects.filter(pk__in=ids).update(
            status=Job.Status.CLOSED, closed_at=timezone.now(), updated_at=timezone.now()
        )
    return len(ids)
