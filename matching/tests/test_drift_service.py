"""Drift checks over stored documents: reports are stored, an empty window says why, drift queues
a retrain, and the drift page plots the scores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import DriftReport, RetrainRun
from matching.services.drift import drift_check, drift_check_all
from recruiting.models import Job
from recruiting.services.jobs import job_create

pytestmark = pytest.mark.django_db

BACKEND = "<p>Build Python and Django services.</p><h3>Requirements</h3><ul><li>Python</li><li>Django</li><li>PostgreSQL</li></ul>"
FINANCE = "<p>Close the books every month.</p><h3>Requirements</h3><ul><li>Accounting</li><li>Payroll</li><li>Excel</li></ul>"


def make_jobs(owner, n: int, description: str, *, days_ago: int, category) -> None:
    from recruiting.services.jobs import job_process

    for i in range(n):
        job = job_create(
            owner=owner, title=f"Role {days_ago}-{i}", description=description + f"<p>Team {i}.</p>"
        )
        job_process(job_id=job.pk)
        Job.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago), category=category
        )


@pytest.fixture
def market(recruiter, skills, categories):
    it = categories["information-technology"]
    make_jobs(recruiter, 40, BACKEND, days_ago=30, category=it)
    return it


def test_an_empty_window_stores_reports_that_say_why_and_flags_nothing(market):
    reports = drift_check(subject="jobs")
    assert {r.kind for r in reports} == {"data", "centroid", "skill"}
    assert all(r.error and not r.drifted for r in reports)
    assert DriftReport.objects.count() == 3


def test_a_window_from_another_market_drifts_and_queues_a_retrain(
    market, recruiter, categories, django_capture_on_commit_callbacks, monkeypatch
):
    make_jobs(recruiter, 30, FINANCE, days_ago=1, category=categories["accountant"])
    queued = []
    monkeypatch.setattr("matching.tasks.retrain_task.delay_on_commit", lambda pk: queued.append(pk))
    reports = drift_check_all(trigger_retrain=True)
    job_reports = {r.kind: r for r in reports if r.subject == "jobs"}
    assert job_reports["skill"].drifted
    assert job_reports["skill"].details["emerging"]
    assert job_reports["centroid"].drifted
    assert RetrainRun.objects.filter(trigger="drift").count() == 1
    assert queued


def test_a_window_like_the_reference_does_not_drift_on_skills(market, recruiter, categories):
    make_jobs(recruiter, 30, BACKEND, days_ago=1, category=categories["information-technology"])
    report = next(r for r in drift_check(subject="jobs") if r.kind == "skill")
    assert not report.error
    assert not report.drifted


def test_the_models_page_plots_drift_scores(staff_client, market, recruiter, categories):
    make_jobs(recruiter, 30, FINANCE, days_ago=1, category=categories["accountant"])
    drift_check(subject="jobs")
    response = staff_client.get("/models/")
    assert response.status_code == 200
    assert b"<svg" in response.content and b"polyline" in response.content


def test_on_a_new_installation_drift_says_not_enough_data_and_the_models_page_says_so(
    recruiter_client,
):
    reports = drift_check_all()
    assert len(reports) == 6
    assert {r.outcome for r in reports} == {DriftReport.Outcome.NOT_ENOUGH_DATA}
    assert all(r.error.startswith("Not enough data yet") and not r.drifted for r in reports)
    # Model and drift figures are on the models page, in words a recruiter understands.
    page = recruiter_client.get("/models/").content.decode()
    assert "not enough data yet" in page and "Not enough recent job descriptions yet" in page
    assert "stable" not in page and "( vs )" not in page


def test_a_check_with_data_gives_a_verdict_that_the_models_page_shows_with_its_numbers(
    market, recruiter, categories, recruiter_client
):
    make_jobs(recruiter, 30, BACKEND, days_ago=1, category=categories["information-technology"])
    report = next(r for r in drift_check(subject="jobs") if r.kind == "skill")
    assert report.outcome == DriftReport.Outcome.STABLE
    page = recruiter_client.get("/models/").content.decode()
    assert "stable</span>" in page
    assert f'<td data-label="Score">{report.score:.3f}</td>' in page
