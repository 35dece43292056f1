"""Ingestion of job postings from a source: one IngestionRun per run, idempotent, counted.

fetch -> normalise (adapters in recruiting.sources) -> upsert by (source, external id) with a
content hash -> close what a full listing no longer has -> skills and embedding for new/changed.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from recruiting.models import IngestionRun, Job, JobSource
from recruiting.services import jobs as job_services
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
    from django.conf import settings

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
    )


def ingestion_enqueue(*, source: JobSource, trigger: str = "manual") -> IngestionRun:
    """Record a queued run and hand it to a worker once the transaction commits."""
    from recruiting.tasks import ingest_source_task

    run = IngestionRun.objects.create(source=source, trigger=trigger)
    ingest_source_task.delay_on_commit(run.pk)
    return run


def _claim(run: IngestionRun) -> bool:
    """Queued -> running. The partial unique index allows one running run per source."""
    try:
        with transaction.atomic():
            claimed = IngestionRun.objects.filter(
                pk=run.pk, status=IngestionRun.Status.QUEUED
            ).update(status=IngestionRun.Status.RUNNING, started_at=timezone.now())
    except IntegrityError:
        IngestionRun.objects.filter(pk=run.pk).update(
            status=IngestionRun.Status.SKIPPED,
            finished_at=timezone.now(),
            message="Another run of this source was in progress.",
        )
        JobSource.objects.filter(pk=run.source_id).update(last_run_state=JobSource.RunState.SKIPPED)
        return False
    return bool(claimed)


def ingestion_run(*, run_id: int, progress=None, retryable: bool = False) -> IngestionRun:
    """Carry out a queued run. Running it again after it finished changes nothing.

    With ``retryable``, a transient fetch failure (timeouts, 5xx, 429 after the fetch layer's own
    retries) or a dropped database connection puts the run back in the queue and re-raises, so
    the task can retry it later; without it the run is marked failed, never left "running".
    """
    run = IngestionRun.objects.select_related("source").get(pk=run_id)
    if run.status == IngestionRun.Status.RUNNING and _is_stale(run):
        # A worker died mid-run (acks_late redelivered it): take the run over.
        IngestionRun.objects.filter(pk=run.pk).update(status=IngestionRun.Status.QUEUED)
        run.refresh_from_db()
    if not _claim(run):
        run.refresh_from_db()
        return run
    try:
        return _ingest(run, progress=progress, retryable=retryable)
    except DATABASE_CONNECTION_ERRORS as exc:
        # A run left "running" would block every later run of its source: reconnect, record it.
        if not connection.in_atomic_block:
            connection.close()
        message = f"Database connection lost: {exc}"
        if retryable:
            IngestionRun.objects.filter(pk=run.pk).update(
                status=IngestionRun.Status.QUEUED, message=f"Will retry: {message}"[:2000]
            )
        else:
            _finish(run, status=IngestionRun.Status.FAILED, message=message)
        raise


def _ingest(run: IngestionRun, *, progress, retryable: bool) -> IngestionRun:
    source = run.source
    try:
        result = fetch_postings(source_config(source), policy=fetch_policy())
    except TransientSourceError as exc:
        if retryable:
            IngestionRun.objects.filter(pk=run.pk).update(
                status=IngestionRun.Status.QUEUED, message=f"Will retry: {exc}"[:2000]
            )
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
        except DATABASE_CONNECTION_ERRORS:
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
        from recruiting.services.snapshots import snapshot_append

        snapshot_append(
            run=run, jobs=Job.objects.filter(source=source, updated_at__gte=run.started_at)
        )
    return _finish(run, status=IngestionRun.Status.SUCCEEDED)


def _is_stale(run: IngestionRun) -> bool:
    from django.conf import settings

    age = (timezone.now() - (run.started_at or run.created_at)).total_seconds()
    return age > settings.CELERY_TASK_TIME_LIMIT


def _update_source(source: JobSource, result) -> None:
    JobSource.objects.filter(pk=source.pk).update(
        etag=(result.etag or source.etag)[:300],
        last_modified=(result.last_modified or source.last_modified)[:100],
    )


def _finish(run: IngestionRun, *, status: str, message: str = "") -> IngestionRun:
    now = timezone.now()
    IngestionRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=now, message=message[:2000]
    )
    state = (
        JobSource.RunState.SUCCEEDED
        if status == IngestionRun.Status.SUCCEEDED
        else JobSource.RunState.FAILED
    )
    JobSource.objects.filter(pk=run.source_id).update(last_run_at=now, last_run_state=state)
    run.refresh_from_db()
    return run


def ingestion_run_now(
    *, source: JobSource, trigger: str = "command", progress=None
) -> IngestionRun:
    """Create and carry out a run in this process (management command, demo loader)."""
    run = IngestionRun.objects.create(source=source, trigger=trigger)
    return ingestion_run(run_id=run.pk, progress=progress)
