"""The per-process vector indexes of jobs and resumes, kept in step with the stored embeddings.

Each process builds its index from the embeddings in the database (no re-encoding) and then
adds only rows newer than the last one it saw, so web workers pick up new documents without a
restart. Results are always re-checked against the database, so a deleted or closed document
never appears, even in a process whose index still holds it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from mlcore.retrieval.faiss_index import IndexLoadError, VectorIndex
from recruiting.models import JobEmbedding, ResumeEmbedding
from recruiting.services.embedding import embedder_get

logger = logging.getLogger(__name__)

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


def index_dir(kind: str, model_id: str) -> Path:
    return Path(settings.ARTIFACTS_DIR) / "index" / kind / model_id.replace("/", "_")


def index_get(kind: str) -> VectorIndex:
    """The up-to-date index of ``kind`` ("job" or "resume") for the current embedding model.

    A process starts from the saved index (``manage.py rebuild_index``) when there is one, then
    adds only the embeddings stored after it was built.
    """
    embedder = embedder_get()
    key = (kind, embedder.model_id)
    with _holders_lock:
        holder = _holders.get(key)
        if holder is None:
            holder = _load_saved(kind, embedder.model_id, embedder.dim) or _Holder(
                kind=kind,
                model_id=embedder.model_id,
                index=VectorIndex(embedder.dim, model_id=embedder.model_id),
            )
            _holders[key] = holder
    _sync(holder)
    return holder.index


def _load_saved(kind: str, model_id: str, dim: int) -> _Holder | None:
    directory = index_dir(kind, model_id)
    if not (directory / "sync.json").exists():
        return None
    try:
        index = VectorIndex.load(directory / "index", expected_model_id=model_id, expected_dim=dim)
        last = int(json.loads((directory / "sync.json").read_text())["last_embedding_id"])
    except (IndexLoadError, OSError, ValueError, KeyError) as exc:
        # A damaged saved index is not fatal: the stored embeddings rebuild it.
        logger.warning("saved %s index unusable (%s); rebuilding from stored embeddings", kind, exc)
        return None
    return _Holder(kind=kind, model_id=model_id, index=index, last_embedding_id=last)


def index_rebuild(kind: str) -> tuple[int, Path]:
    """Build the index of ``kind`` from the stored embeddings (no re-encoding) and save it atomically.

    The new index is written beside the old one and swapped in with a rename; this process
    switches to it at once, others on their next start.
    """
    embedder = embedder_get()
    holder = _Holder(
        kind=kind,
        model_id=embedder.model_id,
        index=VectorIndex(embedder.dim, model_id=embedder.model_id),
    )
    _sync(holder)
    directory = index_dir(kind, embedder.model_id)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}-"))
    holder.index.save(staging / "index")
    (staging / "sync.json").write_text(json.dumps({"last_embedding_id": holder.last_embedding_id}))
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}-old-{os.getpid()}")
        os.replace(directory, old)
    os.replace(staging, directory)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    with _holders_lock:
        _holders[(kind, embedder.model_id)] = holder
    return len(holder.index), directory


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
