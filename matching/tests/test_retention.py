"""Retention: `manage.py anonymise_candidates` strips the personal data of resumes past
RETENTION_DAYS, keeps skills and category for statistics, never matches them again, and is safe
to run twice."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.exceptions import ApplicationError
from matching.services.matching import ResumeScope, candidates_for_job, jobs_for_resume
from matching.services.store import stores_reset
from recruiting.models import AuditEvent, Job, Resume, ResumeSkill
from recruiting.services.jobs import job_create
from recruiting.tests.test_resumes import RESUME, upload

pytestmark = pytest.mark.django_db


def anonymise(**kwargs) -> str:
    out = io.StringIO()
    call_command("anonymise_candidates", stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def old_and_new(api_client, recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old_id = upload(api_client, ("jane.txt", RESUME)).json()["results"][0]["id"]
        new_id = upload(api_client, ("john.txt", RESUME.replace(b"Jane", b"John")))
        new_id = new_id.json()["results"][0]["id"]
        job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<p>Django services.</p><h3>Requirements</h3><ul><li>Python</li></ul>",
        )
    Resume.objects.filter(pk=old_id).update(created_at=timezone.now() - timedelta(days=800))
    return Resume.objects.get(pk=old_id), Resume.objects.get(pk=new_id), job


def test_resumes_past_retention_lose_their_personal_data_and_the_rest_stays(
    old_and_new, settings, django_capture_on_commit_callbacks
):
    old, new, _ = old_and_new
    stored = Path(old.original_file.path)
    skills_before = ResumeSkill.objects.filter(resume=old).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert "Anonymised 1 resume(s)" in anonymise()
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.candidate_name, old.email, old.phone, old.links, old.text) == ("", "", "", [], "")
    assert not old.original_file and not stored.exists()
    assert ResumeSkill.objects.filter(resume=old).count() == skills_before > 0
    assert not ResumeSkill.objects.filter(resume=old).exclude(spans=[]).exists()
    new.refresh_from_db()
    assert new.anonymised_at is None and new.candidate_name == "John Example"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISED)
    assert list(events.values_list("object_id", flat=True)) == [old.pk]
    assert "Jane" not in str(list(events.values()))


def test_running_it_twice_changes_nothing_the_second_time(
    old_and_new, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anonymise()
    first = Resume.objects.get(pk=old_and_new[0].pk).anonymised_at
    with django_capture_on_commit_callbacks(execute=True):
        assert "Anonymised 0 resume(s)" in anonymise()
    assert Resume.objects.get(pk=old_and_new[0].pk).anonymised_at == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISED).count() == 1


def test_an_anonymised_candidate_is_never_matched_again(
    old_and_new, django_capture_on_commit_callbacks
):
    old, new, job = old_and_new
    ranked = candidates_for_job(job=job, scope=ResumeScope(teams=None), k=10)
    assert {r.resume.pk for r in ranked.results} == {old.pk, new.pk}
    with django_capture_on_commit_callbacks(execute=True):
        anonymise()
    ranked = candidates_for_job(job=job, scope=ResumeScope(teams=None), k=10)
    assert [r.resume.pk for r in ranked.results] == [new.pk]
    # Another process maps the shared store, which no longer holds the anonymised candidate.
    stores_reset()
    ranked = candidates_for_job(job=job, scope=ResumeScope(teams=None), k=10)
    assert [r.resume.pk for r in ranked.results] == [new.pk]
    with pytest.raises(ApplicationError, match="anonymised"):
        jobs_for_resume(resume=Resume.objects.get(pk=old.pk), jobs=Job.objects.all())


def test_the_retention_period_comes_from_the_setting_or_the_option(old_and_new, settings):
    settings.RETENTION_DAYS = 1000
    assert "Anonymised 0 resume(s)" in anonymise()
    assert "Anonymised 1 resume(s)" in anonymise(days=30)
