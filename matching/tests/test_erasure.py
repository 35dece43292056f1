"""Erasure is one service, whichever path asks for it (the API, the admin's delete and bulk
delete, the retention command): the file, the stored and cached vectors, the feedback notes and
every index entry go, the audit log says who and how without naming anyone, and the admin log
never keeps the candidate's name."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from matching.models import MatchFeedback
from matching.services import matching
from matching.services.store import lexical_get, lexical_rebuild, store_get, store_root, store_sync
from mlcore.embeddings.cache import text_sha256
from mlcore.retrieval.store import DocumentStore
from recruiting.models import AuditEvent, Resume, ResumeEmbedding
from recruiting.services.embedding import embedder_get
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create

pytestmark = pytest.mark.django_db

NAME = "Quillon Verbatim"


def resume_text(n: int) -> bytes:
    return (
        f"{NAME}\nquillon{n}@example.com | +1 555 010 20{n:02d}\n\nSummary\n"
        f"Backend engineer, Zorblax{n} certified, building Python and Django services.\n\n"
        "Skills\nPython, Django, PostgreSQL\n"
    ).encode()


@pytest.fixture
def world(staff, skills, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resumes = [
            resume_create(owner=staff, data=resume_text(n), filename=f"cv{n}.txt")[0]
            for n in range(3)
        ]
        job = job_create(
            owner=staff,
            title="Python Engineer",
            description="<p>Django services.</p><h3>Requirements</h3><ul><li>Python</li></ul>",
        )
    for resume in resumes:
        MatchFeedback.objects.create(
            job=job, resume=resume, user=staff, decision="shortlist", note=f"Call {NAME} Monday"
        )
        # What older versions wrote in the admin log: the candidate's name.
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(Resume),
            object_id=str(resume.pk),
            object_repr=f"{NAME} {resume.pk}",
            action_flag=CHANGE,
        )
    store_sync("resume")  # the shared store and its BM25 index hold every resume
    lexical_rebuild("resume")
    return {"resumes": [Resume.objects.get(pk=r.pk) for r in resumes], "job": job}


def saved_ids() -> set[int]:
    """The resumes of the store version on disk that every process maps."""
    root = store_root("resume")
    store = DocumentStore.load(root / (root / "CURRENT").read_text().strip())
    return set(store.ids_of(np.arange(len(store))))


def saved_bytes() -> bytes:
    folder = store_root("resume", embedder_get().model_id)
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def in_process_ids() -> set[int]:
    store = store_get("resume")
    return set(store.ids_of(np.arange(len(store))))


def cache_files(text: str) -> list[Path]:
    from django.conf import settings

    root = Path(settings.ARTIFACTS_DIR) / "embedding-cache"
    return list(root.rglob(f"{text_sha256(text)}*"))


def traces(resume: Resume) -> dict:
    """Everything derived from ``resume`` that an erasure must remove."""
    vector = ResumeEmbedding.objects.get(resume=resume).as_array().tobytes()
    return {
        "file": Path(resume.original_file.path),
        "cache": cache_files(resume.text),
        "vector": vector,
    }


def assert_gone(resume: Resume, before: dict, *, via: str, action: str) -> None:
    assert not before["file"].exists()
    assert before["cache"] and not any(p.exists() for p in before["cache"])
    assert not ResumeEmbedding.objects.filter(resume_id=resume.pk).exists()
    assert resume.pk not in saved_ids()
    assert before["vector"] not in saved_bytes()  # every version rewritten, not tombstoned
    assert resume.pk not in in_process_ids()
    assert not MatchFeedback.objects.filter(resume_id=resume.pk).exclude(note="").exists()
    event = AuditEvent.objects.get(action=action, object_id=resume.pk)
    assert event.details["via"] == via
    assert NAME not in str(event.details) and "quillon" not in str(event.details)
    assert (
        not LogEntry.objects.filter(object_repr__contains=NAME)
        .filter(object_id=str(resume.pk))
        .exists()
    )


def test_erasing_through_the_api_removes_every_trace(
    staff, world, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    resume = world["resumes"][0]
    before = traces(resume)
    api = APIClient()
    api.force_authenticate(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/resumes/{resume.pk}/").status_code == 204
    assert not Resume.objects.filter(pk=resume.pk).exists()
    assert_gone(resume, before, via="api", action=AuditEvent.Action.ERASED)
    assert {r.pk for r in world["resumes"][1:]} <= saved_ids()
    assert not lexical_get("resume")[0].scores("Zorblax0").any()  # rebuilt without the text


def test_deleting_in_the_admin_is_the_same_erasure_and_the_log_keeps_no_name(
    staff_client, world, django_capture_on_commit_callbacks
):
    resume = world["resumes"][0]
    before = traces(resume)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/recruiting/resume/{resume.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert_gone(resume, before, via="admin", action=AuditEvent.Action.ERASED)
    deletion = LogEntry.objects.filter(object_id=str(resume.pk)).latest("id")
    assert deletion.object_repr == f"Resume #{resume.pk}"


def test_the_admins_bulk_delete_erases_every_selected_candidate(
    staff_client, world, django_capture_on_commit_callbacks
):
    chosen = world["resumes"][:2]
    before = [traces(r) for r in chosen]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/recruiting/resume/",
            {
                "action": "delete_selected",
                "_selected_action": [r.pk for r in chosen],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    for resume, trace in zip(chosen, before, strict=True):
        assert_gone(resume, trace, via="admin", action=AuditEvent.Action.ERASED)
    assert (
        not LogEntry.objects.filter(object_repr__contains=NAME)
        .exclude(object_id=str(world["resumes"][2].pk))
        .exists()
    )
    assert Resume.objects.filter(pk=world["resumes"][2].pk).exists()


def test_anonymising_drops_the_vector_and_the_notes_and_keeps_the_decision(
    world, settings, django_capture_on_commit_callbacks
):
    resume = world["resumes"][0]
    before = traces(resume)
    Resume.objects.filter(pk=resume.pk).update(created_at=resume.created_at.replace(year=2000))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_candidates", stdout=io.StringIO())
    assert_gone(resume, before, via="retention", action=AuditEvent.Action.ANONYMISED)
    feedback = MatchFeedback.objects.get(resume=resume)
    assert (feedback.decision, feedback.note) == ("shortlist", "")
    assert MatchFeedback.objects.exclude(resume=resume).exclude(note="").count() == 2


def test_another_process_drops_an_erased_candidate_before_its_next_search(
    world, settings, django_capture_on_commit_callbacks
):
    """The erasing process cleans the stores when it commits; here it is another one: this
    process's mapped store learns of the erasure from the audit log before its next search."""
    from recruiting.services.erasure import resumes_erase

    settings.MATCH_LEXICAL_REFRESH_SECONDS = 3600
    resume = world["resumes"][0]
    assert resume.pk in in_process_ids()
    everyone = np.ones(len(store_get("resume")), dtype=bool)
    assert store_get("resume").ids_of(
        matching._lexical_rows("resume", "Zorblax0", 5, everyone)
    ) == [resume.pk]
    with django_capture_on_commit_callbacks(execute=False):  # another process's commit hooks
        resumes_erase(resumes=[resume], via="api")
    assert resume.pk not in in_process_ids()
    store = store_get("resume")
    assert matching._lexical_rows("resume", "Zorblax0", 5, np.ones(len(store), bool)) == []


def test_a_resume_is_named_by_its_id_wherever_django_prints_it(world):
    resume = world["resumes"][0]
    assert str(resume) == f"Resume #{resume.pk}"
    assert NAME not in str(resume)
    assert resume.display_name == NAME
    assert np.isfinite(ResumeEmbedding.objects.get(resume=resume).as_array()).all()
