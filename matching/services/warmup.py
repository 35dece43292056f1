"""Warm-up at process start: load the model, the reference models, the taxonomy and the shared
stores before the first request, so that no visitor waits for them."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
from django.conf import settings
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)


def web_process_ready(*, background: bool = False) -> None:
    """What a web process does before its first request: a BLAS pool the size of
    ``WEB_NUMPY_THREADS`` (one by default: a request's matrix products are small, and with one
    worker per core a second BLAS thread only spins against the other worker; bench_match.py
    measured 39 against 63 ms of CPU a candidates call), then the warm-up when ``WARM_UP`` is
    on, in a thread when ``background``."""
    if settings.WEB_NUMPY_THREADS > 0:
        threadpool_limits(limits=settings.WEB_NUMPY_THREADS, user_api="blas")
    if settings.WARM_UP:
        if background:
            warm_up_in_background()
        else:
            warm_up()


def warm_up() -> dict[str, float]:
    """Load everything a match needs; returns the seconds each step took. A step that fails
    is logged and skipped: the request that needs it will load it (and say why it cannot)."""
    from matching.services.store import KINDS, lexical_get, store_get
    from recruiting.services.embedding import embedder_get, keyword_model_get, sentence_codec_get
    from recruiting.services.taxonomy import taxonomy_get

    steps = {
        "model": lambda: embedder_get().encode(["warm up"]),
        "keywords": keyword_model_get,
        "sentences": sentence_codec_get,
        "taxonomy": taxonomy_get,
    }
    for kind in KINDS:
        # Reading the vectors once brings their pages into memory (shared between processes).
        steps[f"{kind} store"] = lambda kind=kind: float(
            np.asarray(store_get(kind).columns["vectors"]).sum()
        )
        if settings.MATCH_LEXICAL_CHANNEL:
            steps[f"{kind} bm25"] = lambda kind=kind: lexical_get(kind)
    seconds = {}
    for name, step in steps.items():
        start = time.perf_counter()
        try:
            step()
        except Exception:  # warm-up is an optimisation: never stop a process over it
            logger.exception("warm-up step %s failed", name)
        seconds[name] = round(time.perf_counter() - start, 3)
    logger.info("warmed up in %.1f s: %s", sum(seconds.values()), seconds)
    return seconds


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread
