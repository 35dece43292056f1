"""Ingestion -> ML pipeline link: each run that changed something appends a snapshot partition.

Partitions are JSON-lines files under `data/raw/jobs/` named by date, source and run, so the next
`dvc repro` sees the new data and nothing else changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from mlcore.artifacts import write_atomic
from recruiting.models import IngestionRun


def snapshot_dir() -> Path:
    return Path(getattr(settings, "RAW_DATA_DIR", settings.BASE_DIR / "data" / "raw")) / "jobs"


def snapshot_append(*, run: IngestionRun, jobs) -> Path | None:
    rows = [
        {
            "id": j.pk,
            "source": run.source.name,
            "external_id": j.external_id,
            "title": j.title,
            "text": j.description_text,
            "category": j.category.slug if j.category_id else "",
            "status": j.status,
            "posted_at": j.posted_at.isoformat() if j.posted_at else None,
        }
        for j in jobs.select_related("category")
    ]
    if not rows:
        return None
    day = (run.started_at or run.created_at).strftime("%Y-%m-%d")
    target = snapshot_dir() / day / f"source-{run.source_id}-run-{run.pk}.jsonl"
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    write_atomic(target, text.encode("utf-8"))
    return target
