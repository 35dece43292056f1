"""docker-compose.yml cannot be run here (no Docker engine): check it against the project instead."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_healthchecks_on_the_stateful_ones():
    services = compose()["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name


def test_app_services_share_one_anchor_and_wait_for_healthy_dependencies():
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("<<: *app") == 3
    for name in ("web", "worker", "beat"):
        depends = compose()["services"][name]["depends_on"]
        assert depends == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_every_app_command_names_something_that_exists_in_the_project():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        words = shlex.split(command)
        if "celery" in words:
            assert words[words.index("-A") + 1] == "config"
            assert (ROOT / "config" / "celery.py").is_file()
        if "config.wsgi" in command:
            assert (ROOT / "config" / "wsgi.py").is_file()
        if "manage.py" in command:
            assert (ROOT / "manage.py").is_file()


def test_every_variable_the_compose_file_sets_is_read_by_the_settings():
    settings_text = (ROOT / "config" / "settings" / "base.py").read_text()
    env = compose()["x-app"]["environment"]
    for variable in env:
        assert re.search(rf'"{variable}"', settings_text), f"{variable} is not read by the settings"


def test_env_example_documents_every_variable_the_settings_read():
    settings_text = (ROOT / "config" / "settings" / "base.py").read_text()
    example = (ROOT / ".env.example").read_text()
    read = set(re.findall(r'(?:env\.\w+|_setting)\(\s*"([A-Z_]+)"', settings_text))
    assert read, "no variables found in the settings"
    missing = sorted(v for v in read if not re.search(rf"^#?\s*{v}=", example, re.MULTILINE))
    assert not missing, f".env.example does not document {missing}"


def test_the_broker_keeps_its_queue_across_a_restart():
    """Queued tasks live in Redis: without an append-only file on a volume a restart loses them
    (recruiting/tests/test_faults_live.py proves the loss with a real redis-server)."""
    redis = compose()["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    volume = redis["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in compose()["volumes"]
