"""Text embedders: the real MiniLM model, a hashing embedder for tests, a cache and PCA.

Importing this package is cheap: torch and sentence-transformers load only when the real model
is first used.
"""

from mlcore.embeddings.base import DocumentEmbedding, Embedder
from mlcore.embeddings.errors import EmbedderUnavailable, EmptyTextError
from mlcore.embeddings.hashing import HashingEmbedder
from mlcore.embeddings.registry import get_embedder

__all__ = [
    "DocumentEmbedding",
    "Embedder",
    "EmbedderUnavailable",
    "EmptyTextError",
    "HashingEmbedder",
    "get_embedder",
]
