"""`make test` runs the suite on pytest-xdist workers: each worker keeps its own cache keys, and a
test clearing its cache leaves the other workers' keys (their throttle counts) alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from conftest import cache_clear

ROOT = Path(__file__).resolve().parents[2]


def test_clearing_the_cache_empties_this_workers_cache():
    cache.set("probe", 1)
    cache_clear()
    assert cache.get("probe") is None


def test_clearing_the_cache_leaves_another_workers_keys_alone(settings):
    if not settings.REDIS_URL:
        pytest.skip("without REDIS_URL each worker's cache is in its own memory")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    other = "rr-gw-other:1:probe"
    client.set(other, b"1", ex=60)
    try:
        cache.set("probe", 1)
        cache_clear()
        assert cache.get("probe") is None
        assert client.get(other) == b"1"
    finally:
        client.delete(other)


def test_each_xdist_worker_has_its_own_cache_key_prefix():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default'].get('KEY_PREFIX')))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    prefixes = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, "PYTEST_XDIST_WORKER": worker},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for worker in ("gw0", "gw1")
    ]
    assert [json.loads(p) for p in prefixes] == ["rr-gw0", "rr-gw1"]
