"""Stage `train`: PCA over the document embeddings and the resume and job category classifiers."""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from mlcore.artifacts import save_artifact
from mlcore.classifiers import CategoryClassifier
from mlcore.embeddings.pca import PCAReducer
from mlcore.pipelines.common import (
    EMBEDDINGS_DIR,
    MODEL_DIR,
    PREPARED_DIR,
    PipelineError,
    load_params,
    read_jsonl,
)
from mlcore.pipelines.embed import VIEWS

KIND_PART = {"resumes": "resume_classifier", "jobs": "job_classifier"}


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


def classifier_params(params: dict, labels: list[str]) -> dict:
    p = dict(params.get("train", {}).get("classifier", {}))
    smallest = min(Counter(labels).values())
    # Cross-validation needs every class in every fold; small data gets fewer folds.
    p["cv"] = max(2, min(int(p.get("cv", 5)), smallest))
    return p


def run(params: dict) -> dict:
    model_id = ""
    all_train = []
    summary = {}
    for kind, part in KIND_PART.items():
        rows, blocks = load_blocks(kind, "train")
        vectors = blocks["document"]
        labels = [r["label"] for r in rows]
        if len(set(labels)) < 2:
            raise PipelineError(
                f"{kind}: need at least two categories to train, got {sorted(set(labels))}."
            )
        clf = CategoryClassifier(**classifier_params(params, labels))
        clf.fit([r["text"] for r in rows], labels, embeddings=blocks)
        import json

        model_id = json.loads((EMBEDDINGS_DIR / "meta.json").read_text())["model_id"]
        clf.embedder_model_id_ = model_id
        clf.save(MODEL_DIR / part, overwrite=True)
        all_train.append(vectors)
        summary[kind] = {
            "train": len(rows),
            "categories": len(set(labels)),
            "cv_accuracy": clf.cv_accuracy_,
        }
    stacked = np.vstack(all_train)
    n_components = min(
        int(params.get("train", {}).get("pca_components", 128)), stacked.shape[0], stacked.shape[1]
    )
    pca = PCAReducer(n_components=n_components, random_state=0).fit(stacked)
    arrays = {f"{name}.npy": value for name, value in pca.to_arrays().items()}
    save_artifact(
        MODEL_DIR / "pca",
        arrays,
        kind="pca",
        params={"n_components": n_components, "embedder_model_id": model_id},
        overwrite=True,
    )
    summary["pca_components"] = n_components
    return summary


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    summary = run(load_params())
    print(f"trained: {summary}")


if __name__ == "__main__":
    main()
