"""Recruiter flows in a real browser (Debian's Chromium driven by Playwright) against a live
server, as two recruiters of one team (Rita and Tom) and one of another team (Oscar): the shared
pool and its isolation, requirements edited in place with an unknown term, pipeline moves with
the keyboard (a rejected candidate leaves the ranking), rank-a-pile keeping the form after a bad
input, live upload status and the resume page, the phone width, and axe-core on every page.

Every flow fails on any console error, page error or CSP violation (the few answers a flow
provokes on purpose, a 400 for a bad input or a 404 for another team's page, are allowed by
name). Screenshots go to test-output/screenshots/, axe results to test-output/axe/.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import threading
from pathlib import Path
from unittest import mock

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
AXE_OUT = ROOT / "test-output" / "axe"
AXE_JS = "/static/vendor/axe-core/axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORDS = {
    "ada": "a-long-test-password-3",
    "rita": "a-long-test-password-1",
    "oscar": "a-long-test-password-2",
    "tom": "a-long-test-password-4",
}
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

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


def _watch(page) -> None:
    """Record console errors, CSP violations and uncaught page errors on ``page.problems``."""
    page.problems = []
    page.allowed = []

    def on_console(msg) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            page.problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))


def problems(page) -> list[str]:
    return [p for p in page.problems if not any(re.search(a, p) for a in page.allowed)]


@pytest.fixture
def sessions(browser, live_server):
    """``open("rita")`` logs a recruiter in, in a browser context of their own."""
    opened = []

    def open_(username: str | None, *, viewport: dict = DESKTOP):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, accept_downloads=True
        )
        page = context.new_page()
        _watch(page)
        opened.append(page)
        if username:
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORDS[username])
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_
    left = {id(p): problems(p) for p in opened}
    for page in opened:
        page.context.close()
    assert not [p for ps in left.values() for p in ps], left


@pytest.fixture
def page(sessions, recruiter):
    return sessions("rita")


def shot(page, name: str) -> None:
    """Save a screenshot; the page must have run without a console error or CSP violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert problems(page) == [], problems(page)


def axe(page, name: str) -> list[dict]:
    """Run axe-core on the page as it is; fail on any serious or critical violation."""
    page.add_script_tag(url=AXE_JS)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    AXE_OUT.mkdir(parents=True, exist_ok=True)
    (AXE_OUT / f"{name}.json").write_text(json.dumps(violations, indent=1))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, (name, serious)
    return violations


def fits_the_screen(page) -> None:
    """No horizontal scroll, and the way out (Log out) is on the screen."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    logout = page.get_by_role("button", name="Log out")
    if logout.count():
        box = logout.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, page.url


# --- Data ---------------------------------------------------------------------------------


def add_resume(owner, text: str):
    from recruiting.services.resumes import resume_create_from_text, resume_process

    resume, _ = resume_create_from_text(owner=owner, text=text)
    resume_process(resume_id=resume.pk)
    return resume


def python_job(owner):
    from recruiting.services.jobs import job_create, job_process

    job = job_create(
        owner=owner,
        title="Python Backend Engineer",
        description="<p>You will build and run Django services for our booking platform.</p>"
        "<h3>Requirements</h3><ul><li>Python</li><li>Django</li><li>PostgreSQL</li><li>Docker</li></ul>",
    )
    job_process(job_id=job.pk)
    return job


@pytest.fixture
def desk(recruiter, skills, categories):
    job = python_job(recruiter)
    tara = add_resume(
        recruiter, "Tara Twin\ntara@example.com\n" + TWIN + "Python, Django, Docker\n"
    )
    gus = add_resume(recruiter, "Gus Twin\n" + TWIN + "Go, Kubernetes, Docker\n")
    return {"job": job, "tara": tara, "gus": gus}


def ranked(page) -> list[str]:
    names = page.locator("#candidates table.ranking tbody td[data-label=Candidate] .candidate a")
    return [n for n in names.all_inner_texts() if "Twin" in n]


def focus_is_on(page, expression: str, expected) -> None:
    """Wait (up to 5 s) for the focused element to match: htmx and static/js/app.js move the
    focus during the swap and the settle that follows it."""
    page.wait_for_function(
        f"expected => {{ const e = document.activeElement; return ({expression}) === expected; }}",
        arg=expected,
        timeout=5_000,
    )


def open_job(page, job) -> None:
    page.goto(f"/jobs/{job.pk}/")
    page.wait_for_selector("#candidates table.ranking")


# --- Flows ----------------------------------------------------------------------------------


def test_teammates_share_the_pool_and_another_team_sees_none_of_it(
    sessions, recruiter, teammate, other_recruiter, skills, categories, tmp_path
):
    from recruiting.models import Resume

    job = python_job(recruiter)
    rita = sessions("rita")
    cv = tmp_path / "tara.txt"
    cv.write_text("Tara Twin\ntara@example.com\n" + TWIN + "Python, Django, Docker\n")
    rita.goto("/resumes/upload/")
    rita.set_input_files("input[type=file]", str(cv))
    rita.wait_for_selector("#upload-progress li.ok .status-ready")
    assert "added" in rita.inner_text("#upload-progress")
    shot(rita, "team-rita-uploads")
    tara = Resume.objects.get(candidate_name="Tara Twin")

    tom = sessions("tom")
    tom.goto("/resumes/")
    assert "Tara Twin" in tom.inner_text("#results")
    open_job(tom, job)
    assert ranked(tom) == ["Tara Twin"]
    assert "tom · Default team" in tom.inner_text("header")
    shot(tom, "team-tom-sees-the-pool")

    oscar = sessions("oscar")
    oscar.goto("/resumes/")
    assert "Tara Twin" not in oscar.inner_text("main")
    oscar.goto("/jobs/")
    assert "Python Backend Engineer" not in oscar.inner_text("main")
    oscar.allowed.append(r"status of 404")
    for url in (f"/resumes/{tara.pk}/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}/candidates/"):
        assert oscar.goto(url).status == 404
    assert "Tara" not in oscar.content()
    shot(oscar, "team-oscar-gets-404")


def test_a_requirement_edit_with_an_unknown_term_reranks_in_place_and_errors_inline(page, desk):
    from recruiting.models import JobSkill

    job = desk["job"]
    open_job(page, job)
    assert ranked(page) == ["Tara Twin", "Gus Twin"]
    page.get_by_role("link", name="Edit requirements").click()
    must = page.get_by_role("combobox", name="Must have")
    must.fill("")
    must.press_sequentially("Go, Kube", delay=40)
    page.wait_for_selector("#id_must_have-suggestions [role=option]:has-text('Kubernetes')")
    shot(page, "requirements-autocomplete")
    must.press("ArrowDown")
    must.press("Enter")
    assert must.input_value() == "Go, Kubernetes, "
    must.press_sequentially("fleet tuning", delay=20)
    page.wait_for_selector("#id_must_have-status:has-text('not in the skills list')")
    with page.expect_response(lambda r: "/candidates/" in r.url and r.status == 200):
        page.get_by_role("button", name="Save and re-rank").click()
    page.wait_for_function(
        "() => document.querySelector('#candidates table.ranking')"
        " && document.querySelector('#candidates table.ranking tbody .candidate a').textContent.includes('Gus')"
    )
    assert ranked(page) == ["Gus Twin", "Tara Twin"]
    assert page.url.endswith(f"/jobs/{job.pk}/")  # in place, no navigation
    requirements = page.inner_text("#requirements")
    assert "fleet tuning" in requirements and "not in the skills list" in requirements
    assert "Changed by rita" in requirements
    # Focus is back on the button that opens the form again.
    focus_is_on(page, "e.id", "edit-requirements")
    shot(page, "requirements-unknown-term-reranked")

    page.allowed.append(r"status of 400")
    page.get_by_role("link", name="Edit requirements").click()
    must = page.get_by_role("combobox", name="Must have")
    must.fill("Go, !!!")
    page.get_by_role("button", name="Save and re-rank").click()
    error = page.locator("#id_must_have-error")
    error.wait_for(state="visible")
    assert "letter or digit" in error.inner_text()
    assert must.input_value() == "Go, !!!"
    focus_is_on(page, "e.name", "must_have")
    shot(page, "requirements-inline-error")
    stored = JobSkill.objects.filter(job=job, requirement="required").values_list("term", flat=True)
    assert sorted(stored) == ["Go", "Kubernetes", "fleet tuning"]


def test_pipeline_moves_keep_focus_and_a_rejected_candidate_leaves_the_ranking(
    sessions, desk, teammate
):
    from matching.models import Application

    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    rita = sessions("rita")
    open_job(rita, job)
    rita.get_by_role("button", name="Shortlist: Tara Twin").focus()
    rita.keyboard.press("Enter")
    rita.wait_for_selector(f"#stage-{job.pk}-{tara.pk} .badge:has-text('Shortlisted')")
    focus_is_on(rita, "e.id + ' ' + e.textContent", f"next-{job.pk}-{tara.pk} Mark contacted")
    rita.keyboard.press("Enter")  # one key press, one stage further
    rita.wait_for_selector(f"#stage-{job.pk}-{tara.pk} .badge:has-text('Contacted')")
    focus_is_on(rita, "e.textContent", "Invite to interview")

    rita.locator(f"#stage-{job.pk}-{gus.pk} summary").focus()
    rita.keyboard.press("Enter")  # opens the reasons
    rita.keyboard.press("Tab")
    rita.keyboard.press("Tab")
    focus_is_on(rita, "e.textContent", "Missing must-have skills")
    rita.keyboard.press("Enter")
    rita.wait_for_selector(f"#stage-{job.pk}-{gus.pk} .badge:has-text('Rejected')")
    focus_is_on(rita, "e.id", f"undo-{job.pk}-{gus.pk}")
    assert "Contacted 1" in rita.inner_text("#tab-contacted")
    assert "Rejected 1" in rita.inner_text("#tab-rejected")
    shot(rita, "pipeline-moves-by-keyboard")
    assert dict(Application.objects.values_list("resume_id", "stage")) == {
        tara.pk: "contacted",
        gus.pk: "rejected",
    }

    tom = sessions("tom")
    open_job(tom, job)
    assert ranked(tom) == ["Tara Twin"]  # the rejected candidate left the ranking
    assert "leaving out 1 rejected or hired" in tom.inner_text("#candidates")
    tom.get_by_role("link", name="Show rejected and hired").click()
    tom.wait_for_selector(f"#stage-{job.pk}-{gus.pk}")
    assert ranked(tom) == ["Tara Twin", "Gus Twin"]
    assert "Rejected: missing must-have skills" in tom.inner_text(f"#stage-{job.pk}-{gus.pk}")
    shot(tom, "pipeline-rejected-left-the-ranking")

    tom.get_by_role("link", name="Rejected 1").click()
    tom.wait_for_selector("#candidates h3:has-text('Rejected')")
    tom.goto(f"/jobs/{job.pk}/candidates/{tara.pk}/")
    tom.get_by_label("Add a note").fill("Spoke to Tara: available in May.")
    tom.get_by_role("button", name="Add note").click()
    tom.wait_for_selector("#timeline li.note:has-text('available in May')")
    timeline = tom.inner_text("#timeline")
    assert "tom" in timeline and "rita" in timeline
    assert "Moved from shortlisted to contacted" in timeline
    shot(tom, "pipeline-notes-and-timeline")


def test_rank_a_pile_keeps_the_form_after_a_bad_input_then_ranks_in_the_background(
    page, desk, settings, tmp_path
):
    from matching.models import PileRun
    from matching.services import pile
    from recruiting.models import Resume

    settings.EAGER_LONG_TASKS_IN_THREAD = True  # the run goes to a thread, as without a broker
    good = tmp_path / "nina.txt"
    good.write_text("Nina Pile\n" + TWIN + "Python, Django, PostgreSQL\n")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    page.goto("/rank/")
    page.get_by_label("Job title").fill("Django Developer")
    page.get_by_label("Job description").fill(
        "We build booking services. Requirements: Python, Django, PostgreSQL."
    )
    page.get_by_label("Must have").fill("Python, !!!")
    page.set_input_files("#id_files", [str(good), str(bad)])
    page.get_by_label("Tara Twin").check()
    page.allowed.append(r"status of 400")
    page.get_by_role("button", name="Rank").click()
    page.locator("#id_must_have-error").wait_for(state="visible")
    assert "letter or digit" in page.inner_text("#id_must_have-error")
    # Every input is still there: the pasted text, the chosen files, the ticked candidate.
    assert "Requirements: Python" in page.get_by_label("Job description").input_value()
    assert page.eval_on_selector("#id_files", "e => e.files.length") == 2
    assert page.get_by_label("Tara Twin").is_checked()
    assert not Resume.objects.filter(candidate_name="Nina Pile").exists()
    assert not PileRun.objects.exists()
    shot(page, "pile-bad-input-keeps-the-form")

    release = threading.Event()
    read = pile._read_resumes

    def held(run):  # the run waits until the test has seen its progress
        release.wait(30)
        read(run)

    with mock.patch("matching.services.pile._read_resumes", side_effect=held):
        page.get_by_label("Must have").fill("Python, Django")
        page.get_by_role("button", name="Rank").click()
        page.wait_for_selector("#pile-run progress")
        assert "of 2 resumes read" in page.inner_text("#pile-run")
        assert page.locator("#id_must_have-error").is_hidden()
        shot(page, "pile-progress")
        release.set()
        page.wait_for_selector("#pile-run table", timeout=60_000)
    text = page.inner_text("#pile-run")
    assert "broken.pdf was not added" in text
    names = page.locator("#pile-run tbody td[data-label=Candidate] .candidate a").all_inner_texts()
    assert set(names) == {"Nina Pile", "Tara Twin"}
    shot(page, "pile-results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0][:4] == ["rank", "resume_id", "candidate", "score"]
    assert {r[2] for r in rows[1:]} == {"Nina Pile", "Tara Twin"}


def test_an_upload_updates_live_until_ready_and_the_resume_page_shows_what_was_found(
    page, recruiter, skills, tmp_path
):
    from recruiting.models import Resume
    from recruiting.services.resumes import resume_process

    cv = tmp_path / "petra.txt"
    cv.write_text(
        "Petra Lindqvist\npetra@example.com | +1 555 010 2020\n" + TWIN + "Python, Django\n"
    )
    with mock.patch("recruiting.tasks.resume_process_task.delay_on_commit"):
        page.goto("/resumes/upload/")
        page.set_input_files("input[type=file]", str(cv))
        page.wait_for_selector("#upload-progress .status-pending")
    shot(page, "upload-waiting")
    resume_process(resume_id=Resume.objects.get().pk)  # a worker picks it up
    page.wait_for_selector("#upload-progress .status-ready", timeout=15_000)
    shot(page, "upload-ready-without-reload")
    page.get_by_role("link", name="Petra Lindqvist").click()
    page.wait_for_selector("#matches table")
    assert "petra@example.com" in page.inner_text("#contact")
    assert page.locator("#resume h3").all_inner_texts() == [
        "Top of the resume",
        "Summary",
        "Experience",
        "Skills",
    ]
    assert page.locator("#skills q mark").count() >= 2
    shot(page, "resume-page")


def test_blind_review_hides_the_name_until_a_logged_reveal(page, desk, recruiter, settings):
    settings.BLIND_REVIEW = True
    job, tara = desk["job"], desk["tara"]
    open_job(page, job)
    assert "Tara" not in page.content() and "tara@example.com" not in page.content()
    assert f"Candidate #{tara.pk}" in page.inner_text("#candidates")
    page.get_by_role("button", name=f"Reveal the name and contacts of Candidate #{tara.pk}").click()
    page.wait_for_selector("#candidates :text('Tara Twin')")
    assert page.url.endswith(f"/jobs/{job.pk}/")  # swapped in place
    from recruiting.models import AuditEvent

    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEALED)
    assert (event.actor, event.object_id) == (recruiter, tara.pk)
    shot(page, "blind-review-reveal")


def test_hostile_html_in_a_posting_runs_no_script_and_fires_no_request(page, tmp_path, skills):
    from recruiting.models import Job, JobSource
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    hostile = (
        '<p>Great job</p><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
        '<div hx-get="/api/v1/resumes/" hx-trigger="load">x</div><a href="javascript:window.pwned=3">go</a>'
    )
    (tmp_path / "jobs.json").write_text(
        json.dumps([{"id": "evil", "title": "Evil job", "description_html": hostile}])
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


def test_the_pages_work_at_phone_width(sessions, desk):
    job, tara = desk["job"], desk["tara"]
    phone = sessions("rita", viewport=PHONE)
    for url, name in [
        ("/", "dashboard"),
        ("/jobs/", "jobs"),
        (f"/jobs/{job.pk}/", "job"),
        ("/resumes/", "candidates"),
        (f"/resumes/{tara.pk}/", "resume"),
        ("/rank/", "rank"),
        ("/resumes/upload/", "upload"),
        ("/models/", "models"),
        (f"/jobs/{job.pk}/candidates/{tara.pk}/", "candidate-for-job"),
        ("/jobs/new/", "job-new"),
    ]:
        phone.goto(url)
        phone.wait_for_load_state("networkidle")
        fits_the_screen(phone)
        if name in ("dashboard", "job", "resume", "rank"):
            shot(phone, f"phone-{name}")
    # Every link of the navigation is on the screen, reachable without scrolling sideways.
    for link in phone.locator("header nav a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.inner_text()
    # Work the pipeline at phone width: one tap moves a candidate.
    open_job(phone, job)
    phone.get_by_role("button", name="Shortlist: Tara Twin").click()
    phone.wait_for_selector(f"#stage-{job.pk}-{tara.pk} .badge:has-text('Shortlisted')")
    fits_the_screen(phone)
    shot(phone, "phone-pipeline-move")


def test_axe_finds_no_serious_or_critical_violation_on_any_page(sessions, desk, recruiter, staff):
    from django.utils import timezone

    from matching.models import DriftReport, ModelVersion
    from matching.services.pile import pile_run_start
    from matching.services.pipeline import application_move, application_note_add

    job, tara, gus = desk["job"], desk["tara"], desk["gus"]
    application_move(job=job, resume=gus, actor=recruiter, stage="rejected", reason="skills")
    application_note_add(job=job, resume=tara, actor=recruiter, text="Call back on Monday.")
    run = pile_run_start(user=recruiter, description="Python and Django", resumes=[tara, gus])
    ModelVersion.objects.create(
        version="v1",
        artifact_path="/x",
        checksum="c",
        status="active",
        is_active=True,
        activated_at=timezone.now(),
        metrics={"resume_accuracy": 0.84, "resume_answered_accuracy": 0.9},
    )
    now = timezone.now()
    DriftReport.objects.create(
        kind="data",
        subject="jobs",
        window_start=now,
        window_end=now,
        score=0.2,
        threshold=0.5,
        outcome="stable",
    )
    pages = [
        ("/", "dashboard"),
        ("/jobs/", "jobs"),
        (f"/jobs/{job.pk}/", "job"),
        (f"/jobs/{job.pk}/candidates/?stage=rejected", "job-stage-tab"),
        (f"/jobs/{job.pk}/candidates/?show=decided", "job-ranking-with-decided"),
        (f"/jobs/{job.pk}/requirements/", "job-requirements-form"),
        (f"/jobs/{job.pk}/edit/", "job-edit"),
        ("/jobs/new/", "job-new"),
        (f"/jobs/{job.pk}/candidates/{tara.pk}/", "candidate-for-job"),
        (f"/jobs/{job.pk}/candidates/{tara.pk}/explanation/", "explanation"),
        ("/resumes/", "candidates"),
        (f"/resumes/{tara.pk}/", "resume"),
        ("/resumes/upload/", "upload"),
        ("/rank/", "rank"),
        (f"/rank/runs/{run.pk}/", "rank-results"),
        ("/models/", "models"),
    ]
    summary = {}
    for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        session = sessions("rita", viewport=viewport)
        for url, name in pages:
            session.goto(url)
            session.wait_for_load_state("networkidle")
            summary[name + suffix] = len(axe(session, name + suffix))
        # The autocomplete open on the requirements form.
        session.goto(f"/jobs/{job.pk}/requirements/")
        session.get_by_role("combobox", name="Must have").press_sequentially(", Kub", delay=40)
        session.wait_for_selector("#id_must_have-suggestions [role=option]")
        summary["autocomplete-open" + suffix] = len(axe(session, "autocomplete-open" + suffix))
    # Job boards are for admins.
    admin = sessions("ada")
    for url, name in [("/sources/", "job-boards"), ("/", "dashboard-admin")]:
        admin.goto(url)
        admin.wait_for_load_state("networkidle")
        summary[name] = len(axe(admin, name))
    visitor = sessions(None)
    visitor.goto("/accounts/login/")
    summary["login"] = len(axe(visitor, "login"))
    # The control: the old blind-review toggle (white on off-white, 1.07:1) is caught.
    visitor.evaluate(
        """() => {
            const toggle = document.createElement("button");
            toggle.className = "link";
            toggle.textContent = "Review blind";
            toggle.style.color = "#fff";  // CSSOM: allowed by the CSP, unlike a style attribute
            document.querySelector("main").append(toggle);
        }"""
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        axe(visitor, "control-low-contrast")
    (AXE_OUT / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))


def test_the_site_has_an_icon(sessions, recruiter):
    page = sessions("rita")
    page.goto("/")
    status, kind = page.evaluate(
        "fetch('/favicon.ico').then(r => [r.status, r.headers.get('content-type')])"
    )
    assert status == 200 and kind in ("image/x-icon", "image/vnd.microsoft.icon")
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    page.goto("/admin/login/")  # a page without the icon link: the browser asks /favicon.ico
    page.wait_for_load_state("networkidle")
    assert problems(page) == []
