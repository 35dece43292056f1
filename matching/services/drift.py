"""Drift checks on ingested jobs and uploaded resumes: the recent window against the reference
(everything older), with Evidently data drift, per-category centroid drift and skill drift.

Each check stores a DriftReport, with the error when it could not run (an empty window, say),
and a drifted check can queue a retrain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from matching.models import DriftReport
from matching.services.matching import load_params
from matching.services.retrain import retrain_enqueue
from mlcore.drift import DriftInputError, centroid_drift, data_drift, skill_drift
from recruiting.models import Job, JobEmbedding, JobSkill, Resume, ResumeEmbedding, ResumeSkill
from recruiting.services.embedding import embedder_get

logger = logging.getLogger(__name__)


@dataclass
class Sample:
    texts: list[str]
    labels: list[str | None]
    skills: list[set[str]]
    vectors: np.ndarray


def drift_params() -> dict:
    return load_params().get("drift", {})


SUBJECTS = {
    DriftReport.Subject.JOBS: (Job, JobEmbedding, JobSkill, "job"),
    DriftReport.Subject.RESUMES: (Resume, ResumeEmbedding, ResumeSkill, "resume"),
}


def _sample(subject: str, queryset, limit: int) -> Sample:
    _, emb_model, skill_model, owner = SUBJECTS[subject]
    docs = list(queryset.select_related("category").order_by("-created_at")[:limit])
    ids = [d.pk for d in docs]
    vectors = {
        getattr(e, f"{owner}_id"): e.as_array()
        for e in emb_model.objects.filter(
            **{f"{owner}_id__in": ids}, model_id=embedder_get().model_id
        )
    }
    docs = [d for d in docs if d.pk in vectors]
    skills: dict[int, set[str]] = {d.pk: set() for d in docs}
    # Skill drift compares taxonomy skills; a job's free-text terms have no skill.
    for owner_id, name in skill_model.objects.filter(
        **{f"{owner}_id__in": list(skills)}, skill__isnull=False
    ).values_list(f"{owner}_id", "skill__name"):
        skills[owner_id].add(name)
    dim = embedder_get().dim
    return Sample(
        texts=[d.description_text if subject == "jobs" else d.text for d in docs],
        labels=[d.category.slug if d.category_id else None for d in docs],
        skills=[skills[d.pk] for d in docs],
        vectors=np.vstack([vectors[d.pk] for d in docs])
        if docs
        else np.zeros((0, dim), np.float32),
    )


def drift_check(*, subject: str = DriftReport.Subject.JOBS, now=None) -> list[DriftReport]:
    """Run the three checks for one subject and store a report for each."""
    p = drift_params()
    now = now or timezone.now()
    start = now - timedelta(days=int(p.get("window_days", 7)))
    model = SUBJECTS[subject][0]
    limit = int(p.get("max_documents", 2000))
    min_size = int(p.get("min_size", 20))
    reference = _sample(subject, model.objects.filter(created_at__lt=start), limit)
    window = _sample(
        subject, model.objects.filter(created_at__gte=start, created_at__lt=now), limit
    )
    report_dir = Path(settings.ARTIFACTS_DIR) / "drift"
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{now:%Y%m%d-%H%M%S}-{subject}"
    checks = {
        DriftReport.Kind.CENTROID: lambda: centroid_drift(
            reference.vectors, reference.labels, window.vectors, window.labels, min_size=min_size
        ),
        DriftReport.Kind.SKILL: lambda: skill_drift(
            reference.skills, window.skills, min_size=min_size
        ),
        DriftReport.Kind.DATA: lambda: data_drift(
            reference.texts,
            window.texts,
            reference_embeddings=reference.vectors,
            window_embeddings=window.vectors,
            report_path=str(report_dir / f"{stamp}-data.html"),
            min_size=min_size,
        ),
    }
    # Too few documents on a side (a new installation, a quiet week) is no verdict: said so,
    # never shown as "stable".
    too_few = min(len(reference.texts), len(window.texts)) < min_size
    what = SUBJECTS[subject][3] + "s"
    reports = []
    for kind, check in checks.items():
        row = DriftReport(
            kind=kind,
            subject=subject,
            window_start=start,
            window_end=now,
            reference_size=len(reference.texts),
            window_size=len(window.texts),
        )
        if too_few:
            row.outcome = DriftReport.Outcome.NOT_ENOUGH_DATA
            row.error = (
                f"Not enough data yet: the reference holds {len(reference.texts)} {what} and the "
                f"last {p.get('window_days', 7)} days {len(window.texts)}; each side needs at "
                f"least {min_size}."
            )
            row.full_clean()
            row.save()
            reports.append(row)
            continue
        try:
            result = check()
        except DriftInputError as exc:
            row.outcome = DriftReport.Outcome.FAILED
            row.error = str(exc)
        except Exception as exc:  # a failing check is reported, never allowed to stop the others
            logger.exception("drift check %s on %s failed", kind, subject)
            row.outcome = DriftReport.Outcome.FAILED
            row.error = f"{type(exc).__name__}: {exc}"
        else:
            row.score = result.score
            row.threshold = result.threshold
            row.drifted = result.drifted
            row.outcome = (
                DriftReport.Outcome.DRIFTED if result.drifted else DriftReport.Outcome.STABLE
            )
            row.details = result.details
            row.report_file = (
                str(result.details.get("report_path", "")) if kind == DriftReport.Kind.DATA else ""
            )
        row.full_clean()
        row.save()
        reports.append(row)
    return reports


def drift_check_all(*, trigger_retrain: bool = False) -> list[DriftReport]:
    reports = [r for subject in SUBJECTS for r in drift_check(subject=subject)]
    if trigger_retrain and any(r.drifted for r in reports):
        retrain_enqueue(trigger="drift")
    return reports
