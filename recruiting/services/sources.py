"""Deleting a job source: refused while it has jobs, and its periodic task goes with it."""

from __future__ import annotations

from django.db import transaction

from config.exceptions import ApplicationError
from recruiting.models import JobSource


@transaction.atomic
def source_delete(*, source: JobSource) -> None:
    """Delete ``source`` and its schedule. A source with jobs stays: its postings keep their
    origin, and disabling it stops further ingestion."""
    if source.jobs.exists():
        raise ApplicationError(
            "This source has jobs; disable it instead of deleting it.", code="in_use"
        )
    task = source.periodic_task
    source.delete()
    if task is not None:
        task.delete()
