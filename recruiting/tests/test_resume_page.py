"""The resume page (contact card, parsed sections, skills with the lines that prove them) and
uploads whose status updates by itself until the resume is ready or failed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recruiting.models import Resume
from recruiting.services.resumes import resume_create_from_text, resume_process

pytestmark = pytest.mark.django_db

CV = """Petra Lindqvist
petra.lindqvist@example.com | +1 555 010 2020 | github.com/petrapage

Summary
Backend engineer who builds Python services.

Experience
Backend Engineer, Initech, 2018 - Present
- Built Django APIs on PostgreSQL; mailed petra.lindqvist@example.com weekly reports.

Skills
Python, Django, PostgreSQL
"""


@pytest.fixture
def petra(recruiter, skills):
    resume, _ = resume_create_from_text(owner=recruiter, text=CV)
    resume_process(resume_id=resume.pk)
    return Resume.objects.get(pk=resume.pk)


def test_the_resume_page_shows_contacts_sections_and_skills_with_their_lines(
    petra, recruiter_client
):
    body = recruiter_client.get(f"/resumes/{petra.pk}/").content.decode()
    assert '<a href="mailto:petra.lindqvist@example.com">' in body
    assert 'href="tel:+1555010202' in body and "github.com/petrapage" in body
    for title in ("Top of the resume", "Summary", "Experience", "Skills"):
        assert f"<h3>{title}</h3>" in body
    # Each skill with the resume line that proves it, the evidence highlighted.
    django = body[body.index('<span class="badge">Django</span>') :][:400]
    assert '<mark title="Django">Django</mark>' in django and "Built" in django


def test_under_blind_review_the_contact_card_and_the_lines_hide_personal_data(
    petra, recruiter_client, settings
):
    settings.BLIND_REVIEW = True
    body = recruiter_client.get(f"/resumes/{petra.pk}/").content.decode()
    assert "Hidden while you review blind." in body
    assert "petra.lindqvist@example.com" not in body and "Petra" not in body
    assert "[hidden]" in body and '<mark title="Django">Django</mark>' in body


@pytest.mark.parametrize("page", ["", "matches/"])
def test_a_blind_page_of_fifty_thousand_skill_and_phone_lines_is_answered_in_full(
    recruiter, recruiter_client, skills, settings, page
):
    """Each line is a skill and a phone number to hide: the pages checked every skill span
    against every hidden span (~2.5e9 steps, twice a view, and once more per section)."""
    lines = 50_000
    resume, _ = resume_create_from_text(owner=recruiter, text="Python 5551234567\n" * lines)
    resume_process(resume_id=resume.pk)
    (spans,) = Resume.objects.get(pk=resume.pk).resume_skills.values_list("spans", flat=True)
    assert len(spans) == lines
    settings.BLIND_REVIEW = True

    response = recruiter_client.get(f"/resumes/{resume.pk}/{page}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "5551234567" not in body
    # The text twice (its one section, "Top of the resume", and the whole text) and the
    # evidence line: every skill mention marked and every phone number hidden.
    assert body.count('<mark title="Python">Python</mark> [hidden]') == 2 * lines + 1
    assert "and 49999 more mentions" in body


def test_another_team_cannot_see_a_resume_or_its_status(petra, other_client, client):
    assert other_client.get(f"/resumes/{petra.pk}/").status_code == 404
    assert other_client.get(f"/resumes/{petra.pk}/status/").status_code == 404
    assert client.get(f"/resumes/{petra.pk}/status/").status_code == 302


def test_an_upload_reports_a_status_that_polls_until_the_resume_is_ready(
    recruiter, recruiter_client, skills
):
    with mock.patch("recruiting.tasks.resume_process_task.delay_on_commit"):
        response = recruiter_client.post(
            "/resumes/upload/",
            {"files": [SimpleUploadedFile("petra.txt", CV.encode())]},
            HTTP_X_UPLOAD_FRAGMENT="1",
        )
    resume = Resume.objects.get()
    body = response.content.decode()
    assert f'hx-get="/resumes/{resume.pk}/status/" hx-trigger="every 2s"' in body
    waiting = recruiter_client.get(f"/resumes/{resume.pk}/status/", HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200 and "Waiting to be processed" in waiting.content.decode()
    resume_process(resume_id=resume.pk)
    ready = recruiter_client.get(f"/resumes/{resume.pk}/status/", HTTP_HX_REQUEST="true")
    assert ready.status_code == 286  # htmx stops polling
    assert "Ready" in ready.content.decode() and "hx-trigger" not in ready.content.decode()


def test_the_resume_page_reloads_itself_once_the_resume_is_ready(petra, recruiter_client):
    response = recruiter_client.get(f"/resumes/{petra.pk}/status/", {"then": "reload"})
    assert response.status_code == 286 and response.headers["HX-Refresh"] == "true"


def test_a_failed_resume_says_why(petra, recruiter_client):
    Resume.objects.filter(pk=petra.pk).update(status="failed", error="Processing failed: boom")
    body = recruiter_client.get(f"/resumes/{petra.pk}/status/").content.decode()
    assert "Failed" in body and "Processing failed: boom" in body


def test_the_candidate_list_polls_the_status_of_waiting_resumes_only(
    petra, recruiter, recruiter_client
):
    with mock.patch("recruiting.tasks.resume_process_task.delay_on_commit"):
        waiting, _ = resume_create_from_text(
            owner=recruiter, text=CV.replace("Petra Lindqvist", "Wanda Okafor")
        )
    body = recruiter_client.get("/resumes/").content.decode()
    assert f'hx-get="/resumes/{waiting.pk}/status/"' in body
    assert f'hx-get="/resumes/{petra.pk}/status/"' not in body
