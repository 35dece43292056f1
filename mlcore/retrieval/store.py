"""The documents a matching service searches and scores, as column arrays saved in one folder
that every process memory-maps: built and updated by one writer (a worker), read by many (web
processes), so that no process builds its own copy and the operating system shares the pages.

Per document (row): its id, unit vector, passage (chunk) vectors as float16, keyword vector,
taxonomy skill ids, a group (the owning team), a category with its confidence, years of
experience (resumes) or years asked for (jobs), and whether it is active (a resume ready for
matching and not anonymised; an open job). Scoring a pool of rows needs nothing else, so it
needs no database. Files are plain ``.npy`` (never pickles) listed with their sha256 in
``manifest.json``; a folder is immutable once written, and a new version is a new folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlcore.artifacts import ArtifactError
from mlcore.retrieval.keywords import KeywordVector

__all__ = ["DocumentRow", "DocumentStore", "PoolArrays", "StoreError"]

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Exact search scans every row: fine up to here (one pass over n x 384 float32 costs about
# n * 1.5 KB at ~25 GB/s); above it the store also holds an HNSW graph.
EXACT_MAX = 200_000
_COLUMNS = (
    "ids",
    "vectors",
    "chunk_offsets",
    "chunks",
    "kw_offsets",
    "kw_ids",
    "kw_weights",
    "skill_offsets",
    "skill_ids",
    "group",
    "category",
    "category_confidence",
    "years",
    "active",
)


class StoreError(ArtifactError):
    """A saved store is missing, truncated, corrupt, or of another format or model."""


@dataclass(frozen=True)
class DocumentRow:
    """One document as the store keeps it (see the module docstring)."""

    id: int
    vector: np.ndarray
    chunks: np.ndarray
    keywords: KeywordVector
    skill_ids: Sequence[int] = ()
    group: int = -1
    category: int = -1  # index into the store's ``categories``, -1 unknown
    category_confidence: float = float("nan")
    years: float = float("nan")
    active: bool = True


@dataclass(frozen=True, eq=False)
class PoolArrays:
    """A few rows gathered for scoring (copies, not views of the mapped files)."""

    rows: np.ndarray
    ids: np.ndarray
    vectors: np.ndarray
    chunks: list[np.ndarray]
    keywords: list[KeywordVector]
    skill_ids: list[np.ndarray]
    category: np.ndarray
    category_confidence: np.ndarray
    years: np.ndarray


def _ragged(parts: Sequence[np.ndarray], dtype, width: int | None = None):
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in parts])
    if width is None:
        flat = np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)
    else:
        flat = (
            np.concatenate([np.asarray(p, dtype).reshape(-1, width) for p in parts])
            if parts
            else np.zeros((0, width), dtype)
        )
    return offsets, flat


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


class DocumentStore:
    """Column arrays of documents; see :meth:`build`, :meth:`updated`, :meth:`save`, :meth:`load`.

    Attributes
    ----------
    columns : dict of str to ndarray (memory-mapped when loaded)
    meta : dict
        ``model_id``, ``dim``, ``keywords_model`` (the keyword model's fingerprint),
        ``categories`` (slugs by code) and the writer's own sync points.
    """

    def __init__(self, columns: dict[str, np.ndarray], meta: dict) -> None:
        self.columns = columns
        self.meta = dict(meta)
        self._position: dict[int, int] | None = None

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[DocumentRow], *, dim: int, meta: dict) -> DocumentStore:
        rows = sorted(rows, key=lambda r: r.id)
        ids = np.array([r.id for r in rows], dtype=np.int64)
        if len(np.unique(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        chunk_offsets, chunks = _ragged(
            [np.asarray(r.chunks).reshape(-1, dim) for r in rows], np.float16, dim
        )
        kw_offsets, kw_ids = _ragged([r.keywords.ids for r in rows], np.int64)
        _, kw_weights = _ragged([r.keywords.weights for r in rows], np.float32)
        skill_offsets, skill_ids = _ragged(
            [np.asarray(sorted(set(r.skill_ids)), dtype=np.int64) for r in rows], np.int64
        )
        columns = {
            "ids": ids,
            "vectors": np.asarray(
                [np.asarray(r.vector, np.float32) for r in rows], dtype=np.float32
            ).reshape(-1, dim),
            "chunk_offsets": chunk_offsets,
            "chunks": chunks,
            "kw_offsets": kw_offsets,
            "kw_ids": kw_ids,
            "kw_weights": kw_weights,
            "skill_offsets": skill_offsets,
            "skill_ids": skill_ids,
            "group": np.array([r.group for r in rows], dtype=np.int64),
            "category": np.array([r.category for r in rows], dtype=np.int16),
            "category_confidence": np.array(
                [r.category_confidence for r in rows], dtype=np.float32
            ),
            "years": np.array([r.years for r in rows], dtype=np.float32),
            "active": np.array([r.active for r in rows], dtype=bool),
        }
        return cls(columns, {**meta, "dim": dim})

    def rows(self) -> list[DocumentRow]:
        """Every row back as a DocumentRow (for :meth:`updated`)."""
        return [self.row(i) for i in range(len(self))]

    def row(self, i: int) -> DocumentRow:
        c = self.columns
        return DocumentRow(
            id=int(c["ids"][i]),
            vector=np.array(c["vectors"][i]),
            chunks=np.array(c["chunks"][c["chunk_offsets"][i] : c["chunk_offsets"][i + 1]]),
            keywords=self.keyword_vector(i),
            skill_ids=tuple(
                int(s) for s in c["skill_ids"][c["skill_offsets"][i] : c["skill_offsets"][i + 1]]
            ),
            group=int(c["group"][i]),
            category=int(c["category"][i]),
            category_confidence=float(c["category_confidence"][i]),
            years=float(c["years"][i]),
            active=bool(c["active"][i]),
        )

    def updated(
        self, upserts: Iterable[DocumentRow], removed: Iterable[int] = (), **meta
    ) -> DocumentStore:
        """A new store: rows of ``upserts`` replace or join, ids in ``removed`` leave."""
        upserts = list(upserts)
        drop = {int(i) for i in removed} | {r.id for r in upserts}
        kept = [self.row(i) for i, doc_id in enumerate(self.columns["ids"]) if doc_id not in drop]
        return DocumentStore.build(
            kept + upserts, dim=int(self.meta["dim"]), meta={**self.meta, **meta}
        )

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.columns["ids"])

    def position(self, doc_id: int) -> int | None:
        if self._position is None:
            self._position = {int(d): i for i, d in enumerate(self.columns["ids"])}
        return self._position.get(int(doc_id))

    def positions(self, doc_ids: Iterable[int]) -> np.ndarray:
        """Row positions of the ids the store holds (others are left out), in the given order."""
        ids = self.columns["ids"]
        wanted = np.fromiter((int(i) for i in doc_ids), dtype=np.int64)
        at = np.searchsorted(ids, wanted)
        at = np.clip(at, 0, max(len(ids) - 1, 0))
        found = (ids[at] == wanted) if len(ids) else np.zeros(len(wanted), bool)
        return at[found]

    def ids_of(self, positions: np.ndarray) -> list[int]:
        return [int(i) for i in self.columns["ids"][np.asarray(positions, dtype=np.int64)]]

    def keyword_vector(self, i: int) -> KeywordVector:
        c = self.columns
        a, b = c["kw_offsets"][i], c["kw_offsets"][i + 1]
        return KeywordVector(np.array(c["kw_ids"][a:b]), np.array(c["kw_weights"][a:b]))

    def mask(self, *, groups: Sequence[int] | None = None, active_only: bool = True) -> np.ndarray:
        """Rows a search may return: active, and in one of ``groups`` when given."""
        c = self.columns
        keep = np.array(c["active"], dtype=bool) if active_only else np.ones(len(self), bool)
        if groups is not None:
            keep &= np.isin(c["group"], np.asarray(list(groups), dtype=np.int64))
        return keep

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Row positions of the ``k`` rows closest to ``query`` (cosine), best first; ties go
        to the smaller id. Exact: one pass over the vectors."""
        if k <= 0 or not len(self):
            return np.zeros(0, dtype=np.int64)
        scores = np.asarray(self.columns["vectors"] @ np.asarray(query, np.float32))
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(k, int(np.sum(np.isfinite(scores))))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        order = np.lexsort((self.columns["ids"][top], -scores[top]))
        return top[order].astype(np.int64)

    def gather(self, positions: np.ndarray) -> PoolArrays:
        c = self.columns
        positions = np.asarray(positions, dtype=np.int64)
        return PoolArrays(
            rows=positions,
            ids=np.array(c["ids"][positions]),
            vectors=np.array(c["vectors"][positions], dtype=np.float32),
            chunks=[
                np.array(c["chunks"][c["chunk_offsets"][p] : c["chunk_offsets"][p + 1]], np.float32)
                for p in positions
            ],
            keywords=[self.keyword_vector(int(p)) for p in positions],
            skill_ids=[
                np.array(c["skill_ids"][c["skill_offsets"][p] : c["skill_offsets"][p + 1]])
                for p in positions
            ],
            category=np.array(c["category"][positions]),
            category_confidence=np.array(c["category_confidence"][positions]),
            years=np.array(c["years"][positions]),
        )

    # -- files -----------------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the store into a new folder ``directory`` atomically (files fsynced, manifest
        last, then a rename). An existing folder is an error: versions never change."""
        target = Path(directory)
        if target.exists():
            raise StoreError(f"store {target} already exists; a new version needs a new folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            files = {}
            for name in _COLUMNS:
                path = tmp / f"{name}.npy"
                with open(path, "wb") as fh:
                    np.save(fh, np.ascontiguousarray(self.columns[name]), allow_pickle=False)
                    fh.flush()
                    os.fsync(fh.fileno())
                files[f"{name}.npy"] = {"sha256": _sha256(path), "size": path.stat().st_size}
            manifest = {
                "format_version": FORMAT_VERSION,
                "kind": "document-store",
                "count": len(self),
                "meta": self.meta,
                "files": files,
            }
            with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
                json.dump(manifest, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, verify: bool = True) -> DocumentStore:
        """Map a saved store into memory (read-only), after checking every file's size and,
        with ``verify``, its sha256 (streamed: nothing is held in memory)."""
        folder = Path(directory)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise StoreError(f"no document store at {folder}") from exc
        except (OSError, ValueError) as exc:
            raise StoreError(f"the manifest of {folder} is unreadable: {exc}") from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise StoreError(f"{folder} is not a document store of format {FORMAT_VERSION}")
        columns = {}
        for name in _COLUMNS:
            entry = (manifest.get("files") or {}).get(f"{name}.npy")
            path = folder / f"{name}.npy"
            if entry is None or not path.is_file() or path.stat().st_size != entry["size"]:
                raise StoreError(f"{path} is missing or truncated")
            if verify and _sha256(path) != entry["sha256"]:
                raise StoreError(f"{path} fails its sha256 check (corrupt or altered)")
            try:
                columns[name] = np.load(path, mmap_mode="r", allow_pickle=False)
            except ValueError as exc:
                raise StoreError(f"{path} cannot be read: {exc}") from exc
        if len(columns["ids"]) != manifest.get("count"):
            raise StoreError(
                f"{folder} holds {len(columns['ids'])} rows, its manifest says otherwise"
            )
        return cls(columns, manifest.get("meta") or {})
