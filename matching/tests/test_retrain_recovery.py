"""A retrain asked for while the broker is unreachable: the admin gets its answer, the run stays
queued, and the beat sweep sends it once the broker is back; a run sent twice runs once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import Task
from matching.models import RetrainRun
from matching.services.retrain import retrain_requeue_stale
from matching.tasks import retrain_requeue_stale_task, retrain_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Publishes recorded instead of run: a real retrain runs the DVC pipeline for minutes."""
    calls: list[tuple[str, tuple]] = []

    def record(self, args=None, kwargs=None, **options):
        calls.append((self.name, tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", record)
    return calls


def test_the_admin_retrains_from_an_empty_list_with_one_button(staff_client, sent):
    page = staff_client.get("/admin/matching/retrainrun/").content.decode()
    assert 'action="/admin/matching/retrainrun/retrain/"' in page
    assert staff_client.get("/admin/matching/retrainrun/retrain/").status_code == 405
    response = staff_client.post("/admin/matching/retrainrun/retrain/", follow=True)
    run = RetrainRun.objects.get()
    assert (run.trigger, run.status) == ("manual", RetrainRun.Status.QUEUED)
    assert f"Retrain #{run.pk} queued." in response.content.decode()


def test_recruiters_cannot_start_a_retrain(recruiter_client, sent):
    response = recruiter_client.post("/admin/matching/retrainrun/retrain/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not RetrainRun.objects.exists()


def test_retrain_now_during_a_broker_outage_answers_and_leaves_the_run_queued(
    staff_client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/matching/retrainrun/retrain/")
    assert response.status_code == 302
    run = RetrainRun.objects.get()
    assert run.status == RetrainRun.Status.QUEUED
    assert "recovery sweep will send it" in caplog.text


def test_the_sweep_sends_stale_queued_runs_again_and_leaves_fresh_ones(sent):
    stale = RetrainRun.objects.create(trigger="manual")
    fresh = RetrainRun.objects.create(trigger="manual")
    done = RetrainRun.objects.create(trigger="manual", status=RetrainRun.Status.SUCCEEDED)
    old = timezone.now() - timedelta(seconds=settings.REQUEUE_PENDING_AFTER_SECONDS + 1)
    RetrainRun.objects.filter(pk__in=[stale.pk, done.pk]).update(created_at=old)
    assert retrain_requeue_stale() == [stale.pk]
    assert sent == [(retrain_task.name, (stale.pk,))]
    assert fresh.pk not in retrain_requeue_stale(now=timezone.now())


def test_a_run_already_claimed_is_not_run_again(sent, monkeypatch):
    """The sweep may send a run whose first message arrives after all: only one of them runs."""
    run = RetrainRun.objects.create(trigger="manual")
    ran = []
    monkeypatch.setattr(
        "matching.services.retrain._dvc_repro", lambda root, run: ran.append(run.pk) or (True, "")
    )
    RetrainRun.objects.filter(pk=run.pk).update(
        status=RetrainRun.Status.RUNNING, lease_expires_at=timezone.now() + timedelta(seconds=60)
    )
    retrain_task.run(run.pk)
    assert ran == []
    assert RetrainRun.objects.get(pk=run.pk).status == RetrainRun.Status.RUNNING


def test_the_sweep_runs_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue stale retrains"]
    assert entry["task"] == retrain_requeue_stale_task.name
