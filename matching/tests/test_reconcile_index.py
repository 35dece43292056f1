"""`manage.py reconcile_index` finds and repairs drift between the stored embeddings and the shared
stores, and a row deleted behind the store's back never reaches a result even before it runs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from matching.services import matching
from matching.services.store import (
    store_get,
    store_reconcile,
    store_root,
    stores_reset,
)
from mlcore.retrieval.store import DocumentStore
from recruiting.models import Job, Resume, ResumeEmbedding
from recruiting.services.embedding import embedder_get
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
EVERYONE = matching.ResumeScope(teams=None)


@pytest.fixture
def world(recruiter, skills, django_capture_on_commit_callbacks):
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
    stores_reset()  # as a new process: map the saved stores
    return {
        "resumes": {name: Resume.objects.get(pk=r.pk) for name, r in resumes.items()},
        "jobs": {name: Job.objects.get(pk=j.pk) for name, j in jobs.items()},
    }


def reconcile(*args: str) -> str:
    out = io.StringIO()
    call_command("reconcile_index", *args, stdout=out, stderr=out)
    return out.getvalue()


def saved(kind: str) -> DocumentStore:
    root = store_root(kind, embedder_get().model_id)
    return DocumentStore.load(root / (root / "CURRENT").read_text().strip())


def saved_ids(kind: str) -> set[int]:
    store = saved(kind)
    return set(store.ids_of(np.arange(len(store))))


def drift_resumes(world) -> dict[str, int]:
    """Delete one resume behind the store's back, lose one from the store, change one stored
    vector: the three kinds of drift."""
    alice, bruno, carla, dora = (world["resumes"][n] for n in ("alice", "bruno", "carla", "dora"))
    # An embedding restored from a backup under an id the store had synced past, for a
    # resume the store never held: no sync picks it up by itself.
    row = ResumeEmbedding.objects.get(resume=bruno)
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    row.delete()
    call_command("rebuild_index", "--kind", "resume", stdout=io.StringIO())
    ResumeEmbedding.objects.create(**fields)
    # queryset.delete() sends no documents_removed signal: the store keeps the row.
    Resume.objects.filter(pk=alice.pk).delete()
    # A stored vector replaced in place, as a restore from another snapshot would.
    other = ResumeEmbedding.objects.get(resume=dora).as_array()
    ResumeEmbedding.objects.filter(resume=carla).update(vector=other.tobytes())
    stores_reset()
    return {"orphaned": alice.pk, "missing": bruno.pk, "stale": carla.pk}


def test_reconcile_repairs_missing_orphaned_and_stale_entries_from_the_stored_vectors(world):
    ids = drift_resumes(world)

    out = reconcile("--kind", "resumes")

    assert "resume: 3 stored, 3 in the store" in out
    assert "1 missing, 1 orphaned, 1 stale, 3 differences -> rebuilt" in out
    assert "job:" not in out
    assert saved_ids("resume") == set(ResumeEmbedding.objects.values_list("resume_id", flat=True))
    repaired = saved("resume")
    stored = ResumeEmbedding.objects.get(resume_id=ids["stale"]).as_array()
    assert np.array_equal(repaired.columns["vectors"][repaired.position(ids["stale"])], stored)
    # This process maps the repaired store at once.
    assert store_get("resume").position(ids["missing"]) is not None
    assert store_get("resume").position(ids["orphaned"]) is None


def test_running_reconcile_twice_finds_nothing_the_second_time(world):
    drift_resumes(world)
    reconcile()

    out = reconcile()

    assert "job: 3 stored, 3 in the store" in out and "resume: 3 stored, 3 in the store" in out
    assert "0 missing, 0 orphaned, 0 stale, 0 differences -> nothing to repair" in out


def test_a_dry_run_reports_the_drift_and_changes_nothing(world):
    ids = drift_resumes(world)
    folder = store_root("resume", embedder_get().model_id)
    before = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    out = reconcile("--dry-run")

    assert "1 missing, 1 orphaned, 1 stale, 3 differences -> dry run, nothing changed" in out
    assert {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert ids["orphaned"] in saved_ids("resume")


def test_a_deleted_resume_never_appears_among_candidates_even_before_reconcile(world):
    alice = world["resumes"]["alice"]
    Resume.objects.filter(pk=alice.pk).delete()

    page = matching.candidates_for_job(job=world["jobs"]["python"], scope=EVERYONE, k=10)

    names = [r.resume.pk for r in page.results]
    assert alice.pk not in names and len(names) == 3


def test_a_deleted_job_never_appears_among_jobs_for_a_resume_even_before_reconcile(world):
    alice = world["resumes"]["alice"]
    python_job = world["jobs"]["python"]
    Job.objects.filter(pk=python_job.pk).delete()

    page = matching.jobs_for_resume(resume=alice, jobs=Job.objects.all(), k=10)

    assert python_job.pk not in [r.job.pk for r in page.results]
    assert len(page.results) == 2


def test_closed_jobs_stay_in_the_store_inactive_and_are_not_reported_as_orphans(
    world, django_capture_on_commit_callbacks
):
    java = world["jobs"]["java"]
    with django_capture_on_commit_callbacks(execute=True):
        job_close(job=java)
    store = store_get("job")

    out = reconcile("--kind", "jobs")

    assert "job: 3 stored, 3 in the store" in out and "0 missing, 0 orphaned, 0 stale" in out
    assert not store.columns["active"][store.position(java.pk)]


def test_a_damaged_stored_vector_is_reported_and_left_out_of_a_rebuilt_store(world):
    carla = world["resumes"]["carla"]
    ResumeEmbedding.objects.filter(resume=carla).update(vector=b"\x00" * 10)

    out = reconcile("--kind", "resume")

    assert "1 orphaned" in out
    assert f"1 stored vectors cannot be indexed (ids [{carla.pk}]); re-embed" in out
    assert carla.pk not in saved_ids("resume") and len(saved_ids("resume")) == 3
    assert "0 missing, 0 orphaned, 0 stale" in reconcile("--kind", "resume")


def test_an_unreadable_saved_store_is_rebuilt_from_the_stored_vectors(world):
    folder = store_root("job", embedder_get().model_id)
    version = (folder / "CURRENT").read_text().strip()
    (folder / version / "ids.npy").write_bytes(b"not an array")
    stores_reset()

    assert {
        r.job.pk
        for r in matching.jobs_for_resume(
            resume=world["resumes"]["alice"], jobs=Job.objects.all(), k=10
        ).results
    } == {j.pk for j in world["jobs"].values()}
    assert saved_ids("job") == {j.pk for j in world["jobs"].values()}


def test_store_reconcile_returns_the_drift_it_repaired(world):
    ids = drift_resumes(world)

    report = store_reconcile("resume")

    assert (report.missing, report.orphaned, report.stale) == (
        [ids["missing"]],
        [ids["orphaned"]],
        [ids["stale"]],
    )
    assert report.repaired
    assert store_reconcile("resume").differences == 0
