"""Recruiting classifies what it embeds by calling the function the settings name (the matching
app's classifier), after commit; a failing classifier never undoes the upload."""

from __future__ import annotations

import logging

import pytest

from recruiting.services.classification import documents_classify
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

calls: list[dict] = []


def record(*, kind: str, ids: list[int]) -> int:
    calls.append({"kind": kind, "ids": ids})
    return len(ids)


def fail(*, kind: str, ids: list[int]) -> int:
    raise RuntimeError("the classifier broke")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def test_the_named_classifier_is_called_with_the_documents_once_the_transaction_commits(
    settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_CLASSIFIER = f"{__name__}.record"
    with django_capture_on_commit_callbacks(execute=True):
        documents_classify(kind="resume", ids=[3, 4])
        assert calls == []
    assert calls == [{"kind": "resume", "ids": [3, 4]}]


def test_a_failing_classifier_is_logged_and_raises_nothing(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.DOCUMENTS_CLASSIFIER = f"{__name__}.fail"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        documents_classify(kind="job", ids=[7])
    assert "classifying job [7] failed" in caplog.text


def test_processing_a_resume_classifies_it(
    settings, recruiter, skills, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_CLASSIFIER = f"{__name__}.record"
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text="Jane Example\nPython, Django")
    assert calls == [{"kind": "resume", "ids": [resume.pk]}]
