"""Job ingestion from sources: counts per run, idempotent re-runs, updates, closing, bad postings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from recruiting.models import IngestionRun, Job, JobEmbedding, JobSource
from recruiting.services.ingestion import ingestion_run, ingestion_run_now
from recruiting.services.runs import run_claim
from recruiting.services.scheduling import source_save
from recruiting.sources import FetchPolicy
from recruiting.tasks import ingest_source_scheduled
from recruiting.tests.feedserver import FeedServer

pytestmark = pytest.mark.django_db


def posting(i: int, **overrides) -> dict:
    return {
        "id": f"p-{i}",
        "title": f"Python Developer {i}",
        "company": "Acme",
        "location": "Berlin",
        "remote": False,
        "url": f"https://jobs.example.com/{i}",
        "posted_at": "2026-10-01T08:00:00Z",
        "category": "information-technology",
        "description_html": "<p>We build Django services.</p><h3>Requirements</h3><ul><li>Python</li>"
        "<li>PostgreSQL</li><li>3+ years of experience</li></ul><h3>Nice to have</h3><ul><li>Kubernetes</li></ul>",
        **overrides,
    }


def drop(folder: Path, postings: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobs.json").write_text(json.dumps(postings))


@pytest.fixture
def drop_source(tmp_path, skills, categories):
    folder = tmp_path / "drop"
    drop(folder, [posting(i) for i in range(3)])
    return source_save(source=JobSource(name="Drop", kind="filedrop", url=str(folder)))


def run(source, django_capture_on_commit_callbacks) -> IngestionRun:
    with django_capture_on_commit_callbacks(execute=True):
        return ingestion_run_now(source=source, trigger="test")


def test_a_first_run_creates_every_posting_with_skills_and_an_embedding(
    drop_source, django_capture_on_commit_callbacks
):
    result = run(drop_source, django_capture_on_commit_callbacks)
    assert result.status == "succeeded"
    assert (result.created, result.updated, result.unchanged, result.failed) == (3, 0, 0, 0)
    job = Job.objects.get(external_id="p-0")
    assert job.category.slug == "information-technology"
    assert job.years_required == 3
    requirements = {js.name: js.requirement for js in job.job_skills.select_related("skill")}
    assert requirements["Python"] == "required"
    assert requirements["Kubernetes"] == "nice"
    assert JobEmbedding.objects.filter(job=job).count() == 1


def test_running_the_same_feed_twice_changes_nothing_the_second_time(
    drop_source, django_capture_on_commit_callbacks
):
    run(drop_source, django_capture_on_commit_callbacks)
    before = {j.pk: j.updated_at for j in Job.objects.all()}
    embeddings = set(JobEmbedding.objects.values_list("id", flat=True))
    drop_source.refresh_from_db()
    drop_source.etag = ""  # force a full re-read: the content hash must still say "unchanged"
    drop_source.save()
    second = run(drop_source, django_capture_on_commit_callbacks)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert {j.pk: j.updated_at for j in Job.objects.all()} == before
    assert set(JobEmbedding.objects.values_list("id", flat=True)) == embeddings


def test_a_changed_posting_is_updated_and_a_missing_one_is_closed(
    drop_source, django_capture_on_commit_callbacks, tmp_path
):
    run(drop_source, django_capture_on_commit_callbacks)
    drop(tmp_path / "drop", [posting(0, title="Senior Python Developer"), posting(1)])
    result = run(drop_source, django_capture_on_commit_callbacks)
    assert (result.created, result.updated, result.unchanged, result.closed) == (0, 1, 1, 1)
    assert Job.objects.get(external_id="p-0").title == "Senior Python Developer"
    closed = Job.objects.get(external_id="p-2")
    assert closed.status == "closed" and closed.closed_at is not None


def test_one_malformed_posting_is_recorded_and_the_others_go_in(
    drop_source, django_capture_on_commit_callbacks, tmp_path
):
    drop(tmp_path / "drop", [posting(0), {"id": "bad", "title": ""}, posting(1)])
    result = run(drop_source, django_capture_on_commit_callbacks)
    assert result.status == "succeeded"
    assert result.created == 2
    assert result.failed == 1
    assert result.errors and result.errors[0]["message"]


def test_a_second_run_while_one_is_running_is_recorded_as_skipped(drop_source):
    live = timezone.now() + timedelta(seconds=60)  # its worker still renews the lease
    IngestionRun.objects.create(source=drop_source, status="running", lease_expires_at=live)
    queued = IngestionRun.objects.create(source=drop_source)
    result = ingestion_run(run_id=queued.pk)
    assert result.status == "skipped"
    assert Job.objects.count() == 0


def test_an_unreadable_source_fails_the_run_and_leaves_existing_jobs_untouched(
    drop_source, django_capture_on_commit_callbacks
):
    run(drop_source, django_capture_on_commit_callbacks)
    drop_source.url = "/nonexistent/folder"
    drop_source.save()
    result = run(drop_source, django_capture_on_commit_callbacks)
    assert result.status == "failed"
    assert result.message
    assert Job.objects.open().count() == 3


def test_saving_a_source_keeps_exactly_one_periodic_task_in_step(drop_source):
    from django_celery_beat.models import PeriodicTask

    drop_source.schedule = "30 2 * * 1"
    drop_source.enabled = False
    source_save(source=drop_source)
    tasks = PeriodicTask.objects.filter(name__startswith="ingest source")
    assert tasks.count() == 1
    task = tasks.get()
    assert not task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "2", "1")


def test_a_bad_crontab_is_refused_with_the_field_named(drop_source):
    from django.core.exceptions import ValidationError

    drop_source.schedule = "every day"
    with pytest.raises(ValidationError) as info:
        source_save(source=drop_source)
    assert "schedule" in info.value.message_dict


def test_ingestion_from_a_greenhouse_board_over_http(skills, django_capture_on_commit_callbacks):

    with FeedServer() as server:
        source = source_save(
            source=JobSource(
                name="GH", kind="greenhouse", url=server.url(""), board_token="northwind"
            )
        )
        result = run(source, django_capture_on_commit_callbacks)
    assert result.status == "succeeded", result.message
    assert result.created >= 3
    assert not Job.objects.filter(description_html__icontains="<script").exists()


def test_a_source_whose_last_run_lost_its_worker_runs_again_once_the_lease_has_passed(
    drop_source, django_capture_on_commit_callbacks
):
    """A worker killed mid-run (the time limit, kill -9) left the run "running"."""

    JobSource.objects.filter(pk=drop_source.pk).update(enabled=True)
    killed = IngestionRun.objects.create(source=drop_source)
    assert run_claim(killed)
    with django_capture_on_commit_callbacks(execute=True):
        blocked = ingest_source_scheduled.run(drop_source.pk)
    assert IngestionRun.objects.get(pk=blocked).status == "skipped"  # its lease is still alive
    IngestionRun.objects.filter(pk=killed.pk).update(lease_expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_id = ingest_source_scheduled.run(drop_source.pk)
    assert IngestionRun.objects.get(pk=run_id).status == "succeeded"
    assert IngestionRun.objects.get(pk=killed.pk).status == "failed"
    assert Job.objects.filter(source=drop_source).count() == 3


def test_a_run_stopped_at_the_soft_time_limit_is_failed_with_that_reason(
    drop_source, monkeypatch, settings
):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow_drip(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("recruiting.services.ingestion.fetch_postings", slow_drip)
    queued = IngestionRun.objects.create(source=drop_source)
    result = ingestion_run(run_id=queued.pk)
    assert result.status == "failed"
    assert f"time limit ({settings.CELERY_TASK_SOFT_TIME_LIMIT} s)" in result.message
    assert JobSource.objects.get(pk=drop_source.pk).last_run_state == "failed"


@pytest.mark.parametrize(
    "path", ["/status/503?retry_after=3600", "/slow?delay=3", "/drip?seconds=3"]
)
def test_with_in_process_tasks_a_transient_feed_error_fails_the_run_and_the_request_answers(
    staff, path, monkeypatch, django_capture_on_commit_callbacks
):
    """The documented default runs tasks in-process: Celery's Retry must not escape into the
    request (a 500), and the run must not stay queued with nothing to retry it."""
    from rest_framework.test import APIClient

    quick = FetchPolicy(
        allow_private=True, read_timeout=0.3, total_timeout=0.6, max_retries=0, sleep=lambda s: None
    )
    monkeypatch.setattr("recruiting.services.ingestion.fetch_policy", lambda: quick)
    api = APIClient()
    api.force_authenticate(staff)
    with FeedServer() as server:
        source = source_save(source=JobSource(name="Flaky", kind="rss", url=server.url(path)))
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"/api/v1/sources/{source.pk}/run/")
    assert response.status_code == 202
    run = IngestionRun.objects.get(pk=response.json()["id"])
    assert run.status == "failed", run.message
    assert run.message and "Will retry" not in run.message


@pytest.mark.parametrize("folder", ["/etc", "/proc/self", "/", "../../etc", "drop/../../../etc"])
def test_a_file_drop_source_may_only_read_the_drop_folder(settings, tmp_path, staff, folder):
    from django.core.exceptions import ValidationError
    from rest_framework.test import APIClient

    settings.FILE_DROP_DIR = tmp_path
    with pytest.raises(ValidationError) as info:
        source_save(source=JobSource(name="Evil", kind="filedrop", url=folder))
    assert "FILE_DROP_DIR" in info.value.message_dict["url"][0]
    api = APIClient()
    api.force_authenticate(staff)
    response = api.post(
        "/api/v1/sources/", {"name": "Evil", "kind": "filedrop", "url": folder}, format="json"
    )
    assert response.status_code == 400
    assert "outside the drop folder" in response.json()["fields"]["url"][0]


def test_a_link_out_of_the_drop_folder_is_refused_when_saved_and_when_read(
    settings, tmp_path, skills, django_capture_on_commit_callbacks
):
    settings.FILE_DROP_DIR = tmp_path / "root"
    drop(tmp_path / "root" / "feeds", [posting(1)])
    drop(tmp_path / "outside", [posting(0)])
    (tmp_path / "root" / "escape").symlink_to(tmp_path / "outside")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        source_save(source=JobSource(name="Escape", kind="filedrop", url="escape"))
    # A source saved before the rule (or a link swapped in later) is refused when it runs.
    source = JobSource.objects.create(name="Old", kind="filedrop", url=str(tmp_path / "outside"))
    result = run(source, django_capture_on_commit_callbacks)
    assert result.status == "failed"
    assert "outside the drop folder" in result.message
    assert not Job.objects.exists()
    inside = source_save(source=JobSource(name="Inside", kind="filedrop", url="feeds"))
    assert run(inside, django_capture_on_commit_callbacks).status == "succeeded"


def test_the_admin_form_reports_a_folder_outside_the_drop_folder(staff_client, settings, tmp_path):
    settings.FILE_DROP_DIR = tmp_path
    response = staff_client.post(
        "/admin/recruiting/jobsource/add/",
        {
            "name": "Evil",
            "kind": "filedrop",
            "url": "/etc",
            "board_token": "",
            "field_map": "{}",
            "schedule": "0 * * * *",
            "enabled": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "outside the drop folder" in response.content.decode()
    assert not JobSource.objects.filter(name="Evil").exists()


def test_every_beat_schedule_is_mirrored_into_the_admin_once_however_often_migrate_runs(
    staff_client, settings
):
    from django.core.management.sql import emit_post_migrate_signal
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what migrate sends
    tasks = {t.name: t for t in PeriodicTask.objects.all()}
    expected = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert {name: tasks[name].task for name in expected} == expected
    assert {"drift checks", "requeue stale documents", "requeue stale retrains"} <= set(tasks)
    drift = tasks["drift checks"]
    assert (drift.crontab.minute, drift.crontab.hour) == ("0", "3")
    PeriodicTask.objects.filter(name="drift checks").update(enabled=False)  # paused in the admin
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert PeriodicTask.objects.count() == len(tasks)
    assert not PeriodicTask.objects.get(name="drift checks").enabled
    page = staff_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "requeue stale retrains" in page
