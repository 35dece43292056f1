"""A closed posting that comes back through ingestion is matched again, though its unchanged
content is not embedded again."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.services.matching import jobs_for_resume
from matching.services.store import store_get
from recruiting.models import Job, JobEmbedding, JobSource
from recruiting.services.resumes import resume_create_from_text
from recruiting.services.scheduling import source_save
from recruiting.tests.test_ingestion import drop, posting, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(tmp_path, skills, categories):
    drop(tmp_path / "drop", [posting(i) for i in range(3)])
    return source_save(source=JobSource(name="Drop", kind="filedrop", url=str(tmp_path / "drop")))


def test_a_posting_that_comes_back_after_closing_is_matched_again(
    source, recruiter, django_capture_on_commit_callbacks
):
    run(source, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(
            owner=recruiter, text="Dev\n\nSkills\nPython, PostgreSQL, Django\n"
        )
    resume.refresh_from_db()
    store_get("job")  # the shared store holds the three jobs
    folder = Path(source.url)
    drop(folder, [posting(0), posting(1)])
    run(source, django_capture_on_commit_callbacks)
    open_jobs = Job.objects.open()
    assert "p-2" not in {
        r.job.external_id for r in jobs_for_resume(resume=resume, jobs=open_jobs).results
    }
    drop(folder, [posting(i) for i in range(3)])  # back, with the same content: not re-embedded
    result = run(source, django_capture_on_commit_callbacks)
    assert result.updated == 1 and JobEmbedding.objects.count() == 3
    found = {
        r.job.external_id for r in jobs_for_resume(resume=resume, jobs=Job.objects.open()).results
    }
    assert found == {"p-0", "p-1", "p-2"}
