"""The documents a matching service searches and scores, as column arrays saved in one folder
that every process memory-maps: built and updated by one writer (a worker), read by many (web
processes), so that no process builds its own copy and the operating system shares the pages.
The rows a request gathers are copied out of the page cache with ``pread`` (see
``_ColumnFile``), so they never count in the reading process's memory.

Per document (row): its id, unit vector, passage (chunk) vectors as float16, keyword vector,
taxonomy skill ids, a group (the owning team), a category with its confidence, years of
experience (resumes) or years asked for (jobs), whether it is active (a resume ready for
matching; an open job) and, for jobs, the requirements (skill ids, or negative ids of free-text
terms, with their kind and a float16 vector each). Scoring a pool of rows needs nothing else, so
it needs no database. A saved store is an artifact (``mlcore.artifacts``) of plain ``.npy`` files
(never pickles); a folder is immutable once written, and a new version is a new folder.

A large store also carries an :class:`ApproximateIndex` (faiss IVF over 8-bit vectors, memory
mapped too) that dense search uses when a query may return many rows; its candidates are
re-scored exactly with the stored float32 vectors, so only recall is approximate.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import faiss
import numpy as np

from mlcore.artifacts import MANIFEST, ArtifactError, check_artifact, write_artifact
from mlcore.retrieval.keywords import KeywordVector

__all__ = ["ApproximateIndex", "DocumentRow", "DocumentStore", "PoolArrays"]

KIND = "document-store"
ANN_FILE = "ann.faiss"
# A search that may return at most this many rows scores them exactly, approximate index or
# not: scoring a few thousand gathered rows costs less than probing the index and is exact.
EXACT_SUBSET = 20_000
REQUIRED, NICE, EXCLUDED = 0, 1, 2
# Rows of one column read with a system call each, at most (see ``_ColumnFile``).
_READ_MAX_ROWS = 4_096
# Runs of rows closer than this are read as one span: a ``pread`` costs about as much as
# copying this many bytes more from the page cache.
_GAP_BYTES = 16_384

# Columns with one value per row, and their dtypes ("vectors" is (n, dim)).
_FIXED = {
    "ids": np.int64,
    "vectors": np.float32,
    "group": np.int64,
    "category": np.int32,
    "category_confidence": np.float32,
    "years": np.float32,
    "active": bool,
    "explicit": bool,
}
# Ragged columns: a group's rows share "<group>_offsets" (n + 1) and hold one or more value
# arrays; vectors in them are (m, dim).
_RAGGED = {
    "chunks": {"chunks_vectors": np.float16},
    "kw": {"kw_ids": np.int64, "kw_weights": np.float32},
    "skills": {"skills_ids": np.int64},
    "req": {"req_ids": np.int64, "req_kind": np.int8, "req_vectors": np.float16},
}
# Gathered as float32; "req_vectors" stays float16 (scoring reads the must-haves' rows only,
# and converts those).
_WIDE = {"vectors", "chunks_vectors"}


@dataclass(frozen=True)
class DocumentRow:
    """One document as the store keeps it (see the module docstring). ``requirements`` holds
    ``(id, kind)`` pairs, one row of ``requirement_vectors`` each."""

    id: int
    vector: np.ndarray
    chunks: np.ndarray
    keywords: KeywordVector
    skill_ids: Sequence[int] = ()
    group: int = -1
    category: int = -1  # a category id, -1 unknown
    category_confidence: float = float("nan")
    years: float = float("nan")
    active: bool = True
    explicit: bool = False  # jobs: requirements written by a person
    requirements: Sequence[tuple[int, int]] = ()
    requirement_vectors: np.ndarray | None = None


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
    explicit: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    requirements: list[np.ndarray] = field(default_factory=list)  # (k, 2): id, kind
    requirement_vectors: list[np.ndarray] = field(default_factory=list)  # float16 rows


def _segments(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The given rows' segments of a ragged group: first elements, lengths, and the offsets of
    the segments once concatenated."""
    offsets = np.asarray(offsets, dtype=np.int64)
    starts = offsets[rows]
    lengths = offsets[rows + 1] - starts
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    return starts, lengths, new_offsets


def _elements(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Element indices of runs (``starts[i]``, ``lengths[i]`` elements each), concatenated."""
    firsts = np.cumsum(lengths) - lengths  # where each run lands once concatenated
    total = int(np.sum(lengths))
    return np.repeat(starts - firsts, lengths) + np.arange(total, dtype=np.int64)


class _ColumnFile:
    """Copies runs of rows out of a memory-mapped ``.npy`` column with ``pread``.

    The bytes come from the page cache, which every process on the machine shares, and no page
    is mapped into this process. Fancy indexing the map instead maps every page a row touches,
    and where the page cache holds large folios (ext4 and xfs on Linux 6.16 and later) one row
    maps the hundreds of KB around it: two calls at 100k resumes left 380 MB of store pages in
    a web worker's RSS. Measured at 300 rows of 1.5 KB: 0.55 ms read against 0.59 ms indexed.
    """

    def __init__(self, column: np.memmap) -> None:
        self.path = str(column.filename)
        self.offset = int(column.offset)
        self.dtype = column.dtype
        self.tail = column.shape[1:]
        self.row_bytes = int(column.dtype.itemsize * int(np.prod(self.tail, dtype=np.int64)))
        self.fd = os.open(self.path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)

    def runs(self, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Rows ``starts[i]`` to ``starts[i] + lengths[i]`` of every run, concatenated.

        Runs less than ``_GAP_BYTES`` apart in the file are read as one span, the rows between
        them read and dropped: a pool of 300 jobs in a store of 2,000 then costs a few dozen
        reads per column instead of 300."""
        starts = np.asarray(starts, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        live = np.flatnonzero(lengths > 0)
        if not len(live):
            return np.empty((0, *self.tail), dtype=self.dtype)
        order = live[np.argsort(starts[live], kind="stable")]
        s, e = starts[order], starts[order] + lengths[order]
        reach = np.maximum.accumulate(e)  # runs may overlap (a row asked for twice)
        gap = _GAP_BYTES // max(self.row_bytes, 1)
        firsts = np.flatnonzero(np.concatenate([[True], s[1:] > reach[:-1] + gap]))
        if len(firsts) == len(order):  # nothing to merge: each run straight into its place
            out = np.empty((int(np.sum(lengths)), *self.tail), dtype=self.dtype)
            self._read(out, starts[live], lengths[live])
            return out
        lasts = np.concatenate([firsts[1:], [len(s)]]) - 1
        span_starts = s[firsts]
        span_lengths = reach[lasts] - span_starts
        buffer = np.empty((int(np.sum(span_lengths)), *self.tail), dtype=self.dtype)
        self._read(buffer, span_starts, span_lengths)
        # Where each run's first row landed in the buffer, then its rows in the asked order.
        span = np.repeat(np.arange(len(firsts)), lasts - firsts + 1)
        landed = np.zeros(len(starts), dtype=np.int64)
        landed[order] = (np.cumsum(span_lengths) - span_lengths)[span] + s - span_starts[span]
        return buffer[_elements(landed, lengths)]

    def _read(self, out: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> None:
        """Fill ``out`` with the runs, in order, one read per run (runs that follow one another
        in the file: one read)."""
        if len(starts) > 1:
            follows = np.flatnonzero(starts[1:] != starts[:-1] + lengths[:-1]) + 1
            firsts = np.concatenate([[0], follows])
            starts, lengths = starts[firsts], np.add.reduceat(lengths, firsts)
        view = memoryview(out.reshape(-1).view(np.uint8))
        at = 0
        for start, n in zip(starts.tolist(), lengths.tolist(), strict=True):
            size = n * self.row_bytes
            if os.preadv(self.fd, [view[at : at + size]], self.offset + start * self.row_bytes) != (
                size
            ):
                raise ArtifactError(f"{self.path} is shorter than its header says")
            at += size


def _columns_of(rows: Sequence[DocumentRow], dim: int) -> dict[str, np.ndarray]:
    """Columns of rows in the given order."""

    def ragged(parts, dtype, width=None):
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=offsets[1:])
        if not parts:
            return offsets, np.zeros((0, width) if width else 0, dtype)
        if width:
            return offsets, np.concatenate([np.asarray(p, dtype).reshape(-1, width) for p in parts])
        return offsets, np.concatenate([np.asarray(p, dtype).reshape(-1) for p in parts])

    out: dict[str, np.ndarray] = {
        "ids": np.array([r.id for r in rows], dtype=np.int64),
        "vectors": np.array(
            [np.asarray(r.vector, np.float32).reshape(dim) for r in rows], dtype=np.float32
        ).reshape(-1, dim),
        "group": np.array([r.group for r in rows], dtype=np.int64),
        "category": np.array([r.category for r in rows], dtype=np.int32),
        "category_confidence": np.array([r.category_confidence for r in rows], np.float32),
        "years": np.array([r.years for r in rows], dtype=np.float32),
        "active": np.array([r.active for r in rows], dtype=bool),
        "explicit": np.array([r.explicit for r in rows], dtype=bool),
    }
    out["chunks_offsets"], out["chunks_vectors"] = ragged([r.chunks for r in rows], np.float16, dim)
    out["kw_offsets"], out["kw_ids"] = ragged([r.keywords.ids for r in rows], np.int64)
    _, out["kw_weights"] = ragged([r.keywords.weights for r in rows], np.float32)
    out["skills_offsets"], out["skills_ids"] = ragged(
        [np.asarray(sorted(set(r.skill_ids)), dtype=np.int64) for r in rows], np.int64
    )
    reqs = [np.asarray(r.requirements, dtype=np.int64).reshape(-1, 2) for r in rows]
    out["req_offsets"], out["req_ids"] = ragged([q[:, 0] for q in reqs], np.int64)
    _, out["req_kind"] = ragged([q[:, 1] for q in reqs], np.int8)
    vectors = []
    for r, q in zip(rows, reqs, strict=True):
        v = r.requirement_vectors
        v = np.zeros((len(q), dim), np.float32) if v is None else np.asarray(v).reshape(-1, dim)
        if len(v) != len(q):
            raise ValueError(f"document {r.id}: one requirement vector per requirement")
        vectors.append(v)
    _, out["req_vectors"] = ragged(vectors, np.float16, dim)
    return out


def concatenate_columns(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict:
    """The rows of column sets ``a`` then ``b`` (not sorted, ids not checked)."""
    merged: dict[str, np.ndarray] = {}
    for name in _FIXED:
        merged[name] = np.concatenate([a[name], b[name]])
    for group, values in _RAGGED.items():
        a_off, b_off = a[f"{group}_offsets"], b[f"{group}_offsets"]
        merged[f"{group}_offsets"] = np.concatenate([a_off, b_off[1:] + a_off[-1]])
        for name in values:
            merged[name] = np.concatenate([a[name], b[name]])
    return merged


def _column_names() -> list[str]:
    names = list(_FIXED)
    for group, values in _RAGGED.items():
        names += [f"{group}_offsets", *values]
    return names


class ApproximateIndex:
    """Approximate inner-product search over a store's vectors, labelled with document ids:
    faiss ``IndexIVFScalarQuantizer`` (8-bit codes, a quarter of float32) whose inverted lists
    are memory-mapped when loaded. ``nprobe`` lists are scanned per query; filters are id
    bitmaps (``IDSelectorBitmap``), so no id list is built per request.

    Kept up to date with its store row by row (:meth:`updated`); trained again when the store
    has grown ``RETRAIN_GROWTH`` times past the size it was trained on.
    """

    RETRAIN_GROWTH = 4

    def __init__(self, index, *, trained_rows: int, nprobe: int, path: Path | None = None):
        self.index = index
        self.trained_rows = int(trained_rows)
        self.nprobe = int(nprobe)
        self.path = path

    @staticmethod
    def lists_for(n: int) -> int:
        """Inverted lists for ``n`` vectors: about 2 sqrt(n), so a probe scans ~sqrt(n)/2."""
        return int(max(16, min(65_536, 2 * np.sqrt(max(n, 1)))))

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        ids: np.ndarray | None = None,
        *,
        nprobe: int = 48,
        seed: int = 0,
    ) -> ApproximateIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        nlist = cls.lists_for(n)
        if n < nlist:
            raise ValueError(f"{n} vectors are too few to train {nlist} lists")
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dim),
            dim,
            nlist,
            faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
        rng = np.random.default_rng(seed)
        sample = min(n, 40 * nlist)
        index.cp.seed = seed
        index.train(vectors[np.sort(rng.choice(n, sample, replace=False))])
        for start in range(0, n, 65_536):
            index.add_with_ids(vectors[start : start + 65_536], ids[start : start + 65_536])
        return cls(index, trained_rows=n, nprobe=nprobe)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def _writable(self):
        """The index in memory (a mapped one is read again from its file: faiss cannot change
        or copy mapped lists)."""
        if self.path is None:
            return faiss.clone_index(self.index)
        return faiss.read_index(str(self.path))

    def updated(
        self, ids: np.ndarray, vectors: np.ndarray, removed: Iterable[int] = ()
    ) -> ApproximateIndex:
        """A new index: the given ids (re)placed with their vectors, ``removed`` gone."""
        index = self._writable()
        ids = np.asarray(ids, dtype=np.int64)
        drop = np.union1d(np.fromiter((int(i) for i in removed), dtype=np.int64), ids)
        if len(drop):
            index.remove_ids(faiss.IDSelectorBatch(drop))
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
        return ApproximateIndex(index, trained_rows=self.trained_rows, nprobe=self.nprobe)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Ids of up to ``k`` vectors with the largest inner product with ``query`` (approx.),
        among ``allowed`` ids (None: all)."""
        params = faiss.SearchParametersIVF(nprobe=self.nprobe)
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
            if not len(allowed):
                return np.zeros(0, dtype=np.int64)
            bits = np.zeros(int(allowed.max()) + 1, dtype=bool)
            bits[allowed] = True
            bitmap = np.packbits(bits, bitorder="little")
            # The selector points into ``bitmap``: both must live through the search.
            params.sel = selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        _, labels = self.index.search(q, int(k), params=params)
        if allowed is not None:
            del selector
        found = labels[0]
        return found[found >= 0].astype(np.int64)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, *, trained_rows: int, nprobe: int) -> ApproximateIndex:
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        except RuntimeError as exc:
            raise ArtifactError(f"{path} is not a readable faiss index: {exc}") from exc
        return cls(index, trained_rows=trained_rows, nprobe=nprobe, path=Path(path))


class DocumentStore:
    """Column arrays of documents sorted by id; see :meth:`build`, :meth:`updated`,
    :meth:`save` and :meth:`load`.

    Attributes
    ----------
    columns : dict of str to ndarray (memory-mapped when loaded)
    meta : dict
        ``model_id``, ``dim``, the keyword model's fingerprint, the writer's sync points and
        ``terms`` (free-text requirement names by their negative id).
    ann : ApproximateIndex or None
        Present on large stores (see :meth:`indexed`); kept in step by :meth:`updated`.
    """

    exact_subset = EXACT_SUBSET

    def __init__(
        self, columns: dict[str, np.ndarray], meta: dict, ann: ApproximateIndex | None = None
    ) -> None:
        self.columns = columns
        self.meta = dict(meta)
        self.ann = ann
        self._files: dict[str, _ColumnFile] = {}

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[DocumentRow], *, dim: int, meta: dict) -> DocumentStore:
        rows = sorted(rows, key=lambda r: r.id)
        ids = [r.id for r in rows]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        return cls(_columns_of(rows, dim), {**meta, "dim": dim})

    def _runs(self, name: str, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Runs of rows of one column, concatenated (copies): read with ``pread`` from a
        mapped column (see :class:`_ColumnFile`), indexed from one in memory."""
        column = self.columns[name]
        if not isinstance(column, np.memmap):
            return np.asarray(column[_elements(starts, lengths)])
        if name not in self._files:
            self._files[name] = _ColumnFile(column)
        return self._files[name].runs(starts, lengths)

    def _rows(self, name: str, rows: np.ndarray) -> np.ndarray:
        """``column[rows]`` as a copy, read as :meth:`_runs` reads; many rows (a scan of a
        large subset, whose pages are mapped either way) are indexed from the map."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) > _READ_MAX_ROWS:
            return np.asarray(self.columns[name][rows])
        return self._runs(name, rows, np.ones(len(rows), dtype=np.int64))

    def _take(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The columns of the given rows, in that order (copies)."""
        c, out = self.columns, {}
        for name in _FIXED:
            out[name] = np.asarray(c[name][rows])
        for group, values in _RAGGED.items():
            starts, lengths, offsets = _segments(c[f"{group}_offsets"], rows)
            elements = _elements(starts, lengths)
            out[f"{group}_offsets"] = offsets
            for name in values:
                out[name] = np.asarray(c[name][elements])
        return out

    def updated(
        self, upserts: Iterable[DocumentRow], removed: Iterable[int] = (), **meta
    ) -> DocumentStore:
        """A new store: rows of ``upserts`` replace or join, ids in ``removed`` leave. Column
        by column: the cost grows with the store's size in bytes, not in Python objects."""
        upserts = sorted(upserts, key=lambda r: r.id)
        dim = int(self.meta["dim"])
        drop = np.fromiter({int(i) for i in removed} | {r.id for r in upserts}, dtype=np.int64)
        keep = np.flatnonzero(~np.isin(self.columns["ids"], drop))
        new = _columns_of(upserts, dim)
        merged = concatenate_columns(self._take(keep), new)
        ann = None
        if self.ann is not None:
            ann = self.ann.updated(new["ids"], new["vectors"], drop)
        combined = DocumentStore(merged, {**self.meta, **meta}, ann)
        order = np.argsort(merged["ids"], kind="stable")
        if len(order) and np.any(np.diff(order) < 0):
            combined = DocumentStore(combined._take(order), combined.meta, ann)
        return combined

    def indexed(self, *, min_rows: int, nprobe: int) -> DocumentStore:
        """This store with an approximate index when it holds at least ``min_rows`` rows (built,
        or trained again when the store outgrew it), without one below that."""
        if len(self) < min_rows:
            return self if self.ann is None else DocumentStore(self.columns, self.meta)
        ann = self.ann
        if ann is None or len(self) > ann.trained_rows * ApproximateIndex.RETRAIN_GROWTH:
            ann = ApproximateIndex.build(
                self.columns["vectors"], self.columns["ids"], nprobe=nprobe
            )
        else:
            ann.nprobe = nprobe
        return DocumentStore(self.columns, self.meta, ann)

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.columns["ids"])

    def position(self, doc_id: int) -> int | None:
        found = self.positions([doc_id])
        return int(found[0]) if len(found) else None

    def positions(self, doc_ids: Iterable[int]) -> np.ndarray:
        """Row positions of the ids the store holds (others are left out), in the given order."""
        ids = self.columns["ids"]
        wanted = np.fromiter((int(i) for i in doc_ids), dtype=np.int64)
        if not len(ids) or not len(wanted):
            return np.zeros(0, dtype=np.int64)
        at = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
        return at[ids[at] == wanted].astype(np.int64)

    def ids_of(self, positions: np.ndarray) -> list[int]:
        return [int(i) for i in self.columns["ids"][np.asarray(positions, dtype=np.int64)]]

    def keyword_vector(self, i: int) -> KeywordVector:
        c = self.columns
        a, b = c["kw_offsets"][i], c["kw_offsets"][i + 1]
        return KeywordVector(np.array(c["kw_ids"][a:b]), np.array(c["kw_weights"][a:b]))

    def row(self, i: int) -> DocumentRow:
        c = self.columns
        a, b = c["req_offsets"][i], c["req_offsets"][i + 1]
        return DocumentRow(
            id=int(c["ids"][i]),
            vector=np.array(c["vectors"][i]),
            chunks=np.array(
                c["chunks_vectors"][c["chunks_offsets"][i] : c["chunks_offsets"][i + 1]]
            ),
            keywords=self.keyword_vector(i),
            skill_ids=tuple(
                int(s) for s in c["skills_ids"][c["skills_offsets"][i] : c["skills_offsets"][i + 1]]
            ),
            group=int(c["group"][i]),
            category=int(c["category"][i]),
            category_confidence=float(c["category_confidence"][i]),
            years=float(c["years"][i]),
            active=bool(c["active"][i]),
            explicit=bool(c["explicit"][i]),
            requirements=tuple(
                (int(r), int(k)) for r, k in zip(c["req_ids"][a:b], c["req_kind"][a:b], strict=True)
            ),
            requirement_vectors=np.array(c["req_vectors"][a:b], dtype=np.float32),
        )

    def mask(
        self,
        *,
        groups: Sequence[int] | None = None,
        active_only: bool = True,
        category: int | None = None,
        skill: int | None = None,
        exclude: Iterable[int] = (),
    ) -> np.ndarray:
        """Rows a search may return: active, in one of ``groups`` (None: any), of a category,
        holding a skill, and not among the ``exclude`` ids."""
        c = self.columns
        keep = np.array(c["active"], dtype=bool) if active_only else np.ones(len(self), bool)
        if groups is not None:
            keep &= np.isin(c["group"], np.asarray(list(groups), dtype=np.int64))
        if category is not None:
            keep &= np.asarray(c["category"]) == category
        if skill is not None:
            offsets = np.asarray(c["skills_offsets"])
            hits = np.flatnonzero(np.asarray(c["skills_ids"]) == skill)
            has = np.zeros(len(self), bool)
            has[np.searchsorted(offsets, hits, side="right") - 1] = True
            keep &= has
        excluded = self.positions(exclude)
        keep[excluded] = False
        return keep

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Row positions of the ``k`` rows closest to ``query`` (cosine), best first; ties go
        to the smaller id. Exact over the allowed rows when there are few of them or no
        approximate index; else the index's candidates (2k) re-scored exactly."""
        if k <= 0 or not len(self):
            return np.zeros(0, dtype=np.int64)
        query = np.asarray(query, np.float32)
        allowed = len(self) if mask is None else int(np.count_nonzero(mask))
        if self.ann is not None and allowed > self.exact_subset:
            ids = self.columns["ids"]
            found = self.ann.search(query, 2 * k, None if mask is None else ids[mask])
            rows = self.positions(found)
            if mask is not None:
                rows = rows[np.asarray(mask)[rows]]
            rows = np.sort(rows)
            scores = self._rows("vectors", rows) @ query
        elif mask is not None and allowed < len(self) // 4:
            rows = np.flatnonzero(mask)
            scores = self._rows("vectors", rows) @ query
        else:
            rows = np.arange(len(self))
            scores = np.asarray(self.columns["vectors"] @ query)
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
        keep = np.isfinite(scores)
        rows, scores = rows[keep], scores[keep]
        k = min(k, len(rows))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        order = np.lexsort((self.columns["ids"][rows[top]], -scores[top]))
        return rows[top][order].astype(np.int64)

    def gather(self, positions: np.ndarray, *, passages: bool = True) -> PoolArrays:
        """The given rows, copied out of the mapped columns with one fancy index per column (a
        per-row slice of a memory map costs microseconds each, which a pool multiplies).
        ``passages=False`` leaves ``chunks`` empty (scoring a pool of jobs never reads them)."""
        c = self.columns
        positions = np.asarray(positions, dtype=np.int64)
        segments: dict[str, list[np.ndarray]] = {}
        for group, values in _RAGGED.items():
            if group == "chunks" and not passages:
                empty = np.zeros((0, c["vectors"].shape[1]), np.float32)
                segments["chunks_vectors"] = [empty] * len(positions)
                continue
            starts, lengths, offsets = _segments(c[f"{group}_offsets"], positions)
            bounds = list(pairwise(offsets.tolist()))
            flat = {name: self._runs(name, starts, lengths) for name in values}
            if group == "req":  # (id, kind) pairs: stacked once, then sliced like the rest
                flat["req_ids"] = np.stack([flat["req_ids"], flat["req_kind"].astype(np.int64)], 1)
            for name, column in flat.items():
                if name in _WIDE:
                    column = column.astype(np.float32)
                # Slices, not np.split: split pays a swapaxes per piece, which a pool multiplies.
                segments[name] = [column[a:b] for a, b in bounds]
        return PoolArrays(
            rows=positions,
            ids=np.array(c["ids"][positions]),
            vectors=self._rows("vectors", positions).astype(np.float32, copy=False),
            chunks=segments["chunks_vectors"],
            keywords=[
                KeywordVector(i, w)
                for i, w in zip(segments["kw_ids"], segments["kw_weights"], strict=True)
            ],
            skill_ids=segments["skills_ids"],
            category=np.array(c["category"][positions]),
            category_confidence=np.array(c["category_confidence"][positions]),
            years=np.array(c["years"][positions]),
            explicit=np.array(c["explicit"][positions]),
            requirements=segments["req_ids"],
            requirement_vectors=segments["req_vectors"],
        )

    # -- files -----------------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the store into a new folder ``directory`` as an artifact: atomically, every
        file checksummed (see ``mlcore.artifacts``). An existing folder is an error: versions
        never change."""
        target = Path(directory)
        if target.exists():
            raise ArtifactError(f"store {target} already exists; a new version needs a new folder")

        def write(folder: Path) -> None:
            for name in _column_names():
                with open(folder / f"{name}.npy", "wb") as fh:
                    np.save(fh, np.ascontiguousarray(self.columns[name]), allow_pickle=False)
            if self.ann is not None:
                self.ann.save(folder / ANN_FILE)

        params: dict = {"count": len(self), "meta": self.meta}
        if self.ann is not None:
            params["ann"] = {
                "trained_rows": self.ann.trained_rows,
                "nprobe": self.ann.nprobe,
                "count": len(self.ann),
            }
        write_artifact(target, write, kind=KIND, params=params)
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, verify: bool = True) -> DocumentStore:
        """Map a saved store into memory (read-only), after checking every file's size and,
        with ``verify``, its sha256 (streamed: nothing is held in memory)."""
        folder = Path(directory)
        if not (folder / MANIFEST).is_file():
            raise ArtifactError(f"no document store at {folder}")
        manifest = check_artifact(folder, kind=KIND, verify=verify)
        params = manifest.params
        columns = {}
        for name in _column_names():
            path = folder / f"{name}.npy"
            if path.name not in manifest.files:
                raise ArtifactError(f"{path} is missing from the store's manifest")
            try:
                columns[name] = np.load(path, mmap_mode="r", allow_pickle=False)
            except ValueError:
                # An empty array cannot be mapped: read it (it is a header and nothing else).
                try:
                    columns[name] = np.load(path, allow_pickle=False)
                except ValueError as exc:
                    raise ArtifactError(f"{path} cannot be read: {exc}") from exc
        if len(columns["ids"]) != params.get("count"):
            raise ArtifactError(
                f"{folder} holds {len(columns['ids'])} rows, the manifest says otherwise"
            )
        ann = None
        if params.get("ann"):
            path, info = folder / ANN_FILE, params["ann"]
            if ANN_FILE not in manifest.files:
                raise ArtifactError(f"{path} is missing from the store's manifest")
            ann = ApproximateIndex.load(
                path, trained_rows=int(info["trained_rows"]), nprobe=int(info["nprobe"])
            )
            if len(ann) != len(columns["ids"]):
                raise ArtifactError(f"{path} indexes {len(ann)} rows, the store holds otherwise")
        return cls(columns, params.get("meta") or {}, ann)
