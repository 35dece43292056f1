"""The job page as a recruiter's desk: requirements edited in place by the owning team and
recorded (who, when, before/after); jobs written, edited, closed and reopened from the pages."""

from __future__ import annotations

import json

import pytest

from recruiting.models import AuditEvent, Job, JobSkill, JobSource
from recruiting.services.jobs import job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(recruiter, skills):
    return job_create(
        owner=recruiter,
        title="Python Engineer",
        description="<p>Build services.</p><h3>Requirements</h3><ul><li>Python</li><li>SQL</li></ul>",
    )


@pytest.fixture
def posting(tmp_path, team, skills):
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    (tmp_path / "jobs.json").write_text(
        json.dumps(
            [{"id": "b1", "title": "Data Engineer", "description_html": "<p>SQL and Python</p>"}]
        )
    )
    source = source_save(source=JobSource(name="Board", kind="filedrop", url=str(tmp_path)))
    ingestion_run_now(source=source)
    return Job.objects.get(external_id="b1")


def requirements(job) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"required": [], "nice": [], "excluded": []}
    for js in JobSkill.objects.filter(job=job).for_matching():
        out[js.requirement].append(js.name)
    return out


def test_a_teammate_edits_the_requirements_in_place_and_the_change_is_recorded(
    job, teammate, teammate_client
):
    response = teammate_client.post(
        f"/jobs/{job.pk}/requirements/",
        {"must_have": "Python, month-end close", "nice_to_have": "Docker", "exclude": "Java"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "requirements-changed"
    assert requirements(job) == {
        "required": ["Python", "month-end close"],
        "nice": ["Docker"],
        "excluded": ["Java"],
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.REQUIREMENTS_CHANGED)
    assert (event.actor, event.object_id) == (teammate, job.pk)
    assert event.details["before"]["required"] == ["Python", "SQL"]
    assert event.details["after"]["required"] == ["Python", "month-end close"]
    page = teammate_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Changed by tom" in page
    assert "Must have: added month-end close; removed SQL" in page


def test_an_unknown_term_is_kept_and_shown_as_not_in_the_skills_list(job, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{job.pk}/requirements/", {"must_have": "Zorblax tuning"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zorblax tuning" in body and "not in the skills list" in body
    assert JobSkill.objects.get(job=job).skill is None


def test_an_invalid_term_is_refused_next_to_its_field_with_every_input_kept(job, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{job.pk}/requirements/",
        {"must_have": "Python, !!!", "nice_to_have": "Docker"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    body = response.content.decode()
    error = body[body.index('id="id_must_have-error"') :][:200]
    assert "needs at least one letter or digit" in error
    assert 'aria-invalid="true"' in body
    assert 'value="Python, !!!"' in body and 'value="Docker"' in body
    assert requirements(job)["required"] == ["Python", "SQL"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REQUIREMENTS_CHANGED).exists()


def test_a_term_both_asked_for_and_excluded_is_an_inline_error(job, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{job.pk}/requirements/", {"must_have": "Python", "exclude": "python"}
    )
    assert response.status_code == 400
    assert "both asked for and excluded" in response.content.decode()


def test_saving_the_same_requirements_records_nothing(job, recruiter_client):
    recruiter_client.post(f"/jobs/{job.pk}/requirements/", {"must_have": "Python, SQL"})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REQUIREMENTS_CHANGED).exists()


def test_the_edit_form_opens_in_place_with_the_current_lists(job, recruiter_client):
    response = recruiter_client.get(f"/jobs/{job.pk}/requirements/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'value="Python, SQL"' in body
    assert 'data-terms-suggest="/api/v1/skills/"' in body


def test_without_javascript_saving_requirements_goes_back_to_the_job_page(job, recruiter_client):
    response = recruiter_client.post(f"/jobs/{job.pk}/requirements/", {"must_have": "Go"})
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"


def test_another_team_can_neither_see_nor_edit_the_requirements(job, other_client, other_api):
    assert other_client.get(f"/jobs/{job.pk}/requirements/").status_code == 404
    assert (
        other_client.post(f"/jobs/{job.pk}/requirements/", {"must_have": "Go"}).status_code == 404
    )
    put = other_api.put(f"/api/v1/jobs/{job.pk}/skills/", {"must_have": ["Go"]}, format="json")
    assert put.status_code == 404
    assert requirements(job)["required"] == ["Python", "SQL"]


def test_anonymous_visitors_cannot_edit_requirements(job, client, anon_api):
    response = client.post(f"/jobs/{job.pk}/requirements/", {"must_have": "Go"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    put = anon_api.put(f"/api/v1/jobs/{job.pk}/skills/", {"must_have": ["Go"]}, format="json")
    assert put.status_code in (401, 403)
    assert requirements(job)["required"] == ["Python", "SQL"]


def test_staff_may_edit_any_teams_requirements_and_are_recorded(job, staff, staff_client):
    staff_client.post(f"/jobs/{job.pk}/requirements/", {"must_have": "Go"})
    assert requirements(job)["required"] == ["Go"]
    assert AuditEvent.objects.get(action=AuditEvent.Action.REQUIREMENTS_CHANGED).actor == staff


def test_the_api_records_requirement_edits_by_the_team_too(job, teammate, teammate_api):
    response = teammate_api.put(
        f"/api/v1/jobs/{job.pk}/skills/", {"must_have": ["Go"]}, format="json"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.Action.REQUIREMENTS_CHANGED).actor == teammate


def test_the_team_edits_a_board_postings_requirements_but_not_its_text(posting, recruiter_client):
    page = recruiter_client.get(f"/jobs/{posting.pk}/").content.decode()
    assert "Edit requirements" in page and "Edit job" not in page and "Close job" not in page
    assert (
        recruiter_client.post(f"/jobs/{posting.pk}/requirements/", {"must_have": "Go"}).status_code
        == 302
    )
    assert requirements(posting)["required"] == ["Go"]
    closed = recruiter_client.post(f"/jobs/{posting.pk}/close/")
    assert closed.status_code == 400 and "closes by itself" in closed.content.decode()
    assert Job.objects.get(pk=posting.pk).status == Job.Status.OPEN


def test_a_recruiter_writes_a_job_for_the_team_from_the_page(recruiter_client, recruiter, skills):
    response = recruiter_client.post(
        "/jobs/new/",
        {
            "title": "Go Developer",
            "company": "Initech",
            "description": "<h3>Requirements</h3><ul><li>Go</li><li>Kubernetes</li></ul>",
            "nice_to_have": "Docker",
        },
    )
    job = Job.objects.get(title="Go Developer")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.owner, job.team.is_default, job.source) == (recruiter, True, None)
    assert requirements(job)["required"] == ["Go", "Kubernetes"]
    assert requirements(job)["nice"] == ["Docker"]


def test_a_job_without_a_title_is_refused_next_to_the_field_with_the_inputs_kept(
    recruiter_client, skills
):
    response = recruiter_client.post(
        "/jobs/new/", {"title": "", "description": "Python services", "must_have": "Python"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body[body.index('id="id_title-error"') :][:120]
    assert "Python services</textarea>" in body and 'value="Python"' in body
    assert not Job.objects.exists()


def test_the_team_edits_closes_and_reopens_a_job_from_the_pages(job, teammate_client):
    response = teammate_client.post(
        f"/jobs/{job.pk}/edit/", {"title": "Senior Python Engineer", "description": "Python"}
    )
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).title == "Senior Python Engineer"
    teammate_client.post(f"/jobs/{job.pk}/close/")
    job.refresh_from_db()
    assert job.status == Job.Status.CLOSED and job.closed_at is not None
    assert "Reopen job" in teammate_client.get(f"/jobs/{job.pk}/").content.decode()
    teammate_client.post(f"/jobs/{job.pk}/reopen/")
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN and job.closed_at is None


def test_another_team_cannot_edit_close_or_reopen_a_job(job, other_client, other_api):
    assert other_client.get(f"/jobs/{job.pk}/edit/").status_code == 404
    assert other_client.post(f"/jobs/{job.pk}/close/").status_code == 404
    assert other_api.post(f"/api/v1/jobs/{job.pk}/close/").status_code == 404
    assert Job.objects.get(pk=job.pk).status == Job.Status.OPEN


def test_closing_and_reopening_need_a_post(job, recruiter_client):
    assert recruiter_client.get(f"/jobs/{job.pk}/close/").status_code == 405
    assert Job.objects.get(pk=job.pk).status == Job.Status.OPEN


def test_the_api_reopens_a_closed_job(job, api_client):
    assert api_client.post(f"/api/v1/jobs/{job.pk}/close/").json()["status"] == "closed"
    assert api_client.post(f"/api/v1/jobs/{job.pk}/reopen/").json()["status"] == "open"
