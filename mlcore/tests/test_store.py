"""The document store: rows in, rows out, exact filtered search, updates that replace and remove,
and files that are mapped, verified and never half-written."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mlcore.artifacts import ArtifactError
from mlcore.retrieval import store as store_module
from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.store import DocumentRow, DocumentStore

DIM = 8
KW = KeywordModel(min_df=1).fit(["python sql", "payroll excel", "sales crm"])


def unit(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def row(doc_id: int, **overrides) -> DocumentRow:
    base = {
        "id": doc_id,
        "vector": unit(1, doc_id)[0],
        "chunks": unit(doc_id % 3, 100 + doc_id),
        "keywords": KW.vector(["python sql", "payroll excel", "sales crm"][doc_id % 3]),
        "skill_ids": (doc_id % 5, 7),
        "group": doc_id % 2,
        "category": doc_id % 3,
        "category_confidence": 0.5,
        "years": float(doc_id),
        "active": doc_id != 4,
    }
    return DocumentRow(**{**base, **overrides})


@pytest.fixture
def store() -> DocumentStore:
    return DocumentStore.build([row(i) for i in (5, 1, 4, 2, 3)], dim=DIM, meta={"model_id": "m"})


def test_rows_come_back_sorted_by_id_with_every_column(store):
    assert store.columns["ids"].tolist() == [1, 2, 3, 4, 5]
    back = store.row(store.position(2))
    original = row(2)
    assert np.allclose(back.vector, original.vector)
    assert np.allclose(back.chunks, original.chunks, atol=1e-3)  # float16 passages
    assert back.skill_ids == (2, 7) and back.group == 0 and back.years == 2.0
    assert back.keywords.similarity(original.keywords) == pytest.approx(1.0, abs=1e-5)


def test_search_is_exact_filtered_and_ties_go_to_the_smaller_id(store):
    query = store.columns["vectors"][store.position(3)]
    assert store.ids_of(store.search(query, 1)) == [3]
    everyone = store.search(query, 10)
    assert len(everyone) == 5
    active_group_one = store.mask(groups=[1])
    hits = store.ids_of(store.search(query, 10, active_group_one))
    assert hits and set(hits) <= {1, 3, 5} and 4 not in hits


def test_an_update_replaces_joins_and_removes_rows(store):
    newer = store.updated([row(2, years=9.0), row(9)], removed=[5], last_embedding_id=12)
    assert newer.columns["ids"].tolist() == [1, 2, 3, 4, 9]
    assert newer.row(newer.position(2)).years == 9.0
    assert newer.meta["last_embedding_id"] == 12
    assert store.columns["ids"].tolist() == [1, 2, 3, 4, 5]  # the old version is untouched


def test_gather_copies_a_pool_for_scoring(store):
    pool = store.gather(store.positions([4, 1, 99]))
    assert pool.ids.tolist() == [4, 1]
    assert pool.vectors.dtype == np.float32 and pool.vectors.flags.writeable
    assert [len(c) for c in pool.chunks] == [1, 1]


def test_a_saved_store_is_mapped_back_and_damage_is_refused(store, tmp_path):
    store.save(tmp_path / "v1")
    loaded = DocumentStore.load(tmp_path / "v1")
    assert isinstance(loaded.columns["vectors"], np.memmap)
    assert loaded.columns["ids"].tolist() == [1, 2, 3, 4, 5] and loaded.meta["model_id"] == "m"
    with pytest.raises(ArtifactError, match="new folder"):
        store.save(tmp_path / "v1")
    path = tmp_path / "v1" / "years.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        DocumentStore.load(tmp_path / "v1")
    with pytest.raises(ArtifactError, match="no document store"):
        DocumentStore.load(tmp_path / "missing")


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        DocumentStore.build([row(1), row(1)], dim=DIM, meta={})


def test_an_empty_store_saves_loads_and_searches(tmp_path):
    empty = DocumentStore.build([], dim=DIM, meta={})
    empty.save(tmp_path / "e")
    loaded = DocumentStore.load(tmp_path / "e")
    assert len(loaded) == 0 and len(loaded.search(np.ones(DIM, np.float32), 5)) == 0
    grown = loaded.updated([row(1)])
    assert grown.columns["ids"].tolist() == [1]


def test_job_rows_keep_their_requirements_and_masks_filter_by_category_skill_and_ids(store):
    jobs = DocumentStore.build(
        [
            row(1, requirements=[(7, 0), (-5, 1)], requirement_vectors=unit(2, 9)),
            row(2, requirements=[]),
        ],
        dim=DIM,
        meta={},
    )
    pool = jobs.gather(jobs.positions([1, 2]))
    assert pool.requirements[0].tolist() == [[7, 0], [-5, 1]]
    assert pool.requirement_vectors[0].shape == (2, DIM) and len(pool.requirements[1]) == 0
    mask = store.mask(active_only=False, category=2, skill=7, exclude=[5])
    assert store.ids_of(np.flatnonzero(mask)) == [2]


# -- the approximate index ----------------------------------------------------------------------
def clustered(n: int, seed: int, dim: int = 32) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    v = centres[rng.integers(0, 40, n)] + rng.normal(0, 0.5, (n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def big_store(n: int = 4000, dim: int = 32) -> DocumentStore:
    vectors = clustered(n, 1, dim)
    rows = [
        DocumentRow(
            id=3 * i + 1,  # ids are not positions
            vector=vectors[i],
            chunks=np.zeros((0, dim), np.float32),
            keywords=KW.vector("python"),
            group=i % 2,
        )
        for i in range(n)
    ]
    return DocumentStore.build(rows, dim=dim, meta={"model_id": "m"})


def recall_at_10(store: DocumentStore, queries, mask=None) -> float:
    exact = DocumentStore(store.columns, store.meta)  # the same rows, no index
    hits = []
    for q in queries:
        want = set(exact.search(q, 10, mask).tolist())
        got = store.search(q, 10, mask).tolist()
        assert mask is None or np.asarray(mask)[got].all()
        hits.append(len(want & set(got)) / 10)
    return float(np.mean(hits))


def test_a_large_store_searches_its_approximate_index_with_recall_and_filters(monkeypatch):
    monkeypatch.setattr(DocumentStore, "exact_subset", 100)
    store = big_store().indexed(min_rows=1000, nprobe=16)
    assert store.ann is not None and len(store.ann) == len(store)
    queries = clustered(40, 2, 32)
    assert recall_at_10(store, queries) >= 0.95
    odd = store.mask(groups=[1])
    assert recall_at_10(store, queries, odd) >= 0.95
    # Below the threshold of allowed rows the search is exact, index or not.
    few = np.zeros(len(store), bool)
    few[:50] = True
    exact = DocumentStore(store.columns, store.meta)
    assert store.search(queries[0], 10, few).tolist() == exact.search(queries[0], 10, few).tolist()
    # A small store carries no index.
    assert big_store(500).indexed(min_rows=1000, nprobe=16).ann is None


def test_the_index_is_saved_mapped_and_kept_in_step_with_updates(monkeypatch, tmp_path):
    monkeypatch.setattr(DocumentStore, "exact_subset", 100)
    store = big_store().indexed(min_rows=1000, nprobe=16)
    queries = clustered(10, 3, 32)
    before = [store.search(q, 10).tolist() for q in queries]
    store.save(tmp_path / "v1")
    loaded = DocumentStore.load(tmp_path / "v1")
    assert loaded.ann is not None and loaded.ann.path == tmp_path / "v1" / "ann.faiss"
    assert [loaded.search(q, 10).tolist() for q in queries] == before
    # An update of a mapped store: a new document lands exactly on the query, one leaves.
    target = queries[0]
    gone = loaded.ids_of(loaded.search(target, 1))[0]
    new = DocumentRow(
        id=10**6, vector=target, chunks=np.zeros((0, 32)), keywords=KW.vector("sql"), group=1
    )
    moved = loaded.updated([new], removed=[gone])
    assert len(moved.ann) == len(moved) == len(loaded)
    top = moved.ids_of(moved.search(target, 10))
    assert top[0] == 10**6 and gone not in top
    moved.save(tmp_path / "v2")
    again = DocumentStore.load(tmp_path / "v2")
    assert again.ids_of(again.search(target, 1)) == [10**6]
    assert again.indexed(min_rows=1000, nprobe=16).ann is again.ann  # not retrained


def test_a_damaged_index_file_is_refused(tmp_path):
    big_store().indexed(min_rows=1000, nprobe=16).save(tmp_path / "v")
    path = tmp_path / "v" / "ann.faiss"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        DocumentStore.load(tmp_path / "v")
    path.write_bytes(bytes(data[:100]))
    with pytest.raises(ArtifactError, match="missing or truncated"):
        DocumentStore.load(tmp_path / "v", verify=False)


def varied_rows(n: int, dim: int = 16) -> list[DocumentRow]:
    rng = np.random.default_rng(5)
    rows = []
    for i in range(n):
        reqs = int(rng.integers(0, 4))
        rows.append(
            DocumentRow(
                id=2 * i + 3,
                vector=rng.normal(size=dim).astype(np.float32),
                chunks=rng.normal(size=(int(rng.integers(0, 4)), dim)).astype(np.float32),
                keywords=KW.vector(["python sql", "payroll excel", "sales crm"][i % 3]),
                skill_ids=tuple(int(s) for s in rng.integers(0, 50, int(rng.integers(0, 5)))),
                group=i % 3,
                category=i % 4,
                years=float(i % 7),
                explicit=bool(i % 2),
                requirements=tuple((int(rng.integers(-9, 60)), int(k % 3)) for k in range(reqs)),
                requirement_vectors=rng.normal(size=(reqs, dim)).astype(np.float32),
            )
        )
    return rows


@pytest.mark.parametrize("gap_bytes", [0, store_module._GAP_BYTES, 1 << 30])
def test_a_mapped_store_gathers_and_searches_as_the_one_in_memory(tmp_path, monkeypatch, gap_bytes):
    """Whether rows are read run by run (no gap), in spans with the rows between dropped, or
    in one span: the same rows."""
    monkeypatch.setattr(store_module, "_GAP_BYTES", gap_bytes)
    memory = DocumentStore.build(varied_rows(300), dim=16, meta={"model_id": "m"})
    memory.save(tmp_path / "v")
    mapped = DocumentStore.load(tmp_path / "v")
    rng = np.random.default_rng(0)
    picks = [
        np.arange(0),
        np.arange(40, 60),  # neighbours, read as one run
        rng.integers(0, 300, 80),  # any order, repeats
        np.array([299, 0, 1, 298]),
    ]
    for positions in picks:
        a, b = memory.gather(positions), mapped.gather(positions)
        for name in ("ids", "vectors", "category", "years", "explicit"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        for name in ("chunks", "skill_ids", "requirements", "requirement_vectors"):
            for x, y in zip(getattr(a, name), getattr(b, name), strict=True):
                assert x.dtype == y.dtype
                np.testing.assert_array_equal(x, y)
        assert [k.ids.tolist() for k in a.keywords] == [k.ids.tolist() for k in b.keywords]
    query = rng.normal(size=16).astype(np.float32)
    for mask in (None, memory.mask(groups=[1]), memory.mask(category=2)):
        assert mapped.search(query, 25, mask).tolist() == memory.search(query, 25, mask).tolist()


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="reads Linux's smaps")
def test_gathering_from_a_mapped_store_maps_none_of_its_pages(tmp_path):
    """Rows are read from the page cache: none of the store's pages count in this process."""
    dim = 384
    rng = np.random.default_rng(1)
    rows = [
        DocumentRow(
            id=i,
            vector=rng.normal(size=dim).astype(np.float32),
            chunks=rng.normal(size=(3, dim)).astype(np.float32),
            keywords=KW.vector("python sql"),
        )
        for i in range(4000)
    ]
    DocumentStore.build(rows, dim=dim, meta={}).save(tmp_path / "v")
    store = DocumentStore.load(tmp_path / "v")  # verifying reads every file: all are cached

    def mapped_kb(name: str) -> int:
        lines = Path("/proc/self/smaps").read_text(encoding="ascii").splitlines()
        path = str(tmp_path / "v" / name)
        at = [i for i, line in enumerate(lines) if line.endswith(path)]
        # Each mapping's first "Rss:" line after its header line is its own.
        return sum(
            next(int(line.split()[1]) for line in lines[i + 1 :] if line.startswith("Rss:"))
            for i in at
        )

    pool = store.gather(np.sort(rng.choice(4000, 300, replace=False)))
    store.search(rows[7].vector, 10, store.mask(groups=[-1]) & (np.arange(4000) < 900))
    assert len(pool.ids) == 300
    assert mapped_kb("vectors.npy") == 0
    assert mapped_kb("chunks_vectors.npy") == 0


def test_rows_near_one_another_are_read_in_few_system_calls(tmp_path, monkeypatch):
    """A pool of 300 rows out of 2,000 (a job pool) is read span by span, not row by row."""
    memory = DocumentStore.build(varied_rows(2000, dim=384), dim=384, meta={})
    memory.save(tmp_path / "v")
    store = DocumentStore.load(tmp_path / "v")
    reads = []
    real = os.preadv
    monkeypatch.setattr(os, "preadv", lambda *a: reads.append(1) or real(*a))
    positions = np.random.default_rng(3).choice(2000, 300, replace=False)
    pool = store.gather(positions)
    np.testing.assert_array_equal(pool.vectors, memory.gather(positions).vectors)
    # Seven gathered columns; row by row would be about 300 reads each.
    assert 0 < len(reads) < 7 * 100
