"""App configuration for matching."""

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.services import documents
        from recruiting.signals import (
            documents_embedded,
            documents_removed,
            personal_data_removed,
        )

        documents_embedded.connect(
            documents.on_documents_embedded, dispatch_uid="matching-embedded"
        )
        documents_removed.connect(documents.on_documents_removed, dispatch_uid="matching-removed")
        personal_data_removed.connect(
            documents.on_personal_data_removed, dispatch_uid="matching-personal-data"
        )
        self._warm_up_runserver()

    @staticmethod
    def _warm_up_runserver() -> None:
        """`runserver` serves from its reloader's child process: warm that one up in the
        background (gunicorn workers warm up in config/gunicorn.conf.py's post_worker_init)."""
        import os
        import sys

        if os.environ.get("RUN_MAIN") == "true" and "runserver" in sys.argv:
            from matching.services.warmup import web_process_ready

            web_process_ready(background=True)
