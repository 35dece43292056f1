"""docs/schema.md names every database constraint of the models, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"


def model_constraints() -> set[str]:
    names = set()
    for app in ("recruiting", "matching"):
        for model in apps.get_app_config(app).get_models():
            names.update(c.name for c in model._meta.constraints)
    return names


def test_every_constraint_is_described_in_the_schema_document():
    text = DOC.read_text()
    missing = sorted(n for n in model_constraints() if f"`{n}`" not in text)
    assert not missing, f"docs/schema.md does not describe {missing}"


def test_the_schema_document_names_no_constraint_that_no_longer_exists():
    text = DOC.read_text()
    documented = set(re.findall(r"`([a-z]+_[a-z_]+)`", text))
    candidates = {
        d
        for d in documented
        if d.endswith(
            (
                "_valid",
                "_unique",
                "_range",
                "_status",
                "_ci",
                "_model",
                "_ordered",
                "_source",
                "_id",
                "_owner",
                "_pair",
                "_active",
            )
        )
    }
    stale = sorted(
        c for c in candidates if c not in model_constraints() and "_" in c and c.count("_") >= 2
    )
    assert not stale, f"docs/schema.md names constraints that do not exist: {stale}"
