"""Requirements the taxonomy does not know: accepted everywhere, matched word by word in resumes,
cited with evidence and shown as not in taxonomy; and a ranking that does not depend on k."""

from __future__ import annotations

import pytest

from matching.services import matching
from recruiting.models import JobSkill
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db
EVERYONE = matching.ResumeScope(teams=None)

CLOSER = """Dana Closer
dana@example.com

Summary
Staff accountant who runs the month end closing and ServSafe-certified kitchen audits.

Experience
Accountant, Initech, 2019 - Present
- Led month end closing and accounts payable for three entities.

Skills
Excel, Accounting
"""

NEWCOMER = """Eli Newcomer
eli@example.com

Summary
Accountant who prepares invoices and supports audits.

Experience
Accountant, Globex, 2020 - Present
- Prepared invoices in Excel.

Skills
Excel, Accounting
"""


@pytest.fixture
def pool(recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = [resume_create_from_text(owner=recruiter, text=t)[0].pk for t in (CLOSER, NEWCOMER)]
        job = job_create(
            owner=recruiter,
            title="Staff Accountant",
            description="<p>Close the books every month.</p><h3>Requirements</h3><ul>"
            "<li>Excel</li><li>Accounting</li></ul>",
        )
    return {"closer": ids[0], "newcomer": ids[1], "job": job}


def test_an_unknown_must_have_is_stored_as_free_text_and_shown_as_not_in_taxonomy(pool, api_client):
    job = pool["job"]
    response = api_client.put(
        f"/api/v1/jobs/{job.pk}/skills/",
        {"must_have": ["Excel", "Month-end close"], "exclude": ["Cobolt++"]},
        format="json",
    )
    assert response.status_code == 200
    skills = {s["name"]: s for s in response.json()["skills"]}
    assert skills["Excel"]["in_taxonomy"] is True
    assert skills["Month-end close"] == {
        "name": "Month-end close",
        "requirement": "required",
        "origin": "recruiter",
        "in_taxonomy": False,
    }
    assert skills["Cobolt++"]["requirement"] == "excluded"
    assert JobSkill.objects.get(job=job, term="Month-end close").skill is None


def test_a_free_text_must_have_ranks_the_resume_that_has_it_first_and_cites_its_line(pool):
    job = pool["job"]
    page = matching.candidates_for_job(
        job=job, scope=EVERYONE, k=2, required=["month-end close", "Excel"]
    )
    first, second = page.results
    assert first.resume.pk == pool["closer"]
    assert first.breakdown.matched_required == ("month-end close", "Excel")
    assert second.breakdown.missing_required == ("month-end close",)
    cited = next(m for m in first.explanation["matched"] if m["skill"] == "month-end close")
    assert cited["in_taxonomy"] is False
    assert cited["line_match"].lower() == "month end closing"
    assert first.explanation["not_in_taxonomy"] == ["month-end close"]


def test_rank_accepts_a_list_of_unknown_terms_as_the_job(pool, api_client):
    response = api_client.post(
        "/api/v1/rank/",
        {
            "job": {"title": "", "description": "month-end close, ServSafe, accounts payable"},
            "resume_ids": [pool["newcomer"], pool["closer"]],
        },
        format="json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["resume"]["id"] for r in results] == [pool["closer"], pool["newcomer"]]
    assert results[0]["matched_required"] == ["month-end close", "ServSafe", "accounts payable"]
    assert results[1]["missing_required"] == ["month-end close", "ServSafe", "accounts payable"]


def test_rank_takes_unknown_must_haves_without_a_400(pool, api_client):
    response = api_client.post(
        "/api/v1/rank/",
        {
            "job": {"title": "Accountant", "description": "", "must_have": ["Zeekscript"]},
            "resume_ids": [pool["closer"]],
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["missing_required"] == ["Zeekscript"]


STACK = ["Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "AWS"]


def test_raising_k_never_changes_the_first_results_or_their_scores(
    recruiter, skills, django_capture_on_commit_callbacks, monkeypatch, settings
):
    # A small pool, so that retrieval (not the scorer) decides who is scored: decoys that read
    # like the job but have none of its skills come first in retrieval; the one candidate with
    # every skill comes last. Her score and rank must not depend on the k asked for.
    params = {**matching.match_params(), "candidates": 6}
    monkeypatch.setattr(matching, "match_params", lambda: params)
    settings.MATCH_LEXICAL_CHANNEL = False
    job_text = "Backend engineer for our booking systems, building booking services every day."
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(8):
            resume_create_from_text(
                owner=recruiter, text=f"Decoy {i}\n\nSummary\n{job_text} Team {i}.\n"
            )
        star = resume_create_from_text(
            owner=recruiter,
            text="Star\n\nSummary\nBackend engineer: Python, Django and PostgreSQL services on "
            "AWS, shipped with Docker and Kubernetes. Gardening and pottery.\n\nSkills\n"
            + ", ".join(STACK)
            + "\n",
        )[0]
        job = job_create(
            owner=recruiter,
            title="Backend Engineer",
            description=f"<p>{job_text}</p><h3>Requirements</h3><ul>"
            + "".join(f"<li>{s}</li>" for s in STACK)
            + "</ul>",
        )

    def top(k: int) -> list[tuple[int, float]]:
        page = matching.candidates_for_job(job=job, scope=EVERYONE, k=k, explain_top=0)
        return [(r.resume.pk, r.score) for r in page.results]

    everyone = top(9)
    for k in (1, 2, 3, 5):
        assert top(k) == everyone[:k]
    # With the whole pile in the pool she is first: the pool size is what decides it, never k.
    params["candidates"] = 9
    assert top(1)[0][0] == star.pk
