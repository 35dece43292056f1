"""`manage.py ingest_jobs --source NAME | --all`: run job sources now, in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recruiting.models import JobSource
from recruiting.services.ingestion import ingestion_run_now


class Command(BaseCommand):
    help = "Fetch postings from one job source (or all enabled ones) and upsert them."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--source", help="Name of the source.")
        group.add_argument("--all", action="store_true", help="Every enabled source.")

    def handle(self, *args, source: str | None, all: bool, **options) -> None:
        if all:
            sources = list(JobSource.objects.filter(enabled=True))
        else:
            sources = list(JobSource.objects.filter(name=source))
            if not sources:
                raise CommandError(f"No job source named {source!r}.")
        failed = 0
        for src in sources:
            bar = tqdm(desc=src.name, unit="posting", disable=options["verbosity"] == 0)

            def progress(done: int, total: int, bar=bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            run = ingestion_run_now(source=src, trigger="command", progress=progress)
            bar.close()
            line = (
                f"{src.name}: {run.get_status_display()} - {run.created} new, {run.updated} changed, "
                f"{run.unchanged} unchanged, {run.closed} closed, {run.failed} failed"
            )
            if run.message:
                line += f" ({run.message})"
            self.stdout.write(line)
            failed += run.status == run.Status.FAILED
        if failed:
            raise CommandError(f"{failed} source(s) failed.")
