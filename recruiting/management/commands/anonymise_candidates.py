"""`manage.py anonymise_candidates`: remove personal data from resumes older than the retention period."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from recruiting.models import Resume
from recruiting.services.erasure import resumes_anonymise

BATCH = 200


class Command(BaseCommand):
    help = "Anonymise resumes older than RETENTION_DAYS (safe to run twice)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Override RETENTION_DAYS.")

    def handle(self, *args, days: int | None, **options) -> None:
        cutoff = timezone.now() - timedelta(
            days=days if days is not None else settings.RETENTION_DAYS
        )
        due = list(
            Resume.objects.filter(created_at__lt=cutoff, anonymised_at=None)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        done = 0
        # In batches: each is one transaction, and a long backlog never holds one for long.
        for start in range(0, len(due), BATCH):
            batch = Resume.objects.filter(pk__in=due[start : start + BATCH])
            done += resumes_anonymise(resumes=batch, via="retention")
        self.stdout.write(f"Anonymised {done} resume(s) created before {cutoff:%Y-%m-%d}.")
