"""The lifecycle of run rows (``recruiting.models.Run``: ingestion runs, retrain runs), in one
place for every kind.

- ``run_claim``: queued -> running with a conditional update, a lease and a new attempt number
  (the claim's token). The database allows one running run per scope (``Run.lease_scope``): a
  run blocked by one whose lease has passed takes its place, and a redelivered task takes over
  its own run the same way; a run blocked by a live one is skipped.
- ``run_lease``: while the work runs, a thread renews the lease; a killed worker renews nothing.
- ``run_finish`` and ``run_requeue``: the end of a claim, conditional on still holding it, so a
  worker that was taken over never overwrites the run of the worker that took it.
- ``runs_recover``: the beat sweep's part: runs never started (their message was lost), runs
  queued for a retry whose message is overdue, and running runs whose lease passed are sent
  again, up to ``MAX_ATTEMPTS`` claims, then failed with the reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from recruiting.models import Run

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The sweep handles at most this many runs of a kind at a time.
BATCH = 500

Status = Run.Status


def lease_seconds() -> int:
    return settings.RUN_LEASE_SECONDS


def run_held_for(run: Run, *, now=None) -> float | None:
    """Seconds until the lease of ``run`` passes when another worker holds it (status
    running), else None. A message redelivered after its worker was killed finds its run held
    like this: waiting that long lets it take the run over instead of dropping it."""
    if run.status != Status.RUNNING or run.lease_expires_at is None:
        return None
    return max(0.0, (run.lease_expires_at - (now or timezone.now())).total_seconds())


def run_claim(run: Run) -> bool:
    """Claim ``run`` for this worker (queued, or running with a lapsed lease -> running).
    Updates ``run`` in place; False when it was not claimed (finished, held by a live worker,
    or skipped because another run of its scope is live)."""
    model = type(run)
    for _ in range(2):
        now = timezone.now()
        try:
            with transaction.atomic():
                claimed = (
                    model.objects.claimable(now)
                    .filter(pk=run.pk)
                    .update(
                        status=Status.RUNNING,
                        started_at=now,
                        finished_at=None,
                        lease_expires_at=now + timedelta(seconds=lease_seconds()),
                        attempts=F("attempts") + 1,
                    )
                )
        except IntegrityError:
            # Another run of the scope is running: take its place if its worker is gone.
            if _expire_blocking(run, now):
                continue
            model.objects.filter(pk=run.pk, status=Status.QUEUED).update(
                status=Status.SKIPPED,
                finished_at=now,
                message="Another run was in progress.",
            )
            run.refresh_from_db()
            return False
        run.refresh_from_db()
        return bool(claimed)
    run.refresh_from_db()
    return False


def _expire_blocking(run: Run, now) -> bool:
    """Fail the running runs of ``run``'s scope whose lease has passed; True if any was."""
    model = type(run)
    return bool(
        model.objects.lapsed(now)
        .filter(**run.lease_scope())
        .exclude(pk=run.pk)
        .update(
            status=Status.FAILED,
            finished_at=now,
            lease_expires_at=None,
            message=f"Its worker stopped (the lease passed); run #{run.pk} took its place.",
        )
    )


def _held(run: Run):
    """The row, as long as this claim holds it."""
    return type(run).objects.filter(pk=run.pk, status=Status.RUNNING, attempts=run.attempts)


def run_renew(run: Run) -> bool:
    """Extend the lease of a run this worker holds; False when it no longer holds it."""
    expires = timezone.now() + timedelta(seconds=lease_seconds())
    return bool(_held(run).update(lease_expires_at=expires))


@contextmanager
def run_lease(run: Run) -> Iterator[None]:
    """Renew the lease of ``run`` every third of its length while the body runs, from a thread
    (the work itself may sit in one call for minutes: a slow feed, a pipeline stage)."""
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(lease_seconds() / 3):
                try:
                    run_renew(run)
                except DatabaseError as exc:  # the next renewal may get through
                    logger.warning("could not renew the lease of %s: %s", run, exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name=f"lease-{type(run).__name__}-{run.pk}")
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_finish(run: Run, *, status: str, message: str = "", **fields) -> bool:
    """End a claim: running -> ``status`` with the message (and other fields of the row).
    False when another worker took the run over meanwhile: its outcome stands."""
    done = _held(run).update(
        status=status,
        finished_at=timezone.now(),
        lease_expires_at=None,
        message=message[:4000],
        **fields,
    )
    run.refresh_from_db()
    return bool(done)


def run_requeue(run: Run, *, message: str, retry_in: float) -> bool:
    """Give a claim back for a retry in ``retry_in`` seconds. The lease says when the retry is
    overdue: past it (plus the pending grace), the sweep sends the run again."""
    overdue = retry_in + settings.REQUEUE_PENDING_AFTER_SECONDS
    done = _held(run).update(
        status=Status.QUEUED,
        lease_expires_at=timezone.now() + timedelta(seconds=overdue),
        message=message[:4000],
    )
    run.refresh_from_db()
    return bool(done)


def runs_recover(model: type[Run], *, send: Callable[[int], object], now=None) -> list[int]:
    """Send again the runs whose task was lost: queued and never started since before the
    pending cutoff, queued for a retry that is overdue, or running with a lapsed lease (their
    worker died). A run claimed ``MAX_ATTEMPTS`` times already is failed instead: its work
    kills its worker (the time limit, memory)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.REQUEUE_PENDING_AFTER_SECONDS)
    lost = model.objects.lost(now, queued_before=cutoff)
    model.objects.filter(pk__in=lost.filter(attempts__gte=MAX_ATTEMPTS).values("pk")).update(
        status=Status.FAILED,
        finished_at=now,
        lease_expires_at=None,
        message=f"Gave up after {MAX_ATTEMPTS} attempts: each time its worker stopped before "
        "the run finished (killed, or past the task time limit).",
    )
    ids = list(lost.order_by("id").values_list("id", flat=True)[:BATCH])
    for pk in ids:
        send(pk)
    return ids
