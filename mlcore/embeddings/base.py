"""The embedder interface every part of the project codes against.

Two implementations exist: the real sentence-transformers model and a deterministic hashing
embedder for fast unit tests. Both return L2-normalised float32 vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class DocumentEmbedding:
    """A long document encoded as overlapping chunks plus their pooled vector.

    Attributes
    ----------
    vector : np.ndarray
        Shape ``(dim,)``, float32, L2-normalised mean of the chunk vectors.
    chunks : np.ndarray
        Shape ``(n_chunks, dim)``, float32, each row L2-normalised.
    chunk_spans : tuple of (start, end)
        Character offsets of each chunk in the original text.
    """

    vector: np.ndarray
    chunks: np.ndarray
    chunk_spans: tuple[tuple[int, int], ...]


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit vectors. ``model_id`` names the model and precision-independent version."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Encode short texts (sentences, queries); returns ``(len(texts), dim)`` float32, unit rows."""
        ...

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> list[DocumentEmbedding]:
        """Encode long texts through overlapping windows that fit the model's token limit."""
        ...
