"""One job filter: the jobs page, the jobs API and the jobs a resume is matched against read a
filter with the same meaning."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.exceptions import ValidationError

from matching.apis import filtered_jobs
from recruiting.models import Job, JobSkill, JobSource, user_team_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(recruiter, categories):
    team_id = user_team_id(recruiter)
    source = JobSource.objects.create(
        name="Board", kind="greenhouse", board_token="acme", team_id=team_id
    )
    common = {
        "owner": recruiter,
        "team_id": team_id,
        "posted_at": datetime(2026, 3, 1, tzinfo=UTC),
    }
    made = {
        "nurse": Job.objects.create(
            title="Night Nurse", company="Mercy", location="Boston", external_id="1", **common
        ),
        "coder": Job.objects.create(
            title="Developer",
            company="Acme",
            location="Berlin",
            description_text="We write Python for nurses' rotas.",
            category=categories["information-technology"],
            external_id="2",
            **{**common, "posted_at": datetime(2026, 5, 1, tzinfo=UTC)},
        ),
        "remote": Job.objects.create(
            title="Bookkeeper", remote=True, source=source, external_id="3", **common
        ),
    }
    JobSkill.objects.create(job=made["coder"], term="month-end close", key="month-end close")
    return made


def titles(jobs) -> set[str]:
    return {j.title for j in jobs}


def page_titles(client, params: dict) -> set[str]:
    page = client.get("/jobs/", params)
    assert page.status_code == 200
    return {j.title for j in page.context["page_obj"]}


def api_titles(api, params: dict) -> set[str]:
    response = api.get("/api/v1/jobs/", params)
    assert response.status_code == 200, response.content
    return {j["title"] for j in response.json()["results"]}


def match_titles(user, params: dict) -> set[str]:
    return titles(filtered_jobs({"open_only": True, **params}, user))


def test_a_search_reads_the_title_company_and_description_everywhere(
    jobs, recruiter_client, api_client
):
    assert page_titles(recruiter_client, {"q": "nurse"}) == {"Night Nurse", "Developer"}
    assert api_titles(api_client, {"q": "nurse"}) == {"Night Nurse", "Developer"}
    assert api_titles(api_client, {"q": "mercy"}) == {"Night Nurse"}


def test_a_category_is_the_same_whether_chosen_on_the_page_or_named_by_slug(
    jobs, recruiter, recruiter_client, api_client, categories
):
    chosen = categories["information-technology"]
    assert page_titles(recruiter_client, {"category": chosen.pk}) == {"Developer"}
    assert api_titles(api_client, {"category": chosen.slug}) == {"Developer"}
    assert match_titles(recruiter, {"category": chosen.slug}) == {"Developer"}


def test_remote_only_on_the_page_and_remote_true_in_the_apis_give_the_remote_jobs(
    jobs, recruiter, recruiter_client, api_client
):
    assert page_titles(recruiter_client, {"remote": "on"}) == {"Bookkeeper"}
    assert len(page_titles(recruiter_client, {})) == 3
    assert api_titles(api_client, {"remote": "true"}) == {"Bookkeeper"}
    assert api_titles(api_client, {"remote": "false"}) == {"Night Nurse", "Developer"}
    assert match_titles(recruiter, {"remote": False}) == {"Night Nurse", "Developer"}


def test_a_skill_is_any_requirement_of_the_job_free_text_terms_included(
    jobs, recruiter, api_client
):
    assert api_titles(api_client, {"skill": "Month-End Close"}) == {"Developer"}
    assert match_titles(recruiter, {"skill": "month-end close"}) == {"Developer"}


def test_a_location_also_lets_remote_jobs_through(jobs, recruiter, api_client):
    assert api_titles(api_client, {"location": "bost"}) == {"Night Nurse", "Bookkeeper"}
    assert match_titles(recruiter, {"location": "bost"}) == {"Night Nurse", "Bookkeeper"}


def test_dates_and_sources_mean_the_same_in_both_apis(jobs, recruiter, api_client):
    after = datetime(2026, 4, 1, tzinfo=UTC)
    assert api_titles(api_client, {"posted_after": after.isoformat()}) == {"Developer"}
    assert match_titles(recruiter, {"posted_after": after}) == {"Developer"}
    source = jobs["remote"].source_id
    assert api_titles(api_client, {"source": source}) == {"Bookkeeper"}
    assert match_titles(recruiter, {"source": source}) == {"Bookkeeper"}


def test_an_unknown_source_is_refused_by_both_apis(jobs, recruiter, api_client):
    assert api_client.get("/api/v1/jobs/", {"source": 999999}).status_code == 400
    with pytest.raises(ValidationError):
        match_titles(recruiter, {"source": 999999})


def test_matching_takes_open_jobs_only_unless_asked_otherwise(jobs, recruiter):
    Job.objects.filter(pk=jobs["nurse"].pk).update(status="closed", closed_at=datetime.now(UTC))
    assert "Night Nurse" not in match_titles(recruiter, {})
    assert "Night Nurse" in match_titles(recruiter, {"open_only": False})
