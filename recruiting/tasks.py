"""Celery tasks of the recruiting app: take ids, re-fetch, call one service, return.

Fetch retries (timeouts, 5xx, 429) happen inside the fetch layer with backoff; a run that still
fails transiently is retried by Celery a bounded number of times, then recorded as failed.

Every task here is safe to run twice (claims and content hashes), so all use acks_late with
reject_on_worker_lost: a worker killed mid-task has its task redelivered, not lost.
"""

from __future__ import annotations

from celery import shared_task

from recruiting.models import JobSource
from recruiting.services.files import orphan_files_sweep
from recruiting.services.ingestion import (
    DATABASE_CONNECTION_ERRORS,
    ingestion_run,
    ingestion_run_now,
)
from recruiting.services.jobs import job_process
from recruiting.services.recovery import documents_requeue_stale
from recruiting.services.resumes import resume_process
from recruiting.services.runs import run_held_for
from recruiting.sources import TransientSourceError

IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**IDEMPOTENT)
def resume_process_task(resume_id: int) -> None:
    resume_process(resume_id=resume_id)


@shared_task(**IDEMPOTENT)
def job_process_task(job_id: int) -> None:
    job_process(job_id=job_id)


@shared_task(**IDEMPOTENT)
def documents_requeue_stale_task() -> dict:
    done = documents_requeue_stale()
    return {"resumes": done.resumes, "jobs": done.jobs, "runs": done.runs}


@shared_task(**IDEMPOTENT)
def orphan_files_sweep_task() -> int:
    """Beat entry point: delete resume files that no resume owns (a killed upload's)."""
    return len(orphan_files_sweep())


@shared_task(bind=True, max_retries=3, **IDEMPOTENT)
def ingest_source_task(self, run_id: int) -> str:
    # In-process (eager) tasks cannot wait for a retry: the request that sent them would carry
    # Celery's Retry out as an error. A transient failure there ends the run as failed, with its
    # reason (the fetch layer has retried with backoff already).
    retryable = not self.request.is_eager and self.request.retries < self.max_retries
    countdown = 30 * 2**self.request.retries
    try:
        run = ingestion_run(run_id=run_id, retryable=retryable, retry_in=countdown)
    except TransientSourceError as exc:
        raise self.retry(exc=exc, countdown=exc.retry_after or countdown) from exc
    except DATABASE_CONNECTION_ERRORS as exc:
        if not retryable:
            raise  # the run is failed with the reason
        # The run is back in the queue; a dropped connection usually heals within seconds.
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    held = run_held_for(run)
    if held is not None and retryable:
        # Another worker holds the run: alive, the retry finds it finished and changes
        # nothing; killed (this message was redelivered), the retry takes it over.
        raise self.retry(countdown=held + 1)
    return run.status


@shared_task(**IDEMPOTENT)
def ingest_source_scheduled(source_id: int) -> int | None:
    """Beat entry point: carry out a run of the source, unless it was disabled or deleted."""
    source = JobSource.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    return ingestion_run_now(source=source, trigger="schedule").pk
