"""The admin's "Retrain now" answers at once, also without a broker (the run goes to a thread),
and the retrain-run list shows how far each run is."""

from __future__ import annotations

import threading
from unittest import mock

import pytest

from matching.models import RetrainRun
from matching.services.retrain import _stage_progress, pipeline_stages
from matching.tasks import retrain_task

pytestmark = pytest.mark.django_db


def test_without_a_broker_retrain_now_answers_before_the_run_ends(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EAGER_LONG_TASKS_IN_THREAD = True
    started, release = threading.Event(), threading.Event()

    def slow_run(run_id):
        started.set()
        release.wait(10)

    with mock.patch.object(retrain_task, "run", side_effect=slow_run) as run:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post("/admin/matching/retrainrun/retrain/")
        # The page has its answer while the run is still going in the background.
        assert response.status_code == 302
        assert started.wait(5)
        assert RetrainRun.objects.get().status == RetrainRun.Status.QUEUED
        release.set()
        for thread in threading.enumerate():
            if thread.name == retrain_task.name:
                thread.join(5)
    run.assert_called_once_with(RetrainRun.objects.get().pk)


def test_progress_counts_skipped_and_finished_stages_as_dvc_reports_them():
    seen: list[str] = []
    lines = [
        "Stage 'export' didn't change, skipping",
        "Running stage 'prepare':",
        "> python -m mlcore.pipelines.prepare",
        "Running stage 'embed':",
    ]
    assert [_stage_progress(line, seen) for line in lines] == [
        {"stages_done": 1},
        {"stage": "prepare", "stages_done": 1},
        None,
        {"stage": "embed", "stages_done": 2},
    ]


def test_the_projects_pipeline_has_its_stages_counted():
    from django.conf import settings

    assert pipeline_stages(settings.BASE_DIR) == [
        "export",
        "prepare",
        "embed",
        "train",
        "weights",
        "evaluate",
    ]


def test_the_run_list_shows_progress_and_refreshes_only_while_a_run_is_active(staff_client):
    RetrainRun.objects.create(status="running", stage="embed", stages_done=2, stages_total=6)
    page = staff_client.get("/admin/matching/retrainrun/").content.decode()
    assert "2 of 6 stages, now embed" in page and "data-run-active" in page
    assert "/static/js/admin_runs.js" in page
    RetrainRun.objects.update(status="succeeded", stages_done=6)
    page = staff_client.get("/admin/matching/retrainrun/").content.decode()
    assert "6 of 6 stages" in page and "data-run-active" not in page
