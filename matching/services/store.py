"""The shared stores of jobs and resumes (``mlcore.retrieval.store``) and their BM25 indexes:
written by one process at a time, memory-mapped by every process on the machine.

Layout under ``ARTIFACTS_DIR/store/<kind>/<model id>/``: immutable version folders, ``CURRENT``
naming the store in use and ``LEXICAL`` the BM25 index in use. A writer (the worker's sync task,
or the process itself when tasks run in-process) holds ``.lock``, reads what changed in the
database since the version it starts from, writes a new version and points ``CURRENT`` at it;
readers look at ``CURRENT`` at most every ``STORE_CHECK_SECONDS`` and map the new version. The
BM25 index is rebuilt from the texts when the store changed and it is older than
``MATCH_LEXICAL_REFRESH_SECONDS`` (until then new documents reach a pool through the dense side).

A second machine either shares ``ARTIFACTS_DIR`` (a network volume: readers only map files) or
runs its own worker, which builds its own stores from the shared database.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Max

from config.celery import task_named
from mlcore.artifacts import ArtifactError, write_atomic
from mlcore.retrieval.keywords import KeywordVector, hash_word
from mlcore.retrieval.lexical import BM25Index
from mlcore.retrieval.store import DocumentRow, DocumentStore
from mlcore.terms import term_key
from recruiting.models import Job, JobEmbedding, JobSkill, Resume, ResumeEmbedding, ResumeSkill
from recruiting.services.embedding import embedder_get, keyword_model_get
from recruiting.services.erasure import erasures_latest
from recruiting.services.requirements import requirements_explicit

logger = logging.getLogger(__name__)

KINDS = ("resume", "job")
CURRENT, LEXICAL, LOCK = "CURRENT", "LEXICAL", ".lock"
REQUIRED, NICE, EXCLUDED = 0, 1, 2
_KIND_CODE = {"required": REQUIRED, "nice": NICE, "excluded": EXCLUDED}
BATCH = 2000
SKEW_SECONDS = 60


def term_id(name: str) -> int:
    """The negative id of a free-text requirement term in a job store (skills keep their pk)."""
    return -1 - (hash_word(term_key(name)) % (1 << 40))


def store_root(kind: str, model_id: str | None = None) -> Path:
    model_id = model_id or embedder_get().model_id
    return Path(settings.ARTIFACTS_DIR) / "store" / kind / model_id.replace("/", "_")


@contextmanager
def _writer(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _pointer(root: Path, name: str) -> str | None:
    try:
        return (root / name).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _point(root: Path, name: str, version: str) -> None:
    write_atomic(root / name, version.encode("utf-8"))


def _prune(root: Path, prefix: str, keep: set[str]) -> None:
    """Old versions go; the one in use and the previous one stay for readers mid-switch."""
    versions = sorted(p.name for p in root.iterdir() if p.name.startswith(prefix) and p.is_dir())
    for name in versions[:-2]:
        if name not in keep:
            shutil.rmtree(root / name, ignore_errors=True)


def _new_version(prefix: str) -> str:
    return f"{prefix}{time.time_ns():020d}-{os.getpid()}"


# -- reading the database ---------------------------------------------------------------------
def _years(value) -> float:
    return float("nan") if value is None else float(value)


def _keywords(row, text: str) -> KeywordVector:
    model = keyword_model_get()
    if row.keywords and row.keywords_model == model.fingerprint_:
        try:
            return KeywordVector.from_bytes(bytes(row.keywords))
        except ValueError:
            pass
    return model.vector(text)


def _resume_rows(ids: list[int], model_id: str) -> list[DocumentRow]:
    """Store rows of the given resumes (those with a usable embedding of the model)."""
    out = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        skills: dict[int, list[int]] = {}
        for resume_id, skill_id in ResumeSkill.objects.filter(resume_id__in=chunk).values_list(
            "resume_id", "skill_id"
        ):
            skills.setdefault(resume_id, []).append(skill_id)
        resumes = {r.pk: r for r in Resume.objects.filter(pk__in=chunk)}
        for emb in ResumeEmbedding.objects.filter(resume_id__in=chunk, model_id=model_id):
            resume = resumes.get(emb.resume_id)
            if resume is None or resume.anonymised_at is not None:
                continue  # anonymised: neither vector nor text may stay in a store
            try:
                vector, chunks = emb.as_array(), emb.chunk_array()
            except ValueError:
                continue  # a damaged stored vector: reconcile reports it
            if not np.all(np.isfinite(vector)):
                continue
            out.append(
                DocumentRow(
                    id=resume.pk,
                    vector=vector,
                    chunks=chunks,
                    keywords=_keywords(emb, resume.text),
                    skill_ids=skills.get(resume.pk, ()),
                    group=resume.team_id or -1,
                    category=resume.category_id or -1,
                    category_confidence=float("nan")
                    if resume.category_confidence is None
                    else resume.category_confidence,
                    years=_years(resume.years_experience),
                    active=resume.status == Resume.Status.READY,
                )
            )
    return out


def _job_rows(ids: list[int], model_id: str) -> tuple[list[DocumentRow], dict[str, str]]:
    """Store rows of the given jobs, and the names of their free-text terms by id."""
    out, terms = [], {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        requirements: dict[int, list[tuple[int, int, str]]] = {}
        origins: dict[int, list[str]] = {}
        for job_id, name, skill_id, kind, origin in JobSkill.objects.filter(
            job_id__in=chunk
        ).matching_terms():
            rid = skill_id if skill_id else term_id(name)
            if not skill_id:
                terms[str(rid)] = name
            requirements.setdefault(job_id, []).append((rid, _KIND_CODE[kind], name))
            origins.setdefault(job_id, []).append(origin)
        jobs = {j.pk: j for j in Job.objects.filter(pk__in=chunk)}
        for emb in JobEmbedding.objects.filter(job_id__in=chunk, model_id=model_id):
            job = jobs.get(emb.job_id)
            if job is None:
                continue
            try:
                vector, chunks = emb.as_array(), emb.chunk_array()
            except ValueError:
                continue
            reqs = requirements.get(job.pk, [])
            stored = dict(zip(emb.requirement_names or [], _f16_rows(emb), strict=False))
            dim = len(vector)
            vectors = (
                np.stack(
                    [
                        np.asarray(stored.get(name, np.zeros(dim)), dtype=np.float32)
                        for _, _, name in reqs
                    ]
                )
                if reqs
                else np.zeros((0, dim), np.float32)
            )
            out.append(
                DocumentRow(
                    id=job.pk,
                    vector=vector,
                    chunks=chunks,
                    keywords=_keywords(emb, f"{job.title}\n{job.description_text}"),
                    skill_ids=[r for r, _, _ in reqs if r > 0],
                    group=job.team_id or -1,
                    category=job.category_id or -1,
                    category_confidence=float("nan")
                    if job.category_confidence is None
                    else job.category_confidence,
                    years=_years(job.years_required),
                    active=job.status == Job.Status.OPEN,
                    explicit=requirements_explicit(
                        origins=origins.get(job.pk, []), description_text=job.description_text
                    ),
                    requirements=[(r, k) for r, k, _ in reqs],
                    requirement_vectors=vectors,
                )
            )
    return out, terms


def _f16_rows(emb) -> np.ndarray:
    data = bytes(emb.requirement_vectors or b"")
    if not data or len(data) % (2 * emb.dim):
        return np.zeros((0, emb.dim), np.float32)
    return np.frombuffer(data, dtype=np.float16).reshape(-1, emb.dim).astype(np.float32)


@dataclass(frozen=True)
class _Changes:
    upserts: list[int]
    removed: list[int]
    last_embedding_id: int
    last_updated: str | None


def _changes(kind: str, model_id: str, store: DocumentStore | None) -> _Changes:
    """What changed since ``store`` was written: new embeddings, documents edited since, and
    documents gone (deleted, anonymised, or without an embedding of the model any more)."""
    emb_model, owner, doc_model = (
        (ResumeEmbedding, "resume_id", Resume)
        if kind == "resume"
        else (JobEmbedding, "job_id", Job)
    )
    meta = store.meta if store is not None else {}
    last_embedding = int(meta.get("last_embedding_id", 0))
    last_updated = meta.get("last_updated")
    embedded = emb_model.objects.filter(model_id=model_id)
    # The next sync starts from here: taken before reading, so a change made while this one
    # reads is seen next time (timestamps are re-read a minute back for clock skew).
    snapshot_embedding = embedded.aggregate(m=Max("id"))["m"] or 0
    snapshot_updated = doc_model.objects.aggregate(m=Max("updated_at"))["m"]
    present = set(embedded.values_list(owner, flat=True))
    if kind == "resume":
        present -= set(Resume.objects.exclude(anonymised_at=None).values_list("id", flat=True))
    changed = set(embedded.filter(id__gt=last_embedding).values_list(owner, flat=True))
    if last_updated:
        since = datetime.fromisoformat(last_updated) - timedelta(seconds=SKEW_SECONDS)
        changed |= set(doc_model.objects.filter(updated_at__gte=since).values_list("id", flat=True))
    held = set(store.ids_of(np.arange(len(store)))) if store is not None else set()
    if store is None:
        changed = present
    return _Changes(
        upserts=sorted(changed & present),
        removed=sorted(held - present),
        last_embedding_id=int(snapshot_embedding),
        last_updated=snapshot_updated.isoformat() if snapshot_updated else last_updated,
    )


# -- writing ---------------------------------------------------------------------------------
def _ann_params() -> dict:
    from matching.services.matching import match_params

    return {"min_rows": 50_000, "nprobe": 48, **(match_params().get("ann") or {})}


def store_sync(kind: str, *, full: bool = False) -> str:
    """Bring the store of ``kind`` up to date with the database (a new version when anything
    changed) and return the version in use. ``full`` rebuilds it from every stored embedding."""
    embedder = embedder_get()
    root = store_root(kind, embedder.model_id)
    with _writer(root):
        version = _pointer(root, CURRENT)
        current = None
        if version and not full:
            try:
                current = DocumentStore.load(root / version, verify=False)
            except ArtifactError as exc:
                logger.warning("store %s unusable (%s): rebuilding it", version, exc)
        erasures = erasures_latest() if kind == "resume" else 0
        changes = _changes(kind, embedder.model_id, current)
        if (
            current is not None
            and not changes.upserts
            and not changes.removed
            and erasures <= int(current.meta.get("erasures_seen", 0))
        ):
            return version
        if kind == "resume":
            rows, terms = _resume_rows(changes.upserts, embedder.model_id), {}
        else:
            rows, terms = _job_rows(changes.upserts, embedder.model_id)
        meta = {
            "model_id": embedder.model_id,
            "keywords_model": keyword_model_get().fingerprint_,
            "last_embedding_id": changes.last_embedding_id,
            "last_updated": changes.last_updated,
            "erasures_seen": erasures,
        }
        if current is None:
            store = DocumentStore.build(rows, dim=embedder.dim, meta={**meta, "terms": terms})
        else:
            merged_terms = {**(current.meta.get("terms") or {}), **terms}
            store = current.updated(rows, changes.removed, **meta, terms=merged_terms)
        ann = _ann_params()
        store = store.indexed(min_rows=int(ann["min_rows"]), nprobe=int(ann["nprobe"]))
        version = _new_version("v")
        store.save(root / version)
        _point(root, CURRENT, version)
        _prune(root, "v", {version})
    with _lock:
        _loaded.pop((kind, embedder.model_id), None)
    return version


def lexical_rebuild(kind: str) -> str | None:
    """Rebuild the BM25 index of ``kind`` from the texts of the documents in its store."""
    embedder = embedder_get()
    root = store_root(kind, embedder.model_id)
    store_version = _pointer(root, CURRENT) or store_sync(kind)
    with _writer(root):
        store = DocumentStore.load(root / store_version, verify=False)
        ids = store.ids_of(np.arange(len(store)))
        texts: dict[int, str] = {}
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            if kind == "resume":
                rows = Resume.objects.filter(pk__in=chunk).values_list("id", "text")
            else:
                rows = (
                    (pk, f"{title}\n{text}")
                    for pk, title, text in Job.objects.filter(pk__in=chunk).values_list(
                        "id", "title", "description_text"
                    )
                )
            texts.update(rows)
        kept = [i for i in ids if i in texts]
        version = _new_version("bm25-")
        BM25Index(kept, [texts[i] for i in kept]).save(root / version)
        (root / version / "store.txt").write_text(store_version, encoding="utf-8")
        _point(root, LEXICAL, version)
        _prune(root, "bm25-", {version})
    with _lock:
        loaded = _loaded.get((kind, embedder.model_id))
        if loaded is not None:
            loaded.lexical = None
    return version


def stores_refresh() -> dict[str, str]:
    """The worker's periodic job: sync both stores; rebuild a BM25 index whose store moved on
    and that is older than ``MATCH_LEXICAL_REFRESH_SECONDS``."""
    out = {}
    for kind in KINDS:
        out[kind] = store_sync(kind)
        if settings.MATCH_LEXICAL_CHANNEL:
            root = store_root(kind)
            lexical = _pointer(root, LEXICAL)
            stale = lexical is None
            if lexical is not None:
                built_for = (root / lexical / "store.txt").read_text(encoding="utf-8").strip()
                age = time.time() - (root / lexical).stat().st_mtime
                stale = built_for != out[kind] and age >= settings.MATCH_LEXICAL_REFRESH_SECONDS
            if stale:
                lexical_rebuild(kind)
    return out


# -- reading ---------------------------------------------------------------------------------
@dataclass
class _Loaded:
    version: str
    store: DocumentStore
    checked_at: float
    lexical: tuple[str, BM25Index, np.ndarray] | None = None  # version, index, store rows


_loaded: dict[tuple[str, str], _Loaded] = {}
_lock = threading.Lock()


def _behind(kind: str, store: DocumentStore) -> bool:
    """Whether the database holds embeddings or edits the store has not seen (two indexed
    aggregates)."""
    emb_model, doc_model = (ResumeEmbedding, Resume) if kind == "resume" else (JobEmbedding, Job)
    last_embedding = emb_model.objects.aggregate(m=Max("id"))["m"] or 0
    last_updated = doc_model.objects.aggregate(m=Max("updated_at"))["m"]
    seen = store.meta.get("last_updated")
    # An erasure deletes rows and moves neither marker: the audit log says it happened.
    erased = kind == "resume" and erasures_latest() > int(store.meta.get("erasures_seen", 0))
    return (
        erased
        or last_embedding > int(store.meta.get("last_embedding_id", 0))
        or bool(last_updated and (seen is None or last_updated > datetime.fromisoformat(seen)))
    )


def _catch_up(kind: str) -> str | None:
    """A store that is behind: synced here when tasks run in-process, else a sync is sent to
    the workers (at most one every STORE_CHECK_SECONDS per process) and this request uses the
    store as it is. Returns the new version when synced here."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return store_sync(kind)
    task_named("matching.tasks.stores_refresh_task").delay()
    return None


def store_get(kind: str) -> DocumentStore:
    """The store of ``kind`` in use, mapped once per version; built first when none exists.
    At most every ``STORE_CHECK_SECONDS`` it looks for a newer version and whether the
    database moved on (then it catches up, see ``_catch_up``)."""
    model_id = embedder_get().model_id
    key, root = (kind, model_id), store_root(kind, model_id)
    now = time.monotonic()
    with _lock:
        loaded = _loaded.get(key)
        if loaded is not None and now - loaded.checked_at < settings.STORE_CHECK_SECONDS:
            return loaded.store
    version = _pointer(root, CURRENT) or store_sync(kind)
    store = _mapped(kind, root, version, loaded)
    if _behind(kind, store):
        newer = _catch_up(kind)
        if newer is not None and newer != version:
            version, store = newer, _mapped(kind, root, newer, None)
    with _lock:
        current = _loaded.get(key)
        if current is None or current.version != version:
            _loaded[key] = _Loaded(version=version, store=store, checked_at=now)
        else:
            current.checked_at = now
    return store


def _mapped(kind: str, root: Path, version: str, loaded: _Loaded | None) -> DocumentStore:
    """The store ``version``, mapped (or the one this process already maps)."""
    if loaded is not None and loaded.version == version:
        return loaded.store
    try:
        return DocumentStore.load(root / version, verify=settings.STORE_VERIFY)
    except ArtifactError as exc:
        logger.warning("store %s of %s unusable (%s): rebuilding it", version, kind, exc)
        return DocumentStore.load(root / store_sync(kind, full=True), verify=settings.STORE_VERIFY)


def lexical_get(kind: str) -> tuple[BM25Index, np.ndarray] | None:
    """The BM25 index of ``kind`` and, per BM25 document, its row in the store in use (-1 when
    the store no longer holds it). None when there is no index yet."""
    store = store_get(kind)
    model_id = embedder_get().model_id
    root = store_root(kind, model_id)
    version = _pointer(root, LEXICAL)
    if version is None:
        version = lexical_rebuild(kind)
    with _lock:
        loaded = _loaded.get((kind, model_id))
        if loaded is not None and loaded.lexical is not None and loaded.lexical[0] == version:
            return loaded.lexical[1], loaded.lexical[2]
    try:
        index = BM25Index.load(root / version, mmap=True)
    except ArtifactError as exc:
        logger.warning("BM25 index %s of %s unusable (%s): rebuilding it", version, kind, exc)
        index = BM25Index.load(root / lexical_rebuild(kind), mmap=True)
    ids = store.columns["ids"]
    rows = np.clip(np.searchsorted(ids, index.ids_), 0, max(len(ids) - 1, 0))
    rows = np.where((len(ids) > 0) & (ids[rows] == index.ids_), rows, -1) if len(ids) else rows - 1
    with _lock:
        loaded = _loaded.get((kind, model_id))
        if loaded is not None:
            loaded.lexical = (version, index, rows)
    return index, rows


def store_terms(kind: str = "job") -> dict[int, str]:
    """Free-text requirement names of the job store by their negative id."""
    return {int(k): v for k, v in (store_get(kind).meta.get("terms") or {}).items()}


def stores_reset() -> None:
    """Forget the mapped stores of this process (tests; the files stay)."""
    with _lock:
        _loaded.clear()


def store_summary(kind: str) -> dict:
    """For commands and the health page: version, rows, active rows, BM25 version."""
    root = store_root(kind)
    store = store_get(kind)
    return {
        "kind": kind,
        "version": _pointer(root, CURRENT),
        "rows": len(store),
        "active": int(np.sum(store.columns["active"])),
        "lexical": _pointer(root, LEXICAL),
        "approximate": None
        if store.ann is None
        else {"rows": len(store.ann), "nprobe": store.ann.nprobe},
        "path": str(root),
    }


def store_manifest(kind: str) -> dict:
    root = store_root(kind)
    version = _pointer(root, CURRENT)
    return json.loads((root / version / "manifest.json").read_text()) if version else {}


# -- erasure and repair -----------------------------------------------------------------------
def store_forget(kind: str) -> None:
    """Erasure: a new store version without the documents the database no longer holds (or
    holds anonymised) replaces the old ones at once; older versions are deleted. A BM25 index
    maps its documents through the store, so an erased one is never returned; it is rebuilt
    without the erased text here when tasks run in-process, else at once by a worker."""
    store_sync(kind)
    root = store_root(kind)
    current = _pointer(root, CURRENT)
    with _writer(root):
        for old in root.iterdir():
            if old.is_dir() and old.name.startswith("v") and old.name != current:
                shutil.rmtree(old, ignore_errors=True)
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        lexical_rebuild(kind)
    else:
        task_named("matching.tasks.lexical_rebuild_task").delay(kind)


@dataclass(frozen=True)
class ReconcileReport:
    """How the store of one kind differs from the stored embeddings (document ids, sorted).

    ``missing``: embedded, not in the store. ``orphaned``: in the store with no usable stored
    embedding (deleted, anonymised, or embedded with another model). ``stale``: in the store
    with a vector other than the stored one. ``unusable``: stored vectors that cannot be used
    at all; only re-embedding fixes them.
    """

    kind: str
    model_id: str
    version: str | None
    stored: int
    held: int
    missing: list[int]
    orphaned: list[int]
    stale: list[int]
    unusable: list[int]
    repaired: bool

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.orphaned) + len(self.stale)


def store_reconcile(kind: str, *, dry_run: bool = False) -> ReconcileReport:
    """Compare the store of ``kind`` with the stored embeddings of the current model and,
    unless ``dry_run``, rebuild it from them (never re-encoding) when they differ."""
    embedder = embedder_get()
    root = store_root(kind, embedder.model_id)
    version = _pointer(root, CURRENT)
    try:
        store = DocumentStore.load(root / version) if version else None
    except ArtifactError:
        store = None
    emb_model, owner = (
        (ResumeEmbedding, "resume_id") if kind == "resume" else (JobEmbedding, "job_id")
    )
    anonymised = (
        set(Resume.objects.exclude(anonymised_at=None).values_list("id", flat=True))
        if kind == "resume"
        else set()
    )
    stored, unusable = {}, []
    for doc_id, raw, dim in (
        emb_model.objects.filter(model_id=embedder.model_id)
        .values_list(owner, "vector", "dim")
        .iterator(chunk_size=BATCH)
    ):
        if doc_id in anonymised:
            continue
        vector = np.frombuffer(bytes(raw), dtype=np.float32) if len(bytes(raw)) == dim * 4 else None
        if vector is None or not np.all(np.isfinite(vector)):
            unusable.append(doc_id)
            continue
        stored[doc_id] = vector
    held_ids = store.ids_of(np.arange(len(store))) if store is not None else []
    held = set(held_ids)
    missing = sorted(set(stored) - held)
    orphaned = sorted(held - set(stored))
    stale = []
    if store is not None:
        for i, doc_id in enumerate(held_ids):
            if doc_id in stored and not np.allclose(store.columns["vectors"][i], stored[doc_id]):
                stale.append(doc_id)
    report = ReconcileReport(
        kind=kind,
        model_id=embedder.model_id,
        version=version,
        stored=len(stored),
        held=len(held),
        missing=missing,
        orphaned=orphaned,
        stale=sorted(stale),
        unusable=sorted(unusable),
        repaired=False,
    )
    if dry_run or (store is not None and not report.differences):
        return report
    store_sync(kind, full=True)
    return ReconcileReport(**{**report.__dict__, "repaired": True})
