"""Services queue tasks by name (they never import a tasks module): every name they use, and
every name the beat schedule uses, is a registered task."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import task_named
from matching.tasks import pile_run_task

ROOT = Path(__file__).resolve().parents[2]
NAMED = re.compile(r"""task_named\(\s*["']([\w.]+)["']""")


def _names_in_services() -> set[str]:
    return {
        name
        for path in [*ROOT.glob("recruiting/services/*.py"), *ROOT.glob("matching/services/*.py")]
        for name in NAMED.findall(path.read_text(encoding="utf-8"))
    }


def test_services_name_the_tasks_they_queue():
    names = _names_in_services()
    assert "recruiting.tasks.resume_process_task" in names
    assert "matching.tasks.pile_run_task" in names


@pytest.mark.parametrize("name", sorted(_names_in_services()))
def test_every_task_a_service_names_is_registered(name):
    assert task_named(name).name == name


@pytest.mark.parametrize(
    "name", sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})
)
def test_every_scheduled_task_is_registered(name):
    assert task_named(name).name == name


def test_a_task_name_nobody_registered_is_an_error():
    with pytest.raises(KeyError):
        task_named("recruiting.tasks.no_such_task")


def test_a_named_task_is_the_task_its_module_defines():
    assert task_named("matching.tasks.pile_run_task") is pile_run_task._get_current_object()


def test_a_process_that_never_imported_a_tasks_module_finds_the_task_by_name():
    code = (
        "import sys, django; django.setup(); from config.celery import task_named; "
        "assert 'matching.tasks' not in sys.modules; "
        "print(task_named('matching.tasks.pile_run_task').name)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("matching.tasks.pile_run_task")
