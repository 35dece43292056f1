"""Stage `train`: the resume and job category classifiers.

Each classifier is fitted twice: on the training split (``data/model/eval/``, what `evaluate`
measures) and then on every labelled document, train and test splits together (what ships in
the bundle). Jobs use the resumes' 24 categories; ``train.job_training`` picks their training
data: ``jobs`` (the labelled job texts only) or ``joint`` (job texts and resumes, one model for
both kinds of text).
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from mlcore.classifiers import CategoryClassifier
from mlcore.pipelines.common import (
    EMBEDDINGS_DIR,
    MODEL_DIR,
    PREPARED_DIR,
    PipelineError,
    read_jsonl,
    run_stage,
)
from mlcore.pipelines.embed import VIEWS

KIND_PART = {"resumes": "resume_classifier", "jobs": "job_classifier"}
EVAL_DIR = MODEL_DIR / "eval"
JOB_TRAINING = ("jobs", "joint")


def load_split(kind: str, split: str) -> tuple[list[dict], np.ndarray]:
    rows = list(read_jsonl(PREPARED_DIR / f"{kind}_{split}.jsonl"))
    vectors = np.load(EMBEDDINGS_DIR / f"{kind}_{split}.npy", allow_pickle=False)
    if len(rows) != len(vectors):
        raise PipelineError(
            f"{kind}_{split}: {len(rows)} texts but {len(vectors)} vectors; re-run `embed`."
        )
    return rows, vectors


def load_blocks(kind: str, split: str) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The rows of a split and every embedding block the classifiers use (document and views)."""
    rows, vectors = load_split(kind, split)
    blocks = {"document": vectors}
    for view in VIEWS:
        path = EMBEDDINGS_DIR / f"{kind}_{split}_{view}.npy"
        if not path.exists():
            raise PipelineError(f"{path} is missing: re-run `embed`.")
        blocks[view] = np.load(path, allow_pickle=False)
        if len(blocks[view]) != len(rows):
            raise PipelineError(f"{path}: {len(blocks[view])} vectors for {len(rows)} texts.")
    return rows, blocks


def join(*parts: tuple[list[dict], dict[str, np.ndarray]]) -> tuple[list[dict], dict]:
    """Rows and embedding blocks of several splits, stacked in order."""
    rows = [r for part_rows, _ in parts for r in part_rows]
    blocks = {name: np.vstack([b[name] for _, b in parts]) for name in parts[0][1]}
    return rows, blocks


def job_training(params: dict) -> str:
    choice = str(params.get("train", {}).get("job_training", "jobs"))
    if choice not in JOB_TRAINING:
        raise PipelineError(f"train.job_training must be one of {JOB_TRAINING}, got {choice!r}.")
    return choice


def training_data(kind: str, splits: tuple[str, ...], params: dict) -> tuple[list[dict], dict]:
    """The rows and blocks a ``kind`` classifier learns from, over ``splits``."""
    parts = [load_blocks(kind, split) for split in splits]
    if kind == "jobs" and job_training(params) == "joint":
        parts += [load_blocks("resumes", split) for split in splits]
    return join(*parts)


def classifier_params(params: dict, labels: list[str], kind: str = "resumes") -> dict:
    """``train.classifier``, with ``train.job_classifier``'s keys on top for jobs."""
    train = params.get("train", {})
    p = dict(train.get("classifier", {}))
    if kind == "jobs":
        p.update(train.get("job_classifier") or {})
    smallest = min(Counter(labels).values())
    # Cross-validation needs every class in every fold; small data gets fewer folds.
    p["cv"] = max(2, min(int(p.get("cv", 5)), smallest))
    return p


def fit_classifier(rows: list[dict], blocks: dict, params: dict, kind: str) -> CategoryClassifier:
    labels = [r["label"] for r in rows]
    if len(set(labels)) < 2:
        raise PipelineError(
            f"{kind}: need at least two categories to train, got {sorted(set(labels))}."
        )
    clf = CategoryClassifier(**classifier_params(params, labels, kind))
    clf.fit([r["text"] for r in rows], labels, embeddings=blocks)
    clf.embedder_model_id_ = json.loads((EMBEDDINGS_DIR / "meta.json").read_text())["model_id"]
    return clf


def run(params: dict) -> dict:
    summary: dict = {}
    for kind, part in KIND_PART.items():
        rows, blocks = training_data(kind, ("train",), params)
        fit_classifier(rows, blocks, params, kind).save(EVAL_DIR / part, overwrite=True)
        # What ships: the same model refitted on every labelled document.
        all_rows, all_blocks = training_data(kind, ("train", "test"), params)
        clf = fit_classifier(all_rows, all_blocks, params, kind)
        clf.save(MODEL_DIR / part, overwrite=True)
        summary[kind] = {
            "train": len(rows),
            "shipped_on": len(all_rows),
            "categories": len({r["label"] for r in all_rows}),
            "cv_accuracy": clf.cv_accuracy_,
        }
    summary["job_training"] = job_training(params)
    return summary


def main(argv: list[str] | None = None) -> None:
    print(f"trained: {run_stage(__doc__, run, argv)}")


if __name__ == "__main__":
    main()
