"""Template context for every page: the team the signed-in recruiter works in."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def team(request: HttpRequest) -> dict:
    def name() -> str:
        from recruiting.models import Team, user_team_id

        team_id = user_team_id(getattr(request, "user", None))
        return Team.objects.filter(pk=team_id).values_list("name", flat=True).first() or ""

    return {"current_team": SimpleLazyObject(name)}
