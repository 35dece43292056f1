"""Deleting a job source: the same rule through the service, the API and the admin."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from config.exceptions import ApplicationError
from recruiting.models import Job, JobSource
from recruiting.services.scheduling import source_save
from recruiting.services.sources import source_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(db):
    return source_save(
        source=JobSource(
            name="Board", kind="greenhouse", url="https://boards.example/", board_token="acme"
        )
    )


@pytest.fixture
def staff_api(staff):
    api = APIClient()
    api.force_authenticate(staff)
    return api


def give_a_job(source: JobSource) -> Job:
    return Job.objects.create(source=source, team=source.team, title="Nurse", external_id="1")


def test_deleting_a_source_without_jobs_removes_its_schedule_too(source):
    task_id = source.periodic_task_id
    source_delete(source=source)
    assert not JobSource.objects.filter(pk=source.pk).exists()
    assert not PeriodicTask.objects.filter(pk=task_id).exists()


def test_a_source_with_jobs_is_not_deleted(source):
    give_a_job(source)
    with pytest.raises(ApplicationError) as info:
        source_delete(source=source)
    assert info.value.code == "in_use"
    assert JobSource.objects.filter(pk=source.pk).exists()
    assert PeriodicTask.objects.filter(pk=source.periodic_task_id).exists()


def test_the_api_deletes_a_source_or_says_why_it_cannot(source, staff_api):
    other = source_save(
        source=JobSource(name="Other", kind="lever", url="https://jobs.example/", board_token="b")
    )
    give_a_job(source)
    refused = staff_api.delete(f"/api/v1/sources/{source.pk}/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "in_use"
    assert staff_api.delete(f"/api/v1/sources/{other.pk}/").status_code == 204
    assert list(JobSource.objects.all()) == [source]


def test_the_admin_deletes_a_source_with_its_schedule(source, staff_client):
    task_id = source.periodic_task_id
    page = staff_client.post(
        f"/admin/recruiting/jobsource/{source.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert page.status_code == 200
    assert not JobSource.objects.filter(pk=source.pk).exists()
    assert not PeriodicTask.objects.filter(pk=task_id).exists()


def test_the_admin_bulk_action_deletes_sources_with_their_schedules(source, staff_client):
    task_id = source.periodic_task_id
    staff_client.post(
        "/admin/recruiting/jobsource/",
        {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"},
    )
    assert not JobSource.objects.filter(pk=source.pk).exists()
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
