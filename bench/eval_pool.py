"""Candidate-pool recall: does fusing BM25 with the dense ranking (as the app does) keep more of the
relevant resumes in the pool that the hybrid scorer re-ranks?

    python bench/eval_pool.py --data-dir ../shared/data

On match150 (resumes for one JD, graded by the set's match percentage): the relevant resumes are
the top quarter by match percentage; for pool sizes P, recall = relevant in the pool / relevant,
for the dense pool (MiniLM cosine, top P) and the fused pool (reciprocal rank fusion of the
MiniLM and BM25 orders, top P, as ``matching/services/lexical.py``). Then nDCG@10 of the hybrid
ranking inside each pool. Intervals: bootstrap over resumes, paired.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.eval_ranking import make_embedder, parse_weights  # noqa: E402
from mlcore.pipelines.ranking import (  # noqa: E402
    SET_FILES,
    _hybrid,
    load_match150,
    ndcg_at_k,
    pair_features,
    taxonomy_from_fixture,
)
from mlcore.retrieval.fusion import reciprocal_rank_fusion  # noqa: E402
from mlcore.retrieval.scorer import ScoreWeights  # noqa: E402

POOL_SIZES = (10, 20, 30, 45)


def order(scores: np.ndarray) -> list[int]:
    """Indices best first, ties to the smaller index (as the index searches break them)."""
    return [int(i) for i in np.lexsort((np.arange(len(scores)), -scores))]


def pools(cosine: np.ndarray, bm25: np.ndarray, size: int) -> dict[str, list[int]]:
    dense = order(cosine)
    lexical = [i for i in order(bm25) if bm25[i] > 0]
    fused = [i for i, _ in reciprocal_rank_fusion([dense, lexical])]
    return {"dense": dense[:size], "fused": fused[:size]}


def evaluate(cosine, bm25, hybrid, relevance, rows: np.ndarray) -> dict[str, dict[int, tuple]]:
    """Recall of the relevant rows and nDCG@10 of the hybrid inside the pool, per pool size."""
    c, b, h, rel = cosine[rows], bm25[rows], hybrid[rows], relevance[rows]
    relevant = rel >= np.quantile(relevance, 0.75)
    out: dict[str, dict[int, tuple]] = {"dense": {}, "fused": {}}
    for size in POOL_SIZES:
        for name, pool in pools(c, b, size).items():
            recall = relevant[pool].sum() / max(1, relevant.sum())
            ranked = np.full(len(rows), -1e9)
            ranked[pool] = h[pool]
            out[name][size] = (float(recall), ndcg_at_k(rel, ranked, k=10))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--sets-dir", type=Path, default=REPO_ROOT / "data" / "raw" / "ranking")
    parser.add_argument("--embedder", default="minilm", choices=("minilm", "hashing"))
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not all((args.sets_dir / f).is_file() for f in SET_FILES["match150"]):
        from scripts.export_ranking_sets import run as export

        export(args.data_dir, args.sets_dir)
    rset = load_match150(args.sets_dir)
    features = pair_features(
        rset,
        embedder=make_embedder(args.embedder, args.cache_dir),
        taxonomy=taxonomy_from_fixture(REPO_ROOT / "fixtures" / "skills.json"),
    )
    weights = ScoreWeights.from_mapping(parse_weights([], REPO_ROOT / "params.yaml"))
    cosine, bm25 = features.cosine[:, 0], features.bm25[:, 0]
    hybrid, relevance = _hybrid(features, weights)[:, 0], rset.relevance[:, 0]
    n = len(relevance)
    point = evaluate(cosine, bm25, hybrid, relevance, np.arange(n))
    rng = np.random.default_rng(args.seed)
    boot = [
        evaluate(cosine, bm25, hybrid, relevance, rng.integers(0, n, n))
        for _ in range(args.resamples)
    ]
    print(
        f"match150: {n} resumes for one JD; relevant = top quarter by match percentage "
        f"({int((relevance >= np.quantile(relevance, 0.75)).sum())}); "
        f"{args.resamples} paired bootstrap resamples"
    )
    print(
        f"{'pool':>5} {'recall dense':>13} {'recall fused':>13} {'fused - dense [95% CI]':>26}"
        f" {'nDCG@10 dense':>14} {'nDCG@10 fused':>14}"
    )
    for size in POOL_SIZES:
        diffs = np.array([b["fused"][size][0] - b["dense"][size][0] for b in boot])
        lo, hi = np.quantile(diffs, [0.025, 0.975])
        d, f = point["dense"][size], point["fused"][size]
        print(
            f"{size:>5} {d[0]:>13.3f} {f[0]:>13.3f} "
            f"{f[0] - d[0]:>+10.3f} [{lo:+.3f}, {hi:+.3f}]"
            f" {d[1]:>14.3f} {f[1]:>14.3f}"
        )
    full = ndcg_at_k(relevance, hybrid, k=10)
    print(f"hybrid over all {n} resumes (no pool): nDCG@10 {full:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
