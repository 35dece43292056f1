"""The keyword part of the match score: TF-IDF cosine between a resume and a job, with word weights
(inverse document frequencies) learned once from a reference corpus of resumes and postings.

Fixed weights make the part a property of the pair alone: it does not move when other documents
arrive, so the same resume keeps the same score whatever pool it is ranked in. Words fold plurals
("reconciliations" = "reconciliation"); words unseen in the reference corpus get the largest
weight, as the rarest words do. The shared words with the most weight explain the part.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mlcore.artifacts import ArtifactError, data_fingerprint, load_artifact, save_artifact
from mlcore.retrieval.lexical import tokenize

__all__ = ["KeywordModel", "KeywordVector", "keyword_tokens"]

KIND = "keyword-model"
VOCABULARY_FILE = "vocabulary.json"
IDF_FILE = "idf.npy"
# A word must appear in this many reference documents to get its own weight: rarer words are
# names, typos and numbers as often as real terms.
DEFAULT_MIN_DF = 2


def keyword_tokens(text: str) -> list[str]:
    """Tokens of ``text`` for the keyword part: case-folded, stop words out, plurals folded,
    bare numbers out."""
    out = []
    for tok in tokenize(text):
        if tok.isdigit():
            continue
        if tok.isalpha() and len(tok) > 3:
            if tok.endswith("ies"):
                tok = tok[:-3] + "y"
            elif tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
                tok = tok[:-1]
        out.append(tok)
    return out


@dataclass(frozen=True)
class KeywordVector:
    """A text as weighted words: sorted unique vocabulary ids (unknown words get negative ids
    from their hash) and their L2-normalised weights. ``words`` (for explanations) is empty in
    a vector read back from bytes."""

    ids: np.ndarray
    weights: np.ndarray
    words: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        """Compact storage: int64 ids then float32 weights (12 bytes a word)."""
        return (
            np.asarray(self.ids, dtype="<i8").tobytes()
            + np.asarray(self.weights, dtype="<f4").tobytes()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> KeywordVector:
        if len(data) % 12:
            raise ValueError("a stored keyword vector must be a whole number of 12-byte words")
        n = len(data) // 12
        ids = np.frombuffer(data, dtype="<i8", count=n)
        weights = np.frombuffer(data, dtype="<f4", offset=8 * n, count=n)
        if n and (np.any(np.diff(ids) <= 0) or not np.all(np.isfinite(weights))):
            raise ValueError("a stored keyword vector is damaged")
        return cls(ids.astype(np.int64), weights.astype(np.float32))

    def similarity(self, other: KeywordVector) -> float:
        """Cosine of two vectors, in 0..1."""
        _, a, b = np.intersect1d(self.ids, other.ids, assume_unique=True, return_indices=True)
        return float(np.dot(self.weights[a], other.weights[b])) if len(a) else 0.0

    def shared(self, other: KeywordVector, top: int = 8) -> list[tuple[str, float]]:
        """The shared words that add most to :meth:`similarity`, with their share of it."""
        _, a, b = np.intersect1d(self.ids, other.ids, assume_unique=True, return_indices=True)
        if not self.words:
            raise ValueError("this keyword vector was read back without its words")
        contributions = self.weights[a] * other.weights[b]
        order = np.argsort(-contributions, kind="stable")[:top]
        return [(self.words[a[i]], round(float(contributions[i]), 4)) for i in order]


class KeywordModel:
    """Word weights from a reference corpus, scikit-learn style.

    Parameters
    ----------
    min_df : int
        Documents a word must appear in to get its own weight.

    Attributes
    ----------
    vocabulary_ : dict of str to int
    idf_ : ndarray
        Smoothed inverse document frequency per vocabulary id, ``ln((1 + n) / (1 + df)) + 1``.
    unseen_idf_ : float
        The weight of a word outside the vocabulary (as rare as a word seen once).
    n_documents_ : int
    fingerprint_ : str
        sha256 of the vocabulary and weights (set by ``save`` and ``load``): stored keyword
        vectors record it, so vectors of another model are recomputed, never compared.
    """

    def __init__(self, *, min_df: int = DEFAULT_MIN_DF) -> None:
        self.min_df = min_df

    def fit(self, texts: Iterable[str]) -> KeywordModel:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(keyword_tokens(text or "")))
            n += 1
        if n == 0:
            raise ValueError("A keyword model needs at least one reference document.")
        words = sorted(w for w, c in df.items() if c >= self.min_df)
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        self.idf_ = np.array(
            [math.log((1 + n) / (1 + df[w])) + 1.0 for w in words], dtype=np.float32
        )
        self.unseen_idf_ = float(math.log((1 + n) / 2) + 1.0)
        self.n_documents_ = n
        self.fingerprint_ = data_fingerprint(
            [f"{w}:{float(v):.6g}" for w, v in zip(words, self.idf_, strict=True)],
            [""] * len(words),
        )
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "idf_"):
            raise ValueError("This KeywordModel is not fitted yet; call fit() or load().")

    def vector(self, text: str) -> KeywordVector:
        """``text`` as sublinear-tf x idf weights, L2-normalised."""
        self._check_fitted()
        counts = Counter(keyword_tokens(text or ""))
        if not counts:
            return KeywordVector(np.zeros(0, np.int64), np.zeros(0, np.float32), ())
        vocab, idf = self.vocabulary_, self.idf_
        rows = []
        for word, count in counts.items():
            index = vocab.get(word)
            if index is None:
                # Words outside the vocabulary still match each other across the pair.
                key, weight = -1 - (hash_word(word) % (1 << 40)), self.unseen_idf_
            else:
                key, weight = index, float(idf[index])
            rows.append((key, (1.0 + math.log(count)) * weight, word))
        rows.sort()
        weights = np.array([w for _, w, _ in rows], dtype=np.float32)
        weights /= max(float(np.linalg.norm(weights)), 1e-12)
        return KeywordVector(
            np.array([k for k, _, _ in rows], dtype=np.int64),
            weights,
            tuple(w for _, _, w in rows),
        )

    def similarity(self, a: str, b: str) -> float:
        return self.vector(a).similarity(self.vector(b))

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        self._check_fitted()
        words = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        save_artifact(
            directory,
            {
                VOCABULARY_FILE: json.dumps(words, ensure_ascii=False).encode("utf-8"),
                IDF_FILE: self.idf_,
            },
            kind=KIND,
            params={
                "min_df": self.min_df,
                "n_documents": self.n_documents_,
                "unseen_idf": self.unseen_idf_,
            },
            data_hash=self.fingerprint_,
            overwrite=overwrite,
        )

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> KeywordModel:
        """A saved model, verified (see ``mlcore.artifacts.load_artifact``)."""
        manifest, files = load_artifact(directory, kind=KIND)
        try:
            words = json.loads(files[VOCABULARY_FILE].decode("utf-8"))
            idf = np.asarray(files[IDF_FILE], dtype=np.float32)
            params = manifest.params
            model = cls(min_df=int(params["min_df"]))
            model.n_documents_ = int(params["n_documents"])
            model.unseen_idf_ = float(params["unseen_idf"])
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise ArtifactError(f"keyword model {directory} cannot be read: {exc}") from exc
        if not isinstance(words, list) or len(words) != len(idf):
            raise ArtifactError(f"keyword model {directory}: vocabulary and weights disagree")
        model.vocabulary_ = {str(w): i for i, w in enumerate(words)}
        model.idf_ = idf
        model.fingerprint_ = manifest.data_hash
        return model


def hash_word(word: str) -> int:
    """A stable (process-independent) hash of a word: Python's ``hash`` is salted per process."""
    h = 1469598103934665603
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def fit_reference(texts: Sequence[str], *, min_df: int = DEFAULT_MIN_DF) -> KeywordModel:
    """A keyword model fitted on ``texts`` (a convenience for scripts and pipelines)."""
    return KeywordModel(min_df=min_df).fit(texts)
