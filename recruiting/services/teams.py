"""Teams: recruiters who share one pool of candidates, jobs and job sources. A user without a
membership works in the default team, so a one-team installation needs no set-up."""

from __future__ import annotations

from django.db import transaction

from config.exceptions import ApplicationError
from recruiting.models import Job, Team, TeamMembership, user_team_id


def team_default() -> Team:
    return Team.objects.default()


def team_of(user) -> Team:
    """The team ``user`` works in."""
    return Team.objects.get(pk=user_team_id(user))


def same_team(user, obj) -> bool:
    """Whether ``obj`` (anything with a team) is in the team ``user`` works in."""
    return obj.team_id == user_team_id(user)


@transaction.atomic
def team_create(*, name: str, default: bool = False) -> Team:
    team = Team(name=name.strip(), is_default=default)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_set(*, user, team: Team) -> TeamMembership:
    """Put ``user`` in ``team`` (a recruiter belongs to one team at a time). What they added to
    their former team stays there."""
    membership, _ = TeamMembership.objects.update_or_create(user=user, defaults={"team": team})
    user.__dict__.pop("_team_id", None)
    return membership


def job_edit_check(*, job: Job, user) -> None:
    """Only the team that owns a job (or staff) may change it or its requirements."""
    if not (getattr(user, "is_staff", False) or same_team(user, job)):
        raise ApplicationError(
            "Only the team that owns this job may change it.", code="forbidden", status=403
        )
