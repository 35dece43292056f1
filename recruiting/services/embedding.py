"""Encoding documents and storing their vectors (float32 bytes + model id) beside the rows."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from django.conf import settings
from django.db import transaction

from mlcore.embeddings import DocumentEmbedding, Embedder, get_embedder
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache

_lock = threading.Lock()
_embedder: Embedder | None = None


def embedder_get() -> Embedder:
    """The process-wide embedder (settings.EMBEDDER), behind an on-disk cache keyed by content."""
    global _embedder
    with _lock:
        if _embedder is None:
            base = get_embedder(settings.EMBEDDER, precision=settings.EMBEDDER_PRECISION)
            cache = EmbeddingCache(settings.ARTIFACTS_DIR / "embedding-cache")
            _embedder = CachedEmbedder(base, cache)
        return _embedder


def embedder_reset() -> None:
    """Forget the process embedder (tests switch settings.EMBEDDER)."""
    global _embedder
    with _lock:
        _embedder = None


def embeddings_store(*, model, owner_field: str, objects: Sequence, texts: Sequence[str]) -> list[DocumentEmbedding]:
    """Encode ``texts`` and replace each object's stored embedding for the current model."""
    embedder = embedder_get()
    docs = embedder.encode_documents(list(texts))
    with transaction.atomic():
        model.objects.filter(**{f"{owner_field}__in": objects, "model_id": embedder.model_id}).delete()
        model.objects.bulk_create(
            [
                model(
                    **{owner_field: obj},
                    model_id=embedder.model_id,
                    dim=embedder.dim,
                    content_hash=obj.content_hash,
                    vector=np.asarray(doc.vector, dtype=np.float32).tobytes(),
                    chunks=np.asarray(doc.chunks, dtype=np.float32).tobytes(),
                    chunk_spans=[list(s) for s in doc.chunk_spans],
                )
                for obj, doc in zip(objects, docs, strict=True)
            ]
        )
    return docs
