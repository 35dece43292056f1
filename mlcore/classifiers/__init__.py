"""Category classifiers for resumes and job descriptions (embeddings + TF-IDF, calibrated)."""

from mlcore.classifiers.baseline import tfidf_svm_baseline
from mlcore.classifiers.calibration import CoveragePoint, choose_threshold, coverage_curve
from mlcore.classifiers.features import first_line, recent_role
from mlcore.classifiers.model import (
    ARTIFACT_KIND,
    CategoryClassifier,
    Prediction,
    document_vectors,
    predictions_from_proba,
    view_vectors,
)

__all__ = [
    "ARTIFACT_KIND",
    "CategoryClassifier",
    "CoveragePoint",
    "Prediction",
    "choose_threshold",
    "coverage_curve",
    "document_vectors",
    "first_line",
    "predictions_from_proba",
    "recent_role",
    "tfidf_svm_baseline",
    "view_vectors",
]
