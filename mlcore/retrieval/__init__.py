"""Candidate retrieval: the FAISS vector index, BM25 lexical search and rank fusion.

Names are resolved on first use, so importing the package (or the scorer) loads neither
faiss nor bm25s.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "VectorIndex": "mlcore.retrieval.faiss_index",
    "BM25Index": "mlcore.retrieval.lexical",
    "reciprocal_rank_fusion": "mlcore.retrieval.fusion",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
