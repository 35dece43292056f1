"""`manage.py ingest_resumes DIR`: upload every resume file below DIR (recursive) for a user."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recruiting.services.resumes import resumes_upload

SUFFIXES = {".pdf", ".docx", ".txt", ".html", ".htm"}


class Command(BaseCommand):
    help = "Ingest resume files (PDF, DOCX, TXT, HTML) found recursively under a folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--owner", default="recruiter", help="Username that will own the resumes."
        )

    def handle(self, *args, directory: Path, owner: str, **options) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user named {owner!r}; pass --owner.")
        files = sorted(
            p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
        )
        counts: Counter[str] = Counter()
        failures: list[str] = []
        for path in tqdm(files, desc="resumes", unit="file", disable=options["verbosity"] == 0):
            # Not a web request: each file gets the parser's own deadline, no request budget.
            (outcome,) = resumes_upload(
                owner=user, files=[(path.name, path.read_bytes())], request_budget=False
            )
            if outcome.resume is None:
                counts["failed"] += 1
                failures.append(f"{path.relative_to(directory)}: {outcome.error}")
            else:
                counts["created" if outcome.created else "already there"] += 1
        for line in failures[:50]:
            self.stderr.write(line)
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no files"
        self.stdout.write(self.style.SUCCESS(f"{len(files)} files: {summary}."))
