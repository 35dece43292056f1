"""Inputs the model cannot or should not take in one request are refused with a 400 that names
the field or the limit, never a 500: a job text with no words, too many characters to classify;
and the pages that do a match endpoint's work draw on its allowance."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from conftest import cache_clear
from matching.models import PileRun
from matching.services.classify import CLASSIFY_MAX_TOTAL_CHARS
from matching.services.pile import pile_run_start
from recruiting.models import Job, user_team_id
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

CV = """Ada Lovelace
ada@example.com

Summary
Backend engineer building Python and Django services on PostgreSQL.

Skills
Python, Django, PostgreSQL
"""
NO_WORDS = ["---", "!!! ... ???", "<p>***</p>", "<p> </p>"]


@pytest.fixture
def pair(recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=CV)
        job = job_create(
            owner=recruiter, title="Python Engineer", description="Python, Django, PostgreSQL."
        )
    return {"resume": resume, "job": job}


def assert_names_title_and_description(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert "letter or digit" in body["message"]
    assert set(body["fields"]) == {"title", "description"}
    return body


# -- a job text with no letters or digits -----------------------------------------------------
@pytest.mark.parametrize("title", ["---", "!!!", "  ---  "])
def test_ranking_against_a_job_text_without_words_is_a_400_naming_the_fields(
    api_client, pair, title
):
    response = api_client.post(
        "/api/v1/rank/",
        {"job": {"title": title}, "resume_ids": [pair["resume"].pk]},
        format="json",
    )
    assert_names_title_and_description(response)


def test_a_job_text_with_one_word_in_either_field_is_ranked(api_client, pair):
    for job in ({"title": "---", "description": "Python"}, {"title": "Go", "description": "!!"}):
        response = api_client.post(
            "/api/v1/rank/", {"job": job, "resume_ids": [pair["resume"].pk]}, format="json"
        )
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("description", NO_WORDS)
def test_creating_a_job_without_words_is_a_400_and_stores_nothing(api_client, skills, description):
    response = api_client.post(
        "/api/v1/jobs/", {"title": "!!!", "description": description}, format="json"
    )
    assert_names_title_and_description(response)
    assert not Job.objects.exists()


def test_editing_a_job_down_to_no_words_is_a_400_and_keeps_the_job(api_client, pair):
    job = pair["job"]
    response = api_client.patch(
        f"/api/v1/jobs/{job.pk}/", {"title": "???", "description": "..."}, format="json"
    )
    assert_names_title_and_description(response)
    job.refresh_from_db()
    assert (job.title, job.description_text) == ("Python Engineer", "Python, Django, PostgreSQL.")


def test_the_job_page_shows_the_error_next_to_the_fields(recruiter_client, skills):
    response = recruiter_client.post("/jobs/new/", {"title": "!!!", "description": "!!!"})
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("title", "description"):
        assert "letters or digits" in body[body.index(f'id="id_{field}-error"') :][:200]
    assert not Job.objects.exists()


def test_rank_a_pile_refuses_a_pasted_description_without_words(recruiter, pair):
    from config.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        pile_run_start(user=recruiter, title="---", description="***", resumes=[pair["resume"]])
    assert set(refused.value.extra["fields"]) == {"job", "description"}
    assert not PileRun.objects.exists()


def test_explaining_a_stored_run_without_words_is_a_400_page(recruiter, recruiter_client, pair):
    # A run stored before its text was checked for words.
    run = PileRun.objects.create(
        team_id=user_team_id(recruiter),
        created_by=recruiter,
        title="---",
        resume_ids=[pair["resume"].pk],
        total=1,
    )
    response = recruiter_client.get(
        f"/rank/runs/{run.pk}/candidates/{pair['resume'].pk}/explanation/"
    )
    assert response.status_code == 400
    assert "letter or digit" in response.content.decode()


# -- classify: the request's total work is capped ---------------------------------------------
def test_classifying_more_characters_than_the_limit_is_a_400_naming_it(api_client):
    share = CLASSIFY_MAX_TOTAL_CHARS // 4 + 1
    response = api_client.post(
        "/api/v1/classify/",
        {"kind": "resume", "texts": ["Python " * (share // 7)] * 5},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "too_large"
    assert f"{CLASSIFY_MAX_TOTAL_CHARS:,}" in body["message"]
    assert "texts" in body["fields"]


def test_one_text_longer_than_the_limit_is_refused_by_the_field(api_client):
    response = api_client.post(
        "/api/v1/classify/",
        {"kind": "job", "texts": ["x" * (CLASSIFY_MAX_TOTAL_CHARS + 1)]},
        format="json",
    )
    assert response.status_code == 400
    assert "texts" in response.json()["fields"]


def test_texts_within_the_limit_reach_the_classifier(api_client):
    # No model is active in the tests: the request gets past the limit to the 409.
    texts = ["Python developer. " * 100] * 10
    assert sum(map(len, texts)) <= CLASSIFY_MAX_TOTAL_CHARS
    response = api_client.post("/api/v1/classify/", {"kind": "job", "texts": texts}, format="json")
    assert response.status_code == 409, response.content


def test_the_schema_documents_the_limit(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert f"{CLASSIFY_MAX_TOTAL_CHARS:,} characters" in schema


# -- the match pages draw on the match allowance ----------------------------------------------
@pytest.fixture
def match_rate(monkeypatch):
    cache_clear()
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "match", "2/min")
    yield
    cache_clear()


def match_pages(pair, recruiter) -> dict[str, str]:
    job, resume = pair["job"], pair["resume"]
    run = PileRun.objects.create(
        team_id=user_team_id(recruiter),
        created_by=recruiter,
        job=job,
        resume_ids=[resume.pk],
        total=1,
    )
    return {
        "resume_matches": f"/resumes/{resume.pk}/matches/",
        "job_candidates": f"/jobs/{job.pk}/candidates/",
        "explanation": f"/jobs/{job.pk}/candidates/{resume.pk}/explanation/",
        "pile_run_explain": f"/rank/runs/{run.pk}/candidates/{resume.pk}/explanation/",
    }


@pytest.mark.parametrize(
    "page", ["resume_matches", "job_candidates", "explanation", "pile_run_explain"]
)
def test_a_match_page_answers_429_once_the_match_allowance_is_spent(
    recruiter, recruiter_client, pair, match_rate, page
):
    url = match_pages(pair, recruiter)[page]
    assert [recruiter_client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = recruiter_client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many requests: the limit is 2 per min" in refused.content.decode()
    fragment = recruiter_client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 429
    assert "<html" not in fragment.content.decode()


def test_a_head_or_a_post_is_counted_like_a_get(recruiter, recruiter_client, pair, match_rate):
    url = match_pages(pair, recruiter)["job_candidates"]
    assert recruiter_client.head(url).status_code == 200
    assert recruiter_client.post(url).status_code == 200
    assert recruiter_client.get(url).status_code == 429


def test_the_pages_and_the_api_draw_on_one_match_allowance(
    recruiter, recruiter_client, api_client, pair, match_rate
):
    job = pair["job"]
    assert api_client.get(f"/api/v1/jobs/{job.pk}/candidates/").status_code == 200
    assert recruiter_client.get(f"/jobs/{job.pk}/candidates/").status_code == 200
    assert recruiter_client.get(f"/jobs/{job.pk}/candidates/").status_code == 429
    assert api_client.get(f"/api/v1/jobs/{job.pk}/candidates/").status_code == 429
