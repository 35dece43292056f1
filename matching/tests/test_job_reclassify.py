"""Reclassification of jobs: a predicted category follows the classifier, a category a recruiter
chose or a job board gave stays."""

from __future__ import annotations

import pytest

from matching.services import documents
from mlcore.classifiers import Prediction
from recruiting.models import Job
from recruiting.services.embedding import embedder_get
from recruiting.services.jobs import job_category_update, job_create, jobs_embed

pytestmark = pytest.mark.django_db


class AlwaysSales:
    """A stand-in classifier that files every text under sales."""

    def __init__(self):
        self.embedder_model_id_ = embedder_get().model_id

    def predict(self, texts, *, embeddings=None):
        return [Prediction("sales", 0.91, (("sales", 0.91),)) for _ in texts]


@pytest.fixture
def classifier(monkeypatch):
    monkeypatch.setattr(documents, "active_classifier", lambda kind: AlwaysSales())


@pytest.fixture
def jobs(recruiter, skills, categories):
    made = [
        job_create(owner=recruiter, title=f"Job {i}", description="<p>Python services.</p>")
        for i in range(4)
    ]
    jobs_embed(made)  # the vectors the classifier reads (the task runs after commit)
    return made


def test_a_new_job_and_a_predicted_category_are_classified_again(jobs, categories, classifier):
    Job.objects.filter(pk=jobs[1].pk).update(
        category=categories["accountant"], category_confidence=0.4
    )
    assert documents.documents_classify(kind="job", ids=[jobs[0].pk, jobs[1].pk]) == 2
    for job in jobs[:2]:
        job.refresh_from_db()
        assert (job.category.slug, job.category_confidence) == ("sales", 0.91)


def test_a_category_chosen_by_a_recruiter_is_not_overwritten(
    jobs, categories, recruiter, classifier
):
    job_category_update(job=jobs[2], actor=recruiter, category=categories["healthcare"])
    documents.documents_classify(kind="job", ids=[jobs[2].pk])
    jobs[2].refresh_from_db()
    assert jobs[2].category == categories["healthcare"]
    assert jobs[2].category_manual and jobs[2].category_confidence is None


def test_a_category_given_by_the_job_board_is_not_overwritten(jobs, categories, classifier):
    Job.objects.filter(pk=jobs[3].pk).update(
        category=categories["healthcare"], category_confidence=None
    )
    assert documents.documents_classify(kind="job", ids=[jobs[3].pk]) == 0
    jobs[3].refresh_from_db()
    assert jobs[3].category == categories["healthcare"]


def test_clearing_a_chosen_category_lets_the_classifier_predict_it_again(
    jobs, categories, recruiter, classifier, django_capture_on_commit_callbacks
):
    job_category_update(job=jobs[0], actor=recruiter, category=categories["healthcare"])
    with django_capture_on_commit_callbacks(execute=True):
        job_category_update(job=jobs[0], actor=recruiter, category=None)
    jobs[0].refresh_from_db()
    assert jobs[0].category.slug == "sales" and not jobs[0].category_manual


def test_a_recruiter_who_chooses_a_category_while_the_model_predicts_wins(
    jobs, categories, recruiter, monkeypatch
):
    class ChosenMeanwhile(AlwaysSales):
        def predict(self, texts, *, embeddings=None):
            job_category_update(job=jobs[0], actor=recruiter, category=categories["healthcare"])
            return super().predict(texts, embeddings=embeddings)

    monkeypatch.setattr(documents, "active_classifier", lambda kind: ChosenMeanwhile())
    documents.documents_classify(kind="job", ids=[jobs[0].pk])
    jobs[0].refresh_from_db()
    assert jobs[0].category == categories["healthcare"] and jobs[0].category_manual


def test_after_an_activation_predicted_jobs_follow_the_new_model_and_chosen_ones_stay(
    jobs, categories, recruiter, classifier, monkeypatch, django_capture_on_commit_callbacks
):
    from matching.models import ModelVersion
    from matching.services import registry

    Job.objects.filter(pk=jobs[1].pk).update(
        category=categories["accountant"], category_confidence=0.4
    )
    job_category_update(job=jobs[2], actor=recruiter, category=categories["healthcare"])
    monkeypatch.setattr(registry, "_verify", lambda version: None)  # no artifact on disk here
    version = ModelVersion.objects.create(version="v-new", artifact_path="/nowhere")
    with django_capture_on_commit_callbacks(execute=True):
        registry.model_version_activate(version=version)
    slugs = {
        j.pk: (j.category.slug if j.category else None)
        for j in Job.objects.filter(pk__in=[j.pk for j in jobs])
    }
    assert slugs[jobs[0].pk] == slugs[jobs[1].pk] == "sales"
    assert slugs[jobs[2].pk] == "healthcare"


def test_a_job_with_no_words_is_left_unmatched_and_the_rest_of_its_batch_is_embedded(
    jobs, recruiter, caplog
):
    """Stored before the services refused such texts (or edited in the admin)."""
    from recruiting.models import JobEmbedding

    wordless = jobs[0]
    Job.objects.filter(pk=wordless.pk).update(
        title="!!!", description_text="--- ***", content_hash="0" * 64
    )
    wordless.refresh_from_db()
    fresh = job_create(owner=recruiter, title="Accountant", description="<p>Ledgers.</p>")
    jobs_embed([wordless, fresh])
    assert JobEmbedding.objects.filter(job=fresh).exists()
    assert f"jobs [{wordless.pk}] have no letters or digits" in caplog.text
