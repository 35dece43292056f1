"""The reference the category classifier is measured against: TF-IDF + linear SVM."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC


def tfidf_svm_baseline(*, random_state: int | None = 0) -> Pipeline:
    """Word 1-2 gram TF-IDF (sublinear tf, English stop words, min_df=2) + ``LinearSVC(C=1)``.

    The textbook text classifier, with common settings and no tuning, so "better than the
    baseline" means better than what anyone would try first.
    """
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english"
                ),
            ),
            ("svm", LinearSVC(C=1.0, random_state=random_state)),
        ]
    )
