"""Benchmark: VectorIndex search latency, build time, memory and HNSW recall at 10k/100k vectors.

Run: ``python bench/bench_search.py [--sizes 10000 100000] [--queries 200]``. Random unit
384-d vectors: a worst case for HNSW (no structure, full intrinsic dimension), so its recall
here is a floor, not what real embeddings get. Prints our index next to raw faiss on the same
data, so the overhead of the wrapper is a ratio, not a guess.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faiss

from mlcore.retrieval.faiss_index import VectorIndex

DIM = 384


def unit_rows(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def latencies_ms(fn, queries: np.ndarray) -> np.ndarray:
    fn(queries[:5])  # warm up
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q[None, :])
        out.append((time.perf_counter() - t) * 1000)
    return np.asarray(out)


def recall_at_10(
    truth: list[list[tuple[int, float]]], found: list[list[tuple[int, float]]]
) -> float:
    return float(
        np.mean(
            [
                len({i for i, _ in t} & {i for i, _ in f}) / 10
                for t, f in zip(truth, found, strict=True)
            ]
        )
    )


def bench_size(n: int, n_queries: int) -> None:
    x = unit_rows(n, seed=n)
    ids = np.arange(n, dtype=np.int64) * 7 + 3  # database-like ids, not positions
    queries = unit_rows(n_queries, seed=1)
    print(f"\n== {n:,} vectors x {DIM}-d, {n_queries} single queries, k=10 ==")
    print(
        f"{'index':<26}{'build s':>9}{'MB':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'batch64 q/s':>13}{'recall@10':>11}"
    )

    raw = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
    t = time.perf_counter()
    raw.add_with_ids(x, ids)
    raw_build = time.perf_counter() - t
    raw_lat = latencies_ms(lambda q: raw.search(q, 10), queries)
    t = time.perf_counter()
    raw.search(queries[:64], 10)
    raw_batch = 64 / (time.perf_counter() - t)
    raw_mb = faiss.serialize_index(raw).nbytes / 1e6
    print(
        f"{'raw faiss flat':<26}{raw_build:>9.2f}{raw_mb:>8.1f}{np.median(raw_lat):>9.2f}"
        f"{np.percentile(raw_lat, 95):>9.2f}{raw_batch:>13.0f}{'1.000':>11}"
    )

    rows = {}
    truth = None
    for kind in ("flat", "hnsw"):
        index = VectorIndex(DIM, model_id="bench", kind=kind)
        t = time.perf_counter()
        index.add(ids, x)
        build = time.perf_counter() - t
        lat = latencies_ms(lambda q, index=index: index.search(q, 10), queries)
        t = time.perf_counter()
        index.search(queries[:64], 10)
        batch = 64 / (time.perf_counter() - t)
        results = index.search(queries, 10)
        if kind == "flat":
            truth = results
        recall = recall_at_10(truth, results)
        rows[kind] = (index, lat)
        print(
            f"{'VectorIndex ' + kind:<26}{build:>9.2f}{index.nbytes / 1e6:>8.1f}"
            f"{np.median(lat):>9.2f}"
            f"{np.percentile(lat, 95):>9.2f}{batch:>13.0f}{recall:>11.3f}"
        )

    hnsw = rows["hnsw"][0]
    for ef in (256, 512):
        hnsw.ef_search = ef
        lat = latencies_ms(lambda q: hnsw.search(q, 10), queries[:100])
        recall = recall_at_10(truth, hnsw.search(queries, 10))
        print(f"  hnsw ef_search={ef}: p50 {np.median(lat):.2f} ms, recall@10 {recall:.3f}")
    hnsw.ef_search = 128

    flat_lat = rows["flat"][1]
    print(f"wrapper overhead, flat p50: {np.median(flat_lat) / np.median(raw_lat):.2f}x raw faiss")

    # Filtered search: 1% of the ids allowed, picked at random.
    allowed = np.random.default_rng(5).choice(ids, size=max(n // 100, 10), replace=False).tolist()
    for kind in ("flat", "hnsw"):
        index = rows[kind][0]
        lat = latencies_ms(
            lambda q, index=index: index.search(q, 10, allowed_ids=allowed), queries[:50]
        )
        print(
            f"filtered (1% allowed) {kind:<5} p50 {np.median(lat):.2f} ms,"
            f" p95 {np.percentile(lat, 95):.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(
        f"faiss {faiss.__version__}, omp threads {faiss.omp_get_max_threads()},"
        f" blas threshold {faiss.cvar.distance_compute_blas_threshold}"
    )
    for n in args.sizes:
        bench_size(n, args.queries)


if __name__ == "__main__":
    main()
