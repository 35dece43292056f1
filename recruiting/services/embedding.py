"""Encoding documents and storing their vectors (float32 bytes + model id) beside the rows."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from django.conf import settings
from django.db import transaction

from mlcore.embeddings import DocumentEmbedding, Embedder, get_embedder
from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache, text_sha256
from mlcore.embeddings.codec import EncodedSentences, SentenceCodec
from mlcore.explain import Sentences, sentences_of
from mlcore.retrieval.keywords import KeywordModel

_lock = threading.Lock()
_embedder: Embedder | None = None

SENTENCE_MEMO_ITEMS = 50_000  # ~75 MB of 384-d float32 vectors


class SentenceMemo:
    """Remembers short-text vectors in memory (an LRU), so explanations do not re-encode the
    same job and resume sentences on every page view. Documents pass through to the cache."""

    def __init__(self, embedder: Embedder, *, max_items: int = SENTENCE_MEMO_ITEMS):
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.dim = embedder.dim
        self.max_items = max_items
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vec = self._memo.get(text)
                if vec is None:
                    todo.setdefault(text, []).append(i)
                else:
                    self._memo.move_to_end(text)
                    out[i] = vec
        if todo:
            fresh = self.embedder.encode(list(todo), batch_size=batch_size)
            with self._lock:
                for (text, rows), vec in zip(todo.items(), fresh, strict=True):
                    out[rows] = vec
                    self._memo[text] = vec
                while len(self._memo) > self.max_items:
                    self._memo.popitem(last=False)
        return out

    def encode_documents(self, texts: Sequence[str], *, batch_size: int = 32):
        return self.embedder.encode_documents(texts, batch_size=batch_size)

    def forget_within(self, text: str) -> int:
        """Drop every remembered sentence that comes from ``text`` (erasure)."""
        with self._lock:
            gone = [key for key in self._memo if key and key in text]
            for key in gone:
                del self._memo[key]
        return len(gone)


def embedder_get() -> Embedder:
    """The process-wide embedder (settings.EMBEDDER), behind an on-disk cache keyed by content."""
    global _embedder
    with _lock:
        if _embedder is None:
            base = get_embedder(settings.EMBEDDER, precision=settings.EMBEDDER_PRECISION)
            cache = EmbeddingCache(settings.ARTIFACTS_DIR / "embedding-cache")
            _embedder = SentenceMemo(CachedEmbedder(base, cache))
        return _embedder


def embedder_reset() -> None:
    """Forget the process embedder (tests switch settings.EMBEDDER)."""
    global _embedder
    with _lock:
        _embedder = None


_keyword_model: KeywordModel | None = None


def keyword_model_get() -> KeywordModel:
    """The keyword model (word weights of the keyword score part), loaded once per process from
    settings.KEYWORD_MODEL_DIR and verified on load."""
    global _keyword_model
    with _lock:
        if _keyword_model is None:
            _keyword_model = KeywordModel.load(settings.KEYWORD_MODEL_DIR)
        return _keyword_model


_sentence_codec: SentenceCodec | None = None


def sentence_codec_get() -> SentenceCodec:
    """The sentence codec (compact sentence vectors), loaded once per process from
    settings.SENTENCE_CODEC_DIR and verified on load."""
    global _sentence_codec
    with _lock:
        if _sentence_codec is None:
            _sentence_codec = SentenceCodec.load(settings.SENTENCE_CODEC_DIR)
        return _sentence_codec


def sentences_encode(texts: Sequence[str]) -> list[tuple[bytes, list[list[int]]]]:
    """Per text, its quotable sentences encoded with the codec, and their spans, in one batch."""
    found = [sentences_of(t) for t in texts]
    flat = [sentence for items in found for sentence, _ in items]
    codec = sentence_codec_get()
    vectors = embedder_get().encode(flat) if flat else np.zeros((0, 1), np.float32)
    out, at = [], 0
    for items in found:
        part = vectors[at : at + len(items)]
        at += len(items)
        encoded = codec.encode(part) if len(items) else codec.encode(np.zeros((0, part.shape[1])))
        out.append((encoded.to_bytes(), [list(span) for _, span in items]))
    return out


def sentences_stored(row, text: str) -> Sentences | None:
    """A stored row's sentences in the codec's space, or None when they are missing, of
    another codec, or do not fit the text any more."""
    if row is None or not row.sentences or row.sentences_codec != sentence_codec_get().fingerprint_:
        return None
    try:
        vectors = sentence_codec_get().decode(EncodedSentences.from_bytes(bytes(row.sentences)))
    except ValueError:
        return None
    spans = [tuple(s) for s in row.sentence_spans or []]
    if len(spans) != len(vectors) or any(not (0 <= a < b <= len(text)) for a, b in spans):
        return None
    items = tuple((" ".join(text[a:b].split()), (a, b)) for a, b in spans)
    return Sentences(items=items, vectors=vectors)


def sentences_now(text: str) -> Sentences:
    """A text's sentences encoded now, in the codec's space (the query side of a ranking)."""
    items = tuple(sentences_of(text))
    codec = sentence_codec_get()
    if not items:
        return Sentences(items=(), vectors=np.zeros((0, codec.dims), np.float32))
    return Sentences(
        items=items, vectors=codec.project(embedder_get().encode([s for s, _ in items]))
    )


def embeddings_store(
    *,
    model,
    owner_field: str,
    objects: Sequence,
    texts: Sequence[str],
    keyword_texts: Sequence[str] | None = None,
) -> list[DocumentEmbedding]:
    """Encode ``texts`` and replace each object's stored embedding for the current model, with
    the keyword vector of ``keyword_texts`` (default: ``texts``) and the encoded sentences of
    ``texts`` beside it."""
    embedder = embedder_get()
    docs = embedder.encode_documents(list(texts))
    keywords = keyword_model_get()
    keyword_vectors = [
        keywords.vector(t).to_bytes() for t in (keyword_texts if keyword_texts else texts)
    ]
    sentences = sentences_encode(list(texts))
    codec = sentence_codec_get().fingerprint_
    with transaction.atomic():
        model.objects.filter(
            **{f"{owner_field}__in": objects, "model_id": embedder.model_id}
        ).delete()
        model.objects.bulk_create(
            [
                model(
                    **{owner_field: obj},
                    model_id=embedder.model_id,
                    dim=embedder.dim,
                    content_hash=obj.content_hash,
                    vector=np.asarray(doc.vector, dtype=np.float32).tobytes(),
                    chunks=np.asarray(doc.chunks, dtype=np.float32).tobytes(),
                    chunk_spans=[list(s) for s in doc.chunk_spans],
                    keywords=kw,
                    keywords_model=keywords.fingerprint_,
                    sentences=sentence_codes,
                    sentence_spans=spans,
                    sentences_codec=codec,
                )
                for obj, doc, kw, (sentence_codes, spans) in zip(
                    objects, docs, keyword_vectors, sentences, strict=True
                )
            ]
        )
    return docs


def embedding_cache_forget(text: str) -> None:
    """Drop a document's cached vectors (every model) from the on-disk cache, and its sentences
    from this process's memo."""
    with _lock:
        if isinstance(_embedder, SentenceMemo):
            _embedder.forget_within(text)
    sha = text_sha256(text)
    root = settings.ARTIFACTS_DIR / "embedding-cache"
    # <root>/<model namespace>/<doc|text>/<sha[:2]>/<sha>.npz (mlcore.embeddings.cache)
    for path in root.glob(f"*/*/{sha[:2]}/{sha}*"):
        path.unlink(missing_ok=True)
