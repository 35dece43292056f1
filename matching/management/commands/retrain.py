"""`manage.py retrain`: run the training pipeline and the gate now, in this process."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from matching.models import RetrainRun
from matching.services.retrain import retrain_run


class Command(BaseCommand):
    help = "Run `dvc repro`, register the new model version and activate it if the gate passes."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-repro",
            action="store_true",
            help="Do not run the pipeline: register the bundle already in data/model (what "
            "`make train DATA=../shared/data` trained) through the same gate.",
        )

    def handle(self, *args, **options) -> None:
        run = retrain_run(
            run_id=RetrainRun.objects.create(trigger="command").pk, repro=not options["no_repro"]
        )
        self.stdout.write(run.message)
        if run.status != RetrainRun.Status.SUCCEEDED:
            raise CommandError(f"retrain {run.get_status_display().lower()}: {run.message}")
