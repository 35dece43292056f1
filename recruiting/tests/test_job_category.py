"""A job's category on its page and in the API: shown with how it was set, chosen by the team
that owns the job (page form with HTMX, or the API), recorded, and kept from the classifier."""

from __future__ import annotations

import json

import pytest

from recruiting.models import AuditEvent, Job, JobSource
from recruiting.services.jobs import job_category_update, job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(recruiter, skills, categories):
    return job_create(
        owner=recruiter, title="Python Engineer", description="<p>Build services.</p>"
    )


@pytest.fixture
def posting(tmp_path, team, skills, categories):
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    (tmp_path / "jobs.json").write_text(
        json.dumps([{"id": "b1", "title": "Nurse", "description_html": "<p>Ward shifts</p>"}])
    )
    source = source_save(source=JobSource(name="Board", kind="filedrop", url=str(tmp_path)))
    ingestion_run_now(source=source)
    return Job.objects.get(external_id="b1")


def test_the_job_page_shows_a_predicted_category_with_its_confidence(
    job, categories, recruiter_client
):
    Job.objects.filter(pk=job.pk).update(
        category=categories["information-technology"], category_confidence=0.83
    )
    page = recruiter_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Information Technology" in page
    assert "predicted, confidence 0.83" in page
    assert f"/jobs/{job.pk}/category/" in page


def test_a_teammate_chooses_the_category_in_place_and_the_change_is_recorded(
    job, categories, teammate, teammate_client
):
    form = teammate_client.get(f"/jobs/{job.pk}/category/", HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'id="category-form"' in form.content.decode()
    assert "<html" not in form.content.decode()  # the partial, not the page

    response = teammate_client.post(
        f"/jobs/{job.pk}/category/", {"category": "sales"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sales" in body and "chosen by a recruiter" in body
    job.refresh_from_db()
    assert (job.category, job.category_manual, job.category_confidence) == (
        categories["sales"],
        True,
        None,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CATEGORY_CHANGED)
    assert (event.actor, event.object_id, event.details) == (
        teammate,
        job.pk,
        {"before": None, "after": "sales"},
    )


def test_the_category_form_works_without_javascript(job, categories, recruiter_client):
    response = recruiter_client.post(f"/jobs/{job.pk}/category/", {"category": "healthcare"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.category == categories["healthcare"] and job.category_manual


def test_an_unknown_category_is_explained_next_to_the_field(job, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{job.pk}/category/", {"category": "astronaut"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    job.refresh_from_db()
    assert job.category is None and not job.category_manual


def test_another_team_can_neither_see_nor_change_the_category(job, other_client):
    assert other_client.get(f"/jobs/{job.pk}/category/").status_code == 404
    assert other_client.post(f"/jobs/{job.pk}/category/", {"category": "sales"}).status_code == 404
    job.refresh_from_db()
    assert job.category is None


def test_anonymous_visitors_are_sent_to_log_in(job, client):
    response = client.post(f"/jobs/{job.pk}/category/", {"category": "sales"})
    assert response.status_code == 302 and "login" in response["Location"]
    job.refresh_from_db()
    assert job.category is None


def test_a_board_postings_category_can_be_chosen_by_its_team(posting, categories, recruiter_client):
    response = recruiter_client.post(
        f"/jobs/{posting.pk}/category/", {"category": "healthcare"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    posting.refresh_from_db()
    assert posting.category == categories["healthcare"] and posting.category_manual


def test_clearing_the_category_hands_the_job_back_to_the_classifier(job, categories, recruiter):
    job_category_update(job=job, actor=recruiter, category=categories["sales"])
    job = job_category_update(job=job, actor=recruiter, category=None)
    assert job.category is None and not job.category_manual


def test_the_api_sets_the_category_and_says_it_was_chosen(job, categories, api_client):
    response = api_client.patch(f"/api/v1/jobs/{job.pk}/", {"category": "sales"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "sales"
    assert response.json()["category_manual"] is True
    job.refresh_from_db()
    assert job.category == categories["sales"]


def test_the_api_sets_a_board_postings_category_alone(posting, api_client):
    response = api_client.patch(
        f"/api/v1/jobs/{posting.pk}/", {"category": "healthcare"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "healthcare"


def test_the_api_refuses_an_unknown_category_and_another_teams_job(job, api_client, other_api):
    assert (
        api_client.patch(f"/api/v1/jobs/{job.pk}/", {"category": "astronaut"}, format="json")
    ).status_code == 400
    assert (
        other_api.patch(f"/api/v1/jobs/{job.pk}/", {"category": "sales"}, format="json")
    ).status_code == 404
    job.refresh_from_db()
    assert job.category is None
