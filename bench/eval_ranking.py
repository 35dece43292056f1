"""Ranking quality on the public labelled sets: the hybrid scorer against TF-IDF, BM25 and MiniLM.

    python bench/eval_ranking.py --data-dir ../shared/data [--weight semantic=0.3 ...]

Exports the sets first if ``data/raw/ranking`` lacks them, evaluates with the real model (behind
the on-disk embedding cache), prints method x metric with bootstrap CIs and writes
``reports/ranking.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from mlcore.pipelines.ranking import (  # noqa: E402
    SET_FILES,
    evaluate_ranking,
    taxonomy_from_fixture,
)

DESCRIPTIONS = {
    "vanetik": "vacancies ranked per CV against the annotators' consensus (Borda points)",
    "match150": "resumes ranked for one ML-engineer JD against the set's match percentage",
}


def make_embedder(name: str, cache_dir: Path):
    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache

    return CachedEmbedder(get_embedder(name), EmbeddingCache(cache_dir))


def parse_weights(overrides: list[str], params_file: Path) -> dict[str, float]:
    with open(params_file, encoding="utf-8") as fh:
        weights = dict(((yaml.safe_load(fh) or {}).get("match") or {}).get("weights") or {})
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--weight takes name=value, got {item!r}")
        weights[name.strip()] = float(value)
    return weights


VARIANTS: dict[str, dict[str, float]] = {
    "no_chunk": {"chunk": 0.0},
    "chunk_0.30": {"chunk": 0.30},
    "semantic_0.50": {"semantic": 0.50},
    "required_0.10": {"required": 0.10},
    "required_0.40": {"required": 0.40},
    "no_experience": {"experience": 0.0},
    "blend_0.15": {"lexical_weight": 0.15},
    "blend_0.50": {"lexical_weight": 0.50},
    "no_chunk_blend_0.30": {"chunk": 0.0, "lexical_weight": 0.30},
}
FUSED = ("rrf_hybrid_bm25", "hybrid_bm25_blend")


def _cell(stats: dict | None) -> str:
    if stats is None:
        return "-"
    lo, hi = stats["ci"]
    text = f"{stats['mean']:.3f} [{lo:.3f},{hi:.3f}]"
    return text + (f" sd {stats['sd']:.2f}" if "sd" in stats else "")


def _diff(stats: dict | None) -> str:
    if stats is None:
        return "-"
    lo, hi = stats["ci"]
    return f"{stats['diff']:+.3f} [{lo:+.3f},{hi:+.3f}] ({stats['p_not_better']:.2f})"


def _table(rows: dict, metrics: list[str], cell, width: int) -> None:
    print(f"{'method':<28}" + "".join(f"{m:<{width}}" for m in metrics))
    for method, stats in rows.items():
        print(f"{method:<28}" + "".join(f"{cell(stats.get(m)):<{width}}" for m in metrics))


def print_table(report: dict) -> None:
    level = round(report["bootstrap"]["level"] * 100)
    for name, result in report["sets"].items():
        metrics = result["metrics"]
        per_cv = "annotator_metrics" in result
        print(
            f"\n== {name}: {result['n_queries']} queries x {result['n_candidates']} candidates; "
            f"{DESCRIPTIONS.get(name, '')}"
        )
        print(f"   mean [{level}% bootstrap CI]" + (" sd <spread over CVs>" if per_cv else ""))
        _table(result["methods"], metrics, _cell, 31 if per_cv else 22)
        if per_cv and result["annotator_metrics"]:
            print("-- against each annotator alone (CVs that annotator judged)")
            _table(result["methods"], result["annotator_metrics"], _cell, 31)
        shown = metrics + (result.get("annotator_metrics") or [])
        print(f"-- minus BM25, paired on the same resamples: diff [{level}% CI] (share not ahead)")
        _table(result["vs"]["bm25"], shown, _diff, 31)
        print("-- minus the hybrid, paired (fused methods and weight variants)")
        vs_hybrid = {
            m: v
            for m, v in result["vs"]["hybrid"].items()
            if m in FUSED or m.startswith("variant:")
        }
        _table(vs_hybrid, shown, _diff, 31)
        ref = result.get("human_agreement")
        if ref:
            figures = ", ".join(f"{k} {v}" for k, v in ref.items() if k not in ("what", "n_cvs"))
            print(f"-- human agreement ({ref['what']}, {ref['n_cvs']} CVs): {figures}")
        print(f"-- notes: {json.dumps(result['notes'], sort_keys=True)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--sets-dir", type=Path, default=REPO_ROOT / "data" / "raw" / "ranking")
    parser.add_argument("--report", type=Path, default=REPO_ROOT / "reports" / "ranking.json")
    parser.add_argument("--embedder", default="minilm", choices=("minilm", "hashing"))
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    parser.add_argument("--params", type=Path, default=REPO_ROOT / "params.yaml")
    parser.add_argument(
        "--weight", action="append", default=[], help="override a match weight: name=value"
    )
    parser.add_argument(
        "--variants", action="store_true", help="also evaluate the weight variants in VARIANTS"
    )
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--re-export", action="store_true", help="export the sets again")
    args = parser.parse_args(argv)

    missing = [
        f for files in SET_FILES.values() for f in files if not (args.sets_dir / f).is_file()
    ]
    if missing or args.re_export:
        from scripts.export_ranking_sets import run as export

        print(f"exporting the ranking sets into {args.sets_dir} ...", flush=True)
        summary = export(args.data_dir, args.sets_dir)
        print(f"  done in {summary['seconds']} s", flush=True)

    weights = parse_weights(args.weight, args.params)
    embedder = make_embedder(args.embedder, args.cache_dir)
    t0 = time.perf_counter()
    report = evaluate_ranking(
        args.sets_dir,
        embedder=embedder,
        taxonomy=taxonomy_from_fixture(REPO_ROOT / "fixtures" / "skills.json"),
        weights=weights,
        variants=VARIANTS if args.variants else None,
        n_resamples=args.resamples,
        seed=args.seed,
    )
    # bf16 and fp32 vectors differ in the fourth decimal of a cosine: say which one ran.
    report["embedder_precision"] = getattr(embedder.embedder, "precision_", None)
    print(
        f"evaluated in {time.perf_counter() - t0:.1f} s with {report['embedder']} "
        f"({report['embedder_precision'] or 'cached vectors'}); weights {report['weights']}, "
        f"blend lexical_weight {report['lexical_weight']}"
    )
    print_table(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.report.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.report)
    print(f"\nwrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
