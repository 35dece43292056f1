"""Retraining: run the DVC pipeline, register the bundle as a ModelVersion, activate it if the gate
passes. Two retrains never overlap (one running run, enforced by the database).

A failed stage, too little data or a corrupt bundle ends the run with the reason and leaves the
active model and its index untouched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from config.celery import task_named
from matching.models import ModelVersion, RetrainRun
from matching.services import matching, pipeline
from matching.services.registry import model_version_activate
from mlcore.artifacts import write_atomic
from mlcore.pipelines.bundle import verify_bundle
from recruiting.services.runs import run_claim, run_finish, run_lease, runs_recover

logger = logging.getLogger(__name__)

LOG_TAIL = 6000


def pipeline_root() -> Path:
    return Path(getattr(settings, "PIPELINE_ROOT", settings.BASE_DIR))


def retrain_enqueue(*, trigger: str = "manual") -> RetrainRun:
    run = RetrainRun.objects.create(trigger=trigger)
    # Minutes of work: the admin's "Retrain now" answers at once, the run list shows progress.
    task_named("matching.tasks.retrain_task").delay_in_background(run.pk)
    return run


def retrain_requeue_stale(*, now=None) -> list[int]:
    """Send again the runs whose task was lost (a broker outage past the publish retries, a
    worker that died mid-run): see ``recruiting.services.runs.runs_recover``. A run claims
    itself and one run at a time is allowed, so a message that arrives after all, or a second
    stale run, changes nothing."""
    return runs_recover(RetrainRun, send=task_named("matching.tasks.retrain_task").delay, now=now)


def _finish(
    run: RetrainRun, *, status: str, message: str, log: str = "", version=None
) -> RetrainRun:
    run_finish(
        run,
        status=status,
        message=message,
        log_tail=log[-LOG_TAIL:],
        model_version=version,
        stage="",
    )
    return run


def pipeline_stages(root: Path) -> list[str]:
    """The stage names of the project's dvc.yaml (empty if it cannot be read)."""
    try:
        return list((yaml.safe_load((root / "dvc.yaml").read_text()) or {}).get("stages", {}))
    except (OSError, yaml.YAMLError, AttributeError):
        return []


def _stage_progress(line: str, seen: list[str]) -> dict | None:
    """The run's progress after one line of `dvc repro`: a stage starting (the ones before it
    are done) or skipped as unchanged (done)."""
    if line.startswith("Running stage '"):
        name = line.split("'")[1]
        done = len(seen)
        seen.append(name)
        return {"stage": name, "stages_done": done}
    if line.startswith("Stage '") and "didn't change" in line:
        seen.append(line.split("'")[1])
        return {"stages_done": len(seen)}
    return None


def _dvc_repro(root: Path, run: RetrainRun) -> tuple[bool, str]:
    """`dvc repro` in a subprocess; the current stage and how many are done are recorded on the
    run as it goes."""
    dvc = shutil.which("dvc", path=str(Path(sys.executable).parent)) or shutil.which("dvc")
    if dvc is None:
        return (
            False,
            "DVC is not installed in this environment (pip install -r requirements/ml.txt).",
        )
    env = {
        **os.environ,
        "DVC_NO_ANALYTICS": "1",
        "PYTHONPATH": str(root),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    lines: list[str] = []
    with subprocess.Popen(
        [dvc, "repro"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        seen: list[str] = []
        try:
            for line in proc.stdout:
                lines.append(line)
                progress = _stage_progress(line, seen)
                if progress:
                    RetrainRun.objects.filter(pk=run.pk).update(**progress)
            proc.wait(timeout=settings.CELERY_TASK_TIME_LIMIT)
        except BaseException:
            proc.kill()  # stopped (the time limit, a shutdown): the pipeline stops with it
            raise
    return proc.returncode == 0, "".join(lines)


def _failure_reason(log: str) -> str:
    """The stage's own message when it gave one (PipelineError), else the last error line."""
    lines = [line.strip() for line in log.splitlines()]
    for marker in ("PipelineError:", "Error:", "ERROR"):
        for line in reversed(lines):
            if marker in line:
                return line
    return "the pipeline failed (see the log)."


def gate(*, metrics: dict, active: ModelVersion | None, params: dict) -> tuple[bool, str]:
    """Not worse than the active version on any gate metric beyond the tolerance."""
    if active is None:
        return True, "No version was active."
    keys = params.get("metrics", ["resume_macro_f1", "job_macro_f1"])
    tolerance = float(params.get("tolerance", 0.02))
    worse = []
    for key in keys:
        new, old = metrics.get(key), active.metrics.get(key)
        if isinstance(new, int | float) and isinstance(old, int | float) and new < old - tolerance:
            worse.append(f"{key} {new:.3f} < {old:.3f} - {tolerance}")
    if worse:
        return False, f"Worse than {active.version}: " + "; ".join(worse)
    return True, f"Not worse than {active.version} on {', '.join(keys)} (tolerance {tolerance})."


def model_version_register(*, bundle_dir: Path) -> ModelVersion:
    """Copy a verified bundle into the artifacts folder (atomically) and record it as a candidate."""
    manifest = verify_bundle(bundle_dir)
    base = f"{timezone.now():%Y%m%d-%H%M%S}-{manifest.checksum[:8]}"
    models = Path(settings.ARTIFACTS_DIR) / "models"
    # The same bundle registered twice within a second (a retrain with nothing changed) gets a
    # suffix rather than colliding with the folder or the row of the first.
    version = next(
        name
        for name in (base if n == 0 else f"{base}-{n}" for n in range(1000))
        if not (models / name).exists() and not ModelVersion.objects.filter(version=name).exists()
    )
    target = models / version
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{version}-"))
    for part in [*manifest.parts, "bundle"]:
        shutil.copytree(bundle_dir / part, tmp / part)
    os.replace(tmp, target)
    verify_bundle(target)  # what was copied is what was verified
    embed = (manifest.params.get("embed") or {}).get("model", "minilm")
    return ModelVersion.objects.create(
        version=version,
        artifact_path=str(target),
        checksum=manifest.checksum,
        embedder_id={"minilm": "all-MiniLM-L6-v2"}.get(embed, embed),
        params=manifest.params,
        metrics=manifest.metrics,
        manifest={"parts": manifest.parts, "data_hash": manifest.data_hash},
    )


def retrain_run(*, run_id: int, repro: bool = True) -> RetrainRun:
    """Run the pipeline, then register its bundle and activate it if the gate passes. With
    ``repro`` False the pipeline is not run: the bundle already in ``data/model`` (written by
    `make train`, which trains on the shared data) goes through the same registry and gate."""
    run = RetrainRun.objects.get(pk=run_id)
    if not run_claim(run):
        return run
    with run_lease(run):
        return _retrain(run, repro=repro)


FEEDBACK_FILE = Path("data") / "feedback" / "queries.jsonl"


def feedback_export(root: Path) -> int:
    """Recruiters' shortlist/reject decisions, with each pair's part values as the app scores
    it, into the pipeline's ``data/feedback/queries.jsonl`` (atomically), where the `weights`
    stage refits the score on them. Returns how many queries (jobs) were written."""
    queries = matching.judged_queries(pipeline.labelled_pairs())
    text = "".join(json.dumps(q, sort_keys=True) + "\n" for q in queries)
    write_atomic(root / FEEDBACK_FILE, text.encode())
    return len(queries)


def _retrain(run: RetrainRun, *, repro: bool = True) -> RetrainRun:
    root = pipeline_root()
    RetrainRun.objects.filter(pk=run.pk).update(stages_total=len(pipeline_stages(root)))
    if not repro:
        ok, log = True, "The pipeline was run before (make train): registering its bundle.\n"
    else:
        ok, log = _run_repro(root, run)
    if ok is None:
        return run
    if not ok:
        return _finish(run, status=RetrainRun.Status.FAILED, message=_failure_reason(log), log=log)
    return _register(run, root=root, log=log)


def _run_repro(root: Path, run: RetrainRun) -> tuple[bool | None, str]:
    try:
        feedback_export(root)
        return _dvc_repro(root, run)
    except Exception as exc:
        logger.exception("retrain %s: dvc repro could not run", run.pk)
        _finish(run, status=RetrainRun.Status.FAILED, message=f"dvc repro could not run: {exc}")
        return None, ""


def _register(run: RetrainRun, *, root: Path, log: str) -> RetrainRun:
    RetrainRun.objects.filter(pk=run.pk).update(stages_done=F("stages_total"))
    try:
        version = model_version_register(bundle_dir=root / "data" / "model")
    except Exception as exc:  # a bundle that fails verification is never registered
        return _finish(
            run,
            status=RetrainRun.Status.FAILED,
            message=f"The new model was refused: {exc}",
            log=log,
        )
    params = yaml.safe_load((root / "params.yaml").read_text()) or {}
    passed, reason = gate(
        metrics=version.metrics,
        active=ModelVersion.objects.current(),
        params=params.get("gate", {}),
    )
    if passed:
        model_version_activate(version=version)
        ModelVersion.objects.filter(pk=version.pk).update(
            reason=f"{reason}\n{version.reason}".strip()
        )
    else:
        ModelVersion.objects.filter(pk=version.pk).update(
            status=ModelVersion.Status.REJECTED, reason=reason
        )
    version.refresh_from_db()
    outcome = "activated" if passed else "kept inactive"
    return _finish(
        run,
        status=RetrainRun.Status.SUCCEEDED,
        message=f"{version.version} {outcome}: {reason}",
        log=log,
        version=version,
    )
