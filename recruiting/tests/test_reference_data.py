"""Reference data on a fresh database: the command loads the categories and the taxonomy, runs
twice without changing anything, and never touches what admins added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from recruiting.models import Category, Skill
from recruiting.services.reference import reference_data_load
from recruiting.services.taxonomy import taxonomy_get

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def fixture_count(name: str) -> int:
    return len(json.loads((ROOT / "fixtures" / name).read_text(encoding="utf-8")))


def test_a_fresh_database_gets_every_category_and_skill_and_can_name_skills(capsys):
    assert not Skill.objects.exists() and not Category.objects.exists()
    call_command("load_reference_data")
    assert Category.objects.count() == fixture_count("categories.json") == 24
    assert Skill.objects.count() == fixture_count("skills.json")
    assert taxonomy_get().canonical("python") == "Python"
    assert "skills:" in capsys.readouterr().out


def test_loading_twice_changes_nothing_the_second_time():
    first = reference_data_load()
    assert first.skills_created > 0
    second = reference_data_load()
    assert (
        second.categories_created,
        second.categories_updated,
        second.skills_created,
        second.skills_updated,
    ) == (0, 0, 0, 0)


def test_admins_additions_and_alias_edits_survive_a_reload():
    reference_data_load()
    Skill.objects.create(name="Zeekscript", source=Skill.Source.USER, aliases=["ZS"])
    python = Skill.objects.get(name="Python")
    python.aliases = [*python.aliases, "Py3k"]
    python.save()
    custom = Category.objects.create(slug="veterinary", name="Veterinary")
    reference_data_load()
    assert Skill.objects.get(name="Zeekscript").aliases == ["ZS"]
    assert "Py3k" in Skill.objects.get(name="Python").aliases
    assert Category.objects.filter(pk=custom.pk).exists()


def test_every_deployment_path_loads_the_reference_data():
    assert "load_reference_data" in (ROOT / "docker-compose.yml").read_text()
    assert "load_reference_data" in (ROOT / "scripts" / "up.sh").read_text()
    makefile = (ROOT / "Makefile").read_text()
    demo = makefile[makefile.index("\ndemo:") :].split("\n\n")[0]
    assert "load_reference_data" in demo
