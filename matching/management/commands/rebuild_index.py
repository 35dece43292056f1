"""`manage.py rebuild_index`: rebuild the shared job and resume stores and their BM25 indexes from
the stored embeddings and texts (no re-encoding), and switch every process to them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.store import lexical_rebuild, store_summary, store_sync


class Command(BaseCommand):
    help = "Rebuild the job and resume stores and BM25 indexes from the database, atomically."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", choices=["job", "resume"], action="append")

    def handle(self, *args, kind: list[str] | None, **options) -> None:
        for k in kind or ["job", "resume"]:
            store_sync(k, full=True)
            lexical_rebuild(k)
            summary = store_summary(k)
            self.stdout.write(
                f"{k}: {summary['rows']} documents ({summary['active']} active) -> "
                f"{summary['path']} ({summary['version']}, {summary['lexical']})"
                + (
                    f"; approximate index of {summary['approximate']['rows']} vectors"
                    if summary["approximate"]
                    else ""
                )
            )
