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
