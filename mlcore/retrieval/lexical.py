"""BM25 lexical search (bm25s) over (id, text) pairs: finds exact rare terms dense vectors miss.

Tokens keep technology names whole (``c++``, ``c#``, ``.net``, ``node.js``); a saved index is an
artifact (``mlcore.artifacts``) of plain numpy arrays and JSON, never pickles.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from mlcore.artifacts import MANIFEST, ArtifactError, check_artifact, write_artifact
from mlcore.embeddings.text import tokens

KIND = "bm25"
IDS_FILE = "ids.npy"

# A short English stop list: words that match nearly every resume and JD. Kept small on
# purpose, since short words like "it", "go", "r" or "c" can be skills ("IT", Go, R, C).
STOPWORDS = frozenset(
    """
    a an and are as at be been but by for from has have he her his i in into is its me my of on
    or our she so such than that the their them then there these they this those to was we were
    which while who will with you your
    """.split()  # noqa: SIM905 - a word list reads better as text than as 53 quoted items
)


def _bm25s():
    """bm25s, imported late (it is slow to import). Its import sets its logger to DEBUG, which
    would print a line per index build whatever the application's level: hand the level back to
    the logging configuration."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def tokenize(text: str, *, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Case-folded word tokens of ``text`` without stop words; ``c++``/``.net`` kept whole."""
    return [t for t in tokens(text) if t not in stopwords]


class BM25Index:
    """BM25 over documents keyed by int64 ids.

    Parameters
    ----------
    ids, texts : sequences of equal length
        Document ids (unique) and texts.
    k1, b : float
        BM25 term-frequency saturation and length normalisation (Lucene variant).
    """

    def __init__(
        self,
        ids: Sequence[int] | np.ndarray = (),
        texts: Sequence[str] = (),
        *,
        k1: float = 1.5,
        b: float = 0.75,
    ):
        ids_arr = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids_arr) != len(texts):
            raise ValueError(f"got {len(ids_arr)} ids for {len(texts)} texts")
        if len(np.unique(ids_arr)) != len(ids_arr):
            raise ValueError("ids must be unique")
        self.k1 = float(k1)
        self.b = float(b)
        self.ids_ = ids_arr
        self._retriever = None
        if len(ids_arr):
            self._retriever = _bm25s().BM25(k1=self.k1, b=self.b, method="lucene")
            # "" keeps documents without tokens in the index (bm25s's create_empty_token).
            self._retriever.index([tokenize(t) for t in texts], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids_)

    def __repr__(self) -> str:
        return f"BM25Index(n_docs={len(self)}, k1={self.k1}, b={self.b})"

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document (in ``ids_`` order) for ``query``."""
        q = tokenize(query)
        if self._retriever is None:
            return np.zeros(0, dtype=np.float32)
        vocab = self._retriever.vocab_dict
        q = [t for t in q if t in vocab and t != ""]
        if not q:
            return np.zeros(len(self.ids_), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(q), dtype=np.float32)

    def search(
        self, query: str, k: int, *, allowed_ids: Iterable[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-``k`` ``(id, score)`` documents sharing at least one term with ``query``, best
        first, ties to the smaller id; ``[]`` for an empty corpus or a query without words."""
        if k <= 0 or self._retriever is None:
            return []
        scores = self.scores(query)
        mask = scores > 0
        if allowed_ids is not None:
            allowed = np.fromiter((int(i) for i in allowed_ids), dtype=np.int64)
            mask &= np.isin(self.ids_, allowed)
        hits = np.flatnonzero(mask)
        if not len(hits):
            return []
        # lexsort: last key is primary -> score descending, then id ascending.
        order = hits[np.lexsort((self.ids_[hits], -scores[hits]))][:k]
        return [(int(self.ids_[i]), float(scores[i])) for i in order]

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write the index (ids, bm25s arrays and vocabulary JSON) into ``directory`` as an
        artifact: atomically, every file checksummed (see ``mlcore.artifacts``)."""
        target = Path(directory).resolve()

        def write(folder: Path) -> None:
            with open(folder / IDS_FILE, "wb") as fh:
                np.save(fh, self.ids_, allow_pickle=False)
            if self._retriever is not None:
                self._retriever.save(str(folder), allow_pickle=False, show_progress=False)

        params = {"count": len(self), "k1": self.k1, "b": self.b}
        write_artifact(target, write, kind=KIND, params=params, overwrite=True)
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, mmap: bool = False) -> BM25Index:
        """Load an index written by ``save``; ``ArtifactError`` if missing or corrupt.
        ``mmap`` maps the score matrix read-only instead of reading it, so processes share it."""
        folder = Path(directory)
        if not (folder / MANIFEST).is_file():
            raise ArtifactError(f"no BM25 index at {folder}")
        params = check_artifact(folder, kind=KIND).params
        self = cls(k1=float(params.get("k1", 1.5)), b=float(params.get("b", 0.75)))
        try:
            self.ids_ = np.load(folder / IDS_FILE, allow_pickle=False).astype(np.int64)
            if len(self.ids_):
                self._retriever = _bm25s().BM25.load(
                    str(folder), allow_pickle=False, show_progress=False, mmap=mmap
                )
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"cannot read the BM25 index in {folder}: {exc}") from exc
        if len(self.ids_) != params.get("count"):
            raise ArtifactError(f"{folder} holds {len(self.ids_)} ids, manifest says otherwise")
        return self
