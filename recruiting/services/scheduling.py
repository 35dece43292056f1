"""Job sources and their schedules: every enabled source mirrors into one django-celery-beat task."""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app
from recruiting.models import Job, JobSource, Team
from recruiting.sources.base import SourceError
from recruiting.sources.filedrop import drop_folder

TASK_NAME = "recruiting.tasks.ingest_source_scheduled"


def parse_crontab(expr: str) -> dict[str, str]:
    parts = expr.split()
    if len(parts) != 5:
        raise ValidationError(
            {
                "schedule": f"A crontab has 5 fields (minute hour day-of-month month day-of-week); got {len(parts)}."
            }
        )
    fields = dict(
        zip(["minute", "hour", "day_of_month", "month_of_year", "day_of_week"], parts, strict=True)
    )
    try:
        from celery.schedules import crontab

        crontab(**fields)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"schedule": f"Invalid crontab {expr!r}: {exc}"}) from None
    return fields


def source_check_folder(*, kind: str, url: str) -> None:
    """A file-drop source reads FILE_DROP_DIR or a folder in it, nothing else."""
    if kind != JobSource.Kind.FILEDROP:
        return
    try:
        drop_folder(url, str(settings.FILE_DROP_DIR))
    except SourceError as exc:
        raise ValidationError({"url": str(exc).removeprefix("filedrop: ")}) from None


@transaction.atomic
def source_save(*, source: JobSource) -> JobSource:
    """Validate and save a source, then create, update or pause its periodic task (never two).
    A source saved without a team belongs to the default team; one handed to another team
    takes its postings along."""
    fields = parse_crontab(source.schedule)
    source_check_folder(kind=source.kind, url=source.url)
    if source.team_id is None:
        source.team = Team.objects.default()
    moved = (
        source.pk is not None
        and JobSource.objects.filter(pk=source.pk).exclude(team_id=source.team_id).exists()
    )
    source.full_clean()
    source.save()
    if moved:
        Job.objects.filter(source=source).update(team_id=source.team_id)
    schedule, _ = CrontabSchedule.objects.get_or_create(**fields, timezone="UTC")
    task = source.periodic_task
    if task is None:
        task = PeriodicTask.objects.filter(name=_task_name(source)).first() or PeriodicTask(
            name=_task_name(source)
        )
    task.task = TASK_NAME
    task.crontab = schedule
    task.interval = None
    task.args = json.dumps([source.pk])
    task.enabled = source.enabled
    task.description = f"Ingest job postings from {source.name} ({source.get_kind_display()})."
    task.save()
    if source.periodic_task_id != task.pk:
        JobSource.objects.filter(pk=source.pk).update(periodic_task=task)
        source.periodic_task = task
    return source


def _task_name(source: JobSource) -> str:
    return f"ingest source {source.pk}"


def source_next_run(*, source: JobSource) -> datetime | None:
    if not source.enabled:
        return None
    try:
        fields = parse_crontab(source.schedule)
    except ValidationError:
        return None
    from celery.schedules import crontab

    now = timezone.now()
    remaining = crontab(**fields).remaining_estimate(now)
    return now + remaining


def beat_schedule_mirror() -> list[str]:
    """Mirror every entry of CELERY_BEAT_SCHEDULE (sweeps, drift checks, retrains) into the
    admin's periodic tasks, as celery beat itself does when it starts, so that the admin lists
    them (and can pause them) on an installation where beat has never run. Idempotent: the
    rows are matched by name; a pause set in the admin stays. Returns the entry names."""
    from django_celery_beat.schedulers import ModelEntry

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    return list(settings.CELERY_BEAT_SCHEDULE)
