"""A disk cache of embeddings keyed by (model id, sha256 of the text), so nothing is encoded twice.

Entries are ``.npz`` files of plain arrays (loaded with ``allow_pickle=False``) written
atomically: a reader sees the old entry, the new one, or none, never half of one.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mlcore.artifacts import write_atomic
from mlcore.embeddings.base import DocumentEmbedding, Embedder

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def text_sha256(text: str) -> str:
    """Hex sha256 of the UTF-8 text (the cache key's content part)."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


class EmbeddingCache:
    """Stores ``DocumentEmbedding`` objects and plain vectors under ``directory``.

    Layout: ``<directory>/<namespace>/<sha[:2]>/<sha>.npz``. The namespace is the model id (plus
    the chunking settings when they change what a document embedding is).
    """

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def _path(self, namespace: str, kind: str, sha: str) -> Path:
        ns = _SAFE.sub("_", namespace) or "_"
        return self.directory / ns / kind / sha[:2] / f"{sha}.npz"

    def _read(self, path: Path) -> dict[str, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
            # A corrupt entry (disk trouble, a foreign file) is a miss; it gets rewritten.
            return None

    def _write(self, path: Path, arrays: dict[str, np.ndarray]) -> None:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        write_atomic(path, buf.getvalue())

    def get_document(self, namespace: str, text: str) -> DocumentEmbedding | None:
        """The cached document embedding of ``text``, or None."""
        data = self._read(self._path(namespace, "doc", text_sha256(text)))
        if data is None or not {"vector", "chunks", "spans"} <= data.keys():
            return None
        spans = data["spans"].reshape(-1, 2)
        return DocumentEmbedding(
            vector=data["vector"].astype(np.float32, copy=False),
            chunks=data["chunks"].astype(np.float32, copy=False),
            chunk_spans=tuple((int(a), int(b)) for a, b in spans),
        )

    def put_document(self, namespace: str, text: str, doc: DocumentEmbedding) -> None:
        """Store ``doc`` as the embedding of ``text``."""
        self._write(
            self._path(namespace, "doc", text_sha256(text)),
            {
                "vector": np.asarray(doc.vector, dtype=np.float32),
                "chunks": np.asarray(doc.chunks, dtype=np.float32),
                "spans": np.asarray(doc.chunk_spans, dtype=np.int64).reshape(-1, 2),
            },
        )

    def get_vector(self, namespace: str, text: str) -> np.ndarray | None:
        """The cached short-text vector of ``text``, or None."""
        data = self._read(self._path(namespace, "text", text_sha256(text)))
        if data is None or "vector" not in data:
            return None
        return data["vector"].astype(np.float32, copy=False)

    def put_vector(self, namespace: str, text: str, vector: np.ndarray) -> None:
        """Store ``vector`` as the short-text embedding of ``text``."""
        self._write(
            self._path(namespace, "text", text_sha256(text)),
            {"vector": np.asarray(vector, dtype=np.float32)},
        )


class CachedEmbedder:
    """An ``Embedder`` that looks every text up in an ``EmbeddingCache`` before encoding it.

    ``hits`` and ``misses`` count texts found and not found; ``encoded`` counts texts handed to
    the wrapped embedder (a text repeated inside one call is encoded once). Short texts
    (``encode``) are cached too only with ``cache_short_texts=True``: queries are cheap and
    would fill the cache with one file each.
    """

    def __init__(
        self, embedder: Embedder, cache: EmbeddingCache, *, cache_short_texts: bool = False
    ):
        self.embedder = embedder
        self.cache = cache
        self.cache_short_texts = cache_short_texts
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        # Chunking settings change what a document embedding is, so they are part of the key.
        self.namespace = getattr(embedder, "cache_namespace", embedder.model_id)
        self.hits = 0
        self.misses = 0
        self.encoded = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.embedder!r}, {self.cache.directory})"

    def _count(self, hits: int, misses: int, encoded: int) -> None:
        with self._lock:
            self.hits += hits
            self.misses += misses
            self.encoded += encoded

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Encode short texts, from the cache when ``cache_short_texts`` is on."""
        if not self.cache_short_texts:
            return self.embedder.encode(texts, batch_size=batch_size)
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        hits = 0
        for i, text in enumerate(texts):
            vec = self.cache.get_vector(self.namespace, text)
            if vec is not None and vec.shape == (self.dim,):
                out[i] = vec
                hits += 1
            else:
                todo.setdefault(text, []).append(i)
        if todo:
            fresh = self.embedder.encode(list(todo), batch_size=batch_size)
            for (text, rows), vec in zip(todo.items(), fresh, strict=True):
                out[rows] = vec
                self.cache.put_vector(self.namespace, text, vec)
        self._count(hits, len(texts) - hits, len(todo))
        return out

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> list[DocumentEmbedding]:
        """Encode long texts, encoding only those not already in the cache."""
        if isinstance(texts, str):
            raise TypeError("encode_documents() takes a sequence of strings, not a single string")
        out: list[DocumentEmbedding | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        hits = 0
        for i, text in enumerate(texts):
            doc = self.cache.get_document(self.namespace, text)
            if doc is not None and doc.vector.shape == (self.dim,):
                out[i] = doc
                hits += 1
            else:
                todo.setdefault(text, []).append(i)
        if todo:
            fresh = self.embedder.encode_documents(list(todo), batch_size=batch_size)
            for (text, rows), doc in zip(todo.items(), fresh, strict=True):
                for r in rows:
                    out[r] = doc
                self.cache.put_document(self.namespace, text, doc)
        self._count(hits, len(texts) - hits, len(todo))
        return out  # type: ignore[return-value]
