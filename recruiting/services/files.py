"""Stored files that no row owns. An upload writes the resume's file inside the transaction that
inserts its row; a process killed (kill -9, out of memory) before that transaction commits
leaves the file and no row. Every other failure removes the file at once; this sweep removes
what a killed process could not, once it is older than any upload in flight."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings

from recruiting.models import Resume

logger = logging.getLogger(__name__)

# An upload writes its file and commits its row within seconds; an hour is far past that.
ORPHAN_GRACE_SECONDS = 3600
RESUME_FOLDER = "resumes"


def orphan_files_sweep(*, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> list[str]:
    """Delete the resume files older than ``grace_seconds`` that no resume refers to; returns
    their names (relative to the private media folder)."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    folder = root / RESUME_FOLDER
    if not folder.is_dir():
        return []
    owned = set(Resume.objects.exclude(original_file="").values_list("original_file", flat=True))
    cutoff = time.time() - grace_seconds
    removed = []
    for path in folder.rglob("*"):
        name = path.relative_to(root).as_posix()
        if not path.is_file() or name in owned:
            continue
        try:
            if path.stat().st_mtime >= cutoff:
                continue  # an upload may be about to commit its row
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(name)
    if removed:
        logger.warning("removed %d resume file(s) that no resume owned", len(removed))
    return removed
