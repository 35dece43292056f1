"""A deterministic feature-hashing embedder for fast unit tests (never for users).

Words and character n-grams are hashed with blake2b (not Python's salted ``hash()``), so the same
text gives the same vector in every process, and texts that share words land close together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from mlcore.embeddings.base import DocumentEmbedding
from mlcore.embeddings.chunking import l2_normalise, pool, token_windows
from mlcore.embeddings.errors import EmptyTextError
from mlcore.embeddings.text import normalise, tokens_with_spans

_EMPTY_FEATURE = "\x00empty"


def _hash64(feature: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little"
    )


@lru_cache(maxsize=1 << 16)
def _token_features(token: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Bucket indices and signed weights of one token: the word plus its 3- and 4-grams."""
    grams = []
    padded = f"<{token}>"
    for n in (3, 4):
        grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
    gram_weight = 1.0 / np.sqrt(len(grams))  # the n-grams of a word weigh about as much as it
    feats = [(f"w:{token}", 1.0)] + [(f"g:{g}", gram_weight) for g in grams]
    idx = np.empty(len(feats), dtype=np.int64)
    val = np.empty(len(feats), dtype=np.float32)
    for i, (f, w) in enumerate(feats):
        h = _hash64(f)
        idx[i] = h % dim
        val[i] = w if (h >> 63) == 0 else -w  # a sign bit keeps collisions unbiased
    return idx, val


class HashingEmbedder:
    """Word + character n-gram feature hashing into ``dim`` dimensions, L2-normalised float32.

    Parameters
    ----------
    dim : int
        Output dimension.
    window, overlap : int
        Words per chunk and words shared by neighbouring chunks in ``encode_documents``.
    max_chunks : int
        At most this many chunks per document; longer documents are sampled evenly, so memory
        stays bounded for any text length.
    """

    def __init__(
        self, dim: int = 384, *, window: int = 200, overlap: int = 25, max_chunks: int = 64
    ):
        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        self.dim = int(dim)
        self.window = int(window)
        self.overlap = int(overlap)
        self.max_chunks = int(max_chunks)
        self.model_id = f"hashing-v1-{self.dim}"
        # The chunking settings change what a document embedding is (see CachedEmbedder).
        self.cache_namespace = f"{self.model_id}-w{self.window}-o{self.overlap}-c{self.max_chunks}"

    def __repr__(self) -> str:
        return f"HashingEmbedder(dim={self.dim})"

    def _vector(self, toks: Sequence[str], raw: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        if not toks:
            # Symbols-only or empty short text: hash the raw characters so "!!!" != "???",
            # and give the empty string a fixed vector of its own.
            stripped = normalise(raw).strip()
            toks = [stripped] if stripped else [_EMPTY_FEATURE]
        for t in toks:
            idx, val = _token_features(t, self.dim)
            np.add.at(v, idx, val)
        if not np.any(v):  # every feature cancelled out: astronomically rare, still stay unit
            idx, val = _token_features(_EMPTY_FEATURE, self.dim)
            np.add.at(v, idx, val)
        return l2_normalise(v)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Encode short texts; returns ``(len(texts), dim)`` float32 unit rows."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self._vector([t for t, _, _ in tokens_with_spans(text)], text)
        return out

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> list[DocumentEmbedding]:
        """Encode long texts as overlapping word windows, mean-pooled.

        Raises ``EmptyTextError`` for a text with no words. Documents with more than
        ``max_chunks`` windows keep ``max_chunks`` of them, sampled evenly over the text.
        """
        if isinstance(texts, str):
            raise TypeError("encode_documents() takes a sequence of strings, not a single string")
        docs = []
        for i, text in enumerate(texts):
            toks = tokens_with_spans(text)
            if not toks:
                raise EmptyTextError(
                    f"document {i} has no words to embed (empty, whitespace or symbols only)"
                )
            spans = [(s, e) for _, s, e in toks]
            windows = token_windows(
                spans, window=self.window, overlap=self.overlap, max_chunks=self.max_chunks
            )
            chunks = np.stack(
                [self._vector([t for t, _, _ in toks[a:b]], "") for a, b, _ in windows]
            )
            docs.append(
                DocumentEmbedding(
                    vector=pool(chunks),
                    chunks=chunks,
                    chunk_spans=tuple(span for _, _, span in windows),
                )
            )
        return docs
