"""Adversarial free-text requirements: ranking resumes against a pasted job description of tag
soup or a long run of one pattern costs a bounded multiple of ranking against a normal one (the
measure of ``recruiting/tests/test_adversarial_inputs``: CPU time as a ratio, peak RSS growth)."""

from __future__ import annotations

import pytest

from recruiting.services.resumes import resume_create_from_text
from recruiting.tests.test_adversarial_inputs import (
    NORMAL_JOB_HTML,
    NORMAL_RESUME,
    RUNS,
    TAG_SOUP,
    answered,
    bounded,
    normal_cost,
)

pytestmark = pytest.mark.django_db

LIMIT = 200_000  # the longest description the API takes


@pytest.fixture
def resume(recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=NORMAL_RESUME)
    return resume


@pytest.mark.parametrize(
    "description",
    [
        pytest.param("Python, " * (LIMIT // 8), id="one sentence of skills"),
        pytest.param("SQL. " * (LIMIT // 5), id="many sentences of skills"),
        pytest.param(RUNS["combining marks"][:LIMIT], id="combining marks"),
        pytest.param(RUNS["blank lines"][:LIMIT], id="blank lines"),
        pytest.param(RUNS["hyphen line ends"][:LIMIT], id="hyphen line ends"),
        pytest.param(TAG_SOUP["100k nested list items"][:LIMIT], id="nested list items"),
    ],
)
def test_ranking_against_an_adversarial_description_costs_a_bounded_multiple_of_a_normal_one(
    api_client, resume, description
):
    def rank(text: str):
        body = {"job": {"title": "Engineer", "description": text}, "resume_ids": [resume.pk]}
        return api_client.post("/api/v1/rank/", body, format="json")

    normal = normal_cost(lambda: answered(rank(NORMAL_JOB_HTML)))
    response = bounded(lambda: rank(description), normal)
    assert answered(response) == 200
