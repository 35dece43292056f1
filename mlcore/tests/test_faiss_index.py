"""The FAISS vector index: updates, filtered search, HNSW recall, and refusing bad files."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from mlcore.artifacts import ArtifactError
from mlcore.retrieval.faiss_index import VectorIndex

DIM = 32


def unit_rows(n: int, d: int = DIM, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(x: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    scores = x @ q
    order = np.lexsort((ids, -scores))
    return [int(ids[i]) for i in order[:k]]


@pytest.fixture(params=["flat", "hnsw"])
def kind(request):
    return request.param


@pytest.fixture
def filled(kind):
    x = unit_rows(500)
    ids = np.arange(500, dtype=np.int64) * 3 + 1
    index = VectorIndex(DIM, model_id="test-model", kind=kind)
    index.add(ids, x)
    return index, ids, x


def test_search_finds_the_exact_nearest_neighbours(filled):
    index, ids, x = filled
    q = unit_rows(1, seed=99)[0]
    [hits] = index.search(q, 10)
    assert [i for i, _ in hits] == brute_force(x, ids, q, 10)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)


def test_a_batch_of_queries_gives_one_list_each(filled):
    index, ids, x = filled
    results = index.search(x[:4], 3)
    assert len(results) == 4
    assert [r[0][0] for r in results] == ids[:4].tolist()


def test_re_adding_an_id_replaces_its_vector(filled):
    index, ids, x = filled
    index.add([ids[0]], -x[0])
    assert len(index) == 500
    [hits] = index.search(-x[0], 1)
    assert hits[0][0] == ids[0]
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    [hits] = index.search(x[0], 500)
    assert [i for i, _ in hits].count(ids[0]) == 1


def test_removed_ids_are_never_returned(filled):
    index, ids, x = filled
    assert index.remove([ids[0], ids[1], 10**9]) == 2
    assert ids[0] not in index
    assert len(index) == 498
    [hits] = index.search(x[0], 500)
    returned = {i for i, _ in hits}
    assert len(returned) == 498
    assert ids[0] not in returned and ids[1] not in returned


def test_ids_lists_the_live_ids(filled):
    index, ids, _ = filled
    index.remove([ids[5]])
    assert index.ids().tolist() == sorted(set(ids.tolist()) - {int(ids[5])})
    assert int(ids[6]) in index


def test_filtered_search_returns_k_allowed_results_even_when_they_are_the_farthest(filled):
    index, ids, x = filled
    q = x[0]
    farthest = [int(ids[i]) for i in np.argsort(x @ q)[:15]]
    [hits] = index.search(q, 10, allowed_ids=farthest)
    assert len(hits) == 10
    allowed = set(farthest)
    expected = [i for i in brute_force(x, ids, q, len(ids)) if i in allowed][:10]
    assert [i for i, _ in hits] == expected


def test_filtered_search_with_fewer_allowed_than_k_returns_them_all(filled):
    index, ids, x = filled
    [hits] = index.search(x[0], 10, allowed_ids=[int(ids[3]), int(ids[7]), 123456789])
    assert {i for i, _ in hits} == {int(ids[3]), int(ids[7])}


def test_filtered_search_skips_removed_ids(filled):
    index, ids, x = filled
    index.remove([ids[3]])
    [hits] = index.search(x[3], 5, allowed_ids=[int(ids[3]), int(ids[4])])
    assert [i for i, _ in hits] == [int(ids[4])]


def test_ties_are_broken_by_the_smaller_id(kind):
    index = VectorIndex(4, model_id="m", kind=kind)
    v = np.array([1, 0, 0, 0], dtype=np.float32)
    index.add([9, 3, 7, 1, 5], np.tile(v, (5, 1)))
    assert [i for i, _ in index.search(v, 3)[0]] == [1, 3, 5]


def test_an_empty_index_returns_no_results():
    index = VectorIndex(DIM, model_id="m")
    assert index.search(unit_rows(2), 5) == [[], []]
    assert len(index) == 0
    assert index.remove([1]) == 0


def test_wrong_dimensions_and_bad_values_raise_value_error(filled):
    index, _, _ = filled
    with pytest.raises(ValueError, match="dimension 31"):
        index.search(np.zeros(31, dtype=np.float32), 3)
    with pytest.raises(ValueError, match="dimension 16"):
        index.add([10**6], unit_rows(1, 16))
    bad = unit_rows(1)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        index.add([10**6], bad)
    with pytest.raises(ValueError, match="NaN"):
        index.search(np.full(DIM, np.inf, dtype=np.float32), 3)
    with pytest.raises(ValueError, match="ids"):
        index.add([1, 2], unit_rows(3))
    with pytest.raises(ValueError, match="repeat"):
        index.add([7, 7], unit_rows(2))


def test_save_and_load_round_trip(filled, tmp_path):
    index, ids, x = filled
    index.remove([ids[0]])
    index.add([ids[1]], -x[1])
    path = index.save(tmp_path / "idx")
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["params"]["model_id"] == "test-model"
    assert manifest["params"]["dim"] == DIM
    assert manifest["params"]["count"] == 499
    assert len(manifest["files"]["index.faiss"]["sha256"]) == 64
    loaded = VectorIndex.load(path, expected_model_id="test-model", expected_dim=DIM)
    assert loaded.kind_ == index.kind_
    assert len(loaded) == 499
    assert loaded.search(x[:5], 7) == index.search(x[:5], 7)
    assert ids[0] not in loaded


def test_saving_over_an_existing_index_replaces_it_whole(tmp_path):
    a = VectorIndex(DIM, model_id="m")
    a.add([1, 2], unit_rows(2))
    a.save(tmp_path / "idx")
    b = VectorIndex(DIM, model_id="m")
    b.add([5, 6, 7], unit_rows(3, seed=3))
    b.save(tmp_path / "idx")
    loaded = VectorIndex.load(tmp_path / "idx", expected_model_id="m", expected_dim=DIM)
    assert loaded.ids().tolist() == [5, 6, 7]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_a_truncated_index_file_is_refused(filled, tmp_path):
    index, _, _ = filled
    path = index.save(tmp_path / "idx")
    data = (path / "index.faiss").read_bytes()
    (path / "index.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(ArtifactError, match="truncated"):
        VectorIndex.load(path, expected_model_id="test-model", expected_dim=DIM)


def test_a_corrupted_index_file_is_refused(filled, tmp_path):
    index, _, _ = filled
    path = index.save(tmp_path / "idx")
    data = bytearray((path / "index.faiss").read_bytes())
    data[100] ^= 0xFF
    (path / "index.faiss").write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="corrupt"):
        VectorIndex.load(path, expected_model_id="test-model", expected_dim=DIM)


def test_an_index_of_another_model_is_refused(filled, tmp_path):
    index, _, _ = filled
    path = index.save(tmp_path / "idx")
    with pytest.raises(ArtifactError, match="another model version"):
        VectorIndex.load(path, expected_model_id="all-MiniLM-L6-v2", expected_dim=DIM)


def test_an_index_of_another_dimension_is_refused(filled, tmp_path):
    index, _, _ = filled
    path = index.save(tmp_path / "idx")
    with pytest.raises(ArtifactError, match="dimension mismatch"):
        VectorIndex.load(path, expected_model_id="test-model", expected_dim=384)


def test_a_missing_index_is_refused(tmp_path):
    with pytest.raises(ArtifactError, match="no vector index"):
        VectorIndex.load(tmp_path / "nothing", expected_model_id="m", expected_dim=DIM)


def test_auto_kind_picks_hnsw_above_the_threshold():
    small = VectorIndex(DIM, model_id="m", approx_threshold=100)
    small.add(np.arange(50), unit_rows(50))
    big = VectorIndex(DIM, model_id="m", approx_threshold=100)
    big.add(np.arange(150), unit_rows(150))
    assert (small.kind_, big.kind_) == ("flat", "hnsw")


def test_rebuild_drops_hnsw_tombstones_and_keeps_results():
    index = VectorIndex(DIM, model_id="m", kind="hnsw")
    x = unit_rows(300)
    index.add(np.arange(300), x)
    index.remove(np.arange(0, 300, 2))
    index.add([1], -x[1])
    assert index.tombstones == 151
    before = index.search(x[:5], 5)
    index.rebuild()
    assert index.tombstones == 0
    assert len(index) == 150
    after = index.search(x[:5], 5)
    assert [[i for i, _ in r] for r in after] == [[i for i, _ in r] for r in before]
    np.testing.assert_allclose(
        [[s for _, s in r] for r in after], [[s for _, s in r] for r in before], rtol=1e-5
    )


def test_hnsw_recall_at_10_against_exact_search_is_at_least_0_9():
    x = unit_rows(5_000, 64, seed=1)
    queries = unit_rows(200, 64, seed=2)
    ids = np.arange(5_000)
    exact = VectorIndex(64, model_id="m", kind="flat")
    approx = VectorIndex(64, model_id="m", kind="hnsw")
    exact.add(ids, x)
    approx.add(ids, x)
    truth = exact.search(queries, 10)
    found = approx.search(queries, 10)
    recall = np.mean(
        [len({i for i, _ in t} & {i for i, _ in f}) / 10 for t, f in zip(truth, found, strict=True)]
    )
    assert recall >= 0.9


def test_concurrent_searches_and_updates_stay_consistent():
    index = VectorIndex(DIM, model_id="m")
    x = unit_rows(2000)
    index.add(np.arange(1000), x[:1000])
    errors: list[BaseException] = []

    def searcher():
        try:
            for i in range(50):
                [hits] = index.search(x[i], 5)
                assert len(hits) == 5
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for start in range(1000, 2000, 100):
        index.add(np.arange(start, start + 100), x[start : start + 100])
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == 2000
