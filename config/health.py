"""`GET /health/`: 200 when the database, cache, broker and model registry answer, 503 if not.

Anyone (a load balancer, an orchestrator) gets the status alone; staff signed in get each
check's answer too (the broker mode, the active model), which tells an outsider too much."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("health:ping", "pong", 10)
    if cache.get("health:ping") != "pong":
        raise RuntimeError("cache did not return what was written")
    return "ok"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in-process)"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _active_model() -> dict:
    from matching.models import ModelVersion

    active = ModelVersion.objects.current()
    if active is None:
        return {"status": "none", "detail": "no model version is active yet"}
    return {"status": "ok", "version": active.version, "embedder": active.embedder_id}


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, object] = {}
    healthy = True
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, never raised
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
            healthy = False
    try:
        checks["model"] = _active_model()
    except Exception as exc:
        checks["model"] = {"status": f"error: {type(exc).__name__}"}
        healthy = False
    body: dict[str, object] = {"status": "ok" if healthy else "unavailable"}
    if request.user.is_authenticated and request.user.is_staff:
        body |= checks
    return JsonResponse(body, status=200 if healthy else 503)
