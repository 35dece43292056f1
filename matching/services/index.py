"""The per-process vector indexes of jobs and resumes, kept in step with the stored embeddings.

Each process builds its index from the embeddings in the database (no re-encoding) and then
adds only rows newer than the last one it saw, so web workers pick up new documents without a
restart. Results are always re-checked against the database, so a deleted or closed document
never appears, even in a process whose index still holds it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from mlcore.retrieval.faiss_index import VectorIndex
from recruiting.models import JobEmbedding, ResumeEmbedding
from recruiting.services.embedding import embedder_get

SYNC_BATCH = 5000


@dataclass
class _Holder:
    kind: str
    model_id: str
    index: VectorIndex
    last_embedding_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_MODELS = {"job": (JobEmbedding, "job_id"), "resume": (ResumeEmbedding, "resume_id")}
_holders: dict[tuple[str, str], _Holder] = {}
_holders_lock = threading.Lock()


def index_get(kind: str) -> VectorIndex:
    """The up-to-date index of ``kind`` ("job" or "resume") for the current embedding model."""
    embedder = embedder_get()
    key = (kind, embedder.model_id)
    with _holders_lock:
        holder = _holders.get(key)
        if holder is None:
            holder = _Holder(kind=kind, model_id=embedder.model_id,
                             index=VectorIndex(embedder.dim, model_id=embedder.model_id))
            _holders[key] = holder
    _sync(holder)
    return holder.index


def _sync(holder: _Holder) -> None:
    model, owner = _MODELS[holder.kind]
    with holder.lock:
        while True:
            rows = list(
                model.objects.filter(model_id=holder.model_id, id__gt=holder.last_embedding_id)
                .order_by("id")
                .values_list("id", owner, "vector")[:SYNC_BATCH]
            )
            if not rows:
                return
            ids = np.array([r[1] for r in rows], dtype=np.int64)
            vectors = np.vstack([np.frombuffer(bytes(r[2]), dtype=np.float32) for r in rows])
            holder.index.add(ids, vectors)
            holder.last_embedding_id = rows[-1][0]


def index_remove(kind: str, ids: list[int]) -> None:
    """Drop documents from this process's indexes (other processes filter them out by the DB)."""
    with _holders_lock:
        holders = [h for (k, _), h in _holders.items() if k == kind]
    for holder in holders:
        with holder.lock:
            holder.index.remove(np.asarray(ids, dtype=np.int64))


def index_reset() -> None:
    """Forget every in-process index (tests, and after an index rebuild or model switch)."""
    with _holders_lock:
        _holders.clear()
