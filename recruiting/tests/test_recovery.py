"""Lost processing tasks: a document whose task never reached a worker is queued again, by the
beat sweep or when the client sends the same file again; nothing is processed twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import Task
from recruiting.models import IngestionRun, Job, JobEmbedding, JobSource, Resume, ResumeEmbedding
from recruiting.services.ingestion import ingestion_enqueue
from recruiting.services.jobs import job_create, job_update
from recruiting.services.recovery import documents_requeue_stale
from recruiting.services.resumes import resume_create_from_text
from recruiting.tasks import documents_requeue_stale_task
from recruiting.tests.test_celery_live import write_drop
from recruiting.tests.test_resumes import upload

pytestmark = pytest.mark.django_db

TEXT = "Jane Example\n\nSkills\nPython, Django, PostgreSQL\n"


@pytest.fixture
def lost(recruiter, skills, django_capture_on_commit_callbacks):
    """A resume and a job whose processing tasks were never published (on-commit dropped)."""
    with django_capture_on_commit_callbacks(execute=False):
        resume, _ = resume_create_from_text(owner=recruiter, text=TEXT)
        job = job_create(owner=recruiter, title="Python Engineer", description="<p>Python.</p>")
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.PENDING
    assert not JobEmbedding.objects.filter(job=job).exists()
    return resume, job


def age(model, pk, seconds: int) -> None:
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def test_the_sweep_leaves_fresh_documents_to_their_own_tasks(lost):
    assert documents_requeue_stale().resumes == documents_requeue_stale().jobs == 0
    resume, _ = lost
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.PENDING


def test_the_sweep_queues_stale_documents_again_and_they_get_processed(lost):
    resume, job = lost
    age(Resume, resume.pk, settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    age(Job, job.pk, settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    assert documents_requeue_stale_task.delay().get() == {"resumes": 1, "jobs": 1, "runs": 0}
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.READY
    assert ResumeEmbedding.objects.filter(resume=resume).count() == 1
    assert JobEmbedding.objects.filter(job=job).count() == 1
    # Done: the next sweep finds nothing.
    assert documents_requeue_stale().resumes == documents_requeue_stale().jobs == 0


def test_a_resume_stuck_processing_past_the_run_lease_is_queued_again(lost):
    resume, _ = lost
    Resume.objects.filter(pk=resume.pk).update(status=Resume.Status.PROCESSING)
    age(Resume, resume.pk, settings.RUN_LEASE_SECONDS - 30)
    assert documents_requeue_stale().resumes == 0  # its worker may still be at it
    age(Resume, resume.pk, settings.RUN_LEASE_SECONDS + 1)
    assert documents_requeue_stale().resumes == 1
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.READY


def test_sending_a_pending_resume_again_queues_its_processing_again(
    lost, recruiter, django_capture_on_commit_callbacks
):
    resume, _ = lost
    with django_capture_on_commit_callbacks(execute=True):
        again, created = resume_create_from_text(owner=recruiter, text=TEXT)
    assert again.pk == resume.pk and not created
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.READY
    assert ResumeEmbedding.objects.filter(resume=resume).count() == 1


def test_the_sweep_runs_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue stale documents"]
    assert entry["task"] == documents_requeue_stale_task.name


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as it does once the publish retries are spent on a dead broker."""

    attempts = []

    def unreachable(self, *args, **kwargs):
        attempts.append(self.name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", unreachable)
    monkeypatch.attempts = attempts
    return monkeypatch


def test_an_upload_during_a_broker_outage_is_stored_answered_and_processed_later(
    api_client, skills, broker_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/resumes/", {"text": TEXT, "name": "Jane Example"}, format="json"
        )
        job = api_client.post(
            "/api/v1/jobs/", {"title": "Python Engineer", "description": "Python."}, format="json"
        )
    assert response.status_code == 201, response.content
    assert job.status_code == 201, job.content
    resume = Resume.objects.get(pk=response.json()["results"][0]["id"])
    assert resume.status == Resume.Status.PENDING
    sent_later = [r for r in caplog.records if "recovery sweep will send it" in r.getMessage()]
    assert len(sent_later) == 2
    assert "Jane" not in caplog.text  # ids only in the log

    broker_down.undo()
    age(Resume, resume.pk, settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    age(Job, job.json()["id"], settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    assert documents_requeue_stale() == documents_requeue_stale().__class__(1, 1, 0)
    assert Resume.objects.get(pk=resume.pk).status == Resume.Status.READY
    assert JobEmbedding.objects.filter(job_id=job.json()["id"]).count() == 1


def test_an_ingestion_run_whose_task_was_never_sent_is_run_by_the_sweep(
    tmp_path, skills, broker_down, django_capture_on_commit_callbacks
):
    write_drop(tmp_path / "drop", 3)
    source = JobSource.objects.create(
        name="Drop", kind="filedrop", url=str(tmp_path / "drop"), enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = ingestion_enqueue(source=source)
    assert IngestionRun.objects.get(pk=run.pk).status == IngestionRun.Status.QUEUED

    broker_down.undo()
    assert documents_requeue_stale().runs == 0  # fresh: its message may still arrive
    IngestionRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    )
    assert documents_requeue_stale().runs == 1
    run = IngestionRun.objects.get(pk=run.pk)
    assert (run.status, run.created) == (IngestionRun.Status.SUCCEEDED, 3)
    assert documents_requeue_stale().runs == 0


def test_after_one_failed_publish_the_next_ones_do_not_wait_for_the_broker_again(
    api_client, skills, broker_down, caplog, django_capture_on_commit_callbacks
):
    """Each failed publish waits out the retry policy (25 s by default): an upload of three
    files must pay that once, not three times, or it outlives the web worker's timeout."""

    files = [(f"cv{i}.txt", f"{TEXT}Go and Rust, project {i}.\n".encode()) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api_client, *files)
    assert response.status_code == 201
    assert [r["status"] for r in response.json()["results"]] == ["pending"] * 3
    assert broker_down.attempts == ["recruiting.tasks.resume_process_task"]
    assert caplog.text.count("recovery sweep will send it") == 3
    # Once the pause is over the broker is tried again.
    Task.broker_down_until = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        resume_create_from_text(owner=Resume.objects.first().owner, text=TEXT + "Haskell.\n")
    assert len(broker_down.attempts) == 2


def test_an_edited_job_whose_re_embedding_was_lost_is_embedded_again(
    recruiter, skills, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(owner=recruiter, title="Python Engineer", description="<p>Python.</p>")
    old = JobEmbedding.objects.get(job=job)
    with django_capture_on_commit_callbacks(execute=False):  # the message is lost
        job = job_update(job=job, description="<p>Rust and Go services.</p>")
    assert job.content_hash != old.content_hash
    assert documents_requeue_stale().jobs == 0  # fresh: its message may still arrive
    age(Job, job.pk, settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    assert documents_requeue_stale().jobs == 1
    assert JobEmbedding.objects.get(job=job).content_hash == job.content_hash
    assert documents_requeue_stale().jobs == 0


def test_a_run_waiting_to_retry_is_left_to_its_own_retry(tmp_path, skills):
    """A run put back in the queue after a transient failure has started once and has its
    retry message: the sweep must not start a second chain of retries."""
    write_drop(tmp_path / "drop", 1)
    source = JobSource.objects.create(
        name="Drop", kind="filedrop", url=str(tmp_path / "drop"), enabled=False
    )
    old = timezone.now() - timedelta(seconds=settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    run = IngestionRun.objects.create(source=source, trigger="test")
    IngestionRun.objects.filter(pk=run.pk).update(
        created_at=old,
        started_at=old,
        message="Will retry: feed timed out",
        lease_expires_at=timezone.now() + timedelta(seconds=60),  # the retry is not due yet
    )
    assert documents_requeue_stale().runs == 0
    assert IngestionRun.objects.get(pk=run.pk).status == IngestionRun.Status.QUEUED
