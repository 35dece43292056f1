"""Process-wide, lazily created embedder singletons, one per (name, precision)."""

from __future__ import annotations

import threading

from mlcore.embeddings.base import Embedder
from mlcore.embeddings.hashing import HashingEmbedder
from mlcore.embeddings.sentence import PRECISIONS, SentenceTransformerEmbedder

_lock = threading.Lock()
_instances: dict[tuple[str, str], Embedder] = {}
NAMES = ("minilm", "hashing")


def get_embedder(name: str = "minilm", *, precision: str = "auto") -> Embedder:
    """The shared embedder for ``name``; the model loads once per process, on first call."""
    if name not in NAMES:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(NAMES)}")
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    if name == "hashing":
        precision = "fp32"  # the hashing embedder has no precision; one instance serves all
    key = (name, precision)
    with _lock:
        inst = _instances.get(key)
        if inst is None:
            if name == "hashing":
                inst = HashingEmbedder()
            else:
                inst = SentenceTransformerEmbedder(precision=precision)
            _instances[key] = inst
        return inst


def clear() -> None:
    """Forget every cached embedder (tests)."""
    with _lock:
        _instances.clear()
