"""Stage `embed`: document vectors for every prepared text, through the embedding cache, and the
short-text vectors of each text's title line and most recent role (the classifiers' views).

An unchanged document is never encoded twice: the cache is keyed by (model id, content hash).
"""

from __future__ import annotations

import numpy as np

from mlcore.artifacts import write_atomic
from mlcore.classifiers.features import text_views
from mlcore.classifiers.model import EMBEDDING_BLOCKS, view_vectors
from mlcore.embeddings import get_embedder
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache
from mlcore.pipelines.common import (
    CACHE_DIR,
    EMBEDDINGS_DIR,
    KINDS,
    PREPARED_DIR,
    read_jsonl,
    run_stage,
    write_json,
)

VIEWS = tuple(b for b in EMBEDDING_BLOCKS if b != "document")  # title, role
# Jobs have a held-out split too: postings labelled by hand, never trained on.
SPLITS = {"resumes": ("train", "test"), "jobs": ("train", "test", "heldout")}


def embedder_from(params: dict):
    p = params.get("embed", {})
    base = get_embedder(p.get("model", "minilm"), precision=p.get("precision", "auto"))
    # Titles and role snippets are cached too: tens of thousands of job titles are re-read on
    # every run.
    return CachedEmbedder(base, EmbeddingCache(CACHE_DIR), cache_short_texts=True)


def embedding_blocks(embedder, texts: list[str], *, batch_size: int = 32) -> dict[str, np.ndarray]:
    """The document vector and the view vectors (title, role) of every text. A view that is
    the whole text (a job title alone) reuses the document vector instead of encoding again."""
    docs = embedder.encode_documents(texts, batch_size=batch_size) if texts else []
    document = (
        np.vstack([d.vector for d in docs]).astype(np.float32)
        if docs
        else np.zeros((0, embedder.dim), np.float32)
    )
    blocks = {"document": document}
    views = text_views(texts)
    for view in VIEWS:
        same = [i for i, (v, t) in enumerate(zip(views[view], texts, strict=True)) if v == t]
        todo = [v if v != t else "" for v, t in zip(views[view], texts, strict=True)]
        vectors = view_vectors(embedder, todo, batch_size=batch_size)
        vectors[same] = document[same]
        blocks[view] = vectors
    return blocks


def run(params: dict, *, embedder=None) -> dict:
    embedder = embedder or embedder_from(params)
    batch = int(params.get("embed", {}).get("batch_size", 32))
    report = {"model_id": embedder.model_id, "dim": embedder.dim}
    for kind in KINDS:
        for split in SPLITS[kind]:
            rows = list(read_jsonl(PREPARED_DIR / f"{kind}_{split}.jsonl"))
            blocks = embedding_blocks(embedder, [r["text"] for r in rows], batch_size=batch)
            write_atomic(EMBEDDINGS_DIR / f"{kind}_{split}.npy", _npy_bytes(blocks["document"]))
            for view in VIEWS:
                write_atomic(
                    EMBEDDINGS_DIR / f"{kind}_{split}_{view}.npy", _npy_bytes(blocks[view])
                )
            report[f"{kind}_{split}"] = len(rows)
    write_json(EMBEDDINGS_DIR / "meta.json", report)
    return report


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    report = run_stage(__doc__, run, argv)
    print(
        f"embedded with {report['model_id']}: "
        + ", ".join(f"{k}={v}" for k, v in report.items() if "_" in k and k != "model_id")
    )


if __name__ == "__main__":
    main()
