"""A recruiter's API traffic for `locust --headless`: list jobs and resumes, candidates for a job,
jobs for a resume (k=10, the top 10 explained), explain one pair, and the health check.

Reads LOAD_TOKEN (a DRF token) and LOAD_IDS (a JSON file {"jobs": [...], "resumes": [...]}, both
written by prepare.py); LOAD_WAIT="0.5,2.0" is the think time in seconds between a user's calls
("0,0" finds the server's capacity). Any status other than 200 counts as a failure, 429 and 5xx included.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

IDS = json.loads(open(os.environ["LOAD_IDS"], encoding="utf-8").read())  # noqa: SIM115
TOKEN = os.environ["LOAD_TOKEN"]
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "0.5,2.0").split(","))


class Recruiter(HttpUser):
    # A person reads a page of results before the next call.
    wait_time = between(WAIT_MIN, WAIT_MAX)

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
