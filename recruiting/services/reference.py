"""Reference data every installation needs: the 24 categories and the skills taxonomy, loaded
from ``fixtures/`` by name (idempotent), so that a fresh database can classify and match."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower

from recruiting.models import Category, Skill
from recruiting.services.taxonomy import taxonomy_changed

CATEGORIES_FIXTURE = "fixtures/categories.json"
SKILLS_FIXTURE = "fixtures/skills.json"
_SKILL_FIELDS = ("aliases", "kind", "requires_context")


@dataclass(frozen=True)
class ReferenceLoad:
    categories_created: int
    categories_updated: int
    skills_created: int
    skills_updated: int

    def __str__(self) -> str:
        return (
            f"categories: {self.categories_created} new, {self.categories_updated} updated; "
            f"skills: {self.skills_created} new, {self.skills_updated} updated"
        )


def _fixture_rows(path: str, model: str) -> list[dict]:
    rows = json.loads((Path(settings.BASE_DIR) / path).read_text(encoding="utf-8"))
    return [r["fields"] for r in rows if r.get("model") == model]


@transaction.atomic
def reference_data_load() -> ReferenceLoad:
    """Create missing categories and skills and refresh the fixtures' own ones.

    Categories are matched by slug, skills by name (case-insensitive). Rows an admin added
    (skills of source "user", categories not in the fixture) are never touched or removed, and
    an admin's edits to a fixture skill's aliases are kept: the fixture's aliases are added to
    them. Running it twice changes nothing the second time.
    """
    categories = {c.slug: c for c in Category.objects.all()}
    c_new = c_upd = 0
    for fields in _fixture_rows(CATEGORIES_FIXTURE, "recruiting.category"):
        current = categories.get(fields["slug"])
        if current is None:
            Category.objects.create(**fields)
            c_new += 1
        elif (current.name, current.description) != (fields["name"], fields["description"]):
            current.name, current.description = fields["name"], fields["description"]
            current.save(update_fields=["name", "description"])
            c_upd += 1
    existing = {s.name_lower: s for s in Skill.objects.annotate(name_lower=Lower("name"))}
    to_create, to_update = [], []
    for fields in _fixture_rows(SKILLS_FIXTURE, "recruiting.skill"):
        current = existing.get(fields["name"].lower())
        if current is None:
            to_create.append(Skill(**{k: fields[k] for k in ("name", "source", *_SKILL_FIELDS)}))
            continue
        if current.source == Skill.Source.USER:
            continue
        aliases = list(dict.fromkeys([*(current.aliases or []), *(fields.get("aliases") or [])]))
        wanted = (aliases, fields["kind"], bool(fields.get("requires_context", False)))
        if (current.aliases or [], current.kind, current.requires_context) != wanted:
            current.aliases, current.kind, current.requires_context = wanted
            to_update.append(current)
    Skill.objects.bulk_create(to_create, batch_size=1000)
    Skill.objects.bulk_update(to_update, list(_SKILL_FIELDS), batch_size=1000)
    if to_create or to_update:
        transaction.on_commit(taxonomy_changed)
    return ReferenceLoad(c_new, c_upd, len(to_create), len(to_update))
