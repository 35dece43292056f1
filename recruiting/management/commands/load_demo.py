"""Load the demo data through the real pipeline: taxonomy, a file-drop job source, resumes, logins."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from recruiting.models import Category, JobSource, Resume
from recruiting.services.accounts import recruiter_create
from recruiting.services.ingestion import ingestion_run_now
from recruiting.services.reference import reference_data_load
from recruiting.services.resumes import resume_create
from recruiting.services.scheduling import source_save

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"


class Command(BaseCommand):
    help = "Load categories, skills, demo jobs (via a file-drop source) and demo resumes; create demo logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", "match-demo-2026")
        )

    def handle(self, *args, password: str, **options) -> None:
        self.stdout.write(f"Reference data: {reference_data_load()}")
        # Two recruiters of the default team share its pool (one team is the simple case).
        recruiter = recruiter_create(
            username="recruiter", password=password, email="recruiter@example.com"
        )
        recruiter_create(username="colleague", password=password, email="colleague@example.com")
        recruiter_create(username="admin", password=password, email="admin@example.com", staff=True)

        # File-drop sources may only read FILE_DROP_DIR: the demo postings are dropped there.
        drop = Path(settings.FILE_DROP_DIR) / "demo"
        drop.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO_DIR / "jobs.json", drop / "jobs.json")
        source = JobSource.objects.filter(name="Demo job board").first() or JobSource(
            name="Demo job board",
            kind=JobSource.Kind.FILEDROP,
            url=str(drop),
            schedule="0 6 * * *",
        )
        source.url = str(drop)
        source_save(source=source)
        run = ingestion_run_now(source=source, trigger="demo")
        self.stdout.write(
            f"Jobs: {run.created} new, {run.updated} changed, {run.unchanged} unchanged, {run.failed} failed "
            f"({run.get_status_display()}{': ' + run.message if run.message else ''})"
        )

        labels = json.loads((DEMO_DIR / "resumes" / "labels.json").read_text(encoding="utf-8"))
        categories = {c.slug: c for c in Category.objects.all()}
        created = 0
        for path in sorted(Path(DEMO_DIR / "resumes").glob("*.txt")):
            resume, new = resume_create(owner=recruiter, data=path.read_bytes(), filename=path.name)
            created += new
            label = categories.get(labels.get(path.name, ""))
            if label and resume.category_id is None:
                Resume.objects.filter(pk=resume.pk).update(category=label, category_confidence=1.0)
        self.stdout.write(f"Resumes: {created} new, {Resume.objects.count()} in total.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo logins: recruiter / {password} and colleague / {password} (two "
                f"recruiters of one team), admin / {password} (admin)"
            )
        )
