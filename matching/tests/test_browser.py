"""Recruiter flows in a real browser (Debian's Chromium driven by Playwright) against a live server:
log in, upload a resume and open an explanation, shortlist a candidate, edit a must-have and see
the order change, rank a pile. Each flow saves a screenshot under test-output/screenshots/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

TWIN = """
Summary
Backend engineer building services with PostgreSQL and Docker for a booking platform.

Experience
Backend Engineer, Hooli, 2017 - Present
- Built backend services and PostgreSQL schemas; deployed them with Docker.

Skills
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (apt-get install chromium), and CI requires it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, recruiter):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def shot(page, name: str) -> None:
    """Save the screenshot, and check that the page ran under the CSP without a violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.csp_violations == [], page.csp_violations


@pytest.fixture
def jobs(recruiter, skills, categories):
    from recruiting.services.jobs import job_create

    python_job = job_create(
        owner=recruiter,
        title="Python Backend Engineer",
        description="<p>You will build and run Django services for our booking platform.</p>"
        "<h3>Requirements</h3><ul><li>Python</li><li>Django</li><li>PostgreSQL</li><li>Docker</li></ul>",
    )
    from recruiting.services.jobs import job_process

    job_process(job_id=python_job.pk)
    return {"python": python_job}


def add_resume(owner, text: str):
    from recruiting.services.resumes import resume_create_from_text, resume_process

    resume, _ = resume_create_from_text(owner=owner, text=text)
    resume_process(resume_id=resume.pk)
    return resume


def test_a_recruiter_uploads_a_resume_and_opens_an_explanation(page, jobs, tmp_path):
    cv = tmp_path / "tara.txt"
    cv.write_text("Tara Twin\ntara@example.com\n" + TWIN + "Python, Django, Docker\n")
    page.goto("/resumes/upload/")
    page.set_input_files("input[type=file]", str(cv))
    page.wait_for_selector("#upload-progress li.ok")
    assert "added" in page.inner_text("#upload-progress")
    shot(page, "upload")
    page.goto("/resumes/")
    page.get_by_role("link", name="Tara Twin").click()
    page.wait_for_selector("#matches table")
    page.locator("#matches details.explanation summary").first.click()
    assert page.locator("#matches details.explanation mark").first.is_visible()
    assert "Python Backend Engineer" in page.inner_text("#matches")
    shot(page, "resume-explanation")


def test_a_recruiter_opens_a_job_and_shortlists_a_candidate(page, jobs, recruiter):
    add_resume(recruiter, "Tara Twin\n" + TWIN + "Python, Django, Docker\n")
    page.goto(f"/jobs/{jobs['python'].pk}/")
    page.wait_for_selector("#candidates table")
    page.get_by_role("button", name="Shortlist: Tara Twin").click()
    page.wait_for_selector("#candidates .stage-control .badge")
    assert "Shortlisted" in page.inner_text("#candidates")
    from matching.models import Application

    assert Application.objects.get().stage == "shortlisted"
    shot(page, "shortlist")


def test_blind_review_hides_the_name_until_a_logged_reveal(page, jobs, recruiter, settings):
    settings.BLIND_REVIEW = True
    tara = add_resume(recruiter, "Tara Twin\ntara@example.com\n" + TWIN + "Python, Django\n")
    page.goto(f"/jobs/{jobs['python'].pk}/candidates/")
    page.wait_for_selector("#candidates table")
    assert "Tara" not in page.content() and "tara@example.com" not in page.content()
    assert f"Candidate #{tara.pk}" in page.inner_text("#candidates")
    page.get_by_role("button", name=f"Reveal the name and contacts of Candidate #{tara.pk}").click()
    page.wait_for_selector("#candidates :text('Tara Twin')")
    assert "tara@example.com" in page.inner_text("#candidates")
    assert page.url.endswith("/candidates/")  # swapped in place
    from recruiting.models import AuditEvent

    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEALED)
    assert (event.actor, event.object_id) == (recruiter, tara.pk)
    shot(page, "blind-review-reveal")


def test_editing_a_must_have_reorders_the_candidates_in_place(page, jobs, recruiter):
    add_resume(recruiter, "Tara Twin\n" + TWIN + "Python, Django, Docker\n")
    add_resume(recruiter, "Gus Twin\n" + TWIN + "Go, Kubernetes, Docker\n")
    page.goto(f"/jobs/{jobs['python'].pk}/candidates/")

    def order() -> list[str]:
        names = page.locator("#candidates tbody td:nth-child(2) a").all_inner_texts()
        return [n for n in names if "Twin" in n]

    assert order() == ["Tara Twin", "Gus Twin"]
    page.get_by_role("link", name="Edit requirements").click()
    page.get_by_label("Must have").fill("Go, Kubernetes")
    with page.expect_response(lambda r: "/candidates/" in r.url and r.status == 200):
        page.get_by_role("button", name="Save and re-rank").click()
    page.wait_for_load_state("networkidle")
    assert order() == ["Gus Twin", "Tara Twin"]
    assert page.url.endswith("/candidates/")  # updated in place, no navigation
    shot(page, "must-have-rerank")


def test_a_recruiter_ranks_a_pile_of_files_against_a_job(page, jobs, tmp_path):
    files = []
    for name, skills in (("tara", "Python, Django, Docker"), ("gus", "Go, Kubernetes")):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"{name.title()} Pile\n" + TWIN + skills + "\n")
        files.append(str(path))
    page.goto("/rank/")
    page.get_by_label("Rank against a job").select_option(str(jobs["python"].pk))
    page.set_input_files("input[type=file]", files)
    page.get_by_role("button", name="Rank").click()
    page.wait_for_selector("#results table")
    names = page.locator("#results tbody td:nth-child(2) a").all_inner_texts()
    assert names[:2] == ["Tara Pile", "Gus Pile"]
    assert page.get_by_role("link", name="Export CSV").is_visible()
    shot(page, "rank-a-pile")


def test_hostile_html_in_a_posting_runs_no_script_and_fires_no_request(
    page, recruiter, tmp_path, skills
):
    import json

    from recruiting.models import Job, JobSource
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    hostile = (
        '<p>Great job</p><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
        '<div hx-get="/api/v1/resumes/" hx-trigger="load">x</div><a href="javascript:window.pwned=3">go</a>'
    )
    (tmp_path / "jobs.json").write_text(
        json.dumps(
            [
                {
                    "id": "evil",
                    "title": "Evil job",
                    "company": "X",
                    "location": "",
                    "remote": False,
                    "description_html": hostile,
                    "url": "https://jobs.example.com/1",
                    "posted_at": None,
                    "category": "",
                }
            ]
        )
    )
    ingestion_run_now(
        source=source_save(source=JobSource(name="Evil", kind="filedrop", url=str(tmp_path)))
    )
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"/jobs/{Job.objects.get(external_id='evil').pk}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.pwned") is None
    assert not [u for u in requests if "/api/v1/resumes" in u]
    shot(page, "hostile-posting")
