"""Ingestion of job postings from a source: one IngestionRun per run, idempotent, counted.

fetch -> normalise (adapters in recruiting.sources) -> upsert by (source, external id) with a
content hash -> close what a full listing no longer has -> skills and embedding for new/changed.
"""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from config.celery import task_named
from recruiting.models import IngestionRun, Job, JobSource
from recruiting.services import jobs as job_services
from recruiting.services.runs import run_claim, run_finish, run_lease, run_requeue
from recruiting.services.snapshots import snapshot_append
from recruiting.sources import (
    FetchPolicy,
    SourceConfig,
    SourceError,
    TransientSourceError,
    fetch_postings,
)

logger = logging.getLogger(__name__)

EMBED_BATCH = 32
# A dropped connection (or a statement timeout) is the database's fault, not the posting's.
DATABASE_CONNECTION_ERRORS = (OperationalError, InterfaceError)


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        allow_private=getattr(settings, "INGEST_ALLOW_PRIVATE", False),
        allowed_hosts=tuple(getattr(settings, "INGEST_ALLOWED_HOSTS", ())),
    )


def source_config(source: JobSource) -> SourceConfig:
    return SourceConfig(
        kind=source.kind,
        url=source.url,
        board_token=source.board_token,
        field_map=dict(source.field_map or {}),
        etag=source.etag,
        last_modified=source.last_modified,
        drop_root=str(settings.FILE_DROP_DIR),
    )


def ingestion_enqueue(*, source: JobSource, trigger: str = "manual") -> IngestionRun:
    """Record a queued run and hand it to a worker once the transaction commits."""
    run = IngestionRun.objects.create(source=source, trigger=trigger)
    task_named("recruiting.tasks.ingest_source_task").delay_on_commit(run.pk)
    return run


def ingestion_run(
    *, run_id: int, progress=None, retryable: bool = False, retry_in: float = 0.0
) -> IngestionRun:
    """Carry out a queued run. Running it again after it finished changes nothing.

    With ``retryable``, a transient fetch failure (timeouts, 5xx, 429 after the fetch layer's own
    retries) or a dropped database connection puts the run back in the queue (for a retry in
    about ``retry_in`` seconds) and re-raises, so the task can retry it; without it the run is
    marked failed, never left "running". A run stopped at the task's soft time limit is failed
    with that reason; one whose worker died is taken over once its lease passes (see
    ``recruiting.services.runs``).
    """
    run = IngestionRun.objects.select_related("source").get(pk=run_id)
    if not run_claim(run):
        if run.status == IngestionRun.Status.SKIPPED:
            JobSource.objects.filter(pk=run.source_id).update(
                last_run_state=JobSource.RunState.SKIPPED
            )
        return run
    try:
        with run_lease(run):
            return _ingest(run, progress=progress, retryable=retryable, retry_in=retry_in)
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        return _finish(
            run,
            status=IngestionRun.Status.FAILED,
            message=f"Stopped at the time limit ({limit} s).",
        )
    except DATABASE_CONNECTION_ERRORS as exc:
        # A run left "running" would block every later run of its source: reconnect, record it.
        if not connection.in_atomic_block:
            connection.close()
        message = f"Database connection lost: {exc}"
        if retryable:
            run_requeue(run, message=f"Will retry: {message}", retry_in=retry_in)
        else:
            _finish(run, status=IngestionRun.Status.FAILED, message=message)
        raise


def _ingest(run: IngestionRun, *, progress, retryable: bool, retry_in: float) -> IngestionRun:
    source = run.source
    try:
        result = fetch_postings(source_config(source), policy=fetch_policy())
    except TransientSourceError as exc:
        if retryable:
            run_requeue(run, message=f"Will retry: {exc}", retry_in=exc.retry_after or retry_in)
            raise
        return _finish(run, status=IngestionRun.Status.FAILED, message=str(exc))
    except SourceError as exc:
        return _finish(run, status=IngestionRun.Status.FAILED, message=str(exc))
    if result.not_modified:
        _update_source(source, result)
        return _finish(
            run, status=IngestionRun.Status.SUCCEEDED, message="Not modified since the last run."
        )

    errors = [{"external_id": e.external_id, "message": e.message} for e in result.errors]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": len(result.errors)}
    IngestionRun.objects.filter(pk=run.pk).update(total=len(result.postings))
    changed: list[Job] = []
    for i, posting in enumerate(result.postings, start=1):
        try:
            job, outcome = job_services.job_upsert(
                source=source, posting=posting, category_slug=posting.raw_category
            )
        except (*DATABASE_CONNECTION_ERRORS, SoftTimeLimitExceeded):
            raise  # not the posting's fault: the whole run is retried (upserts are idempotent)
        except Exception as exc:  # one malformed posting is recorded; the rest go in
            logger.warning(
                "posting %s of source %s failed: %s", posting.external_id, source.pk, exc
            )
            counts["failed"] += 1
            errors.append(
                {
                    "external_id": posting.external_id,
                    "message": f"{type(exc).__name__}: {exc}"[:500],
                }
            )
            continue
        counts[outcome] += 1
        if outcome != job_services.UNCHANGED:
            changed.append(job)
        if len(changed) >= EMBED_BATCH:
            job_services.jobs_embed(changed)
            changed = []
        if i % 10 == 0 or i == len(result.postings):
            IngestionRun.objects.filter(pk=run.pk).update(processed=i, **counts)
            if progress:
                progress(i, len(result.postings))
    if changed:
        job_services.jobs_embed(changed)
    closed = 0
    if result.complete_listing:
        # A posting that exists at the source but failed to parse is not missing: keep it open.
        seen = {p.external_id for p in result.postings} | {
            e.external_id for e in result.errors if e.external_id
        }
        closed = job_services.jobs_close_missing(source=source, seen_ids=seen)
    _update_source(source, result)
    IngestionRun.objects.filter(pk=run.pk).update(closed=closed, errors=errors[:200], **counts)
    run.refresh_from_db()
    if counts["created"] or counts["updated"] or closed:
        snapshot_append(
            run=run, jobs=Job.objects.filter(source=source, updated_at__gte=run.started_at)
        )
    return _finish(run, status=IngestionRun.Status.SUCCEEDED)


def _update_source(source: JobSource, result) -> None:
    JobSource.objects.filter(pk=source.pk).update(
        etag=(result.etag or source.etag)[:300],
        last_modified=(result.last_modified or source.last_modified)[:100],
    )


def _finish(run: IngestionRun, *, status: str, message: str = "") -> IngestionRun:
    if not run_finish(run, status=status, message=message):
        return run  # another worker took the run over: its outcome stands
    state = (
        JobSource.RunState.SUCCEEDED
        if status == IngestionRun.Status.SUCCEEDED
        else JobSource.RunState.FAILED
    )
    JobSource.objects.filter(pk=run.source_id).update(
        last_run_at=run.finished_at, last_run_state=state
    )
    return run


def ingestion_run_now(
    *, source: JobSource, trigger: str = "command", progress=None
) -> IngestionRun:
    """Create and carry out a run in this process (management command, demo loader)."""
    run = IngestionRun.objects.create(source=source, trigger=trigger)
    return ingestion_run(run_id=run.pk, progress=progress)
