"""A recruiter's dashboard (their open jobs, what is new since their last visit, candidates
waiting per stage, what failed) and the models page in plain words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import DriftReport, ModelVersion, PileRun
from matching.services import pipeline
from recruiting.models import IngestionRun, JobSource, Resume
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

JARGON = ["untrained", "MiniLM", "semantic", "chunk", "accuracy", "macro", "model_id"]


def cv(name: str) -> str:
    return f"{name}\n\nSummary\nPython engineer.\n\nSkills\nPython, Django\n"


@pytest.fixture
def work(recruiter, teammate, other_recruiter, skills):
    mine = job_create(owner=recruiter, title="Mine: Python Engineer", description="Python")
    theirs = job_create(owner=teammate, title="Tom's: Data Engineer", description="SQL")
    untouched = job_create(owner=teammate, title="Untouched: Analyst", description="Excel")
    other = job_create(owner=other_recruiter, title="Other team's job", description="Go")
    tara, _ = resume_create_from_text(owner=teammate, text=cv("Tara Dash"))
    gus, _ = resume_create_from_text(owner=teammate, text=cv("Gus Dash"))
    pipeline.application_move(job=theirs, resume=tara, actor=recruiter, stage="interviewing")
    pipeline.application_move(job=mine, resume=gus, actor=teammate, stage="shortlisted")
    pipeline.application_move(job=mine, resume=tara, actor=teammate, stage="shortlisted")
    return {"mine": mine, "theirs": theirs, "untouched": untouched, "other": other}


def test_the_dashboard_lists_the_jobs_i_work_on_with_candidates_per_stage(work, recruiter_client):
    body = recruiter_client.get("/").content.decode()
    assert "Mine: Python Engineer" in body and "Tom&#x27;s: Data Engineer" in body
    assert "Untouched: Analyst" not in body and "Other team&#x27;s job" not in body
    row = body[body.index("Mine: Python Engineer") :][:600]
    assert '<td data-label="Shortlisted">2</td>' in row


def test_the_dashboard_counts_candidates_waiting_in_each_stage(work, teammate_client):
    body = teammate_client.get("/").content.decode()
    assert '<th scope="row">Shortlisted</th><td>2</td>' in body
    assert '<th scope="row">Interviewing</th><td>1</td>' in body
    assert "Across your team's 3 open jobs." in body


def test_new_candidates_are_counted_since_the_last_login(client, recruiter, teammate, skills):
    recruiter.last_login = timezone.now() - timedelta(days=2)
    recruiter.save()
    old, _ = resume_create_from_text(owner=teammate, text=cv("Olga Old"))
    Resume.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    resume_create_from_text(owner=teammate, text=cv("Nina New"))
    client.post("/accounts/login/", {"username": "rita", "password": "a-long-test-password-1"})
    body = client.get("/").content.decode()
    assert "since your last visit" in body
    assert '<span class="stat">1</span>' in body and "Nina New" in body and "Olga Old" not in body


def test_without_a_previous_login_new_means_the_last_seven_days(recruiter_client, teammate, skills):
    resume_create_from_text(owner=teammate, text=cv("Nina New"))
    body = recruiter_client.get("/").content.decode()
    assert "in the last 7 days" in body and "Nina New" in body


def test_failed_runs_of_the_team_are_listed_and_other_teams_are_not(
    work, recruiter, other_recruiter, recruiter_client, staff, team, other_team
):
    from django.test import Client

    PileRun.objects.create(team=team, created_by=recruiter, status="failed", message="index gone")
    PileRun.objects.create(team=other_team, status="failed", message="their failure")
    board = JobSource.objects.create(name="Board", kind="rss", team=team)
    IngestionRun.objects.create(source=board, status="failed", message="timed out")
    body = recruiter_client.get("/").content.decode()
    assert "index gone" in body and "their failure" not in body
    # Job boards and their runs are for admins (feed URLs and errors).
    assert "timed out" not in body
    admin = Client()
    admin.force_login(staff)
    assert "timed out" in admin.get("/").content.decode()


def test_the_dashboard_speaks_no_model_jargon(work, recruiter_client):
    ModelVersion.objects.create(
        version="v1", artifact_path="/x", checksum="c", metrics={"job_answered_accuracy": 0.9}
    )
    body = recruiter_client.get("/").content.decode()
    for word in JARGON:
        assert word not in body, word


def test_the_job_page_says_nothing_of_model_versions(work, recruiter_client):
    body = recruiter_client.get(f"/jobs/{work['mine'].pk}/candidates/").content.decode()
    assert "untrained" not in body and "MiniLM" not in body


def test_the_models_page_says_the_figures_in_words(recruiter_client):
    ModelVersion.objects.create(
        version="v1",
        artifact_path="/x",
        checksum="c",
        status="active",
        is_active=True,
        activated_at=timezone.now(),
        metrics={
            "resume_accuracy": 0.84,
            "resume_answered_accuracy": 0.93,
            "resume_macro_f1_gain_points": 12.4,
        },
    )
    now = timezone.now()
    DriftReport.objects.create(
        kind="skill",
        subject="jobs",
        window_start=now - timedelta(days=7),
        window_end=now,
        drifted=True,
        outcome="drifted",
    )
    DriftReport.objects.create(
        kind="data", subject="resumes", window_start=now, window_end=now, outcome="not_enough_data"
    )
    body = recruiter_client.get("/models/").content.decode()
    assert "guesses the field of work of resumes it has not seen right 84% of the time" in body
    assert "93% of the time when it is sure enough to say" in body
    assert "12 points better than a simple word-counting method" in body
    assert "differ from the ones the model learned from in the skills asked for" in body
    assert "Not enough recent resumes yet to tell whether the words used have changed." in body
    assert "Must-haves covered" in body


def test_explanations_name_the_score_parts_in_plain_words(work, recruiter, recruiter_client):
    from recruiting.services.jobs import job_process
    from recruiting.services.resumes import resume_process

    job_process(job_id=work["mine"].pk)
    for r in Resume.objects.all():
        resume_process(resume_id=r.pk)
    tara = Resume.objects.get(candidate_name="Tara Dash")
    body = recruiter_client.get(
        f"/jobs/{work['mine'].pk}/candidates/{tara.pk}/explanation/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Overall fit of the resume&#x27;s text" in body
    assert "<td>semantic</td>" not in body
