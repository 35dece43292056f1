"""Runs (ingestion and retrain alike) are claimed with a lease that their worker renews. A run
whose worker died, or was stopped at the time limit, holds its place only until the lease has
passed: then a later run takes its place, a redelivered task takes it over, and the beat sweep
sends it again, a bounded number of times. A worker that was taken over changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import PileRun, RetrainRun
from recruiting.models import IngestionRun, JobSource
from recruiting.services import runs
from recruiting.services.runs import (
    MAX_ATTEMPTS,
    run_claim,
    run_finish,
    run_lease,
    run_renew,
    runs_recover,
)
from recruiting.tasks import ingest_source_task

pytestmark = pytest.mark.django_db

KINDS = ["ingestion", "retrain"]


@pytest.fixture
def make(db):
    source = JobSource.objects.create(name="Drop", kind="filedrop", url="/nowhere", enabled=False)

    def make(kind: str, **fields):
        if kind == "ingestion":
            return IngestionRun.objects.create(source=source, **fields)
        return RetrainRun.objects.create(**fields)

    return make


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


@pytest.mark.parametrize("kind", KINDS)
def test_a_claim_holds_a_lease_and_counts_the_attempt(make, kind, settings):
    run = make(kind)
    assert run_claim(run)
    assert (run.status, run.attempts) == ("running", 1)
    lease = (run.lease_expires_at - run.started_at).total_seconds()
    assert lease == pytest.approx(settings.RUN_LEASE_SECONDS, abs=1)
    assert not run_claim(run)  # held: a second delivery of the task does nothing


@pytest.mark.parametrize("kind", KINDS)
def test_a_later_run_takes_the_place_of_one_whose_lease_has_passed(make, kind):
    dead = make(kind)
    run_claim(dead)
    type(dead).objects.filter(pk=dead.pk).update(lease_expires_at=ago(1))
    later_run = make(kind)
    assert run_claim(later_run)
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert f"run #{later_run.pk} took its place" in dead.message


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_whose_worker_still_renews_its_lease_makes_a_later_one_skip(make, kind):
    alive = make(kind)
    run_claim(alive)
    second = make(kind)
    assert not run_claim(second)
    assert second.status == "skipped"
    alive.refresh_from_db()
    assert alive.status == "running"


@pytest.mark.parametrize("kind", KINDS)
def test_a_redelivered_task_takes_over_its_own_run_only_once_the_lease_has_passed(make, kind):
    run = make(kind)
    run_claim(run)
    first = type(run).objects.get(pk=run.pk)
    assert not run_claim(type(run).objects.get(pk=run.pk))
    type(run).objects.filter(pk=run.pk).update(lease_expires_at=ago(1))
    again = type(run).objects.get(pk=run.pk)
    assert run_claim(again)
    assert again.attempts == 2
    # The first worker, if it still lives, no longer holds the run: it changes nothing.
    assert not run_renew(first)
    assert not run_finish(first, status="succeeded", message="late")
    again.refresh_from_db()
    assert (again.status, again.message) == ("running", "")
    assert run_finish(again, status="succeeded", message="done")


@pytest.mark.parametrize("kind", KINDS)
def test_the_sweep_sends_runs_whose_worker_died_and_gives_up_after_the_last_attempt(make, kind):
    run = make(kind)
    sent: list[int] = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        held = type(run).objects.get(pk=run.pk)
        assert run_claim(held) and held.attempts == attempt
        assert runs_recover(type(run), send=sent.append) == []  # its lease is alive
        type(run).objects.filter(pk=run.pk).update(lease_expires_at=ago(1))  # the worker died
        expected = [run.pk] if attempt < MAX_ATTEMPTS else []
        assert runs_recover(type(run), send=sent.append) == expected
    run.refresh_from_db()
    assert run.status == "failed"
    assert f"Gave up after {MAX_ATTEMPTS} attempts" in run.message
    assert sent == [run.pk] * (MAX_ATTEMPTS - 1)


@pytest.mark.parametrize("kind", KINDS)
def test_the_sweep_sends_a_run_whose_retry_is_overdue_and_leaves_one_that_is_not_due(make, kind):
    due, waiting = make(kind), make(kind)
    for run, lease in ((due, ago(1)), (waiting, later(60))):
        type(run).objects.filter(pk=run.pk).update(
            started_at=ago(3600), attempts=1, lease_expires_at=lease, message="Will retry"
        )
    sent: list[int] = []
    assert runs_recover(type(due), send=sent.append) == [due.pk]


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_left_running_without_a_lease_by_an_older_version_is_taken_over(make, kind):
    stuck = make(kind, status="running", started_at=ago(86_400))
    assert run_claim(make(kind))
    stuck.refresh_from_db()
    assert stuck.status == "failed"


def test_the_lease_is_renewed_from_a_thread_while_the_work_runs(make, monkeypatch, settings):
    settings.RUN_LEASE_SECONDS = 0.03
    renewed = threading.Event()
    monkeypatch.setattr(runs, "run_renew", lambda run: renewed.set() or True)
    run = make("ingestion")
    run_claim(run)
    with run_lease(run):
        assert renewed.wait(timeout=10)
    assert not any(t.name == f"lease-IngestionRun-{run.pk}" for t in threading.enumerate())


def test_a_redelivered_ingestion_task_waits_out_a_held_lease_instead_of_dropping_the_run(
    make, monkeypatch
):
    """A worker killed mid-run leaves its run "running" under a lease; the broker redelivers
    the message within seconds. That delivery must come back once the lease passes (and take
    the run over), not end: nothing else would run it until the next recovery sweep."""

    run = make("ingestion")
    run_claim(run)
    type(run).objects.filter(pk=run.pk).update(lease_expires_at=later(40))

    class Retried(Exception):
        pass

    def retry(**kwargs):
        raise Retried(kwargs["countdown"])

    monkeypatch.setattr(ingest_source_task, "retry", retry)
    ingest_source_task.push_request(is_eager=False, retries=0)
    try:
        with pytest.raises(Retried) as info:
            ingest_source_task.run(run.pk)
    finally:
        ingest_source_task.pop_request()
    assert 39 <= info.value.args[0] <= 42
    run.refresh_from_db()
    assert run.status == "running"  # untouched: the live holder may still finish it

    # Finished meanwhile by the holder: the retry changes nothing and ends.
    run_finish(type(run).objects.get(pk=run.pk), status="succeeded", message="done")
    ingest_source_task.push_request(is_eager=False, retries=1)
    try:
        assert ingest_source_task.run(run.pk) == "succeeded"
    finally:
        ingest_source_task.pop_request()


@pytest.mark.parametrize("kind", KINDS)
def test_the_run_queryset_tells_lapsed_claimable_and_lost_runs_apart(make, kind):
    now = timezone.now()
    queued_new = make(kind)
    queued_old = make(kind)
    retry_due = make(kind, lease_expires_at=ago(1), started_at=ago(60))
    retry_waiting = make(kind, lease_expires_at=later(60), started_at=ago(60))
    running = make(kind, status="running", lease_expires_at=later(60))
    done = make(kind, status="succeeded")
    runs_of_kind = type(running).objects
    runs_of_kind.filter(pk=queued_old.pk).update(created_at=ago(3600))

    def ids(queryset):
        return set(queryset.values_list("pk", flat=True))

    queued = {queued_new.pk, queued_old.pk, retry_due.pk, retry_waiting.pk}
    assert ids(runs_of_kind.lapsed(now)) == set()
    assert ids(runs_of_kind.claimable(now)) == queued
    assert ids(runs_of_kind.lost(now, queued_before=ago(600))) == {queued_old.pk, retry_due.pk}
    runs_of_kind.filter(pk=running.pk).update(lease_expires_at=ago(1))  # its worker died
    assert ids(runs_of_kind.lapsed(now)) == {running.pk}
    assert ids(runs_of_kind.claimable(now)) == queued | {running.pk}
    lost = ids(runs_of_kind.lost(now, queued_before=ago(600)))
    assert lost == {queued_old.pk, retry_due.pk, running.pk}
    assert done.pk not in lost


def test_pile_runs_are_scoped_to_a_team_and_recovered_like_every_run(team, other_team):

    ours = PileRun.objects.create(team=team, status="running", lease_expires_at=ago(1))
    PileRun.objects.create(team=other_team, status="running", lease_expires_at=later(60))
    assert list(PileRun.objects.of_team(team).lapsed(timezone.now())) == [ours]
