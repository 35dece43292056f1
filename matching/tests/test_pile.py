"""Rank a pile: inputs checked before anything is stored, files and pool candidates ranked in the
background with progress, results for a saved job or a pasted description, CSV, team-only."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.exceptions import ApplicationError
from matching.models import PileRun
from matching.services.pile import (
    MAX_PILE,
    pile_requeue_stale,
    pile_results,
    pile_results_csv,
    pile_run_execute,
    pile_run_start,
)
from recruiting.models import Job, JobSkill, Resume, user_team_id
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

BODY = """
Summary
Backend engineer building services with PostgreSQL and Docker.

Experience
Backend Engineer, Hooli, 2017 - Present
- Built backend services and PostgreSQL schemas; deployed them with Docker.

Skills
"""
JD = "Python Backend Engineer. Requirements: Python, Django, PostgreSQL."


def cv(name: str, skills: str) -> bytes:
    return (f"{name}\n" + BODY + skills + "\n").encode()


@pytest.fixture
def pool(recruiter, skills, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ada, _ = resume_create_from_text(
            owner=recruiter, text=cv("Ada Pool", "Python, Django").decode()
        )
        job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<h3>Requirements</h3><ul><li>Python</li><li>Django</li></ul>",
        )
    return {"ada": ada, "job": job}


def start(recruiter, capture, **kwargs) -> PileRun:
    with capture(execute=True):
        run = pile_run_start(user=recruiter, **kwargs)
    run.refresh_from_db()
    return run


def ranked(run: PileRun) -> list[str]:
    names = dict(Resume.objects.values_list("id", "candidate_name"))
    return [names[r["resume_id"]] for r in run.results]


# --- Service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"files": [("a.txt", cv("Gus Pile", "Go"))]}, "description"),
        (
            {
                "description": JD,
                "must_have": ["Python", "!!!"],
                "files": [("a.txt", cv("G", "Go"))],
            },
            "must_have",
        ),
        (
            {
                "description": JD,
                "must_have": ["Python"],
                "exclude": ["python"],
                "files": [("a.txt", cv("G", "Go"))],
            },
            "exclude",
        ),
        ({"description": JD}, "files"),
    ],
)
def test_a_wrong_input_is_refused_naming_its_field_before_anything_is_stored(
    recruiter, skills, inputs, field
):
    with pytest.raises(ApplicationError) as refused:
        pile_run_start(user=recruiter, **inputs)
    assert field in refused.value.extra["fields"]
    assert not Resume.objects.exists() and not PileRun.objects.exists()


def test_a_pile_of_unreadable_files_is_refused_with_each_reason(recruiter, skills):
    with pytest.raises(ApplicationError) as refused:
        pile_run_start(
            user=recruiter, description=JD, files=[("a.pdf", b"not a pdf"), ("b.txt", b"\x00\x01")]
        )
    assert "a.pdf" in refused.value.message and "b.txt" in refused.value.message
    assert "files" in refused.value.extra["fields"]
    assert not PileRun.objects.exists()


def test_files_and_pool_candidates_are_ranked_against_a_pasted_description(
    pool, recruiter, django_capture_on_commit_callbacks
):
    run = start(
        recruiter,
        django_capture_on_commit_callbacks,
        title="Python Backend Engineer",
        description=JD,
        files=[("gus.txt", cv("Gus Pile", "Go, Kubernetes")), ("bad.pdf", b"not a pdf")],
        resumes=[pool["ada"]],
    )
    assert run.status == PileRun.Status.SUCCEEDED
    assert ranked(run) == ["Ada Pool", "Gus Pile"]
    assert (run.processed, run.total) == (2, 2)
    assert [r["filename"] for r in run.refused] == ["bad.pdf"]
    assert Resume.objects.get(candidate_name="Gus Pile").status == Resume.Status.READY


def test_with_a_job_the_lists_given_replace_the_jobs_for_this_ranking_only(
    pool, recruiter, django_capture_on_commit_callbacks
):
    run = start(
        recruiter,
        django_capture_on_commit_callbacks,
        job=pool["job"],
        must_have=["Go", "Kubernetes"],
        files=[("gus.txt", cv("Gus Pile", "Go, Kubernetes"))],
        resumes=[pool["ada"]],
    )
    assert ranked(run) == ["Gus Pile", "Ada Pool"]
    assert run.results[0]["matched_required"] == ["Go", "Kubernetes"]
    stored = JobSkill.objects.filter(job=pool["job"], requirement="required")
    assert sorted(stored.values_list("term", flat=True)) == ["Django", "Python"]


def test_the_whole_pool_can_be_ranked(pool, recruiter, django_capture_on_commit_callbacks):
    run = start(recruiter, django_capture_on_commit_callbacks, job=pool["job"], whole_pool=True)
    assert ranked(run) == ["Ada Pool"]


def test_ranking_a_pool_larger_than_a_pile_is_refused_without_loading_its_rows(
    recruiter, skills, django_assert_max_num_queries
):
    team_id = user_team_id(recruiter)
    Resume.objects.bulk_create(
        Resume(
            owner=recruiter,
            team_id=team_id,
            sha256=f"{i:064x}",
            status=Resume.Status.READY,
            text="Python and Django. " * 500,
        )
        for i in range(MAX_PILE + 1)
    )
    with (
        django_assert_max_num_queries(4) as queries,
        pytest.raises(ApplicationError) as refused,
    ):
        pile_run_start(user=recruiter, description=JD, whole_pool=True)
    assert refused.value.message == (
        f"At most {MAX_PILE} resumes in one pile; this one has more than {MAX_PILE}."
    )
    assert "files" in refused.value.extra["fields"]
    (read,) = [q["sql"] for q in queries.captured_queries if '"recruiting_resume"' in q["sql"]]
    selected = read.split(" FROM ", 1)[0]
    assert '"recruiting_resume"."id"' in selected and "," not in selected  # ids, nothing else
    assert f"LIMIT {MAX_PILE + 1}" in read
    assert not PileRun.objects.exists()


def test_ticked_pool_candidates_are_checked_by_id_without_loading_their_texts(
    pool, recruiter_client, django_assert_max_num_queries
):
    with (
        mock.patch("matching.tasks.pile_run_task.delay_in_background"),
        django_assert_max_num_queries(40) as queries,
    ):
        response = post(recruiter_client, {"description": JD, "resumes": [pool["ada"].pk]})
    assert response.status_code in (200, 302)
    assert PileRun.objects.get().resume_ids == [pool["ada"].pk]
    reads = [
        q["sql"].split(" FROM ", 1)[0]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and ' FROM "recruiting_resume"' in q["sql"]
    ]
    assert reads and not any('"recruiting_resume"."text"' in sql for sql in reads)


def test_files_are_read_outside_any_transaction_of_the_ranking(
    recruiter, skills, monkeypatch, django_capture_on_commit_callbacks
):
    """On SQLite a transaction (BEGIN IMMEDIATE) locks every other writer out: reading the
    files, up to UPLOAD_REQUEST_PARSE_SECONDS, must not hold one."""
    from django.db import connection

    from recruiting.services import resumes

    real = resumes.parse_resume
    depths = []

    def spy(*args, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(*args, **kwargs)

    monkeypatch.setattr(resumes, "parse_resume", spy)
    depth = len(connection.atomic_blocks)  # the test's own transaction
    run = start(
        recruiter,
        django_capture_on_commit_callbacks,
        description=JD,
        files=[("gus.txt", cv("Gus Pile", "Go"))],
    )
    assert depths == [depth]
    assert run.status == PileRun.Status.SUCCEEDED and ranked(run) == ["Gus Pile"]


def test_candidates_of_another_team_never_join_a_pile(
    pool, other_recruiter, django_capture_on_commit_callbacks
):
    with pytest.raises(ApplicationError):
        pile_run_start(user=other_recruiter, description=JD, resumes=[pool["ada"]])
    with pytest.raises(ApplicationError):
        pile_run_start(user=other_recruiter, job=pool["job"], files=[("g.txt", cv("G", "Go"))])


def test_a_run_is_carried_out_once_even_if_its_task_comes_twice(
    pool, recruiter, django_capture_on_commit_callbacks
):
    run = start(
        recruiter, django_capture_on_commit_callbacks, description=JD, resumes=[pool["ada"]]
    )
    with mock.patch("matching.services.pile._rank") as rank:
        again = pile_run_execute(run_id=run.pk)
    assert again.status == PileRun.Status.SUCCEEDED and not rank.called


def test_a_failure_ends_the_run_with_the_reason(
    pool, recruiter, django_capture_on_commit_callbacks
):
    with mock.patch("matching.services.pile._rank", side_effect=RuntimeError("index gone")):
        run = start(
            recruiter, django_capture_on_commit_callbacks, description=JD, resumes=[pool["ada"]]
        )
    assert run.status == PileRun.Status.FAILED and "index gone" in run.message


def test_the_sweep_sends_again_only_runs_whose_message_was_lost(pool, recruiter, settings):
    with mock.patch("matching.tasks.pile_run_task.delay_in_background"):
        old = pile_run_start(user=recruiter, description=JD, resumes=[pool["ada"]])
        fresh = pile_run_start(user=recruiter, description=JD, resumes=[pool["ada"]])
    PileRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with mock.patch("matching.tasks.pile_run_task.delay") as delay:
        assert pile_requeue_stale() == [old.pk]
    delay.assert_called_once_with(old.pk)
    assert PileRun.objects.get(pk=fresh.pk).status == PileRun.Status.QUEUED


def test_the_sweep_runs_on_beat(settings):
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.tasks.pile_requeue_stale_task" in tasks


# --- Pages ------------------------------------------------------------------------------------


def post(client, data, **headers):
    return client.post("/rank/", data, **headers)


def test_a_wrong_input_answers_only_the_messages_next_to_their_fields(recruiter_client, skills):
    response = post(
        recruiter_client,
        {
            "description": JD,
            "must_have": "Python, !!!",
            "files": [SimpleUploadedFile("g.txt", cv("G", "Go"))],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    body = response.content.decode()
    error = body[body.index('id="id_must_have-error" hx-swap-oob="true"') :][:200]
    assert "needs at least one letter or digit" in error
    # Only messages come back: the form, with the pasted text and chosen files, stays as it is.
    assert "<form" not in body and "<textarea" not in body
    assert not Resume.objects.exists() and not PileRun.objects.exists()


def test_without_javascript_a_wrong_input_shows_the_form_again_with_the_text_kept(
    recruiter_client, skills
):
    response = post(recruiter_client, {"title": "Data Engineer", "description": JD})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Data Engineer"' in body and "Python Backend Engineer. Requirements" in body
    assert "Choose files, or pick candidates from the pool." in body


def test_starting_a_run_answers_its_progress_which_polls_until_done(
    pool, recruiter_client, django_capture_on_commit_callbacks
):
    with mock.patch("matching.tasks.pile_run_task.delay_in_background"):
        response = post(
            recruiter_client,
            {"description": JD, "resumes": [pool["ada"].pk]},
            HTTP_HX_REQUEST="true",
        )
    run = PileRun.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="/rank/runs/{run.pk}/" hx-trigger="every 1s"' in body
    assert '<progress max="1" value="0"' in body
    polled = recruiter_client.get(f"/rank/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    pile_run_execute(run_id=run.pk)
    done = recruiter_client.get(f"/rank/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx stops polling
    assert "every 1s" not in done.content.decode() and "Ada Pool" in done.content.decode()


def test_csv_export_and_explanations_work_for_a_pasted_description(
    pool, recruiter, recruiter_client, django_capture_on_commit_callbacks
):
    run = start(
        recruiter,
        django_capture_on_commit_callbacks,
        title="Python Backend Engineer",
        description=JD,
        files=[("gus.txt", cv("Gus Pile", "Go"))],
        resumes=[pool["ada"]],
    )
    Resume.objects.filter(candidate_name="Gus Pile").update(candidate_name="=Gus Pile")
    response = recruiter_client.get(f"/rank/runs/{run.pk}/export.csv")
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("rank,resume_id,candidate,score")
    assert lines[1].startswith(f"1,{pool['ada'].pk},Ada Pool,")
    assert ",'=Gus Pile," in lines[2]  # no formula injection
    explained = recruiter_client.get(
        f"/rank/runs/{run.pk}/candidates/{pool['ada'].pk}/explanation/", HTTP_HX_REQUEST="true"
    )
    assert explained.status_code == 200 and "Why this score?" in explained.content.decode()


def test_a_run_without_results_yet_has_no_csv_and_says_so(pool, recruiter, recruiter_client):
    with mock.patch("matching.tasks.pile_run_task.delay_in_background"):
        run = pile_run_start(user=recruiter, description=JD, resumes=[pool["ada"]])
    with pytest.raises(ApplicationError) as refused:
        pile_results_csv(run=run, viewer=recruiter_client.session)
    assert refused.value.status == 409
    assert recruiter_client.get(f"/rank/runs/{run.pk}/export.csv").status_code == 409


def test_an_erased_candidate_leaves_the_results_and_the_csv(
    pool, recruiter, recruiter_client, django_capture_on_commit_callbacks
):
    run = start(
        recruiter,
        django_capture_on_commit_callbacks,
        description=JD,
        files=[("gus.txt", cv("Gus Pile", "Go"))],
        resumes=[pool["ada"]],
    )
    Resume.objects.filter(candidate_name="Gus Pile").delete()
    results = pile_results(run=run, viewer=recruiter_client.session)
    assert [row["resume"].pk for row in results["rows"]] == [pool["ada"].pk]
    lines = pile_results_csv(run=run, viewer=recruiter_client.session).splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"1,{pool['ada'].pk},Ada Pool,")


def test_blind_review_hides_names_in_the_results_and_the_csv(
    pool, recruiter, recruiter_client, settings, django_capture_on_commit_callbacks
):
    settings.BLIND_REVIEW = True
    run = start(
        recruiter, django_capture_on_commit_callbacks, description=JD, resumes=[pool["ada"]]
    )
    assert "Ada Pool" not in recruiter_client.get(f"/rank/runs/{run.pk}/").content.decode()
    assert (
        "Ada Pool" not in recruiter_client.get(f"/rank/runs/{run.pk}/export.csv").content.decode()
    )


def test_a_teammate_opens_the_run_and_another_team_gets_404(
    pool, recruiter, teammate_client, other_client, client, django_capture_on_commit_callbacks
):
    run = start(
        recruiter, django_capture_on_commit_callbacks, description=JD, resumes=[pool["ada"]]
    )
    assert "Ada Pool" in teammate_client.get(f"/rank/runs/{run.pk}/").content.decode()
    for url in (
        f"/rank/runs/{run.pk}/",
        f"/rank/runs/{run.pk}/export.csv",
        f"/rank/runs/{run.pk}/candidates/{pool['ada'].pk}/explanation/",
    ):
        assert other_client.get(url).status_code == 404
        assert client.get(url).status_code == 302  # anonymous: to the login page


def test_the_form_offers_the_teams_jobs_and_candidates_only(pool, other_recruiter, other_client):
    body = other_client.get("/rank/").content.decode()
    assert "Python Backend Engineer" not in body and "Ada Pool" not in body
    response = post(other_client, {"job": pool["job"].pk, "resumes": [pool["ada"].pk]})
    assert response.status_code == 400
    assert not PileRun.objects.exists()
    assert Job.objects.count() == 1


TOO_LARGE = "The file big.txt is larger than the limit of 64 KB per file (UPLOAD_MAX_BYTES)."


def test_a_file_over_the_limit_is_named_on_the_run_and_the_others_are_ranked(
    recruiter_client, skills, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    files = [
        SimpleUploadedFile("gus.txt", cv("Gus Pile", "Go")),
        SimpleUploadedFile("big.txt", cv("Big File", "Python") + b"word " * 400_000),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(recruiter_client, {"description": JD, "files": files})
    run = PileRun.objects.get()
    assert response.status_code == 302
    assert run.refused == [{"filename": "big.txt", "error": TOO_LARGE}]
    assert ranked(run) == ["Gus Pile"]
    page = recruiter_client.get(f"/rank/runs/{run.pk}/").content.decode()
    assert f"big.txt was not added: {TOO_LARGE}" in page


def test_a_pile_whose_only_file_is_over_the_limit_is_refused_naming_the_file_and_the_limit(
    recruiter_client, skills, settings
):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    response = post(
        recruiter_client,
        {"description": JD, "files": [SimpleUploadedFile("big.txt", b"word " * 400_000)]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    body = response.content.decode()
    error = body[body.index('id="id_files-error"') :][:400]
    assert f"big.txt: {TOO_LARGE}" in error
    assert not Resume.objects.exists() and not PileRun.objects.exists()


def test_files_left_once_the_requests_parse_time_is_spent_are_named_on_the_run(
    recruiter_client, skills, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from recruiting.services import resumes

    real = resumes.parse_resume

    def slow(*args, **kwargs):
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(resumes, "parse_resume", slow)
    settings.UPLOAD_REQUEST_PARSE_SECONDS = 0.5
    files = [
        SimpleUploadedFile("gus.txt", cv("Gus Pile", "Go")),
        SimpleUploadedFile("hal.txt", cv("Hal Pile", "Python")),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post(recruiter_client, {"description": JD, "files": files})
    run = PileRun.objects.get()
    assert [r["filename"] for r in run.refused] == ["hal.txt"]
    assert run.refused[0]["error"].startswith(
        "hal.txt was not read: this request's parse-time budget (0.5 s, "
        "UPLOAD_REQUEST_PARSE_SECONDS) is spent"
    )
    assert ranked(run) == ["Gus Pile"]
    assert list(Resume.objects.values_list("candidate_name", flat=True)) == ["Gus Pile"]
