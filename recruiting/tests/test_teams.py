"""Teams: a team's recruiters share one pool of candidates, jobs and job sources; another team
sees none of it (404), staff see every team's, and a one-team installation needs no set-up."""

from __future__ import annotations

import pytest

from recruiting.models import Job, JobSource, Resume, Team, TeamMembership
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

CV = """Tara Team
tara@example.com

Summary
Backend engineer building Python and Django services.

Skills
Python, Django
"""


@pytest.fixture
def pool(recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=CV)
        job = job_create(owner=recruiter, title="Python Engineer", description="Python, Django")
    return {"resume": resume, "job": job}


def test_a_recruiter_without_a_membership_works_in_the_default_team(db):
    from django.contrib.auth import get_user_model

    from recruiting.models import user_team_id

    user = get_user_model().objects.create_user("nina", password="a-long-test-password-5")
    default = Team.objects.get(is_default=True)
    assert user_team_id(user) == default.pk
    resume, _ = resume_create_from_text(owner=user, text=CV)
    assert resume.team == default


def test_there_is_at_most_one_default_team(db):
    from django.db import IntegrityError, transaction

    Team.objects.default()
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(name="Second default", is_default=True)


def test_a_teammate_sees_and_opens_the_candidates_and_jobs_a_colleague_added(
    pool, teammate_client, teammate_api
):
    resume, job = pool["resume"], pool["job"]
    assert "Tara Team" in teammate_client.get("/resumes/").content.decode()
    assert teammate_client.get(f"/resumes/{resume.pk}/").status_code == 200
    assert "Python Engineer" in teammate_client.get("/jobs/").content.decode()
    assert teammate_client.get(f"/jobs/{job.pk}/").status_code == 200
    assert [r["id"] for r in teammate_api.get("/api/v1/resumes/").json()["results"]] == [resume.pk]
    assert teammate_api.get(f"/api/v1/jobs/{job.pk}/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/resumes/{resume}/",
        "/resumes/{resume}/matches/",
        "/resumes/{resume}/file/",
        "/jobs/{job}/",
        "/jobs/{job}/candidates/",
        "/jobs/{job}/candidates/{resume}/explanation/",
    ],
)
def test_another_teams_recruiter_gets_a_404_on_every_page_of_the_pool(pool, other_client, url):
    url = url.format(resume=pool["resume"].pk, job=pool["job"].pk)
    assert other_client.get(url).status_code == 404


def test_another_team_finds_nothing_of_the_pool_in_lists_and_the_api(pool, other_client, other_api):
    assert "Tara Team" not in other_client.get("/resumes/").content.decode()
    assert "Python Engineer" not in other_client.get("/jobs/").content.decode()
    assert other_api.get("/api/v1/resumes/").json()["results"] == []
    assert other_api.get("/api/v1/jobs/").json()["results"] == []
    assert other_api.get(f"/api/v1/resumes/{pool['resume'].pk}/").status_code == 404
    assert other_api.get(f"/api/v1/jobs/{pool['job'].pk}/").status_code == 404
    assert other_api.delete(f"/api/v1/resumes/{pool['resume'].pk}/").status_code == 404
    assert Resume.objects.filter(pk=pool["resume"].pk).exists()


def test_staff_see_every_teams_pool(pool, staff_client):
    assert staff_client.get(f"/resumes/{pool['resume'].pk}/").status_code == 200
    assert staff_client.get(f"/jobs/{pool['job'].pk}/").status_code == 200


def test_anonymous_visitors_see_nothing_of_any_pool(pool, client, anon_api):
    assert client.get(f"/resumes/{pool['resume'].pk}/").status_code == 302
    assert anon_api.get("/api/v1/resumes/").status_code in (401, 403)


def test_a_teammate_uploading_the_same_file_gets_the_existing_candidate(pool, teammate):
    again, created = resume_create_from_text(owner=teammate, text=CV)
    assert not created and again.pk == pool["resume"].pk


def test_the_same_file_in_another_team_is_that_teams_own_candidate(pool, other_recruiter):
    theirs, created = resume_create_from_text(owner=other_recruiter, text=CV)
    assert created and theirs.pk != pool["resume"].pk
    assert theirs.team == TeamMembership.objects.get(user=other_recruiter).team


def test_postings_belong_to_the_team_that_owns_the_source_and_follow_it(
    tmp_path, other_team, team, skills
):
    import json

    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    (tmp_path / "jobs.json").write_text(
        json.dumps([{"id": "a1", "title": "Data Engineer", "description_html": "<p>SQL</p>"}])
    )
    source = source_save(
        source=JobSource(name="Globex board", kind="filedrop", url=str(tmp_path), team=other_team)
    )
    ingestion_run_now(source=source)
    assert Job.objects.get(external_id="a1").team == other_team
    source.team = team
    source_save(source=source)
    assert Job.objects.get(external_id="a1").team == team


def test_a_source_saved_without_a_team_belongs_to_the_default_team(db):
    from recruiting.services.scheduling import source_save

    source = source_save(source=JobSource(name="Board", kind="rss", url="https://example.com/f"))
    assert source.team.is_default


def test_job_boards_are_for_admins_who_see_each_boards_team(client, recruiter, staff, other_team):
    from recruiting.services.scheduling import source_save

    source_save(
        source=JobSource(name="Globex board", kind="rss", url="https://e.com/a", team=other_team)
    )
    client.force_login(recruiter)
    assert client.get("/sources/").status_code == 403
    client.force_login(staff)
    body = client.get("/sources/").content.decode()
    assert "Globex board" in body and "Globex Hiring" in body


def test_moving_a_recruiter_to_another_team_leaves_their_candidates_with_the_first(
    pool, recruiter, other_team, client
):
    from recruiting.services.teams import team_member_set

    team_member_set(user=recruiter, team=other_team)
    client.force_login(recruiter)
    assert client.get(f"/resumes/{pool['resume'].pk}/").status_code == 404
    # Uploading the same file again in the new team makes the new team's own candidate.
    again, created = resume_create_from_text(owner=recruiter, text=CV)
    assert created and again.team == other_team


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_rows_to_the_default_team(django_user_model):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("recruiting", "0010_userpreference")])
    old = executor.loader.project_state([("recruiting", "0010_userpreference")]).apps
    user = old.get_model("auth", "User").objects.create(username="legacy")
    old.get_model("recruiting", "Resume").objects.create(owner_id=user.pk, sha256="a" * 64)
    old.get_model("recruiting", "Job").objects.create(title="Legacy job", external_id="x")
    old.get_model("recruiting", "JobSource").objects.create(name="Legacy board", kind="rss")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    default = Team.objects.get(is_default=True)
    assert Resume.objects.get().team == default
    assert Job.objects.get().team == default
    assert JobSource.objects.get().team == default
