"""The model registry: register versions, activate one (or roll back), load the active one.

Activation is a database update guarded by a partial unique index (one active version); each
process notices a change on its next use and loads the new artifacts, without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from config.celery import task_named
from config.exceptions import ApplicationError
from matching.models import ModelVersion
from mlcore.artifacts import ArtifactError
from mlcore.classifiers import CategoryClassifier
from mlcore.pipelines.bundle import verify_bundle
from mlcore.pipelines.weights import load_weights
from recruiting.services.embedding import embedder_get

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def model_version_activate(*, version: ModelVersion, user=None) -> ModelVersion:
    """Make ``version`` the active one; the previously active version is retired, and the jobs
    whose category a model predicted are classified again with the new one.

    The artifact is verified first (outside the switch, so a refusal is recorded as "broken");
    a refused version changes nothing about which version is active.
    """
    _verify(version)
    version = _switch(version=version, user=user)
    active_weights_forget()

    # Minutes for a large pool: predictions follow the new model after the request answers.
    task_named("matching.tasks.jobs_reclassify_task").delay_in_background()
    return version


@transaction.atomic
def _switch(*, version: ModelVersion, user) -> ModelVersion:
    version = ModelVersion.objects.select_for_update().get(pk=version.pk)
    ModelVersion.objects.active().exclude(pk=version.pk).update(
        is_active=False, status=ModelVersion.Status.RETIRED
    )
    version.is_active = True
    version.status = ModelVersion.Status.ACTIVE
    version.activated_at = timezone.now()
    who = getattr(user, "username", "system")
    version.reason = f"{version.reason}\nActivated by {who} at {version.activated_at:%Y-%m-%d %H:%M} UTC.".strip()
    version.save()
    return version


def _verify(version: ModelVersion) -> None:
    """Refuse an artifact that is missing, altered or incompatible (checksums, kinds, versions)."""
    try:
        manifest = verify_bundle(version.artifact_path)
        if version.checksum and manifest.checksum != version.checksum:
            raise ArtifactError(
                f"manifest checksum {manifest.checksum[:12]}… is not the registered one"
            )
    except (ArtifactError, OSError) as exc:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=ModelVersion.Status.BROKEN, reason=str(exc)[:2000]
        )
        raise ApplicationError(
            f"{version.version} cannot be activated: {exc}", code="broken_artifact"
        ) from exc


def active_classifier(kind: str):
    """The active version's category classifier for ``kind`` ("resume" | "job"), or None."""
    active = ModelVersion.objects.current()
    if active is None:
        return None
    key = f"{active.version}:{kind}"
    with _lock:
        if key not in _loaded:
            # A new active version: drop the old one's models (its other kind stays loaded).
            for stale in [k for k in _loaded if not k.startswith(f"{active.version}:")]:
                del _loaded[stale]
            path = Path(active.artifact_path) / f"{kind}_classifier"
            if not path.exists():
                return None
            try:
                _loaded[key] = CategoryClassifier.load(path, embedder=embedder_get())
            except Exception as exc:
                logger.error(
                    "model %s (%s classifier) failed to load: %s", active.version, kind, exc
                )
                return None
        return _loaded[key]


# The scorer asks for the weights on every pair: the active version is looked up again at most
# this often (seconds), so an activation reaches every process within that time.
WEIGHTS_RECHECK = 5.0
_weights: dict[str, object] = {"checked": float("-inf"), "version": None, "weights": None}


def active_weights():
    """The active version's fitted match weights (its ``weights`` part), or None when no
    version is active or it was trained without one (the weights in params.yaml stand)."""
    now = time.monotonic()
    with _lock:
        if now - _weights["checked"] < WEIGHTS_RECHECK:
            return _weights["weights"]
        active = ModelVersion.objects.current()
        version = active.version if active else None
        if version != _weights["version"]:
            loaded = None
            path = Path(active.artifact_path) / "weights" if active else None
            if path is not None and path.exists():
                try:
                    loaded = load_weights(path)
                except (ArtifactError, OSError) as exc:
                    logger.error("model %s: match weights failed to load: %s", version, exc)
            _weights.update(version=version, weights=loaded)
        _weights["checked"] = now
        return _weights["weights"]


def active_weights_forget() -> None:
    """Look the active version up again on the next call (after an activation here)."""
    with _lock:
        _weights.update(checked=float("-inf"), version=None, weights=None)
