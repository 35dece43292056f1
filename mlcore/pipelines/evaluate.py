"""Stage `evaluate`: category accuracy and macro-F1 on the held-out split, beside a TF-IDF +
LinearSVC baseline trained on the same split in the same run; confusion data for `dvc plots`;
ranking quality on the labelled sets when they were exported. Then the model bundle is sealed."""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from mlcore.artifacts import read_manifest
from mlcore.classifiers import CategoryClassifier, tfidf_svm_baseline
from mlcore.pipelines.bundle import write_bundle
from mlcore.pipelines.common import (
    MODEL_DIR,
    REPORTS_DIR,
    ROOT,
    PipelineError,
    load_params,
    write_json,
)
from mlcore.pipelines.train import KIND_PART, load_blocks, load_split

SINGULAR = {"resumes": "resume", "jobs": "job"}


def evaluate_kind(kind: str) -> tuple[dict, list[dict]]:
    train_rows, _ = load_split(kind, "train")
    test_rows, test_blocks = load_blocks(kind, "test")
    if not test_rows:
        return {"test": 0}, []
    clf = CategoryClassifier.load(MODEL_DIR / KIND_PART[kind])
    truth = [r["label"] for r in test_rows]
    predictions = clf.predict([r["text"] for r in test_rows], embeddings=test_blocks)
    # Accuracy counts an "uncertain" answer as wrong; the top guess is scored separately.
    top = [p.top[0][0] for p in predictions]
    answered = [p.label is not None for p in predictions]
    baseline = tfidf_svm_baseline(random_state=0).fit(
        [r["text"] for r in train_rows], [r["label"] for r in train_rows]
    )
    base_pred = list(baseline.predict([r["text"] for r in test_rows]))
    labels = sorted(set(truth) | set(top))
    correct_answered = [
        t == p.label for t, p in zip(truth, predictions, strict=True) if p.label is not None
    ]
    metrics = {
        "test": len(test_rows),
        "accuracy": accuracy_score(truth, top),
        "macro_f1": f1_score(truth, top, average="macro", labels=labels, zero_division=0),
        "baseline_accuracy": accuracy_score(truth, base_pred),
        "baseline_macro_f1": f1_score(
            truth, base_pred, average="macro", labels=labels, zero_division=0
        ),
        "coverage": float(np.mean(answered)),
        "answered_accuracy": float(np.mean(correct_answered)) if correct_answered else 0.0,
    }
    metrics["macro_f1_gain_points"] = 100 * (metrics["macro_f1"] - metrics["baseline_macro_f1"])
    confusion = [{"actual": t, "predicted": p} for t, p in zip(truth, top, strict=True)]
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}, confusion


def ranking_metrics(params: dict) -> dict:
    """Ranking quality on the labelled sets exported by scripts/export_ranking_sets.py, when
    `evaluate.ranking` is on (it needs ../shared/data and a few minutes)."""
    ranking_dir = ROOT / "data" / "raw" / "ranking"
    if not params.get("evaluate", {}).get("ranking", False):
        return {}
    if not ranking_dir.is_dir():
        raise PipelineError(
            f"evaluate.ranking is on but {ranking_dir} is missing: run scripts/export_ranking_sets.py."
        )
    from mlcore.pipelines.embed import embedder_from
    from mlcore.pipelines.ranking import evaluate_ranking, taxonomy_from_fixture
    from mlcore.retrieval.scorer import ScoreWeights

    return evaluate_ranking(
        ranking_dir,
        embedder=embedder_from(params),
        taxonomy=taxonomy_from_fixture(ROOT / "fixtures" / "skills.json"),
        weights=ScoreWeights.from_mapping(params.get("match", {}).get("weights")),
    )


def weights_metrics() -> dict:
    """The `weights` stage's figures (held-out ranking nDCG@10, how many decisions), for the
    bundle's metrics and so for the registry's gate."""
    if not (MODEL_DIR / "weights" / "manifest.json").exists():
        return {}
    metrics = dict(read_manifest(MODEL_DIR / "weights").metrics)
    return {
        k: v for k, v in metrics.items() if k.startswith(("ranking_", "extracted_", "explicit_"))
    }


def run(params: dict) -> dict:
    metrics: dict = {}
    for kind in KIND_PART:
        kind_metrics, confusion = evaluate_kind(kind)
        metrics[SINGULAR[kind]] = kind_metrics
        write_json(REPORTS_DIR / "plots" / f"{SINGULAR[kind]}_confusion.json", confusion)
    ranking = ranking_metrics(params)
    if ranking:
        metrics["ranking"] = ranking
    write_json(REPORTS_DIR / "metrics.json", metrics)
    flat = {
        f"{kind}_{k}": v
        for kind, m in metrics.items()
        if kind in SINGULAR.values()
        for k, v in m.items()
    }
    flat.update(weights_metrics())
    data_hash = json.loads((MODEL_DIR / "resume_classifier" / "manifest.json").read_text()).get(
        "data_hash", ""
    )
    write_bundle(
        MODEL_DIR,
        metrics=flat,
        params={k: params.get(k) for k in ("data", "prepare", "embed", "train")},
        data_hash=data_hash,
    )
    return metrics


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    metrics = run(load_params())
    for kind in SINGULAR.values():
        m = metrics[kind]
        if m.get("test"):
            print(
                f"{kind}: accuracy {m['accuracy']:.3f} macro-F1 {m['macro_f1']:.3f} "
                f"(baseline {m['baseline_macro_f1']:.3f}, {m['macro_f1_gain_points']:+.1f} points) on {m['test']}"
            )


if __name__ == "__main__":
    main()
