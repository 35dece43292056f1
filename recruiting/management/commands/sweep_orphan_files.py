"""`manage.py sweep_orphan_files`: delete resume files that no resume owns (beat runs it hourly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from recruiting.services.files import ORPHAN_GRACE_SECONDS, orphan_files_sweep


class Command(BaseCommand):
    help = "Delete resume files left by uploads killed before their row was committed."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace",
            type=float,
            default=ORPHAN_GRACE_SECONDS,
            help="Leave files younger than this many seconds (uploads in flight).",
        )

    def handle(self, *args, grace: float, **options) -> None:
        removed = orphan_files_sweep(grace_seconds=grace)
        self.stdout.write(f"Removed {len(removed)} orphan file(s).")
