"""False-positive and detection rates of the three drift checks on real job postings.

    python bench/eval_drift.py --data-dir ../shared/data --repeats 20 [--naive]

Reference: a random sample of Google job postings (2018). Per repeat, three windows:
same-source (a disjoint Google sample: any alarm is a false positive), other-market (LinkedIn
postings 2023-24: an alarm is a detection) and share-shift (a disjoint Google sample where one
job family makes up half the window: an alarm is a detection). Real model, cached embeddings.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from mlcore.datasets import load_google_jobs  # noqa: E402
from mlcore.drift import centroid_drift, data_drift, skill_drift  # noqa: E402
from mlcore.skills import SkillEntry, SkillTaxonomy  # noqa: E402

SCENARIOS = ("same-source", "other-market", "share-shift")
CHECKS = ("data", "centroid", "skill")
SHIFT_SHARE = 0.5


# -- data --------------------------------------------------------------------------------------
def load(data_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """Google texts and labels (one per re-posted group) and LinkedIn descriptions."""
    seen: set[str] = set()
    g_texts, g_labels = [], []
    for job in load_google_jobs(data_dir):
        if job.group_id not in seen:
            seen.add(job.group_id)
            g_texts.append(job.text)
            g_labels.append(job.label)
    path = data_dir / "linkedin_postings_sample500" / "postings_sample.csv"
    if not path.is_file():
        raise SystemExit(f"{path} not found (pass --data-dir ../shared/data)")
    with path.open(encoding="utf-8", newline="") as fh:
        linkedin = [r["description"] for r in csv.DictReader(fh) if r["description"].strip()]
    return g_texts, g_labels, linkedin


def embed(texts: Sequence[str], cache_dir: Path, *, label: str) -> np.ndarray:
    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache

    embedder = CachedEmbedder(get_embedder("minilm"), EmbeddingCache(cache_dir))
    t0 = time.perf_counter()
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), 64):
        docs = embedder.encode_documents(list(texts[start : start + 64]))
        out[start : start + len(docs)] = np.stack([d.vector for d in docs])
    print(
        f"  [{label}] {len(texts)} documents, {embedder.hits} from the cache, "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return out


def taxonomy() -> SkillTaxonomy:
    items = json.loads((REPO_ROOT / "fixtures" / "skills.json").read_text(encoding="utf-8"))
    return SkillTaxonomy.from_entries(
        SkillEntry(
            name=i["fields"]["name"],
            aliases=tuple(i["fields"].get("aliases") or ()),
            kind=i["fields"].get("kind", "technical"),
            requires_context=bool(i["fields"].get("requires_context", False)),
        )
        for i in items
    )


# -- the literal "resample the reference, compare with the full reference" thresholds -----------
def naive_global_centroid(ref: np.ndarray, win: np.ndarray, rng, quantile: float) -> bool:
    """Global check with the threshold from window-sized resamples vs the full reference."""
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    win = win / np.linalg.norm(win, axis=1, keepdims=True)

    def dist(a, b):
        return 1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    mu = ref.mean(axis=0)
    null = [dist(ref[rng.integers(0, len(ref), len(win))].mean(axis=0), mu) for _ in range(200)]
    return dist(win.mean(axis=0), mu) > np.quantile(null, quantile)


def naive_skill(ref: list[set[str]], win: list[set[str]], rng, quantile: float) -> bool:
    """Skill check with the threshold from window-sized resamples vs the full reference."""
    from scipy.spatial.distance import jensenshannon

    vocab = {s: i for i, s in enumerate(sorted(set().union(*ref, *win)))}

    def df(sets):
        v = np.zeros(len(vocab))
        for s in sets:
            for k in s:
                v[vocab[k]] += 1
        return v

    full = df(ref)
    null = [
        jensenshannon(df([ref[i] for i in rng.integers(0, len(ref), len(win))]), full, base=2)
        for _ in range(200)
    ]
    return jensenshannon(df(win), full, base=2) > np.quantile(null, quantile)


# -- the run -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    """One side of a comparison: texts, labels (or None), vectors and skill sets."""

    texts: list[str]
    labels: list[str] | None
    vectors: np.ndarray
    skills: list[set[str]]


def run_check(check: str, ref: Side, win: Side, *, seed: int):
    if check == "centroid":
        return centroid_drift(ref.vectors, ref.labels, win.vectors, win.labels, random_state=seed)
    if check == "skill":
        return skill_drift(ref.skills, win.skills, random_state=seed)
    return data_drift(
        ref.texts,
        win.texts,
        reference_embeddings=ref.vectors,
        window_embeddings=win.vectors,
        random_state=seed,
    )


def share_shift_window(
    pool: np.ndarray, labels: list[str], size: int, rng: np.random.Generator
) -> tuple[np.ndarray, str]:
    """``size`` documents from ``pool`` where one family (among those with enough) is half."""
    by_label = defaultdict(list)
    for i in pool:
        by_label[labels[i]].append(i)
    need = int(size * SHIFT_SHARE)
    families = sorted(lab for lab, idx in by_label.items() if len(idx) >= need)
    family = families[rng.integers(len(families))]
    chosen = rng.choice(by_label[family], need, replace=False)
    rest = [i for i in pool if labels[i] != family]
    others = rng.choice(rest, size - need, replace=False)
    return np.concatenate([chosen, others]), family


def run(args: argparse.Namespace) -> dict:
    g_texts, g_labels, linkedin = load(args.data_dir)
    print(f"Google: {len(g_texts)} distinct postings; LinkedIn: {len(linkedin)} descriptions")
    g_vec = embed(g_texts, args.cache, label="google")
    l_vec = embed(linkedin, args.cache, label="linkedin")
    tax = taxonomy()
    t0 = time.perf_counter()
    g_skills = [{m.name for m in tax.extract(t)} for t in g_texts]
    l_skills = [{m.name for m in tax.extract(t)} for t in linkedin]
    print(f"  skills extracted in {time.perf_counter() - t0:.1f} s")

    n, m = args.reference_size, args.window_size
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    seconds: dict[str, list[float]] = defaultdict(list)
    naive: dict[tuple[str, str], list[bool]] = defaultdict(list)
    families = []
    for r in range(args.repeats):
        rng = np.random.default_rng(args.seed + r)
        order = rng.permutation(len(g_texts))
        ref, pool = order[:n], order[n:]
        shift_idx, family = share_shift_window(pool, g_labels, m, rng)
        families.append(family)
        windows = {
            "same-source": ("google", pool[:m]),
            "other-market": ("linkedin", rng.permutation(len(linkedin))[:m]),
            "share-shift": ("google", shift_idx),
        }
        for scenario, (source, idx) in windows.items():
            texts = g_texts if source == "google" else linkedin
            vecs = g_vec if source == "google" else l_vec
            skills = g_skills if source == "google" else l_skills
            win_labels = [g_labels[i] for i in idx] if source == "google" else None
            ref_side = Side(
                [g_texts[i] for i in ref],
                [g_labels[i] for i in ref],
                g_vec[ref],
                [g_skills[i] for i in ref],
            )
            win_side = Side(
                [texts[i] for i in idx], win_labels, vecs[idx], [skills[i] for i in idx]
            )
            for check in CHECKS:
                if check == "data" and args.skip_data:
                    continue
                t = time.perf_counter()
                result = run_check(check, ref_side, win_side, seed=r)
                seconds[check].append(time.perf_counter() - t)
                hits[(scenario, check)].append(result.drifted)
                scores[(scenario, check)].append(result.score)
            if args.naive:
                nrng = np.random.default_rng(1000 + r)
                naive[(scenario, "centroid-global")].append(
                    naive_global_centroid(g_vec[ref], vecs[idx], nrng, 0.99)
                )
                naive[(scenario, "skill")].append(
                    naive_skill([g_skills[i] for i in ref], [skills[i] for i in idx], nrng, 0.99)
                )
        print(f"  repeat {r + 1}/{args.repeats} done", flush=True)

    return {
        "reference_size": n,
        "window_size": m,
        "repeats": args.repeats,
        "shift_families": families,
        "rates": {f"{s}/{c}": float(np.mean(v)) for (s, c), v in hits.items()},
        "mean_scores": {f"{s}/{c}": float(np.mean(v)) for (s, c), v in scores.items()},
        "seconds_per_call": {c: float(np.mean(v)) for c, v in seconds.items()},
        "naive_rates": {f"{s}/{c}": float(np.mean(v)) for (s, c), v in naive.items()},
    }


def print_table(report: dict) -> None:
    rates, means = report["rates"], report["mean_scores"]
    print()
    print(
        f"reference {report['reference_size']} Google postings, windows of "
        f"{report['window_size']}, {report['repeats']} repeats; cell = alarm rate (mean score)"
    )
    header = f"{'window':<14} {'rate is':<15}" + "".join(f"{c:>20}" for c in CHECKS)
    print(header)
    print("-" * len(header))
    for scenario in SCENARIOS:
        meaning = "false positive" if scenario == "same-source" else "detection"
        cells = []
        for check in CHECKS:
            key = f"{scenario}/{check}"
            cells.append(
                f"{rates[key]:>11.2f} ({means[key]:5.3f})" if key in rates else f"{'-':>20}"
            )
        print(f"{scenario:<14} {meaning:<15}" + "".join(f"{c:>20}" for c in cells))
    print()
    print(
        "scores: data = share of drifted columns (alarm at >= 0.5); centroid = max "
        "distance/threshold ratio (alarm > 1); skill = Jensen-Shannon distance"
    )
    secs = ", ".join(f"{c} {s:.2f} s" for c, s in report["seconds_per_call"].items())
    print(f"mean time per call: {secs}")
    if report["naive_rates"]:
        print()
        print("literal reference-only thresholds (window-sized resample vs full reference):")
        for key, rate in sorted(report["naive_rates"].items()):
            print(f"  {key:<32} alarm rate {rate:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--reference-size", type=int, default=250)
    ap.add_argument("--window-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-data", action="store_true", help="leave out the (slower) data check")
    ap.add_argument(
        "--naive", action="store_true", help="also rate the literal reference-only thresholds"
    )
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    if not args.data_dir.is_dir():
        raise SystemExit(f"data folder {args.data_dir} not found (pass --data-dir ../shared/data)")
    report = run(args)
    print_table(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
