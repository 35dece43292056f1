"""Retraining through the Celery task: `dvc repro` on the demo data, the registry and its gate,
rollback, and the faults that must leave the active model alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from matching.models import ModelVersion, RetrainRun
from matching.services import matching, pipeline
from matching.services.retrain import model_version_register, retrain_enqueue, retrain_run
from mlcore.artifacts import data_fingerprint
from mlcore.classifiers import CategoryClassifier
from mlcore.pipelines.weights import load_weights
from recruiting.models import Category
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def make_pipeline_root(target: Path, *, embed_model: str = "hashing", demo_filter=None) -> Path:
    """A copy of the pipeline (code, dvc.yaml, params, demo data) in its own DVC project."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        ROOT / "mlcore", target / "mlcore", ignore=shutil.ignore_patterns("__pycache__", "tests")
    )
    shutil.copytree(ROOT / "fixtures" / "demo", target / "fixtures" / "demo")
    shutil.copytree(ROOT / "data" / "labels", target / "data" / "labels")
    shutil.copy(ROOT / "dvc.yaml", target / "dvc.yaml")
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["embed"]["model"] = embed_model
    (target / "params.yaml").write_text(yaml.safe_dump(params))
    if demo_filter:
        demo_filter(target / "fixtures" / "demo")
    dvc = Path(sys.executable).parent / "dvc"
    subprocess.run([str(dvc), "init", "--no-scm", "-q"], cwd=target, check=True)
    subprocess.run([str(dvc), "config", "core.analytics", "false"], cwd=target, check=True)
    return target


@pytest.fixture
def pipeline_root(tmp_path, settings):
    settings.PIPELINE_ROOT = make_pipeline_root(tmp_path / "pipeline")
    return settings.PIPELINE_ROOT


def retrain(django_capture_on_commit_callbacks) -> RetrainRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = retrain_enqueue(trigger="test")
    run.refresh_from_db()
    return run


def test_a_retrain_runs_the_pipeline_registers_a_version_and_activates_it(
    pipeline_root, django_capture_on_commit_callbacks
):
    run = retrain(django_capture_on_commit_callbacks)
    assert run.status == "succeeded", run.message + run.log_tail
    version = run.model_version
    assert version.is_active and version.status == "active"
    assert version.metrics["resume_macro_f1"] >= 0
    assert {"resume_classifier", "job_classifier"} <= set(version.manifest["parts"])
    assert Path(version.artifact_path, "bundle", "manifest.json").is_file()
    assert (pipeline_root / "reports" / "metrics.json").is_file()
    # Nothing changed: a second `dvc repro` reuses every stage.
    second = retrain(django_capture_on_commit_callbacks)
    assert second.status == "succeeded", second.message + second.log_tail
    assert "didn't change, skipping" in second.log_tail
    assert ModelVersion.objects.filter(is_active=True).count() == 1


def test_the_shipped_classifiers_are_refitted_on_all_the_data_after_evaluation(
    pipeline_root, django_capture_on_commit_callbacks
):
    import json

    version = retrain(django_capture_on_commit_callbacks).model_version
    joint = yaml.safe_load((pipeline_root / "params.yaml").read_text())["train"]["job_training"]

    def prepared(kind: str, split: str) -> list[dict]:
        path = pipeline_root / "data" / "prepared" / f"{kind}_{split}.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]

    for kind, part in (("resumes", "resume_classifier"), ("jobs", "job_classifier")):
        kinds = ("jobs", "resumes") if kind == "jobs" and joint == "joint" else (kind,)
        rows = {
            split: [r for k in kinds for r in prepared(k, split)] for split in ("train", "test")
        }
        assert rows["test"], "the demo data must leave a test split to evaluate on"
        everything = [r for k in kinds for split in ("train", "test") for r in prepared(k, split)]
        shipped = CategoryClassifier.load(Path(version.artifact_path) / part)
        evaluated = CategoryClassifier.load(pipeline_root / "data" / "model" / "eval" / part)
        assert shipped.data_hash_ == data_fingerprint(
            [r["text"] for r in everything], [r["label"] for r in everything]
        )
        assert evaluated.data_hash_ == data_fingerprint(
            [r["text"] for r in rows["train"]], [r["label"] for r in rows["train"]]
        )
    assert "job_strict_accuracy" in version.metrics  # uncertain counted wrong, beside top guess


def test_the_same_bundle_registered_twice_in_one_second_gets_two_versions(
    pipeline_root, django_capture_on_commit_callbacks
):
    from datetime import UTC, datetime
    from unittest import mock

    first = retrain(django_capture_on_commit_callbacks).model_version
    frozen = datetime(2026, 11, 26, 9, 17, 56, tzinfo=UTC)
    with mock.patch("matching.services.retrain.timezone.now", return_value=frozen):
        a = model_version_register(bundle_dir=pipeline_root / "data" / "model")
        b = model_version_register(bundle_dir=pipeline_root / "data" / "model")
    assert a.checksum == b.checksum == first.checksum
    assert b.version == f"{a.version}-1"
    assert Path(a.artifact_path) != Path(b.artifact_path)
    assert Path(b.artifact_path, "bundle", "manifest.json").is_file()


def test_admins_roll_back_to_an_earlier_version_through_the_api(
    pipeline_root, django_capture_on_commit_callbacks, staff
):
    from rest_framework.test import APIClient

    first = retrain(django_capture_on_commit_callbacks).model_version
    second = retrain(django_capture_on_commit_callbacks).model_version
    assert ModelVersion.objects.current() == second
    api = APIClient()
    api.force_authenticate(staff)
    response = api.post(f"/api/v1/model-versions/{first.pk}/activate/")
    assert response.status_code == 200, response.content
    assert ModelVersion.objects.current() == first
    second.refresh_from_db()
    assert second.status == "retired"


def test_active_versions_are_a_queryset_and_current_is_the_one_active_version_or_none():
    assert ModelVersion.objects.current() is None
    ModelVersion.objects.create(version="old", artifact_path="/old", status="retired")
    live = ModelVersion.objects.create(
        version="live", artifact_path="/live", status="active", is_active=True
    )
    assert list(ModelVersion.objects.active()) == [live]
    assert not ModelVersion.objects.active().filter(version="old").exists()
    assert ModelVersion.objects.current() == live


def test_recruiters_cannot_activate_model_versions(
    pipeline_root, django_capture_on_commit_callbacks, api_client
):
    version = retrain(django_capture_on_commit_callbacks).model_version
    assert api_client.post(f"/api/v1/model-versions/{version.pk}/activate/").status_code == 403


def test_a_corrupt_artifact_is_refused_and_the_previous_version_stays_active(
    pipeline_root, django_capture_on_commit_callbacks, staff
):
    from rest_framework.test import APIClient

    first = retrain(django_capture_on_commit_callbacks).model_version
    second = retrain(django_capture_on_commit_callbacks).model_version
    coef = next(Path(first.artifact_path, "resume_classifier").glob("coef*.npy"))
    coef.write_bytes(coef.read_bytes()[:-7] + b"garbage")
    api = APIClient()
    api.force_authenticate(staff)
    response = api.post(f"/api/v1/model-versions/{first.pk}/activate/")
    assert response.status_code == 400
    assert "cannot be activated" in response.json()["message"]
    assert ModelVersion.objects.current() == second
    first.refresh_from_db()
    assert first.status == "broken"


def test_a_worse_model_is_kept_inactive_with_the_reason(
    pipeline_root, django_capture_on_commit_callbacks
):
    good = retrain(django_capture_on_commit_callbacks).model_version
    ModelVersion.objects.filter(pk=good.pk).update(metrics={**good.metrics, "resume_macro_f1": 1.5})
    run = retrain(django_capture_on_commit_callbacks)
    assert run.status == "succeeded"
    assert run.model_version.status == "rejected"
    assert "resume_macro_f1" in run.model_version.reason
    assert ModelVersion.objects.current().pk == good.pk


def test_a_retrain_with_too_little_data_fails_with_the_reason_and_changes_nothing(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    def keep_three_resumes(demo: Path) -> None:
        for path in sorted((demo / "resumes").glob("*.txt"))[3:]:
            path.unlink()

    settings.PIPELINE_ROOT = make_pipeline_root(tmp_path / "small", demo_filter=keep_three_resumes)
    run = retrain(django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert "too little data" in run.message
    assert ModelVersion.objects.count() == 0


def test_two_retrains_never_overlap(pipeline_root):
    from datetime import timedelta

    from django.utils import timezone

    live = timezone.now() + timedelta(seconds=60)  # its worker still renews the lease
    RetrainRun.objects.create(status="running", lease_expires_at=live)
    queued = RetrainRun.objects.create()
    assert retrain_run(run_id=queued.pk).status == "skipped"


def test_a_missing_dvc_project_fails_the_run_cleanly(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PIPELINE_ROOT = tmp_path / "nothing-here"
    settings.PIPELINE_ROOT.mkdir()
    run = retrain(django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert run.message
    assert ModelVersion.objects.count() == 0


def test_new_uploads_are_classified_by_the_active_model(
    pipeline_root, django_capture_on_commit_callbacks, recruiter, skills
):

    retrain(django_capture_on_commit_callbacks)
    for slug in ("information-technology", "accountant", "chef"):
        Category.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    text = (ROOT / "fixtures" / "demo" / "resumes" / "it-01-maria-keller.txt").read_text()
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=text.replace("Maria", "Marta"))
    resume.refresh_from_db()
    assert resume.category_confidence is not None


def test_recruiters_decisions_refit_the_score_and_the_gate_reads_its_ranking_figure(
    pipeline_root, django_capture_on_commit_callbacks, recruiter, skills, categories
):
    """Shortlists and rejections become the `weights` stage's training data: the new version
    carries refitted weights that the scorer then uses, and its held-out nDCG@10 is a gate
    metric (a version worse on it than the active one stays inactive)."""
    import json

    body = "Summary\nBackend engineer with eight years of experience.\nSkills\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<p>Build Django services.</p><ul><li>Python</li><li>Django</li></ul>",
        )
        people = [
            resume_create_from_text(owner=recruiter, text=f"Person {i}\n{body}{skills_line}\n")[0]
            for i, skills_line in enumerate(
                ["Python, Django", "Python, Django, Docker", "Go, Kubernetes", "Excel"]
            )
        ]
    for person, stage in zip(
        people, ["interviewing", "shortlisted", "rejected", "rejected"], strict=True
    ):
        reason = {"reason": "skills"} if stage == "rejected" else {}
        pipeline.application_move(job=job, resume=person, actor=recruiter, stage=stage, **reason)
    before = matching.weights()

    run = retrain(django_capture_on_commit_callbacks)
    assert run.status == "succeeded", run.message + run.log_tail
    exported = [
        json.loads(line)
        for line in (pipeline_root / "data" / "feedback" / "queries.jsonl").read_text().splitlines()
    ]
    assert [(q["job"], q["labels"]) for q in exported] == [(job.pk, [1, 1, 0, 0])]
    assert all(len(row) == len(before.extracted.as_dict()) for row in exported[0]["values"])
    version = run.model_version
    assert "weights" in version.manifest["parts"]
    assert version.metrics["ranking_ndcg10"] is not None
    assert (
        version.metrics["explicit_feedback_queries"] + version.metrics["extracted_feedback_queries"]
        == 1
    )
    fitted = matching.weights()
    assert fitted.as_dict() != before.as_dict()

    assert fitted.as_dict() == load_weights(Path(version.artifact_path) / "weights").as_dict()

    ModelVersion.objects.filter(pk=version.pk).update(
        metrics={**version.metrics, "ranking_ndcg10": 1.5}
    )
    worse = retrain(django_capture_on_commit_callbacks)
    assert worse.model_version.status == "rejected"
    assert "ranking_ndcg10" in worse.model_version.reason
