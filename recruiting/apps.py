"""App configuration for recruiting."""

from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recruiting"
    verbose_name = "Recruiting"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Every `migrate` (make run, make up, each deployment) mirrors the beat schedules.
        post_migrate.connect(_mirror_beat_schedule, sender=self, dispatch_uid="beat-mirror")


def _mirror_beat_schedule(sender, using="default", **kwargs) -> None:
    from recruiting.services.scheduling import beat_schedule_mirror

    if using == "default":
        beat_schedule_mirror()
