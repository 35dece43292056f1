"""Property-based API testing: schemathesis generates requests from the OpenAPI schema (bounded in
count) against a live server; no response may be a 500 or break the schema it documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, staff, skills, categories, tmp_path
):
    from rest_framework.authtoken.models import Token

    from recruiting.services.jobs import job_create, job_process
    from recruiting.services.resumes import resume_create_from_text, resume_process

    job = job_create(
        owner=staff,
        title="Python Engineer",
        description="<h3>Requirements</h3><ul><li>Python</li></ul>",
    )
    job_process(job_id=job.pk)
    resume, _ = resume_create_from_text(owner=staff, text="Ada Example\n\nSkills\nPython, Django\n")
    resume_process(resume_id=resume.pk)
    token = Token.objects.create(user=staff)
    report = tmp_path / "schemathesis.txt"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{live_server.url}/api/schema/",
            "--header",
            f"Authorization: Token {token.key}",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance",
            "--max-examples",
            "15",
            "--phases",
            "examples,fuzzing",
            "--request-timeout",
            "60",
            "--suppress-health-check",
            "all",
            # A fixed seed keeps CI deterministic; change it to explore further.
            "--seed",
            "20261126",
        ],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    report.write_text(result.stdout + result.stderr)
    summary = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, summary
