"""Build the sentence codec (compact sentence vectors for explanations) from public resumes and
postings: ``python scripts/build_sentence_codec.py [--data-dir ../shared/data] [--dims 192]``.

Fits the projection on the sentences of half the sampled documents and measures, on the other
half, what the compact vectors cost an explanation: for resume x posting pairs, the cosine lost
by the three sentence pairs chosen with compact vectors against the best three with full fp32
vectors (mean and 95th percentile). Writes ``data/reference/sentences``; only the projection is
stored, never a sentence.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from mlcore.embeddings import get_embedder  # noqa: E402
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache  # noqa: E402
from mlcore.embeddings.codec import SentenceCodec  # noqa: E402
from mlcore.explain import sentences_of  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "data" / "reference" / "sentences"
csv.field_size_limit(10_000_000)


def _texts(data_dir: Path, per_source: int, seed: int) -> tuple[list[str], list[str]]:
    with open(data_dir / "livecareer_resumes" / "resumes.csv", encoding="utf-8") as fh:
        resumes = [r["Resume_str"] for r in csv.DictReader(fh) if r["Resume_str"].strip()]
    with open(
        data_dir / "linkedin_postings_sample500" / "postings_sample.csv", encoding="utf-8"
    ) as fh:
        jobs = [f"{r['title']}\n{r['description']}" for r in csv.DictReader(fh)]
    rng = np.random.default_rng(seed)
    pick = lambda rows: [rows[i] for i in sorted(rng.choice(len(rows), per_source, replace=False))]  # noqa: E731
    return pick(resumes), pick(jobs)


def regret(codec: SentenceCodec, resumes: list[np.ndarray], jobs: list[np.ndarray]) -> tuple:
    """Cosine lost by the three pairs chosen with compact vectors, per (resume, job) pair."""
    losses = []
    for r, j in zip(resumes, jobs, strict=False):
        if len(r) < 2 or len(j) < 2:
            continue
        exact = r @ j.T
        compact = codec.decode(codec.encode(r)) @ codec.project(j).T
        best = np.sort(exact, axis=None)[::-1][:3]
        chosen = exact.ravel()[np.argsort(-compact, axis=None)[:3]]
        losses.append(float(np.mean(best - chosen)))
    return float(np.mean(losses)), float(np.percentile(losses, 95)), len(losses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--dims", type=int, default=192)
    parser.add_argument("--per-source", type=int, default=300)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    args = parser.parse_args(argv)
    embedder = CachedEmbedder(get_embedder("minilm"), EmbeddingCache(args.cache_dir))
    resumes, jobs = _texts(args.data_dir, args.per_source, seed=0)

    def vectors(texts: list[str]) -> list[np.ndarray]:
        return [embedder.encode([s for s, _ in sentences_of(t)]) for t in texts]

    r_vecs, j_vecs = vectors(resumes), vectors(jobs)
    half_r, half_j = len(r_vecs) // 2, len(j_vecs) // 2
    train = np.vstack([v for v in r_vecs[:half_r] + j_vecs[:half_j] if len(v)])
    codec = SentenceCodec(dims=args.dims).fit(train)
    mean, p95, n = regret(codec, r_vecs[half_r:], j_vecs[half_j:])
    codec.save(args.out, overwrite=True)
    print(
        f"fitted on {len(train)} sentences; {args.dims} dims, {args.dims + 4} bytes a sentence; "
        f"explanation pairs lose {mean:.4f} of cosine on average (p95 {p95:.4f}) over {n} "
        f"held-out resume x posting pairs"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
