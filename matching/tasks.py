"""Celery tasks of the matching app: take ids, call one service, return.

Retrain, drift and pile runs are claimed with a conditional update (one running retrain, a pile
run from queued only), so they are safe to run twice and use acks_late.
"""

from __future__ import annotations

from celery import shared_task

from matching.services.documents import jobs_reclassify
from matching.services.drift import drift_check_all
from matching.services.pile import pile_requeue_stale, pile_run_execute
from matching.services.retrain import retrain_enqueue, retrain_requeue_stale, retrain_run
from matching.services.store import lexical_rebuild, stores_refresh

IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**IDEMPOTENT)
def retrain_task(run_id: int) -> str:
    return retrain_run(run_id=run_id).status


@shared_task(**IDEMPOTENT)
def jobs_reclassify_task() -> int:
    """After a model version is activated: its job categories replace the old predictions
    (running it twice predicts the same categories again)."""
    return jobs_reclassify()


@shared_task(**IDEMPOTENT)
def retrain_scheduled() -> int:
    """Beat entry point: the weekly retrain."""
    return retrain_enqueue(trigger="schedule").pk


@shared_task
def retrain_requeue_stale_task() -> list[int]:
    """Beat entry point: re-send retrain runs whose message was lost."""
    return retrain_requeue_stale()


@shared_task(**IDEMPOTENT)
def drift_check_scheduled() -> list[int]:
    """Beat entry point: the daily drift checks (a drifted check queues a retrain)."""
    return [r.pk for r in drift_check_all(trigger_retrain=True)]


@shared_task(**IDEMPOTENT)
def pile_run_task(run_id: int) -> str:
    return pile_run_execute(run_id=run_id).status


@shared_task
def pile_requeue_stale_task() -> list[int]:
    """Beat entry point: re-send pile runs whose message was lost."""
    return pile_requeue_stale()


@shared_task
def stores_refresh_task() -> dict:
    """Beat entry point (every minute), and what a web process sends when its store is behind:
    sync both document stores and rebuild a stale BM25 index (one writer at a time: a lock)."""
    return stores_refresh()


@shared_task
def lexical_rebuild_task(kind: str) -> str | None:
    """After an erasure: rebuild the BM25 index of ``kind`` without the erased texts."""
    return lexical_rebuild(kind)
