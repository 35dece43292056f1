"""A FAISS vector index keyed by database ids, with filtered search, saved as a verified artifact.

Exact inner-product search (``IndexIDMap2`` over ``IndexFlatIP``) up to ``approx_threshold``
vectors, HNSW above it. Vectors are expected to be unit length, so scores are cosines.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from mlcore.artifacts import MANIFEST, ArtifactError, check_artifact, write_artifact

# The faiss-cpu wheel scans a batch one query at a time unless this is lowered; 20 makes
# batch search 10-12x faster with the same results (measured, see DESIGN.md).
faiss.cvar.distance_compute_blas_threshold = 20

KIND = "vector-index"
INDEX_FILE = "index.faiss"
LABELS_FILE = "labels.npy"
KINDS = ("auto", "flat", "hnsw")
# An HNSW search whose filter leaves at most this many candidates is answered exactly by
# scoring those vectors directly: exact, and cheaper than oversampling the graph.
_EXACT_SUBSET = 4096


class _RWLock:
    """Many concurrent searches, or one mutation: faiss releases the GIL while searching."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writer_depth = 0

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._writer == me:  # a writer may search (re-entrant)
            yield
            return
        with self._cond:
            while self._writer is not None:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer != me:
                while self._writer is not None or self._readers:
                    self._cond.wait()
                self._writer = me
            self._writer_depth += 1
        try:
            yield
        finally:
            with self._cond:
                self._writer_depth -= 1
                if self._writer_depth == 0:
                    self._writer = None
                    self._cond.notify_all()


@contextlib.contextmanager
def _omp_threads(n: int | None) -> Iterator[None]:
    """Run faiss with ``n`` OpenMP threads inside the block (None: unchanged).

    ``omp_set_num_threads`` sets a per-thread value, so this does not affect searches running
    concurrently in other threads. One query is faster on one thread: spreading a single scan
    over cores costs more in synchronisation than it saves, far more when the cores are busy.
    """
    if n is None:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class VectorIndex:
    """Inner-product vector index over int64 ids.

    Parameters
    ----------
    dim : int
        Vector dimension.
    model_id : str
        The embedding model (and reduction) the vectors come from; ``load`` refuses files
        written for another one.
    kind : {"auto", "flat", "hnsw"}
        "auto" picks HNSW when the first batch added to an empty index (or the live count at
        ``rebuild()``) exceeds ``approx_threshold``, exact flat search otherwise.
    approx_threshold, hnsw_m, ef_search, ef_construction : int
        HNSW settings: graph degree, search and construction beam widths.

    Notes
    -----
    Re-adding an id replaces its vector. HNSW cannot delete: removed or replaced vectors are
    tombstoned and filtered out at search time until ``rebuild()``. Searches may run
    concurrently from many threads; mutations wait for them and run alone.
    """

    def __init__(
        self,
        dim: int,
        *,
        model_id: str,
        kind: str = "auto",
        approx_threshold: int = 50_000,
        hnsw_m: int = 32,
        ef_search: int = 128,
        ef_construction: int = 80,
    ):
        if int(dim) <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if not model_id:
            raise ValueError("model_id is required: it guards against mixing embedding models")
        self.dim = int(dim)
        self.model_id = str(model_id)
        self.kind = kind
        self.approx_threshold = int(approx_threshold)
        self.hnsw_m = int(hnsw_m)
        self.ef_search = int(ef_search)
        self.ef_construction = int(ef_construction)
        self._lock = _RWLock()
        self._reset(kind if kind != "auto" else None)

    def _reset(self, kind: str | None) -> None:
        self.kind_: str | None = kind  # resolved kind; None until the first add under "auto"
        self._index: Any = None
        self._live: set[int] = set()  # flat: live ids
        self._labels = np.empty(0, dtype=np.int64)  # hnsw: position -> id, -1 when tombstoned
        self._pos: dict[int, int] = {}  # hnsw: id -> position
        if kind is not None:
            self._index = self._new_faiss_index(kind)

    def _new_faiss_index(self, kind: str) -> Any:
        if kind == "flat":
            return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        index.hnsw.efSearch = self.ef_search
        return index

    def __repr__(self) -> str:
        return (
            f"VectorIndex(dim={self.dim}, model_id={self.model_id!r},"
            f" kind={self.kind_ or self.kind!r}, count={len(self)})"
        )

    # -- validation ----------------------------------------------------------------------
    def _check_vectors(self, vectors: Any, what: str) -> np.ndarray:
        arr = np.asarray(vectors)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise ValueError(f"{what} must be a (d,) or (n, d) array, got shape {arr.shape}")
        if arr.shape[1] != self.dim:
            raise ValueError(
                f"{what} have dimension {arr.shape[1]} but this index holds {self.dim}-d vectors"
                f" (model {self.model_id})"
            )
        if arr.dtype.kind not in "fiu":
            raise ValueError(f"{what} must be numeric, got dtype {arr.dtype}")
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{what} contain NaN or infinite values")
        return arr

    @staticmethod
    def _check_ids(ids: Any) -> np.ndarray:
        arr = np.asarray(ids)
        if arr.ndim == 0:
            arr = arr[None]
        if arr.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {arr.shape}")
        if arr.size and arr.dtype.kind not in "iu":
            raise ValueError(f"ids must be integers, got dtype {arr.dtype}")
        arr = arr.astype(np.int64)
        if arr.size and arr.min() < 0:
            raise ValueError("ids must be non-negative (-1 marks 'no result' inside faiss)")
        return arr

    # -- size and membership -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._pos) if self.kind_ == "hnsw" else len(self._live)

    def __contains__(self, doc_id: object) -> bool:
        try:
            key = int(doc_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        return key in (self._pos if self.kind_ == "hnsw" else self._live)

    def ids(self) -> np.ndarray:
        """The live ids, sorted, as int64."""
        with self._lock.read():
            keys = self._pos.keys() if self.kind_ == "hnsw" else self._live
            return np.sort(np.fromiter(keys, dtype=np.int64, count=len(keys)))

    @property
    def tombstones(self) -> int:
        """Vectors still stored but no longer live (HNSW only; ``rebuild()`` drops them)."""
        return int(self._index.ntotal) - len(self) if self._index is not None else 0

    @property
    def nbytes(self) -> int:
        """Approximate memory of the faiss index (its serialised size)."""
        if self._index is None:
            return 0
        with self._lock.read():
            return int(faiss.serialize_index(self._index).nbytes) + self._labels.nbytes

    # -- mutation ------------------------------------------------------------------------
    def add(self, ids: Iterable[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under ``ids``; an id already present gets the new vector."""
        ids_arr = self._check_ids(ids)
        vecs = self._check_vectors(vectors, "vectors")
        if len(ids_arr) != len(vecs):
            raise ValueError(f"got {len(ids_arr)} ids for {len(vecs)} vectors")
        if len(np.unique(ids_arr)) != len(ids_arr):
            raise ValueError("ids repeat within one add() call")
        if len(ids_arr) == 0:
            return
        with self._lock.write():
            if self.kind_ is None:
                self._reset("hnsw" if len(ids_arr) > self.approx_threshold else "flat")
            if self.kind_ == "flat":
                present = [i for i in ids_arr.tolist() if i in self._live]
                if present:
                    self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(present, np.int64)))
                self._index.add_with_ids(vecs, ids_arr)
                self._live.update(ids_arr.tolist())
            else:
                self._tombstone(ids_arr.tolist())
                start = int(self._index.ntotal)
                self._index.add(vecs)
                self._labels = np.concatenate([self._labels, ids_arr])
                self._pos.update(
                    zip(ids_arr.tolist(), range(start, start + len(ids_arr)), strict=True)
                )

    def _tombstone(self, ids: list[int]) -> int:
        n = 0
        for i in ids:
            pos = self._pos.pop(i, None)
            if pos is not None:
                self._labels[pos] = -1
                n += 1
        return n

    def remove(self, ids: Iterable[int] | np.ndarray) -> int:
        """Remove ``ids`` (absent ones are ignored); returns how many were removed."""
        ids_arr = self._check_ids(ids)
        if len(ids_arr) == 0 or self.kind_ is None:
            return 0
        with self._lock.write():
            if self.kind_ == "hnsw":
                return self._tombstone(ids_arr.tolist())
            present = [i for i in set(ids_arr.tolist()) if i in self._live]
            if present:
                self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(present, np.int64)))
                self._live.difference_update(present)
            return len(present)

    def _live_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every live entry, in storage order."""
        if self._index is None or self._index.ntotal == 0:
            return np.empty(0, np.int64), np.empty((0, self.dim), np.float32)
        if self.kind_ == "flat":
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            vecs = faiss.downcast_index(self._index.index).reconstruct_n(0, self._index.ntotal)
            return ids, vecs
        keep = np.flatnonzero(self._labels >= 0)
        vecs = self._index.reconstruct_n(0, self._index.ntotal)[keep]
        return self._labels[keep].copy(), vecs

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, vectors)`` of every live entry, as copies, in storage order."""
        with self._lock.read():
            return self._live_arrays()

    def rebuild(self) -> None:
        """Rebuild from the live vectors: drops HNSW tombstones; under kind="auto" switches
        between flat and HNSW by the live count."""
        with self._lock.write():
            ids, vecs = self._live_arrays()
            if self.kind == "auto":
                kind = "hnsw" if len(ids) > self.approx_threshold else "flat"
            else:
                kind = self.kind
            self._reset(kind)
            if len(ids):
                self.add(ids, vecs)

    # -- search --------------------------------------------------------------------------
    def search(
        self, queries: np.ndarray, k: int, *, allowed_ids: Iterable[int] | None = None
    ) -> list[list[tuple[int, float]]]:
        """Top-``k`` ``(id, score)`` per query, best first; ties go to the smaller id.

        ``queries`` is one ``(d,)`` vector or an ``(n, d)`` batch (the result always has one
        list per query). With ``allowed_ids``, only those ids are returned, and ``k`` of them
        whenever that many are in the index, however far they are from the query.
        """
        q = self._check_vectors(queries, "queries")
        k = int(k)
        if k < 0:
            raise ValueError(f"k must be non-negative, got {k}")
        allowed: set[int] | None = None
        if allowed_ids is not None:
            allowed = {int(i) for i in allowed_ids}
        with self._lock.read():
            n_live = len(self)
            if k == 0 or n_live == 0 or len(q) == 0:
                return [[] for _ in range(len(q))]
            if allowed is not None:
                live = self._pos if self.kind_ == "hnsw" else self._live
                allowed = {i for i in allowed if i in live}
                if not allowed:
                    return [[] for _ in range(len(q))]
            cap = n_live if allowed is None else len(allowed)
            want = min(k, cap)
            # Fetch one more than needed; grow while a tie straddles the cut, so the
            # tie-break by id sees every tied candidate.
            fetch = min(want + 1, cap)
            with _omp_threads(1 if len(q) == 1 else None):
                results = self._search_sorted(q, want, fetch, cap, allowed)
        return [r[:want] for r in results]

    def _search_sorted(
        self, q: np.ndarray, want: int, fetch: int, cap: int, allowed: set[int] | None
    ) -> list[list[tuple[int, float]]]:
        while True:
            results = [
                sorted(r, key=lambda t: (-t[1], t[0])) for r in self._search_raw(q, fetch, allowed)
            ]
            if fetch >= cap or not any(
                len(r) > want and r[want - 1][1] == r[-1][1] for r in results
            ):
                return results
            fetch = min(fetch * 2, cap)

    def _search_raw(
        self, q: np.ndarray, fetch: int, allowed: set[int] | None
    ) -> list[list[tuple[int, float]]]:
        if self.kind_ == "flat":
            params = None
            if allowed is not None:
                sel = faiss.IDSelectorBatch(np.fromiter(allowed, np.int64, count=len(allowed)))
                params = faiss.SearchParameters(sel=sel)
            scores, labels = self._index.search(q, fetch, params=params)
            return [
                [(int(i), float(s)) for i, s in zip(lab, sc, strict=True) if i >= 0]
                for lab, sc in zip(labels, scores, strict=True)
            ]
        return self._search_hnsw(q, fetch, allowed)

    def _search_hnsw(
        self, q: np.ndarray, need: int, allowed: set[int] | None
    ) -> list[list[tuple[int, float]]]:
        ntotal = int(self._index.ntotal)
        if allowed is not None and len(allowed) <= max(_EXACT_SUBSET, need):
            return self._exact_subset(q, need, [self._pos[i] for i in allowed])
        out: list[list[tuple[int, float]] | None] = [None] * len(q)
        todo = np.arange(len(q))
        fetch = min(ntotal, need * 4 + self.tombstones)
        while len(todo):
            if fetch * 4 > ntotal:
                # Oversampling has reached a large part of the index: an exact scan of the
                # live (allowed) vectors costs no more and cannot miss anything.
                positions = (
                    [self._pos[i] for i in allowed]
                    if allowed is not None
                    else np.flatnonzero(self._labels >= 0).tolist()
                )
                for row, res in zip(
                    todo, self._exact_subset(q[todo], need, positions), strict=True
                ):
                    out[row] = res
                break
            params = faiss.SearchParametersHNSW(efSearch=max(self.ef_search, fetch))
            scores, positions = self._index.search(q[todo], fetch, params=params)
            still = []
            for row, pos_row, sc_row in zip(todo, positions, scores, strict=True):
                hits = []
                for p, s in zip(pos_row, sc_row, strict=True):
                    if p < 0:
                        continue
                    doc_id = int(self._labels[p])
                    if doc_id < 0 or (allowed is not None and doc_id not in allowed):
                        continue
                    hits.append((doc_id, float(s)))
                if len(hits) >= need:
                    out[row] = hits
                else:
                    still.append(row)
            todo = np.asarray(still, dtype=np.int64)
            fetch = min(ntotal, fetch * 4)
        return out  # type: ignore[return-value]

    def _exact_subset(
        self, q: np.ndarray, need: int, positions: list[int]
    ) -> list[list[tuple[int, float]]]:
        if not positions:
            return [[] for _ in range(len(q))]
        pos = np.asarray(sorted(positions), dtype=np.int64)
        vecs = self._index.reconstruct_batch(pos)
        ids = self._labels[pos]
        scores = q @ vecs.T
        out = []
        take = min(need, len(pos))
        for row in scores:
            top = np.argpartition(-row, take - 1)[:take] if take < len(pos) else np.arange(len(pos))
            out.append([(int(ids[j]), float(row[j])) for j in top])
        return out

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``index.faiss`` (+ ``labels.npy`` for HNSW) into ``directory`` as an artifact
        (see ``mlcore.artifacts``): a reader sees the old complete index, the new one, or (for
        an instant) none, never a mix or a half-written file."""
        target = Path(directory).resolve()
        with self._lock.read():
            kind = self.kind_ or "flat"
            index = self._index if self._index is not None else self._new_faiss_index(kind)

            def write(folder: Path) -> None:
                faiss.write_index(index, str(folder / INDEX_FILE))
                if kind == "hnsw":
                    with open(folder / LABELS_FILE, "wb") as fh:
                        np.save(fh, self._labels, allow_pickle=False)

            params = {
                "model_id": self.model_id,
                "dim": self.dim,
                "kind": kind,
                "count": len(self),
                "ntotal": int(index.ntotal),
                "settings": {
                    "kind": self.kind,
                    "approx_threshold": self.approx_threshold,
                    "hnsw_m": self.hnsw_m,
                    "ef_search": self.ef_search,
                    "ef_construction": self.ef_construction,
                },
            }
            write_artifact(target, write, kind=KIND, params=params, overwrite=True)
        return target

    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], *, expected_model_id: str, expected_dim: int
    ) -> VectorIndex:
        """Load an index saved by ``save``, refusing it with ``ArtifactError`` when it is
        missing, truncated or corrupt, or was built for another model or dimension. All checks
        run before faiss reads the file."""
        folder = Path(directory)
        if not (folder / MANIFEST).is_file():
            raise ArtifactError(f"no vector index at {folder} ({MANIFEST} is missing)")
        manifest = check_artifact(folder, kind=KIND)
        saved = manifest.params
        if saved.get("model_id") != expected_model_id:
            raise ArtifactError(
                f"the index in {folder} was built with model {saved.get('model_id')!r}, not"
                f" {expected_model_id!r}: it belongs to another model version; rebuild it"
            )
        if saved.get("dim") != expected_dim:
            raise ArtifactError(
                f"dimension mismatch: the index in {folder} holds {saved.get('dim')}-d vectors,"
                f" expected {expected_dim}"
            )
        kind = saved.get("kind")
        needed = {INDEX_FILE} | ({LABELS_FILE} if kind == "hnsw" else set())
        if kind not in ("flat", "hnsw") or not needed <= set(manifest.files):
            raise ArtifactError(f"the index manifest in {folder} is malformed")
        try:
            # read_index returns the concrete class. (Re-wrapping it with downcast_index
            # would let the owning wrapper be freed under us.)
            index = faiss.read_index(str(folder / INDEX_FILE))
        except RuntimeError as exc:
            raise ArtifactError(f"faiss cannot read {folder / INDEX_FILE}: {exc}") from exc
        if index.d != expected_dim or index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ArtifactError(f"{folder / INDEX_FILE} does not match its manifest")
        params = saved.get("settings") or {}
        self = cls(
            expected_dim,
            model_id=expected_model_id,
            kind=params.get("kind", kind),
            approx_threshold=int(params.get("approx_threshold", 50_000)),
            hnsw_m=int(params.get("hnsw_m", 32)),
            ef_search=int(params.get("ef_search", 128)),
            ef_construction=int(params.get("ef_construction", 80)),
        )
        self.kind_ = kind
        if kind == "flat":
            if not isinstance(index, faiss.IndexIDMap2):
                raise ArtifactError(f"{folder / INDEX_FILE} is not an id-mapped flat index")
            self._index = index
            self._live = set(faiss.vector_to_array(index.id_map).astype(np.int64).tolist())
            if len(self._live) != index.ntotal:
                raise ArtifactError(f"{folder / INDEX_FILE} holds repeated ids")
        else:
            if not isinstance(index, faiss.IndexHNSWFlat):
                raise ArtifactError(f"{folder / INDEX_FILE} is not an HNSW index")
            try:
                labels = np.load(folder / LABELS_FILE, allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise ArtifactError(f"{folder / LABELS_FILE} is unreadable: {exc}") from exc
            if labels.dtype != np.int64 or labels.shape != (index.ntotal,):
                raise ArtifactError(f"{folder / LABELS_FILE} does not match the index")
            self._index = index
            self._labels = labels.copy()
            live = np.flatnonzero(labels >= 0)
            self._pos = dict(zip(labels[live].tolist(), live.tolist(), strict=True))
            if len(self._pos) != len(live):
                raise ArtifactError(f"{folder / LABELS_FILE} holds repeated ids")
        if len(self) != saved.get("count"):
            raise ArtifactError(
                f"{folder} holds {len(self)} vectors, manifest says {saved.get('count')}"
            )
        return self
