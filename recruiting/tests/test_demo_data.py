"""`manage.py load_demo`, the README's first command: it loads the demo through the real pipeline
on the embedded defaults (FILE_DROP_DIR confines file-drop sources, so the demo postings are
dropped there first)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from recruiting.models import IngestionRun, Job, JobSource, Resume


@pytest.mark.django_db
def test_the_demo_loads_its_jobs_from_the_drop_folder_and_its_resumes(settings, tmp_path):
    settings.FILE_DROP_DIR = tmp_path / "drop"
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    source = JobSource.objects.get(name="Demo job board")
    assert source.url == str(tmp_path / "drop" / "demo")
    run = IngestionRun.objects.filter(source=source).latest("pk")
    assert run.failed == 0 and run.created == Job.objects.count() > 0, out.getvalue()
    assert Resume.objects.count() > 0
    # Loading again changes nothing and fails nothing.
    call_command("load_demo", stdout=io.StringIO())
    again = IngestionRun.objects.filter(source=source).latest("pk")
    assert again.failed == 0 and again.created == 0
