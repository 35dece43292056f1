"""Every way a resume comes in ends classified by the active model: the API, the upload page,
rank-a-pile and the processing task (``settings.DOCUMENTS_CLASSIFIER`` names matching's
classifier, which recruiting calls after embedding)."""

from __future__ import annotations

import io

import pytest

from matching.models import PileRun
from matching.services import documents
from matching.services.pile import pile_run_start
from mlcore.classifiers import Prediction
from recruiting.models import Resume
from recruiting.services.embedding import embedder_get
from recruiting.services.resumes import resume_create_from_text
from recruiting.tasks import resume_process_task

pytestmark = pytest.mark.django_db

TEXT = "Jane Example\n\nSummary\nSells software to schools.\n\nSkills\nPython, Django\n"


class AlwaysSales:
    """A stand-in classifier that files every text under sales."""

    def __init__(self):
        self.embedder_model_id_ = embedder_get().model_id

    def predict(self, texts, *, embeddings=None):
        return [Prediction("sales", 0.91, (("sales", 0.91),)) for _ in texts]


@pytest.fixture(autouse=True)
def classifier(monkeypatch, categories, skills):
    monkeypatch.setattr(documents, "active_classifier", lambda kind: AlwaysSales())


def _file(name: str, text: str) -> io.BytesIO:
    buf = io.BytesIO(text.encode())
    buf.name = name
    return buf


def _category(resume_id: int) -> str | None:
    resume = Resume.objects.select_related("category").get(pk=resume_id)
    return resume.category.slug if resume.category else None


def test_a_resume_uploaded_through_the_api_is_classified(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/resumes/", {"file": [_file("jane.txt", TEXT)]}, format="multipart"
        )
    assert response.status_code in (200, 201)
    assert _category(Resume.objects.get().pk) == "sales"


def test_a_resume_uploaded_on_the_page_is_classified(
    recruiter_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post("/resumes/upload/", {"files": [_file("jane.txt", TEXT)]})
    assert response.status_code == 200
    assert _category(Resume.objects.get().pk) == "sales"


def test_a_resume_uploaded_into_a_pile_is_classified(recruiter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = pile_run_start(
            user=recruiter,
            title="Sales lead",
            description="Sell software.",
            files=[("jane.txt", TEXT.encode())],
        )
    run.refresh_from_db()
    assert run.status == PileRun.Status.SUCCEEDED
    assert _category(run.resume_ids[0]) == "sales"


def test_a_resume_processed_by_the_task_is_classified(
    recruiter, django_capture_on_commit_callbacks
):
    resume, _ = resume_create_from_text(owner=recruiter, text=TEXT)  # queued after commit: never
    assert resume.status == Resume.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        resume_process_task.delay(resume.pk)
    assert _category(resume.pk) == "sales"
