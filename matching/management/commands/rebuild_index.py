"""`manage.py rebuild_index`: rebuild the FAISS indexes from stored embeddings and swap them in."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matching.services.index import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the job and resume indexes from the stored embeddings (no re-encoding), atomically."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", choices=["job", "resume"], action="append")

    def handle(self, *args, kind: list[str] | None, **options) -> None:
        for k in kind or ["job", "resume"]:
            count, path = index_rebuild(k)
            self.stdout.write(f"{k}: {count} vectors -> {path}")
