"""Matching through services, API and pages: ranking, filters, explanations, requirement edits, feedback."""

from __future__ import annotations

import pytest

from matching.models import MatchFeedback
from recruiting.models import Resume
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

PYTHON_DEV = """Alice Python
alice@example.com

Summary
Backend engineer building Python and Django services with PostgreSQL on AWS.

Experience
Backend Engineer, Acme, 2017 - Present
- Built Django APIs and PostgreSQL schemas; deployed with Docker and Kubernetes.

Skills
Python, Django, PostgreSQL, Docker, Kubernetes, AWS
"""

JAVA_DEV = """Bruno Java
bruno@example.com

Summary
Backend engineer building Java and Spring Boot services.

Experience
Java Developer, Globex, 2016 - Present
- Built Spring Boot microservices with SQL databases and Docker.

Skills
Java, Spring Boot, SQL, Docker
"""

ACCOUNTANT = """Carla Ledger
carla@example.com

Summary
Accountant with payroll and month-end close experience.

Experience
Staff Accountant, Umbrella, 2018 - Present
- Ran payroll and reconciliations in Excel.

Skills
Accounting, Payroll, Excel, Communication
"""


@pytest.fixture
def world(recruiter, skills, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resumes = {
            name: resume_create_from_text(owner=recruiter, text=text)[0]
            for name, text in [("alice", PYTHON_DEV), ("bruno", JAVA_DEV), ("carla", ACCOUNTANT)]
        }
        python_job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<p>You will build and run Django services for our booking platform.</p>"
            "<p>You will design PostgreSQL schemas and deploy them with Docker.</p><h3>Requirements</h3><ul><li>Python</li><li>Django</li>"
            "<li>PostgreSQL</li></ul><h3>Nice to have</h3><ul><li>Kubernetes</li></ul>",
        )
        java_job = job_create(
            owner=recruiter,
            title="Java Backend Engineer",
            description="<p>Build Spring Boot services.</p><h3>Requirements</h3><ul><li>Java</li><li>Spring Boot</li>"
            "<li>SQL</li></ul>",
        )
    return {
        "resumes": {k: Resume.objects.get(pk=v.pk) for k, v in resumes.items()},
        "python_job": python_job,
        "java_job": java_job,
    }


def test_candidates_for_a_job_put_the_best_fit_first_with_parts_that_add_up(api_client, world):
    response = api_client.get(f"/api/v1/jobs/{world['python_job'].pk}/candidates/", {"k": 3})
    assert response.status_code == 200, response.content
    body = response.json()
    names = [r["resume"]["name"] for r in body["results"]]
    assert names[0] == "Alice Python"
    top = body["results"][0]
    assert round(sum(top["parts"].values()), 2) == round(top["score"], 2)
    assert set(top["matched_required"]) >= {"Python", "Django", "PostgreSQL"}
    assert body["model_version"]


def test_an_explanation_cites_the_resume_line_that_proves_each_skill(api_client, world):
    alice = world["resumes"]["alice"]
    response = api_client.get(
        "/api/v1/explain/", {"job": world["python_job"].pk, "resume": alice.pk}
    )
    assert response.status_code == 200
    explanation = response.json()["explanation"]
    matched = {m["skill"]: m for m in explanation["matched"]}
    start, end = matched["Django"]["spans"][0]
    assert alice.text[start:end] == "Django"
    assert explanation["sentence_pairs"]
    assert explanation["summary"]


def test_jobs_for_a_resume_rank_the_matching_stack_first(api_client, world):
    bruno = world["resumes"]["bruno"]
    response = api_client.get(f"/api/v1/resumes/{bruno.pk}/matches/", {"k": 2})
    assert response.status_code == 200
    assert response.json()["results"][0]["job"]["id"] == world["java_job"].pk


TWIN_BODY = """
Summary
Backend engineer building services with PostgreSQL and Docker for a booking platform.

Experience
Backend Engineer, Hooli, 2017 - Present
- Built backend services and PostgreSQL schemas; deployed them with Docker.

Skills
"""


def test_editing_must_have_skills_changes_the_order(
    api_client, world, recruiter, django_capture_on_commit_callbacks
):
    # Two candidates alike in everything but their skills, so only the must-haves can order them.
    with django_capture_on_commit_callbacks(execute=True):
        resume_create_from_text(
            owner=recruiter, text="Tara Twin\n" + TWIN_BODY + "Python, Django, Docker\n"
        )
        resume_create_from_text(
            owner=recruiter, text="Gus Twin\n" + TWIN_BODY + "Go, Kubernetes, Docker\n"
        )
    job = world["python_job"]

    def order() -> list[str]:
        results = api_client.get(f"/api/v1/jobs/{job.pk}/candidates/", {"k": 5}).json()["results"]
        return [r["resume"]["name"] for r in results if "Twin" in r["resume"]["name"]]

    assert order() == ["Tara Twin", "Gus Twin"]
    response = api_client.put(
        f"/api/v1/jobs/{job.pk}/skills/",
        {"must_have": ["Go", "Kubernetes"], "nice_to_have": ["Docker"]},
        format="json",
    )
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["skills"] if s["requirement"] == "required"] == [
        "Go",
        "Kubernetes",
    ]
    assert order() == ["Gus Twin", "Tara Twin"]


def test_rank_free_text_requirements_with_an_excluded_skill(api_client, world):
    ids = [r.pk for r in world["resumes"].values()]
    response = api_client.post(
        "/api/v1/rank/",
        {
            "job": {
                "title": "Backend engineer",
                "description": "Services in Docker.",
                "must_have": ["Docker"],
                "exclude": ["Java"],
            },
            "resume_ids": ids,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    bruno = next(r for r in results if r["resume"]["name"] == "Bruno Java")
    assert bruno["excluded_present"] == ["Java"]
    assert results[0]["resume"]["name"] == "Alice Python"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [({"k": 0}, "k"), ({"k": 101}, "k"), ({"k": "ten"}, "k")],
)
def test_bad_match_parameters_get_a_400_with_a_message(api_client, world, params, fragment):
    response = api_client.get(f"/api/v1/jobs/{world['python_job'].pk}/candidates/", params)
    assert response.status_code == 400
    assert fragment in str(response.json())


def test_unknown_ids_and_malformed_bodies_get_4xx(api_client, world):
    assert api_client.get("/api/v1/jobs/999999/candidates/").status_code == 404
    assert (
        api_client.post(
            "/api/v1/rank/",
            {"job_id": world["python_job"].pk, "resume_ids": [999999]},
            format="json",
        ).status_code
        == 404
    )
    assert (
        api_client.post("/api/v1/rank/", "{not json", content_type="application/json").status_code
        == 400
    )
    assert api_client.post("/api/v1/rank/", {"resume_ids": "x"}, format="json").status_code == 400
    url = f"/api/v1/jobs/{world['python_job'].pk}/skills/"
    too_long = api_client.put(url, {"must_have": ["x" * 121]}, format="json")
    assert too_long.status_code == 400 and "120" in str(too_long.json())
    both = api_client.put(url, {"must_have": ["Python"], "exclude": ["python"]}, format="json")
    assert both.status_code == 400 and "both asked for and excluded" in str(both.json())
    no_letters = api_client.put(url, {"must_have": ["--"]}, format="json")
    assert no_letters.status_code == 400 and "letter or digit" in str(no_letters.json())


def test_another_teams_job_and_candidates_are_neither_ranked_nor_explained(world, other_api):
    job, alice = world["python_job"], world["resumes"]["alice"]
    assert other_api.get(f"/api/v1/jobs/{job.pk}/candidates/").status_code == 404
    assert other_api.get("/api/v1/explain/", {"job": job.pk, "resume": alice.pk}).status_code == 404
    rank = other_api.post(
        "/api/v1/rank/", {"job_id": job.pk, "resume_ids": [alice.pk]}, format="json"
    )
    assert rank.status_code == 404


def test_another_teams_own_job_never_ranks_this_teams_candidates(
    world, other_recruiter, other_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        theirs = job_create(
            owner=other_recruiter, title="Python Developer", description="Python, Django"
        )
    response = other_api.get(f"/api/v1/jobs/{theirs.pk}/candidates/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_teammate_ranks_and_explains_the_candidates_a_colleague_uploaded(world, teammate_api):
    job, alice = world["python_job"], world["resumes"]["alice"]
    response = teammate_api.get(f"/api/v1/jobs/{job.pk}/candidates/")
    assert response.status_code == 200
    assert response.json()["results"][0]["resume"]["id"] == alice.pk
    assert (
        teammate_api.get("/api/v1/explain/", {"job": job.pk, "resume": alice.pk}).status_code == 200
    )


def test_shortlisting_records_one_decision_that_can_be_changed(api_client, world, recruiter):
    alice = world["resumes"]["alice"]
    job = world["python_job"]
    for decision in ("shortlist", "reject"):
        response = api_client.post(
            "/api/v1/feedback/",
            {"job": job.pk, "resume": alice.pk, "decision": decision},
            format="json",
        )
        assert response.status_code == 201
    fb = MatchFeedback.objects.get()
    assert fb.decision == "reject"
    assert fb.score is not None


def test_classify_without_a_trained_model_says_so(api_client, world):
    response = api_client.post(
        "/api/v1/classify/", {"kind": "resume", "texts": ["Python developer"]}, format="json"
    )
    assert response.status_code == 409
    assert "train" in response.json()["message"]


def test_the_job_page_ranks_candidates_and_the_requirement_form_reranks_in_place(
    recruiter_client, world, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resume_create_from_text(
            owner=recruiter, text="Tara Twin\n" + TWIN_BODY + "Python, Django, Docker\n"
        )
        resume_create_from_text(
            owner=recruiter, text="Gus Twin\n" + TWIN_BODY + "Go, Kubernetes, Docker\n"
        )
    job = world["python_job"]
    page = recruiter_client.get(f"/jobs/{job.pk}/candidates/")
    assert page.status_code == 200
    assert page.content.decode().index("Alice Python") < page.content.decode().index("Carla Ledger")
    assert page.content.decode().index("Tara Twin") < page.content.decode().index("Gus Twin")
    saved = recruiter_client.post(
        f"/jobs/{job.pk}/requirements/", {"must_have": "Go, Kubernetes"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    # The requirements block comes back, and an event tells the candidates to rank again.
    assert saved.headers["HX-Trigger"] == "requirements-changed"
    assert "<html" not in saved.content.decode() and "Kubernetes" in saved.content.decode()
    partial = recruiter_client.get(f"/jobs/{job.pk}/candidates/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body
    assert 'hx-trigger="requirements-changed from:body"' in body
    assert body.index("Gus Twin") < body.index("Tara Twin")


def test_the_shortlist_button_works_without_javascript(recruiter_client, world):
    job, alice = world["python_job"], world["resumes"]["alice"]
    response = recruiter_client.post(
        f"/jobs/{job.pk}/candidates/{alice.pk}/feedback/", {"decision": "shortlist"}
    )
    assert response.status_code == 302
    assert MatchFeedback.objects.get().decision == "shortlist"


def test_the_resume_page_highlights_skills_and_lists_matching_jobs(recruiter_client, world):
    alice = world["resumes"]["alice"]
    response = recruiter_client.get(f"/resumes/{alice.pk}/matches/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<mark title="Django">Django</mark>' in body
    assert "Python Backend Engineer" in body


def test_rank_a_pile_page_ranks_uploaded_files_and_exports_csv(
    recruiter_client, world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from matching.models import PileRun

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(
            "/rank/",
            {
                "job": world["java_job"].pk,
                "files": [
                    SimpleUploadedFile("new.txt", JAVA_DEV.replace("Bruno", "Dora").encode())
                ],
                "resumes": [world["resumes"]["alice"].pk],
            },
        )
    run = PileRun.objects.get()
    assert response.status_code == 302 and response.url == f"/rank/runs/{run.pk}/"
    body = recruiter_client.get(response.url).content.decode()
    assert body.index("Dora Java") < body.index("Alice Python")
    csv_response = recruiter_client.get(f"/rank/runs/{run.pk}/export.csv")
    assert csv_response["Content-Type"] == "text/csv"
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("rank,resume_id,candidate,score")
    assert "Dora Java" in lines[1]


def test_list_pages_run_a_bounded_number_of_queries(
    recruiter_client, world, django_assert_max_num_queries
):
    for _ in range(3):
        job_create(owner=world["python_job"].owner, title="Extra", description="Python")
    with django_assert_max_num_queries(12):
        assert recruiter_client.get("/jobs/").status_code == 200
    with django_assert_max_num_queries(12):
        assert recruiter_client.get("/resumes/").status_code == 200


def test_match_queries_do_not_grow_with_the_number_of_candidates(
    api_client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Requirements of every candidate job come in two queries, not two per job."""
    bruno = world["resumes"]["bruno"]

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(f"/api/v1/resumes/{bruno.pk}/matches/", {"k": 2})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(15):
            job_create(
                owner=world["python_job"].owner,
                title=f"Java Engineer {i}",
                description="<p>Spring Boot.</p><h3>Requirements</h3><ul><li>Java</li></ul>",
            )
    assert count() <= few + 2
