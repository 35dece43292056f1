"""Stage `index`: FAISS indexes of the pipeline's job and resume vectors, saved atomically."""

from __future__ import annotations

import argparse
import json

import numpy as np

from mlcore.pipelines.common import EMBEDDINGS_DIR, INDEX_DIR, load_params, write_json
from mlcore.pipelines.train import load_split
from mlcore.retrieval.faiss_index import VectorIndex


def run(params: dict) -> dict:
    p = params.get("index", {})
    model_id = json.loads((EMBEDDINGS_DIR / "meta.json").read_text())["model_id"]
    report = {}
    for kind in ("jobs", "resumes"):
        rows, vectors = [], []
        for split in ("train", "test"):
            r, v = load_split(kind, split)
            rows += r
            vectors.append(v)
        matrix = np.vstack(vectors)
        index = VectorIndex(
            matrix.shape[1],
            model_id=model_id,
            approx_threshold=int(p.get("approx_threshold", 50_000)),
        )
        index.add(np.arange(len(rows), dtype=np.int64), matrix)
        index.save(INDEX_DIR / kind)
        write_json(INDEX_DIR / f"{kind}_ids.json", [r["id"] for r in rows])
        report[kind] = len(rows)
    return report


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    print(f"indexed: {run(load_params())}")


if __name__ == "__main__":
    main()
