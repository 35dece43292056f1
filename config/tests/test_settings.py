"""Settings come from the environment; bad or missing variables stop start-up with one clear line."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_DB = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps({k: settings.DATABASES['default'].get(k) for k in ('ENGINE', 'NAME', 'OPTIONS', "
    "'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')} | {'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'cache': settings.CACHES['default']['BACKEND']}))"
)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE", "CELERY", "REDIS"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE", "CELERY", "REDIS"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", **env})
    out = subprocess.run(
        [sys.executable, "-c", PRINT_DB],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_without_a_secret_key_stops_with_a_line_naming_the_variable():
    result = run_manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unsupported_database_url_stops_start_up_naming_the_variable():
    result = run_manage("check", DJANGO_DEBUG="true", DATABASE_URL="mysql://root@localhost/db")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_number_variable_is_named():
    result = run_manage("check", DJANGO_DEBUG="true", UPLOAD_MAX_BYTES="ten megabytes")
    assert result.returncode != 0
    assert "UPLOAD_MAX_BYTES" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "EMBEDDER_PRECISION",
            "fp16",
            "EMBEDDER_PRECISION is 'fp16'; use one of auto, fp32, bf16.",
        ),
        ("EMBEDDER", "mini-lm", "EMBEDDER is 'mini-lm'; use one of minilm, hashing."),
    ],
)
def test_an_unknown_embedder_or_precision_stops_start_up_naming_the_choices(name, value, message):
    result = run_manage("check", DJANGO_DEBUG="true", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_settings_check_the_precision_without_importing_torch():
    code = (
        "import sys, django; from django.conf import settings; "
        "print(settings.EMBEDDER_PRECISION, 'torch' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "EMBEDDER_PRECISION": "fp32",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["fp32", "False"]


def test_no_database_url_means_sqlite_and_no_broker_means_eager_tasks():
    conf = settings_with(DJANGO_DEBUG="true")
    assert conf["ENGINE"] == "django.db.backends.sqlite3"
    assert conf["eager"] is True
    assert conf["cache"].endswith("LocMemCache")


def test_a_cloud_postgres_url_carries_ssl_timeouts_and_connection_age():
    conf = settings_with(
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://app:secret@db.example.com:5432/recruit?sslmode=require",
        DATABASE_STATEMENT_TIMEOUT_MS="15000",
        DATABASE_CONN_MAX_AGE="120",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert conf["ENGINE"] == "django.db.backends.postgresql"
    assert conf["OPTIONS"]["sslmode"] == "require"
    assert conf["OPTIONS"]["options"] == "-c statement_timeout=15000"
    assert conf["CONN_MAX_AGE"] == 120
    assert conf["CONN_HEALTH_CHECKS"] is True
    assert conf["eager"] is False
    assert conf["cache"].endswith("RedisCache")


def test_the_pool_option_turns_persistent_connections_off():
    conf = settings_with(
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://app@127.0.0.1:5432/recruit",
        DATABASE_POOL="true",
    )
    assert conf["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10}
    assert conf["CONN_MAX_AGE"] == 0


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="recruit.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout


PRINT_PROXY = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps([getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), "
    "settings.REST_FRAMEWORK['NUM_PROXIES']]))"
)


def test_x_forwarded_proto_counts_only_behind_a_trusted_proxy():
    def proxy_settings(**env: str):
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE", "CELERY", "REDIS", "TRUSTED"))
        }
        clean.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.base",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                **env,
            }
        )
        out = subprocess.run(
            [sys.executable, "-c", PRINT_PROXY],
            cwd=ROOT,
            env=clean,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert proxy_settings() == [None, 0]
    assert proxy_settings(TRUSTED_PROXY_COUNT="1") == [["HTTP_X_FORWARDED_PROTO", "https"], 1]
