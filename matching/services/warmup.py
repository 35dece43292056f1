"""Warm-up at process start: load the model, the reference models, the taxonomy and the shared
stores before the first request, so that no visitor waits for them."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from threadpoolctl import threadpool_limits

from matching.services import store
from recruiting.services import embedding, taxonomy

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
    is logged and skipped: the request that needs it will load it (and say why it cannot).
    Each step looks its loader up when it runs (``embedding.keyword_model_get``), so a loader
    replaced in a test is the one called."""
    steps = {
        "model": lambda: embedding.embedder_get().encode(["warm up"]),
        "keywords": lambda: embedding.keyword_model_get(),
        "sentences": lambda: embedding.sentence_codec_get(),
        "taxonomy": lambda: taxonomy.taxonomy_get(),
    }
    for kind in store.KINDS:
        # Mapping the store is enough: loading it reads every file through its checksum
        # (STORE_VERIFY), which leaves the pages in the machine's page cache, shared by every
        # process. Touching them here would also count all of them in this process's RSS; a
        # request faults in only the rows it reads (bench_match.py prints the worker's RSS).
        steps[f"{kind} store"] = lambda kind=kind: store.store_get(kind)
        if settings.MATCH_LEXICAL_CHANNEL:
            steps[f"{kind} bm25"] = lambda kind=kind: store.lexical_get(kind)
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
