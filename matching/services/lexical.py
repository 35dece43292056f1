"""The lexical channel: per-process BM25 indexes of jobs and resumes beside the dense indexes.

An exact term the embedding blurs (a certification, a rare tool) still brings its documents into
the candidate pool: the dense and the BM25 rankings are fused by reciprocal rank, and the hybrid
scorer then ranks the pool. Each process builds its BM25 index from the stored texts and
rebuilds it when the documents changed, at most every ``MATCH_LEXICAL_REFRESH_SECONDS``; until
then the newest documents reach the pool through the dense channel only. Results are always
re-checked against the database, so a deleted document never appears.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, QuerySet

from mlcore.retrieval.fusion import reciprocal_rank_fusion
from mlcore.retrieval.lexical import BM25Index
from recruiting.models import Job, Resume
from recruiting.services.erasure import erasures_latest, erasures_since

# BM25 over a long resume as the query costs little, but a whole book does: cap the query.
MAX_QUERY_CHARS = 20_000


@dataclass
class _Built:
    index: BM25Index
    signature: tuple
    built_at: float
    erasures_seen: int = 0  # resumes: the last erasure (audit event id) the index has seen


_built: dict[str, _Built] = {}
_lock = threading.Lock()


def _documents(kind: str) -> QuerySet:
    if kind == "job":
        return Job.objects.all()
    return Resume.objects.filter(status=Resume.Status.READY, anonymised_at=None)


def _signature(kind: str) -> tuple:
    """Changes whenever a document is added, edited or deleted (one aggregate query)."""
    agg = _documents(kind).aggregate(n=Count("id"), last_id=Max("id"), last=Max("updated_at"))
    return (agg["n"], agg["last_id"], agg["last"])


def _texts(kind: str) -> tuple[list[int], list[str]]:
    if kind == "job":
        rows = _documents(kind).order_by("id").values_list("id", "title", "description_text")
        pairs = [(pk, f"{title}\n{text}") for pk, title, text in rows.iterator(chunk_size=2000)]
    else:
        rows = _documents(kind).order_by("id").values_list("id", "text")
        pairs = list(rows.iterator(chunk_size=2000))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def lexical_index_get(kind: str) -> BM25Index:
    """The BM25 index of ``kind`` ("job" or "resume"), rebuilt when the documents changed."""
    refresh = float(settings.MATCH_LEXICAL_REFRESH_SECONDS)
    with _lock:
        built = _built.get(kind)
        now = time.monotonic()
        # An erasure anywhere takes the text out at once, not at the next refresh.
        erased = kind == "resume" and built is not None and erasures_since(built.erasures_seen)[1]
        if built is not None and not erased and now - built.built_at < refresh:
            return built.index
        signature = _signature(kind)
        if built is not None and not erased and built.signature == signature:
            built.built_at = now
            return built.index
        seen = erasures_latest() if kind == "resume" else 0
        ids, texts = _texts(kind)
        _built[kind] = _Built(
            index=BM25Index(ids, texts), signature=signature, built_at=now, erasures_seen=seen
        )
        return _built[kind].index


def lexical_forget(kind: str) -> None:
    """Drop the BM25 index of ``kind`` in this process; the next search rebuilds it."""
    with _lock:
        _built.pop(kind, None)


def lexical_reset() -> None:
    """Forget every in-process BM25 index (tests)."""
    with _lock:
        _built.clear()


def fused_pool(
    *, kind: str, dense: Sequence[int], query: str, allowed: Sequence[int], size: int
) -> list[int]:
    """The candidate ids: the dense and BM25 rankings fused by reciprocal rank, best first.

    With the lexical channel off (``MATCH_LEXICAL_CHANNEL``) this is the dense ranking.
    """
    if not settings.MATCH_LEXICAL_CHANNEL or not allowed:
        return list(dense)[:size]
    lexical = lexical_index_get(kind).search(query[:MAX_QUERY_CHARS], size, allowed_ids=allowed)
    fused = reciprocal_rank_fusion([list(dense), [i for i, _ in lexical]])
    return [i for i, _ in fused[:size]]
