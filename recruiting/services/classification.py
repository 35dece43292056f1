"""Category predictions for documents recruiting has just embedded. The classifier belongs to the
matching app, which recruiting never imports: ``settings.DOCUMENTS_CLASSIFIER`` names it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def documents_classify(*, kind: str, ids: list[int]) -> None:
    """Once the transaction commits, predict the categories of these documents (``kind`` is
    "resume" or "job") from their stored embeddings. Classification is an enrichment: a failure
    is logged and never undoes the upload or the ingestion that embedded them."""
    ids = list(ids)

    def classify() -> None:
        try:
            import_string(settings.DOCUMENTS_CLASSIFIER)(kind=kind, ids=ids)
        except Exception:
            logger.exception("classifying %s %s failed", kind, ids[:5])

    transaction.on_commit(classify)
