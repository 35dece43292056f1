"""The skills taxonomy as an mlcore matcher, compiled once per process and rebuilt when it changes."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from mlcore.skills import SkillEntry, SkillTaxonomy
from recruiting.models import Skill

_lock = threading.Lock()
_cached: tuple[tuple, SkillTaxonomy] | None = None


def _fingerprint() -> tuple:
    # Count, last id and last-changed marker: cheap to read, changes whenever the taxonomy does.
    agg = Skill.objects.aggregate(n=Count("id"), last=Max("id"))
    return (agg["n"], agg["last"], _generation)


_generation = 0


def taxonomy_changed() -> None:
    """Call after editing skills in place (aliases, context flag) so the matcher is rebuilt."""
    global _generation
    _generation += 1


def taxonomy_get() -> SkillTaxonomy:
    global _cached
    key = _fingerprint()
    with _lock:
        if _cached is None or _cached[0] != key:
            entries = [
                SkillEntry(
                    name=s.name,
                    aliases=tuple(s.aliases or ()),
                    kind=s.kind,
                    requires_context=s.requires_context,
                )
                for s in Skill.objects.only("name", "aliases", "kind", "requires_context")
            ]
            _cached = (key, SkillTaxonomy.from_entries(entries))
        return _cached[1]


def skill_ids_by_name(names) -> dict[str, int]:
    """Canonical names (any case) -> Skill ids."""
    lowered = {n.lower() for n in names}
    return {name.lower(): pk for pk, name in Skill.objects.named(lowered).values_list("id", "name")}
