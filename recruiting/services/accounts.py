"""Roles: recruiters are a group with view/add/change on resumes and jobs; admins are staff.
Each recruiter works in one team (see recruiting.services.teams)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

RECRUITERS = "Recruiters"
_MODELS = ["resume", "job", "resumeskill", "jobskill", "matchfeedback", "application"]
_ACTIONS = ["view", "add", "change"]


def recruiters_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=RECRUITERS)
    codenames = [f"{a}_{m}" for m in _MODELS for a in _ACTIONS] + [
        "view_category",
        "view_skill",
        "view_jobsource",
    ]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    return group


@transaction.atomic
def recruiter_create(
    *, username: str, password: str, email: str = "", staff: bool = False, team=None
):
    """Create (or reset) a recruiter login; staff users get the admin too. Without ``team`` the
    recruiter keeps their team (the default team for a new login)."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(password)
    user.is_staff = staff
    user.is_superuser = staff
    user.save()
    user.groups.add(recruiters_group_ensure())
    if team is not None:
        from recruiting.services.teams import team_member_set

        team_member_set(user=user, team=team)
    return user
