"""`manage.py reconcile_index` finds and repairs drift between the stored embeddings and the saved
indexes, and a row deleted behind the index's back never reaches a result even before it runs."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from matching.services import matching
from matching.services.index import index_dir, index_get, index_reconcile, index_reset
from mlcore.retrieval.faiss_index import VectorIndex
from recruiting.models import Job, Resume, ResumeEmbedding
from recruiting.services.embedding import embedder_get, embedder_reset
from recruiting.services.jobs import job_close, job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

RESUMES = {
    "alice": "Alice Python\nalice@example.com\n\nSkills\nPython, Django, PostgreSQL, Docker\n",
    "bruno": "Bruno Java\nbruno@example.com\n\nSkills\nJava, Spring Boot, SQL, Docker\n",
    "carla": "Carla Ledger\ncarla@example.com\n\nSkills\nAccounting, Payroll, Excel\n",
    "dora": "Dora Data\ndora@example.com\n\nSkills\nPython, Machine Learning, SQL, AWS\n",
}
JOBS = {
    "python": ("Python Backend Engineer", "Build Django services on PostgreSQL with Docker."),
    "java": ("Java Backend Engineer", "Build Spring Boot services with SQL and Docker."),
    "payroll": ("Payroll Accountant", "Run payroll and month-end close in Excel."),
}


@pytest.fixture
def world(settings, tmp_path, recruiter, skills, django_capture_on_commit_callbacks):
    settings.ARTIFACTS_DIR = tmp_path / "artifacts"
    embedder_reset()
    index_reset()
    with django_capture_on_commit_callbacks(execute=True):
        resumes = {
            name: resume_create_from_text(owner=recruiter, text=text)[0]
            for name, text in RESUMES.items()
        }
        jobs = {
            name: job_create(owner=recruiter, title=title, description=description)
            for name, (title, description) in JOBS.items()
        }
    call_command("rebuild_index", stdout=io.StringIO())
    index_reset()  # as a new process: start from the saved index
    return {
        "resumes": {name: Resume.objects.get(pk=r.pk) for name, r in resumes.items()},
        "jobs": {name: Job.objects.get(pk=j.pk) for name, j in jobs.items()},
    }


def reconcile(*args: str) -> str:
    out = io.StringIO()
    call_command("reconcile_index", *args, stdout=out, stderr=out)
    return out.getvalue()


def saved(kind: str) -> VectorIndex:
    embedder = embedder_get()
    return VectorIndex.load(
        index_dir(kind, embedder.model_id) / "index",
        expected_model_id=embedder.model_id,
        expected_dim=embedder.dim,
    )


def saved_vector(kind: str, doc_id: int) -> np.ndarray:
    ids, vectors = saved(kind).items()
    return vectors[ids.tolist().index(doc_id)]


def drift_resumes(world) -> dict[str, int]:
    """Delete one resume behind the index's back, lose one entry from the index, change one
    stored vector: the three kinds of drift."""
    alice, bruno, carla, dora = (world["resumes"][n] for n in ("alice", "bruno", "carla", "dora"))
    # An embedding committed late (or restored from a backup) under an id the index had
    # already synced past: no process will ever pick it up by itself.
    row = ResumeEmbedding.objects.get(resume=bruno)
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    row.delete()
    call_command("rebuild_index", "--kind", "resume", stdout=io.StringIO())
    ResumeEmbedding.objects.create(**fields)
    # queryset.delete() sends no documents_removed signal: the index keeps the entry.
    Resume.objects.filter(pk=alice.pk).delete()
    # A stored vector replaced in place, as a restore from another snapshot would.
    other = ResumeEmbedding.objects.get(resume=dora).as_array()
    ResumeEmbedding.objects.filter(resume=carla).update(vector=other.tobytes())
    index_reset()
    return {"orphaned": alice.pk, "missing": bruno.pk, "stale": carla.pk}


def test_reconcile_repairs_missing_orphaned_and_stale_entries_from_the_stored_vectors(world):
    ids = drift_resumes(world)

    out = reconcile("--kind", "resumes")

    assert "resume: 3 stored, 3 indexed" in out
    assert "1 missing, 1 orphaned, 1 stale, 3 differences -> repaired" in out
    assert "job:" not in out
    repaired = saved("resume")
    assert set(repaired.ids().tolist()) == set(
        ResumeEmbedding.objects.values_list("resume_id", flat=True)
    )
    assert ids["orphaned"] not in repaired
    assert ids["missing"] in repaired
    stored = ResumeEmbedding.objects.get(resume_id=ids["stale"]).as_array()
    assert np.array_equal(saved_vector("resume", ids["stale"]), stored)
    # This process switched to the repaired index at once.
    assert ids["missing"] in index_get("resume")
    assert ids["orphaned"] not in index_get("resume")


def test_running_reconcile_twice_finds_nothing_the_second_time(world):
    drift_resumes(world)
    reconcile()
    index_reset()

    out = reconcile()

    assert "job: 3 stored, 3 indexed (saved index loaded); 0 missing, 0 orphaned, 0 stale" in out
    assert "resume: 3 stored, 3 indexed (saved index loaded); 0 missing, 0 orphaned, 0 stale" in out
    assert "nothing to repair" in out


def test_a_dry_run_reports_the_drift_and_changes_nothing(world):
    ids = drift_resumes(world)
    folder = index_dir("resume", embedder_get().model_id)
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    out = reconcile("--dry-run")

    assert "1 missing, 1 orphaned, 1 stale, 3 differences -> dry run, nothing changed" in out
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert ids["orphaned"] in saved("resume")
    assert "1 missing, 1 orphaned, 1 stale" in reconcile("--dry-run")


def test_a_deleted_resume_never_appears_among_candidates_even_before_reconcile(world):
    alice = world["resumes"]["alice"]
    job = world["jobs"]["python"]
    query = embedder_get().encode([RESUMES["alice"]])[0]
    assert alice.pk in [i for i, _ in index_get("resume").search(query, 4)[0]]

    Resume.objects.filter(pk=alice.pk).delete()

    index = index_get("resume")
    assert alice.pk in index  # the index still holds it, so the database check is what hides it
    page = matching.candidates_for_job(job=job, resumes=Resume.objects.all(), k=10)
    names = [r.resume.pk for r in page.results]
    assert alice.pk not in names
    assert len(names) == 3


def test_a_deleted_job_never_appears_among_jobs_for_a_resume_even_before_reconcile(world):
    alice = world["resumes"]["alice"]
    python_job = world["jobs"]["python"]
    Job.objects.filter(pk=python_job.pk).delete()

    assert python_job.pk in index_get("job")
    page = matching.jobs_for_resume(resume=alice, jobs=Job.objects.all(), k=10)

    assert python_job.pk not in [r.job.pk for r in page.results]
    assert len(page.results) == 2


def test_closed_jobs_stay_indexed_and_are_not_reported_as_orphans(
    world, django_capture_on_commit_callbacks
):
    java = world["jobs"]["java"]
    with django_capture_on_commit_callbacks(execute=True):
        job_close(job=java)
    index_reset()

    out = reconcile("--kind", "jobs")

    assert "job: 3 stored, 3 indexed" in out
    assert "0 missing, 0 orphaned, 0 stale" in out
    assert java.pk in saved("job")


def test_a_damaged_stored_vector_is_reported_and_skipped_without_breaking_the_index(world):
    carla = world["resumes"]["carla"]
    ResumeEmbedding.objects.filter(resume=carla).update(vector=b"\x00" * 10)

    out = reconcile("--kind", "resume")

    assert "1 orphaned" in out
    assert f"1 stored vectors cannot be indexed (ids [{carla.pk}]); re-embed" in out
    assert carla.pk not in saved("resume")
    # A new process syncing a damaged row it has not seen before skips it.
    row = ResumeEmbedding.objects.get(resume=carla)
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    row.delete()
    fields.pop("id")
    ResumeEmbedding.objects.create(**fields)
    index_reset()
    index = index_get("resume")
    assert carla.pk not in index
    assert len(index) == 3
    assert "0 missing, 0 orphaned, 0 stale" in reconcile("--kind", "resume")


def test_an_unreadable_saved_index_is_rebuilt_from_the_stored_vectors(world):
    folder = index_dir("job", embedder_get().model_id)
    manifest = folder / "index" / "manifest.json"
    manifest.write_text(json.dumps({"format_version": 1, "model_id": "another-model"}))

    out = reconcile("--kind", "job")

    assert "job: 3 stored, 3 indexed (saved index unusable:" in out
    assert "another-model" in out
    assert set(saved("job").ids().tolist()) == {j.pk for j in world["jobs"].values()}
    assert "(saved index loaded); 0 missing" in reconcile("--kind", "job")


def test_index_reconcile_returns_the_drift_it_repaired(world):
    ids = drift_resumes(world)

    report = index_reconcile("resume")

    assert (report.missing, report.orphaned, report.stale) == (
        [ids["missing"]],
        [ids["orphaned"]],
        [ids["stale"]],
    )
    assert report.repaired
    assert index_reconcile("resume").differences == 0
