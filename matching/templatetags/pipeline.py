"""Template helpers for the hiring pipeline: the one-click next move and stage names."""

from __future__ import annotations

from django import template

from matching.models import Application
from matching.services.pipeline import NEXT_MOVES

register = template.Library()


@register.filter
def next_move(application: Application | None) -> tuple[str, str] | None:
    """(stage, button label) of the next step forward, None once decided."""
    return NEXT_MOVES.get(application.stage if application else Application.Stage.SOURCED)


@register.filter
def stage_label(value: str) -> str:
    return Application.Stage(value).label if value in Application.Stage.values else ""
