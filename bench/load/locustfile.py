"""Recruiters' traffic for `locust --headless`. API clients list jobs and resumes, ask for the
candidates for a job and the jobs for a resume (k=10, the top 10 explained), explain one pair, and
call the health check. Page users (one in four) open the dashboard, a job's page with its ranked
candidates, a resume's page with its best jobs, and the lists, as a browser would (static files
included).

Reads LOAD_TOKEN (a DRF token), LOAD_SESSION (a logged-in session key) and LOAD_IDS (a JSON file
{"jobs": [...], "resumes": [...]}), all written by prepare.py; LOAD_WAIT="0.5,2.0" is the think time in seconds between a user's calls
("0,0" finds the server's capacity). Any status other than 200 counts as a failure, 429 and 5xx included.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

IDS = json.loads(open(os.environ["LOAD_IDS"], encoding="utf-8").read())  # noqa: SIM115
TOKEN = os.environ["LOAD_TOKEN"]
SESSION = os.environ["LOAD_SESSION"]
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "0.5,2.0").split(","))


class Recruiter(HttpUser):
    # A person reads a page of results before the next call.
    wait_time = between(WAIT_MIN, WAIT_MAX)
    weight = 3

    def on_start(self) -> None:
        self.client.headers.update(
            {"Authorization": f"Token {TOKEN}", "Accept": "application/json"}
        )

    @task(3)
    def list_jobs(self) -> None:
        self.client.get(f"/api/v1/jobs/?page={random.randint(1, 2)}", name="/api/v1/jobs/")

    @task(2)
    def list_resumes(self) -> None:
        self.client.get("/api/v1/resumes/", name="/api/v1/resumes/")

    @task(3)
    def job_candidates(self) -> None:
        job = random.choice(IDS["jobs"])
        self.client.get(
            f"/api/v1/jobs/{job}/candidates/?k=10", name="/api/v1/jobs/[id]/candidates/?k=10"
        )

    @task(3)
    def resume_matches(self) -> None:
        resume = random.choice(IDS["resumes"])
        self.client.get(
            f"/api/v1/resumes/{resume}/matches/?k=10", name="/api/v1/resumes/[id]/matches/?k=10"
        )

    @task(2)
    def explain(self) -> None:
        job, resume = random.choice(IDS["jobs"]), random.choice(IDS["resumes"])
        self.client.get(
            f"/api/v1/explain/?job={job}&resume={resume}", name="/api/v1/explain/?job&resume"
        )

    @task(1)
    def health(self) -> None:
        self.client.get("/health/", name="/health/")


class PageRecruiter(HttpUser):
    """The server-rendered pages. The session cookie is sent as a header: Django's production
    cookies are Secure, which a client's cookie jar keeps off plain http."""

    wait_time = between(WAIT_MIN, WAIT_MAX)
    weight = 1
    static: list[str] = []

    def on_start(self) -> None:
        self.client.headers.update({"Cookie": f"sessionid={SESSION}"})

    def page(self, url: str, name: str) -> None:
        """The page, then what a browser fetches with it: its static files and the partials
        htmx loads at once (hx-trigger="load": the ranked candidates or matches)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/accounts/login/" in response.url:
                response.failure("redirected to the login page")
                return
            html = response.text or ""
        if not PageRecruiter.static:
            PageRecruiter.static = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        for asset in PageRecruiter.static:
            self.client.get(asset, name="/static/[file]")
        for partial in re.findall(r'hx-get="([^"]+)" hx-trigger="load"', html):
            self.client.get(
                partial,
                name=re.sub(r"/\d+/", "/[id]/", f"partial: {partial}"),
                headers={"HX-Request": "true"},
            )

    @task(2)
    def dashboard(self) -> None:
        self.page("/", "page: /")

    @task(3)
    def job_page(self) -> None:
        self.page(f"/jobs/{random.choice(IDS['jobs'])}/", "page: /jobs/[id]/")

    @task(3)
    def resume_page(self) -> None:
        self.page(f"/resumes/{random.choice(IDS['resumes'])}/", "page: /resumes/[id]/")

    @task(1)
    def lists(self) -> None:
        self.page("/jobs/", "page: /jobs/")
        self.page("/resumes/", "page: /resumes/")
