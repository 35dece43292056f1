"""Text views and TF-IDF blocks behind the category classifier.

A document gives three views: its whole text, its first line (a resume's job title, a posting's
title) and its most recent role (the start of the experience section). Each view gets its own
TF-IDF block, so a title word is not drowned among the thousands of words of the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

VIEWS = ("body", "title", "role")

# Section headings that open the work history in resumes (livecareer uses the first four in
# 97% of its resumes); matched as a whole line so "Experience with SAP" is not one.
_EXPERIENCE_HEADING = re.compile(
    r"^\s*(?:(?:professional|work|relevant|employment|career)\s+)?"
    r"(?:experience|history)\s*:?\s*$",
    re.IGNORECASE,
)
# Lines after the heading that can hold the latest role (title, company, dates, first bullet).
_ROLE_LINES = 12


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, stripped ("" for a blank text)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def recent_role(text: str, *, max_words: int = 40) -> str:
    """The first ``max_words`` words after the experience heading: the most recent role.

    Resumes list roles newest first, so this holds the latest job title, employer and the first
    lines of what the person did there. Returns "" when there is no experience heading.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _EXPERIENCE_HEADING.match(line):
            words = " ".join(lines[i + 1 : i + 1 + _ROLE_LINES]).split()
            return " ".join(words[:max_words])
    return ""


def text_views(texts: Sequence[str]) -> dict[str, list[str]]:
    """The three views of every text, keyed by view name."""
    return {
        "body": list(texts),
        "title": [first_line(t) for t in texts],
        "role": [recent_role(t) for t in texts],
    }


def _vectorizer_params(view: str, max_features: int | None) -> dict[str, Any]:
    """TF-IDF settings per view: word 1-2 grams, sublinear tf; rare body terms dropped.

    Character n-grams were tried on the body and cost 4x the time for no gain on resumes.
    """
    if view == "body":
        return {
            "ngram_range": (1, 2),
            "min_df": 2,
            "max_df": 1.0,
            "sublinear_tf": True,
            "stop_words": "english",
            "max_features": max_features,
        }
    # Titles and role snippets are short: every word counts, stop words included ("head of").
    return {
        "ngram_range": (1, 2),
        "min_df": 1,
        "max_df": 1.0,
        "sublinear_tf": True,
        "stop_words": None,
        "max_features": None,
    }


class TfidfBlocks:
    """One fitted ``TfidfVectorizer`` per view, joined into one weighted sparse matrix.

    Parameters
    ----------
    weights : mapping of view name to float
        The factor each view's L2-normalised block is scaled by; a weight of 0 leaves the view
        out altogether.
    max_features : int or None
        Vocabulary cap of the body block.
    """

    def __init__(self, weights: Mapping[str, float], *, max_features: int | None = None):
        unknown = set(weights) - set(VIEWS)
        if unknown:
            raise ValueError(f"unknown text views {sorted(unknown)}; choose from {VIEWS}")
        self.weights = {v: float(w) for v, w in weights.items() if w}
        self.max_features = max_features
        self.vectorizers_: dict[str, TfidfVectorizer] = {}

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit every block on ``texts`` and return their weighted concatenation."""
        views = text_views(texts)
        self.vectorizers_ = {}
        blocks = []
        for view, weight in self.weights.items():
            vec = TfidfVectorizer(**_vectorizer_params(view, self.max_features))
            # A view that is empty everywhere (no titles) has no vocabulary: skip it.
            docs = views[view]
            if not any(d.strip() for d in docs):
                continue
            try:
                block = vec.fit_transform(docs)
            except ValueError:  # only stop words, or fewer documents than min_df
                continue
            # The fitted vectorizer keeps every pruned term in stop_words_; nothing needs it.
            vec.stop_words_ = set()
            self.vectorizers_[view] = vec
            blocks.append(block * weight)
        return _hstack(blocks, len(texts))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The weighted blocks of new texts."""
        views = text_views(texts)
        blocks = [
            vec.transform(views[view]) * self.weights[view]
            for view, vec in self.vectorizers_.items()
        ]
        return _hstack(blocks, len(texts))

    @property
    def n_features_(self) -> int:
        return sum(len(v.vocabulary_) for v in self.vectorizers_.values())

    # -- plain-data state (no pickle) -------------------------------------------------------
    def to_files(self) -> dict[str, bytes | np.ndarray]:
        """The fitted state as JSON vocabularies and float arrays, one pair per view."""
        files: dict[str, bytes | np.ndarray] = {}
        meta = {"weights": self.weights, "max_features": self.max_features, "views": []}
        for view, vec in self.vectorizers_.items():
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            files[f"tfidf_{view}_terms.json"] = json.dumps(terms, ensure_ascii=False).encode()
            files[f"tfidf_{view}_idf.npy"] = np.asarray(vec.idf_, dtype=np.float64)
            meta["views"].append(view)
        files["tfidf.json"] = json.dumps(meta).encode()
        return files

    @classmethod
    def from_files(cls, files: Mapping[str, Any]) -> TfidfBlocks:
        """Rebuild fitted blocks from ``to_files`` output (already checksum-verified)."""
        meta = json.loads(files["tfidf.json"])
        blocks = cls(meta["weights"], max_features=meta["max_features"])
        for view in meta["views"]:
            if view not in VIEWS:
                raise ValueError(f"unknown text view {view!r} in the saved TF-IDF state")
            terms = json.loads(files[f"tfidf_{view}_terms.json"])
            idf = np.asarray(files[f"tfidf_{view}_idf.npy"], dtype=np.float64)
            if not isinstance(terms, list) or idf.shape != (len(terms),):
                raise ValueError(f"saved TF-IDF state of view {view!r} is inconsistent")
            vec = TfidfVectorizer(**_vectorizer_params(view, meta["max_features"]))
            vec.vocabulary_ = {str(t): i for i, t in enumerate(terms)}
            vec.idf_ = idf
            blocks.vectorizers_[view] = vec
        return blocks


def _hstack(blocks: list[sp.spmatrix], n_rows: int) -> sp.csr_matrix:
    if not blocks:
        return sp.csr_matrix((n_rows, 0), dtype=np.float64)
    return sp.hstack(blocks, format="csr")
