"""The shared pieces of the admin: read-only admins for rows only the application writes, and
list columns that count related rows."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from recruiting.admin import ReadOnlyAdmin
from recruiting.models import AuditEvent, Category, IngestionRun, Job, Team
from recruiting.services.teams import team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_request(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    return request


@pytest.mark.parametrize("model", [IngestionRun, AuditEvent])
def test_a_read_only_admin_shows_every_field_read_only_and_adds_nothing(
    staff_request, staff_client, model
):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    fields = [f.name for f in model._meta.fields]
    assert model_admin.get_readonly_fields(staff_request) == fields
    assert not model_admin.has_add_permission(staff_request)
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert staff_client.get(add).status_code == 403


def test_the_team_list_counts_members_candidates_and_jobs_and_sorts_by_them(
    staff_request, staff_client, recruiter, teammate, team
):
    small = team_create(name="Small team")
    Job.objects.create(title="Nurse", team=small)
    team_admin = admin.site._registry[Team]
    counted = {t.name: t for t in team_admin.get_queryset(staff_request)}
    assert team_admin.member_count(counted[team.name]) == 2
    assert team_admin.member_count(counted["Small team"]) == 0
    assert team_admin.job_count(counted["Small team"]) == 1
    assert team_admin.resume_count(counted["Small team"]) == 0
    # Column 3 is "members": the busiest team comes last in ascending order.
    page = staff_client.get(reverse("admin:recruiting_team_changelist"), {"o": "3"})
    assert page.status_code == 200
    assert [t.name for t in page.context["cl"].result_list][-1] == team.name


def test_the_category_list_counts_resumes_and_jobs(staff_request):
    nursing = Category.objects.create(slug="nursing", name="Nursing")
    Job.objects.create(title="Nurse", category=nursing)
    Job.objects.create(title="Head nurse", category=nursing)
    category_admin = admin.site._registry[Category]
    row = category_admin.get_queryset(staff_request).get(pk=nursing.pk)
    assert (category_admin.job_count(row), category_admin.resume_count(row)) == (2, 0)
