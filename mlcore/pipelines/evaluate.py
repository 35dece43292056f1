"""Stage `evaluate`: category accuracy and macro-F1 of the classifiers fitted on the training
split, on the test split and (jobs) on the held-out LinkedIn postings, beside a TF-IDF +
LinearSVC baseline trained on the same rows in the same run ("uncertain" counts as wrong);
confusion data for `dvc plots`; ranking quality on the labelled sets when they were exported.
Then the bundle of the shipped models (refitted on all the data by `train`) is sealed."""

from __future__ import annotations

import json

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from mlcore.artifacts import read_manifest
from mlcore.classifiers import CategoryClassifier, tfidf_svm_baseline
from mlcore.datasets import PROJECT_CATEGORIES
from mlcore.pipelines.bundle import write_bundle
from mlcore.pipelines.common import (
    MODEL_DIR,
    REPORTS_DIR,
    ROOT,
    PipelineError,
    run_stage,
    write_json,
)
from mlcore.pipelines.embed import embedder_from
from mlcore.pipelines.ranking import evaluate_ranking, taxonomy_from_fixture
from mlcore.pipelines.train import EVAL_DIR, KIND_PART, load_blocks, training_data
from mlcore.retrieval.scorer import ScoreWeights

SINGULAR = {"resumes": "resume", "jobs": "job"}


def scores(
    truth: list[str], predictions: list, base_pred: list[str], *, prefix: str = ""
) -> dict[str, float | int]:
    """Accuracy and macro-F1 of the model and the baseline. ``accuracy`` and ``macro_f1`` score
    the top guess whatever its confidence (as every registered version did, so the registry's
    gate compares like with like); ``strict_*`` count an "uncertain" answer as wrong."""
    answers = [p.label or "uncertain" for p in predictions]
    top = [p.top[0][0] for p in predictions]
    labels = sorted(set(truth))
    correct_answered = [
        t == p.label for t, p in zip(truth, predictions, strict=True) if p.label is not None
    ]

    def f1(pred: list[str]) -> float:
        return f1_score(truth, pred, average="macro", labels=labels, zero_division=0)

    metrics = {
        "test": len(truth),
        "accuracy": accuracy_score(truth, top),
        "macro_f1": f1(top),
        "strict_accuracy": accuracy_score(truth, answers),
        "strict_macro_f1": f1(answers),
        "baseline_accuracy": accuracy_score(truth, base_pred),
        "baseline_macro_f1": f1(base_pred),
        "coverage": float(np.mean([p.label is not None for p in predictions])),
        "answered_accuracy": float(np.mean(correct_answered)) if correct_answered else 0.0,
    }
    metrics["macro_f1_gain_points"] = 100 * (metrics["macro_f1"] - metrics["baseline_macro_f1"])
    return {f"{prefix}{k}": round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def evaluate_kind(kind: str, params: dict) -> tuple[dict, list[dict]]:
    """Scores of the classifier fitted on the training split (``data/model/eval/``), beside a
    TF-IDF + LinearSVC baseline fitted on the same rows in this run: on the test split, and for
    jobs on the held-out postings as well (those the annotator put in no category left out)."""
    test_rows, test_blocks = load_blocks(kind, "test")
    heldout = load_blocks(kind, "heldout") if kind == "jobs" else ([], {})
    heldout_rows = [r for r in heldout[0] if r["label"] in PROJECT_CATEGORIES]
    if not test_rows and not heldout_rows:
        return {"test": 0}, []
    train_rows, _ = training_data(kind, ("train",), params)
    clf = CategoryClassifier.load(EVAL_DIR / KIND_PART[kind])
    baseline = tfidf_svm_baseline(random_state=0).fit(
        [r["text"] for r in train_rows], [r["label"] for r in train_rows]
    )
    metrics: dict = {"test": 0}
    confusion: list[dict] = []
    if test_rows:
        truth = [r["label"] for r in test_rows]
        predictions = clf.predict([r["text"] for r in test_rows], embeddings=test_blocks)
        base_pred = list(baseline.predict([r["text"] for r in test_rows]))
        metrics = scores(truth, predictions, base_pred)
        confusion = [
            {"actual": t, "predicted": p.top[0][0]} for t, p in zip(truth, predictions, strict=True)
        ]
    if heldout_rows:
        keep = [i for i, r in enumerate(heldout[0]) if r["label"] in PROJECT_CATEGORIES]
        blocks = {name: b[keep] for name, b in heldout[1].items()}
        texts = [r["text"] for r in heldout_rows]
        truth = [r["label"] for r in heldout_rows]
        metrics.update(
            scores(
                truth,
                clf.predict(texts, embeddings=blocks),
                list(baseline.predict(texts)),
                prefix="heldout_",
            )
        )
    return metrics, confusion


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
        kind_metrics, confusion = evaluate_kind(kind, params)
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
    print_metrics(run_stage(__doc__, run, argv))


def print_metrics(metrics: dict) -> None:
    for kind in SINGULAR.values():
        m = metrics[kind]
        for prefix, where in (("", "test split"), ("heldout_", "held-out postings")):
            if m.get(f"{prefix}test"):
                print(
                    f"{kind} ({where}, {m[f'{prefix}test']}): uncertain counted wrong: accuracy "
                    f"{m[f'{prefix}strict_accuracy']:.3f} macro-F1 {m[f'{prefix}strict_macro_f1']:.3f} "
                    f"(answered {m[f'{prefix}coverage']:.3f}) | top guess "
                    f"{m[f'{prefix}accuracy']:.3f} / {m[f'{prefix}macro_f1']:.3f} "
                    f"| TF-IDF + LinearSVC {m[f'{prefix}baseline_accuracy']:.3f} / "
                    f"{m[f'{prefix}baseline_macro_f1']:.3f}"
                )


if __name__ == "__main__":
    main()
