"""Drift checks: has recent data moved away from the reference the models were trained on?

``data_drift`` (Evidently, text descriptors and embeddings), ``centroid_drift`` (per-category
mean embeddings) and ``skill_drift`` (skill frequencies) each return a :class:`DriftResult`.
"""

from mlcore.drift.centroid import centroid_drift
from mlcore.drift.common import DriftInputError, DriftResult
from mlcore.drift.data import data_drift
from mlcore.drift.skill import skill_drift

__all__ = ["DriftInputError", "DriftResult", "centroid_drift", "data_drift", "skill_drift"]
