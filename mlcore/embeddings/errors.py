"""Errors raised by the embedders, the embedding cache and the PCA reducer."""

from __future__ import annotations


class EmbedderUnavailable(RuntimeError):
    """The real embedding model cannot be loaded (package missing or broken)."""


class EmptyTextError(ValueError):
    """A document holds no words to embed (empty, whitespace or symbols only)."""
