"""Load the categories and the skills taxonomy (idempotent): `make run` and deployments run it."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from recruiting.services.reference import reference_data_load


class Command(BaseCommand):
    help = "Create missing categories and skills from fixtures/ and refresh the fixtures' own ones."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Reference data: {reference_data_load()}")
