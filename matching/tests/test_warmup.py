"""Warm-up at process start loads the model, the reference models and the shared stores, and a
step that fails does not stop the process."""

from __future__ import annotations

import logging

import pytest

from matching.services import store
from matching.services.warmup import warm_up

pytestmark = pytest.mark.django_db


def test_warm_up_maps_both_stores_and_times_every_step(recruiter, skills):
    seconds = warm_up()
    assert {"model", "keywords", "sentences", "taxonomy", "resume store", "job store"} <= set(
        seconds
    )
    assert all(value >= 0 for value in seconds.values())
    assert {kind for kind, _ in store._loaded} == {"resume", "job"}


def test_a_failing_step_is_logged_and_skipped(monkeypatch, caplog):
    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr("recruiting.services.embedding.keyword_model_get", broken)
    with caplog.at_level(logging.ERROR):
        seconds = warm_up()
    assert "keywords" in seconds and "warm-up step keywords failed" in caplog.text


def test_gunicorn_workers_warm_up_after_forking(settings, monkeypatch):
    import runpy

    calls = []
    monkeypatch.setattr("matching.services.warmup.warm_up", lambda: calls.append(1))
    config = runpy.run_path("config/gunicorn.conf.py")
    settings.WARM_UP = True
    config["post_fork"](None, None)
    settings.WARM_UP = False
    config["post_fork"](None, None)
    assert calls == [1]
