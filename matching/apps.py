"""App configuration for matching: it listens to recruiting's erasure signals, and warms up
runserver's process."""

import os
import sys

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Imported here: services import models, which only exist once the app registry is ready.
        from matching.services import documents
        from recruiting.signals import documents_removed, personal_data_removed

        documents_removed.connect(documents.on_documents_removed, dispatch_uid="matching-removed")
        personal_data_removed.connect(
            documents.on_personal_data_removed, dispatch_uid="matching-personal-data"
        )
        self._warm_up_runserver()

    @staticmethod
    def _warm_up_runserver() -> None:
        """`runserver` serves from its reloader's child process: warm that one up in the
        background (gunicorn workers warm up in config/gunicorn.conf.py's post_worker_init)."""
        if os.environ.get("RUN_MAIN") == "true" and "runserver" in sys.argv:
            from matching.services.warmup import web_process_ready

            web_process_ready(background=True)
