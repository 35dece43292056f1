"""`manage.py anonymise_candidates`: remove personal data from resumes older than the retention period."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from recruiting.models import Resume
from recruiting.services.resumes import resume_anonymise


class Command(BaseCommand):
    help = "Anonymise resumes older than RETENTION_DAYS (safe to run twice)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Override RETENTION_DAYS.")

    def handle(self, *args, days: int | None, **options) -> None:
        cutoff = timezone.now() - timedelta(
            days=days if days is not None else settings.RETENTION_DAYS
        )
        done = sum(
            resume_anonymise(resume=r)
            for r in Resume.objects.filter(created_at__lt=cutoff, anonymised_at=None)
        )
        self.stdout.write(f"Anonymised {done} resume(s) created before {cutoff:%Y-%m-%d}.")
