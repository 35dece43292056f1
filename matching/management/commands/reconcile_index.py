"""`manage.py reconcile_index`: find and repair differences between the stored embeddings and the
shared job and resume stores."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.store import store_reconcile

KINDS = {"job": "job", "jobs": "job", "resume": "resume", "resumes": "resume"}


class Command(BaseCommand):
    help = (
        "Compare the job and resume indexes with the stored embeddings; add missing entries,"
        " drop orphaned ones and replace stale vectors (from the stored vectors, no re-encoding)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", choices=sorted(KINDS), action="append")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report the differences; change nothing."
        )

    def handle(self, *args, kind: list[str] | None, dry_run: bool, **options) -> None:
        for k in dict.fromkeys(KINDS[k] for k in kind or ["job", "resume"]):
            report = store_reconcile(k, dry_run=dry_run)
            if dry_run:
                outcome = "dry run, nothing changed"
            else:
                outcome = "rebuilt" if report.repaired else "nothing to repair"
            self.stdout.write(
                f"{k}: {report.stored} stored, {report.held} in the store ({report.version});"
                f" {len(report.missing)} missing, {len(report.orphaned)} orphaned,"
                f" {len(report.stale)} stale, {report.differences} differences -> {outcome}"
            )
            if report.unusable:
                self.stderr.write(
                    f"{k}: {len(report.unusable)} stored vectors cannot be indexed (ids"
                    f" {report.unusable[:20]}); re-embed those documents"
                )
