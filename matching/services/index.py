"""The per-process vector indexes of jobs and resumes, kept in step with the stored embeddings.

Each process builds its index from the embeddings in the database (no re-encoding) and then
adds only rows newer than the last one it saw, so web workers pick up new documents without a
restart. Results are always re-checked against the database, so a deleted or closed document
never appears, even in a process whose index still holds it; ``index_reconcile`` finds and
repairs the entries that drifted from the stored embeddings.

An erased or anonymised candidate leaves every index: the erasing process removes it from its
own and from the saved one (``index_forget``), and every other process replays the erasures of
the audit log before it searches (``recruiting.services.erasure.erasures_since``).
"""

from __future__ import annotations

import dataclasses
import fcntl
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
from recruiting.services.erasure import erasures_latest, erasures_since

logger = logging.getLogger(__name__)

SYNC_BATCH = 5000


@dataclass
class _Holder:
    kind: str
    model_id: str
    index: VectorIndex
    last_embedding_id: int = 0
    # The last erasure (audit event id) applied to this index: resume indexes replay later ones.
    erasures_seen: int = 0
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
            holder = _load_saved(kind, embedder.model_id, embedder.dim) or _new_holder(
                kind, embedder
            )
            _holders[key] = holder
    _sync(holder)
    return holder.index


def _new_holder(kind: str, embedder) -> _Holder:
    """An empty index that ``_sync`` fills from the stored embeddings; the rows of every
    erasure recorded so far are already gone from the database."""
    return _Holder(
        kind=kind,
        model_id=embedder.model_id,
        index=VectorIndex(embedder.dim, model_id=embedder.model_id),
        erasures_seen=erasures_latest() if kind == "resume" else 0,
    )


def _load_saved(kind: str, model_id: str, dim: int) -> _Holder | None:
    try:
        return _read_saved(kind, model_id, dim)
    except FileNotFoundError:
        return None
    except (IndexLoadError, OSError, ValueError, KeyError) as exc:
        # A damaged saved index is not fatal: the stored embeddings rebuild it.
        logger.warning("saved %s index unusable (%s); rebuilding from stored embeddings", kind, exc)
        return None


def _read_saved(kind: str, model_id: str, dim: int) -> _Holder:
    directory = index_dir(kind, model_id)
    sync_file = directory / "sync.json"
    if not sync_file.exists():
        raise FileNotFoundError(sync_file)
    index = VectorIndex.load(directory / "index", expected_model_id=model_id, expected_dim=dim)
    sync = json.loads(sync_file.read_text())
    return _Holder(
        kind=kind,
        model_id=model_id,
        index=index,
        last_embedding_id=int(sync["last_embedding_id"]),
        erasures_seen=int(sync.get("erasures_seen", 0)),
    )


def index_rebuild(kind: str) -> tuple[int, Path]:
    """Build the index of ``kind`` from the stored embeddings (no re-encoding) and save it atomically.

    The new index is written beside the old one and swapped in with a rename; this process
    switches to it at once, others on their next start.
    """
    holder = _new_holder(kind, embedder_get())
    _sync(holder)
    return len(holder.index), _save(holder)


def _save(holder: _Holder) -> Path:
    """Write the index and its sync point beside the saved one, swap them in with a rename, and
    make ``holder`` this process's index."""
    directory = index_dir(holder.kind, holder.model_id)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}-"))
    holder.index.save(staging / "index")
    sync = {"last_embedding_id": holder.last_embedding_id, "erasures_seen": holder.erasures_seen}
    (staging / "sync.json").write_text(json.dumps(sync))
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}-old-{os.getpid()}")
        os.replace(directory, old)
    os.replace(staging, directory)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    with _holders_lock:
        _holders[(holder.kind, holder.model_id)] = holder
    return directory


def _decode(raw: bytes | memoryview, dim: int) -> np.ndarray | None:
    """A stored vector as float32, or None when it cannot be indexed (wrong size, NaN, inf)."""
    data = bytes(raw)
    if len(data) != dim * 4:
        return None
    vector = np.frombuffer(data, dtype=np.float32)
    return vector if np.all(np.isfinite(vector)) else None


def _sync(holder: _Holder) -> None:
    model, owner = _MODELS[holder.kind]
    with holder.lock:
        if holder.kind == "resume":
            holder.erasures_seen, erased = erasures_since(holder.erasures_seen)
            if erased:
                holder.index.remove(np.asarray(erased, dtype=np.int64))
        while True:
            rows = list(
                model.objects.filter(model_id=holder.model_id, id__gt=holder.last_embedding_id)
                .order_by("id")
                .values_list("id", owner, "vector")[:SYNC_BATCH]
            )
            if not rows:
                return
            decoded = [(r[1], _decode(r[2], holder.index.dim)) for r in rows]
            usable = [(doc_id, v) for doc_id, v in decoded if v is not None]
            if len(usable) < len(rows):
                # One damaged row must not take matching down; reconcile_index reports it.
                logger.warning(
                    "skipped %d unusable stored %s vectors (re-embed them)",
                    len(rows) - len(usable),
                    holder.kind,
                )
            if usable:
                holder.index.add(
                    np.array([d for d, _ in usable], dtype=np.int64),
                    np.vstack([v for _, v in usable]),
                )
            holder.last_embedding_id = rows[-1][0]


def index_remove(kind: str, ids: list[int]) -> None:
    """Drop documents from this process's indexes (other processes filter them out by the DB)."""
    with _holders_lock:
        holders = [h for (k, _), h in _holders.items() if k == kind]
    for holder in holders:
        with holder.lock:
            holder.index.remove(np.asarray(ids, dtype=np.int64))


def index_forget(kind: str, ids: list[int]) -> None:
    """Erasure: drop documents from this process's indexes and from every saved index of
    ``kind`` (each model's), rewritten without their vectors, not merely tombstoned."""
    index_remove(kind, ids)
    root = Path(settings.ARTIFACTS_DIR) / "index" / kind
    if not root.is_dir():
        return
    # One rewrite at a time: two erasures reading the same file would each save it without
    # only their own ids. (A process loading a file that still holds one replays the audit log.)
    with open(root / ".rewrite.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _saved_forget(kind, ids, root)


def _saved_forget(kind: str, ids: list[int], root: Path) -> None:
    for directory in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        try:
            manifest = json.loads((directory / "index" / "manifest.json").read_text())
            holder = _read_saved(kind, manifest["model_id"], int(manifest["dim"]))
        except (FileNotFoundError, IndexLoadError, OSError, ValueError, KeyError) as exc:
            logger.warning("saved %s index %s not rewritten: %s", kind, directory.name, exc)
            continue
        if not any(doc_id in holder.index for doc_id in ids):
            continue
        holder.index.remove(np.asarray(ids, dtype=np.int64))
        holder.index.rebuild()  # HNSW only tombstones: the vectors must leave the file
        with _holders_lock:
            current = _holders.get((kind, holder.model_id))
        _save(holder)
        if current is not None:  # _save made the saved holder this process's: keep ours
            with _holders_lock:
                _holders[(kind, holder.model_id)] = current


def index_reset() -> None:
    """Forget every in-process index (tests, and after an index rebuild or model switch)."""
    with _holders_lock:
        _holders.clear()


@dataclass(frozen=True)
class ReconcileReport:
    """How the index of one kind differs from the stored embeddings (document ids, sorted).

    ``missing``: stored, not indexed. ``orphaned``: indexed with no usable stored embedding for
    the current model (row deleted behind the index's back, embedded only with another model,
    or its vector damaged). ``stale``: indexed with a vector other than the stored one.
    ``unusable``: stored vectors that cannot be indexed at all; only re-embedding fixes them.
    """

    kind: str
    model_id: str
    saved: str  # what was on disk: "loaded", "absent" or "unusable: <reason>"
    stored: int
    indexed: int
    missing: list[int]
    orphaned: list[int]
    stale: list[int]
    unusable: list[int]
    repaired: bool

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.orphaned) + len(self.stale)


def index_reconcile(kind: str, *, dry_run: bool = False) -> ReconcileReport:
    """Compare the index of ``kind`` with the stored embeddings of the current model and, unless
    ``dry_run``, repair it from the stored vectors (never re-encoding) and save it atomically.

    The index compared is the one a new process would use: the saved index plus the embeddings
    stored after it. Every stored embedding of the model belongs in it, closed jobs included:
    searches filter by the database, and a job can reopen without being embedded again.
    """
    embedder = embedder_get()
    saved = "loaded"
    try:
        holder = _read_saved(kind, embedder.model_id, embedder.dim)
    except FileNotFoundError:
        holder, saved = None, "absent"
    except (IndexLoadError, OSError, ValueError, KeyError) as exc:
        holder, saved = None, f"unusable: {exc}"
    if holder is None:
        holder = _new_holder(kind, embedder)
    synced_from = holder.last_embedding_id
    _sync(holder)

    model, owner = _MODELS[kind]
    stored: dict[int, np.ndarray | None] = {}
    last_row = 0
    for row_id, doc_id, raw in (
        model.objects.filter(model_id=embedder.model_id)
        .values_list("id", owner, "vector")
        .iterator(chunk_size=SYNC_BATCH)
    ):
        stored[doc_id] = _decode(raw, embedder.dim)
        last_row = max(last_row, row_id)
    ids, vectors = holder.index.items()
    position = {doc_id: i for i, doc_id in enumerate(ids.tolist())}
    missing, stale, unusable = [], [], []
    for doc_id, vector in stored.items():
        if vector is None:
            unusable.append(doc_id)
        elif doc_id not in position:
            missing.append(doc_id)
        elif not np.allclose(vectors[position[doc_id]], vector, rtol=0, atol=1e-6):
            stale.append(doc_id)
    orphaned = [doc_id for doc_id in position if stored.get(doc_id) is None]
    report = ReconcileReport(
        kind=kind,
        model_id=embedder.model_id,
        saved=saved,
        stored=len(stored) - len(unusable),
        indexed=len(holder.index),
        missing=sorted(missing),
        orphaned=sorted(orphaned),
        stale=sorted(stale),
        unusable=sorted(unusable),
        repaired=False,
    )
    changed = report.differences or saved != "loaded" or holder.last_embedding_id != synced_from
    if dry_run or not changed:
        return report
    if orphaned:
        holder.index.remove(np.asarray(orphaned, dtype=np.int64))
    replace = report.missing + report.stale
    if replace:
        holder.index.add(
            np.asarray(replace, dtype=np.int64), np.vstack([stored[d] for d in replace])
        )
    if holder.index.tombstones:
        holder.index.rebuild()
    holder.last_embedding_id = max(holder.last_embedding_id, last_row)
    _save(holder)
    logger.info(
        "reconciled the %s index: %d missing, %d orphaned, %d stale",
        kind,
        len(missing),
        len(orphaned),
        len(stale),
    )
    return dataclasses.replace(report, repaired=True)
