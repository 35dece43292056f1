"""Constraints live in the database, and a violation reaching an interface is a 400, not a 500."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from recruiting.models import IngestionRun, Job, JobSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return JobSource.objects.create(name="Board", kind="rss", url="https://example.com/feed")


def test_the_same_external_id_twice_in_one_source_is_refused_by_the_database(source):
    Job.objects.create(source=source, external_id="a-1", title="Engineer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(source=source, external_id="a-1", title="Engineer again")


def test_the_same_external_id_in_two_sources_is_allowed(source):
    other = JobSource.objects.create(name="Other", kind="rss", url="https://example.org/feed")
    Job.objects.create(source=source, external_id="a-1", title="Engineer")
    Job.objects.create(source=other, external_id="a-1", title="Engineer")
    assert Job.objects.count() == 2


def test_a_closed_job_without_a_closing_date_is_refused(source):
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(source=source, external_id="b", title="X", status="closed")
    Job.objects.create(
        source=source, external_id="b", title="X", status="closed", closed_at=timezone.now()
    )


def test_only_one_run_per_source_can_be_running(source):
    IngestionRun.objects.create(source=source, status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        IngestionRun.objects.create(source=source, status="running")
    IngestionRun.objects.create(source=source, status="succeeded")


def test_an_unknown_status_is_refused_by_the_database(source):
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(
            pk=Job.objects.create(source=source, external_id="c", title="X").pk
        ).update(status="gone")


def test_skill_names_are_unique_whatever_their_case():
    from recruiting.models import Skill

    Skill.objects.create(name="Python")
    with pytest.raises(IntegrityError), transaction.atomic():
        Skill.objects.create(name="python")


def test_the_api_turns_a_constraint_violation_into_a_400_with_a_message():
    from config.exceptions import api_exception_handler

    response = api_exception_handler(
        IntegrityError('duplicate key value violates "job_unique"'), {}
    )
    assert response.status_code == 400
    assert b"conflicts with existing data" in response.content


def test_pages_turn_a_constraint_violation_into_a_400_page(rf, recruiter):
    from config.exceptions import ApplicationErrorMiddleware

    request = rf.get("/jobs/")
    request.user = recruiter
    request.htmx = False
    response = ApplicationErrorMiddleware(lambda r: None).process_exception(
        request, IntegrityError("boom")
    )
    assert response.status_code == 400
    assert b"conflicts with existing data" in response.content
