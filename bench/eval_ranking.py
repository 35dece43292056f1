"""Ranking quality on every labelled set: the hybrid score against TF-IDF, BM25 and MiniLM.

    python bench/eval_ranking.py --data-dir ../shared/data [--weight semantic=0.3 ...]
        [--sets hr_terms postings] [--no-categories]

Exports the sets first if ``data/raw/ranking`` lacks them, evaluates with the real model (behind
the on-disk embedding cache), prints method x metric with paired bootstrap CIs and writes
``reports/ranking.json``. ``hybrid`` uses params.yaml's weights; ``hybrid_fitted`` weights
fitted on the other sets only (leave one set out).
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
from mlcore.retrieval.keywords import KeywordModel  # noqa: E402

DESCRIPTIONS = {
    "vanetik": "vacancies ranked per CV against two annotators' consensus (noisy)",
    "match150": "resumes ranked for one ML-engineer JD against the set's match percentage",
    "hr_terms": "resumes ranked for JDs given as HR requirement terms, graded 1-7 (>=5 relevant)",
    "postings": "500 LinkedIn postings ranked for each resume, graded 0-2 (>=1 relevant)",
}


def make_embedder(name: str, cache_dir: Path):
    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache

    return CachedEmbedder(get_embedder(name), EmbeddingCache(cache_dir))


def parse_weights(overrides: list[str], params_file: Path) -> dict[str, dict[str, float]]:
    """params.yaml's two weightings, with ``kind.part=value`` overrides
    (``extracted.semantic=0.3``, ``explicit.required=0.2``)."""
    with open(params_file, encoding="utf-8") as fh:
        weights = ((yaml.safe_load(fh) or {}).get("match") or {}).get("weights") or {}
    weights = {kind: dict(weights.get(kind) or {}) for kind in ("extracted", "explicit")}
    for item in overrides:
        name, sep, value = item.partition("=")
        kind, dot, part = name.strip().partition(".")
        if not sep or not dot or kind not in weights:
            raise SystemExit(
                f"--weight takes extracted.part=value or explicit.part=value, got {item!r}"
            )
        weights[kind][part] = float(value)
    return weights


def _cell(stats: dict | None) -> str:
    if stats is None:
        return "-"
    lo, hi = stats["ci"]
    return f"{stats['mean']:.3f} [{lo:.3f},{hi:.3f}]"


def _diff(stats: dict | None) -> str:
    if stats is None:
        return "-"
    lo, hi = stats["ci"]
    return f"{stats['diff']:+.3f} [{lo:+.3f},{hi:+.3f}] {stats['won']}/{stats['lost']}"


def _table(rows: dict, metrics: list[str], cell, width: int) -> None:
    print(f"{'method':<20}" + "".join(f"{m:<{width}}" for m in metrics))
    for method, stats in rows.items():
        print(f"{method:<20}" + "".join(f"{cell(stats.get(m)):<{width}}" for m in metrics))


def print_report(report: dict) -> None:
    level = round(report["bootstrap"]["level"] * 100)
    for name, result in report["sets"].items():
        metrics = result["metrics"]
        print(
            f"\n== {name}: {result['n_queries']} queries, {result['n_judged_pairs']} judged "
            f"pairs; {DESCRIPTIONS.get(name, '')}"
        )
        print(f"   mean over queries [{level}% bootstrap CI]")
        _table(result["methods"], metrics, _cell, 22)
        for base in ("bm25", "hybrid"):
            rows = {m: v for m, v in result["vs"][base].items() if m in ("hybrid", "hybrid_fitted")}
            if rows:
                print(f"-- minus {base}, paired: diff [{level}% CI] queries won/lost")
                _table(rows, metrics, _diff, 28)
    print(
        "\n== weights (extracted: requirements read from postings; explicit: written by a person)"
    )
    for kind, weights in report["weights"].items():
        print(f"   params.yaml {kind}: {weights}")
    for name, weights in report["fitted"].items():
        print(f"   fitted {name}: {weights}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--sets-dir", type=Path, default=REPO_ROOT / "data" / "raw" / "ranking")
    parser.add_argument("--sets", nargs="+", default=list(SET_FILES), choices=list(SET_FILES))
    parser.add_argument("--report", type=Path, default=REPO_ROOT / "reports" / "ranking.json")
    parser.add_argument("--embedder", default="minilm", choices=("minilm", "hashing"))
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    parser.add_argument("--params", type=Path, default=REPO_ROOT / "params.yaml")
    parser.add_argument(
        "--keywords", type=Path, default=REPO_ROOT / "data" / "reference" / "keywords"
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        help="override a match weight: extracted.part=value or explicit.part=value",
    )
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--re-export", action="store_true", help="export the sets again")
    args = parser.parse_args(argv)

    missing = [
        f for name in args.sets for f in SET_FILES[name] if not (args.sets_dir / f).is_file()
    ]
    if missing or args.re_export:
        from scripts.export_ranking_sets import run as export

        print(f"exporting the ranking sets into {args.sets_dir} ...", flush=True)
        summary = export(args.data_dir, args.sets_dir)
        print(f"  done in {summary['seconds']} s", flush=True)

    embedder = make_embedder(args.embedder, args.cache_dir)
    t0 = time.perf_counter()
    report = evaluate_ranking(
        args.sets_dir,
        embedder=embedder,
        taxonomy=taxonomy_from_fixture(REPO_ROOT / "fixtures" / "skills.json"),
        keyword_model=KeywordModel.load(args.keywords),
        weights=parse_weights(args.weight, args.params),
        sets=args.sets,
        n_resamples=args.resamples,
        seed=args.seed,
    )
    # bf16 and fp32 vectors differ in the fourth decimal of a cosine: say which one ran.
    report["embedder_precision"] = getattr(embedder.embedder, "precision_", None)
    print(
        f"evaluated in {time.perf_counter() - t0:.1f} s with {report['embedder']} "
        f"({report['embedder_precision'] or 'cached vectors'})"
    )
    print_report(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.report.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.report)
    print(f"\nwrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
