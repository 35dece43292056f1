"""Template filters that put the matcher's names into a recruiter's words."""

from __future__ import annotations

from django import template

from matching.selectors import PART_LABELS

register = template.Library()


@register.filter
def part_label(name: str) -> str:
    return PART_LABELS.get(name, name)
