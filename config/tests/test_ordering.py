"""Every model of our apps orders by a total order: lists and API pages are deterministic only
if no two rows can tie on the whole ordering (the last key must be unique)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import UniqueConstraint
from django.db.models.functions import Lower

APPS = ("recruiting", "matching")


def unique_keys(model) -> set[str]:
    keys = {"pk", "id"}
    keys |= {f.name for f in model._meta.fields if f.unique}
    for c in model._meta.constraints:
        if not isinstance(c, UniqueConstraint) or c.condition is not None:
            continue
        if len(c.fields) == 1:
            keys.add(c.fields[0])
        # Unique case-insensitively: two names that tie under ORDER BY are equal, hence one row.
        if len(c.expressions) == 1 and isinstance(c.expressions[0], Lower):
            keys.add(c.expressions[0].source_expressions[0].name)
    return keys


@pytest.mark.parametrize(
    "model",
    [m for a in APPS for m in apps.get_app_config(a).get_models() if m._meta.ordering],
    ids=lambda m: m.__name__,
)
def test_the_default_ordering_ends_in_a_unique_key(model):
    last = str(model._meta.ordering[-1]).lstrip("-")
    assert last in unique_keys(model), (
        f"{model.__name__}.Meta.ordering = {model._meta.ordering}: rows can tie; end it with "
        f"a unique field such as -id"
    )
