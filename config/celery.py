"""The Celery application: configured from Django settings (CELERY_* keys)."""

import logging
import os
import threading
import time

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    # After a publish has failed, this process takes the broker as down for this long: the next
    # tasks go straight to the sweep instead of each waiting out the retries again (an upload of
    # ten files would otherwise wait ten times and outlive the web worker's timeout).
    broker_down_seconds = 30.0
    broker_down_until = 0.0  # monotonic clock; shared by every task of the process

    def delay_on_commit(self, *args, **kwargs) -> None:
        """Send the task once the transaction commits (DjangoTask's contract), but never fail
        the caller because of the broker: the row is already committed, and the publish retry
        policy (CELERY_PUBLISH_RETRY_SECONDS) has been waited out. An upload answered with a 500
        for a resume that is in fact stored is worse than a short delay: the message is left out,
        logged (task arguments are ids, never personal data), and the recovery sweep
        (recruiting.services.recovery) sends it again once the broker is back."""

        def send() -> None:
            if time.monotonic() < Task.broker_down_until:
                self._log_unsent(args, "it was down moments ago")
                return
            try:
                self.delay(*args, **kwargs)
            except OperationalError as exc:
                Task.broker_down_until = time.monotonic() + Task.broker_down_seconds
                self._log_unsent(args, str(exc))

        transaction.on_commit(send)

    def delay_in_background(self, *args) -> None:
        """For long runs a page starts (a retrain, ranking a pile): the request must answer at
        once and the page follows the run's row. With a broker this is ``delay_on_commit``.
        Without one tasks run in-process (``make run``): the task then runs in a thread after
        commit instead of inside the request, unless EAGER_LONG_TASKS_IN_THREAD is off (tests,
        which want the run finished when the request returns)."""
        from django.conf import settings

        if not (settings.CELERY_TASK_ALWAYS_EAGER and settings.EAGER_LONG_TASKS_IN_THREAD):
            self.delay_on_commit(*args)
            return

        def run() -> None:
            from django.db import connections

            try:
                self.run(*args)
            except Exception:
                logger.exception("%s%s failed in a background thread", self.name, list(args))
            finally:
                connections.close_all()

        transaction.on_commit(
            lambda: threading.Thread(target=run, name=self.name, daemon=True).start()
        )

    def _log_unsent(self, args: tuple, why: str) -> None:
        logger.warning(
            "broker unavailable: %s%s not sent, the recovery sweep will send it (%s)",
            self.name,
            list(args),
            why,
        )


app = Celery("resumerecommender", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_named(name: str) -> Task:
    """The task called ``name``, for a service that queues it. Tasks call services, so services
    never import a tasks module (an import-linter contract): they name the task, as the beat
    schedule does. The first look-up in a process that has not loaded its tasks loads them."""
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[name]
