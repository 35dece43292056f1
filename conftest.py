"""Shared pytest fixtures: users, roles and teams, API clients, a small skills taxonomy, service
checks. Rita and Tom work in one team (the default team); Oscar works in another."""

from __future__ import annotations

import functools
import os
import socket

import pytest

SMALL_TAXONOMY = [
    ("Python", [], "technical", False),
    ("Django", [], "technical", False),
    ("PostgreSQL", ["Postgres"], "technical", False),
    ("Docker", [], "tool", False),
    ("Kubernetes", ["k8s"], "tool", False),
    ("JavaScript", ["JS"], "technical", False),
    ("React", ["ReactJS", "React.js"], "technical", True),
    ("Java", [], "technical", False),
    ("Spring Boot", [], "technical", False),
    ("SQL", [], "technical", False),
    ("AWS", ["Amazon Web Services"], "tool", False),
    ("Go", ["Golang"], "technical", True),
    ("Excel", ["Microsoft Excel"], "tool", False),
    ("Accounting", [], "domain", False),
    ("Payroll", [], "domain", False),
    ("Communication", [], "soft", False),
    ("Machine Learning", ["ML"], "technical", False),
]


def require_service(name: str, host: str, port: int) -> None:
    """Skip without the service; in CI (CI=true) its absence is a failure, not a skip."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError:
        message = f"{name} is not reachable at {host}:{port}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI requires it")
        pytest.skip(message)


@functools.cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def cache_clear() -> None:
    """Empty this process's cache. Django's RedisCache.clear() empties the whole Redis database,
    the other xdist workers' keys too; each worker has its own key prefix (config.settings.test),
    so on Redis only the keys under this process's prefix go."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.REDIS_URL:
        cache.clear()
        return
    client = _redis(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def skills(db):
    from recruiting.models import Skill
    from recruiting.services.taxonomy import taxonomy_changed

    rows = [Skill(name=n, aliases=a, kind=k, requires_context=c) for n, a, k, c in SMALL_TAXONOMY]
    Skill.objects.bulk_create(rows)
    taxonomy_changed()
    return {s.name: s for s in Skill.objects.all()}


@pytest.fixture
def categories(db):
    from recruiting.models import Category

    names = ["Information Technology", "Accountant", "Sales", "Healthcare"]
    return {
        c.slug: c
        for c in [Category.objects.create(slug=n.lower().replace(" ", "-"), name=n) for n in names]
    }


def _user(**kwargs):
    from recruiting.services.accounts import recruiter_create

    return recruiter_create(**kwargs)


@pytest.fixture
def team(db):
    """Rita's and Tom's team: the default team, as on a one-team installation."""
    from recruiting.services.teams import team_default

    return team_default()


@pytest.fixture
def other_team(db):
    from recruiting.services.teams import team_create

    return team_create(name="Globex Hiring")


@pytest.fixture
def recruiter(team):
    return _user(username="rita", password="a-long-test-password-1", team=team)


@pytest.fixture
def teammate(team):
    return _user(username="tom", password="a-long-test-password-4", team=team)


@pytest.fixture
def other_recruiter(other_team):
    return _user(username="oscar", password="a-long-test-password-2", team=other_team)


@pytest.fixture
def staff(db):
    return _user(username="ada", password="a-long-test-password-3", staff=True)


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def teammate_client(teammate):
    from django.test import Client

    client = Client()
    client.force_login(teammate)
    return client


@pytest.fixture
def other_client(other_recruiter):
    from django.test import Client

    client = Client()
    client.force_login(other_recruiter)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def api_client(recruiter):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(recruiter)
    return api


@pytest.fixture
def teammate_api(teammate):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(teammate)
    return api


@pytest.fixture
def other_api(other_recruiter):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(other_recruiter)
    return api


@pytest.fixture
def anon_api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_process_state(request):
    """Per-process caches (embedder, stores, taxonomy) and the shared stores on disk must not
    leak between tests: each test's database starts empty, so must its stores."""
    yield
    from config.celery import Task

    Task.broker_down_until = 0.0  # a test's broker outage ends with the test
    if "django_db_setup" not in request.fixturenames and "db" not in request.fixturenames:
        return
    import shutil

    from django.conf import settings

    from matching.services.registry import active_weights_forget
    from matching.services.store import stores_reset
    from recruiting.services.embedding import embedder_reset

    stores_reset()
    active_weights_forget()
    shutil.rmtree(settings.ARTIFACTS_DIR / "store", ignore_errors=True)
    embedder_reset()
    cache_clear()  # throttle counts (uploads, logins) belong to the test that made them
