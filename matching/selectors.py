"""Read helpers for matching pages: the active model and the latest drift state."""

from __future__ import annotations

from matching.models import DriftReport, ModelVersion


def dashboard_summary() -> dict:
    active = ModelVersion.objects.active()
    metrics = []
    if active is not None:
        metrics = [(k, v) for k, v in sorted(active.metrics.items()) if isinstance(v, int | float)][
            :6
        ]
    latest = []
    for kind in DriftReport.Kind.values:
        report = DriftReport.objects.filter(kind=kind).first()
        if report is not None:
            latest.append(report)
    return {"active_model": active, "active_metrics": metrics, "latest_drift": latest}
