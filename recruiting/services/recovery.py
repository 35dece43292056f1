"""Recovery: re-send the processing task of documents whose task was lost.

Rows commit before their task is published (``delay_on_commit``). A broker outage longer than
the publish retries, or a message lost with its broker, leaves a resume pending or a job without
an embedding for good, and an ingestion run queued for good; so does a worker that died beyond
redelivery while a resume was processing or a run was running. Beat runs this sweep every few
minutes; processing is idempotent (claims, content hashes), so a task sent twice does its work
once. Runs are recovered by ``recruiting.services.runs.runs_recover``, as retrain runs are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from config.celery import task_named
from recruiting.models import IngestionRun, Job, JobEmbedding, Resume
from recruiting.services.embedding import embedder_get
from recruiting.services.runs import runs_recover

# At most this many of each kind per sweep: a long outage is caught up over a few sweeps
# instead of flooding the broker at once.
BATCH = 500


@dataclass(frozen=True)
class Requeued:
    resumes: int
    jobs: int
    runs: int = 0


def documents_requeue_stale(*, now=None) -> Requeued:
    """Queue again the resumes, jobs and ingestion runs whose processing should have finished
    (or started) by now."""
    now = now or timezone.now()
    pending_cutoff = now - timedelta(seconds=settings.REQUEUE_PENDING_AFTER_SECONDS)
    # A resume still "processing" past the run lease lost its worker (processing takes seconds).
    processing_cutoff = now - timedelta(seconds=settings.RUN_LEASE_SECONDS)
    resume_ids = list(
        Resume.objects.filter(
            status=Resume.Status.PENDING, updated_at__lt=pending_cutoff
        ).values_list("id", flat=True)[:BATCH]
    ) + list(
        Resume.objects.filter(
            status=Resume.Status.PROCESSING, updated_at__lt=processing_cutoff
        ).values_list("id", flat=True)[:BATCH]
    )
    # A job counts as done when it has an embedding of its current text by the current model: an
    # edited job whose re-embedding task was lost still holds the old vector.
    current = JobEmbedding.objects.filter(
        job_id=OuterRef("pk"),
        model_id=embedder_get().model_id,
        content_hash=OuterRef("content_hash"),
    )
    job_ids = list(
        Job.objects.open()
        .filter(updated_at__lt=pending_cutoff)
        .exclude(Exists(current))
        .order_by("id")
        .values_list("id", flat=True)[:BATCH]
    )
    for pk in resume_ids:
        task_named("recruiting.tasks.resume_process_task").delay(pk)
    for pk in job_ids:
        task_named("recruiting.tasks.job_process_task").delay(pk)
    run_ids = runs_recover(
        IngestionRun, send=task_named("recruiting.tasks.ingest_source_task").delay, now=now
    )
    return Requeued(resumes=len(resume_ids), jobs=len(job_ids), runs=len(run_ids))
