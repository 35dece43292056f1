"""Every model has an admin whose list and add/change pages open for staff."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = {"recruiting", "matching"}


def our_models():
    return [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]


def test_every_model_of_our_apps_is_registered_in_the_admin():
    from django.apps import apps

    registered = set(our_models())
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.auto_created:
                continue
            assert model in registered, f"{model.__name__} has no admin"


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m.__name__)
def test_the_admin_list_page_opens_with_search_and_filters(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(
        url, {"q": "x"} if admin.site._registry[model].search_fields else {}
    )
    assert response.status_code == 200


def test_recruiters_cannot_open_the_admin(recruiter_client):
    response = recruiter_client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_saving_a_source_in_the_admin_mirrors_its_schedule_into_beat(staff_client, team):
    from django_celery_beat.models import PeriodicTask

    from recruiting.models import JobSource

    response = staff_client.post(
        reverse("admin:recruiting_jobsource_add"),
        {
            "name": "Acme board",
            "team": team.pk,
            "kind": "greenhouse",
            "url": "",
            "board_token": "acme",
            "field_map": "{}",
            "schedule": "15 */4 * * *",
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    source = JobSource.objects.get(name="Acme board")
    task = PeriodicTask.objects.get(pk=source.periodic_task_id)
    assert task.enabled
    assert task.crontab.minute == "15" and task.crontab.hour == "*/4"
    assert PeriodicTask.objects.filter(name__startswith="ingest source").count() == 1


def test_a_resume_change_page_opens_and_links_the_file_through_the_audited_download(
    staff, staff_client, django_capture_on_commit_callbacks
):
    from recruiting.models import AuditEvent
    from recruiting.services.resumes import resume_create

    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create(
            owner=staff, data=b"Jane Example\nPython developer\n", filename="cv.txt"
        )
    page = staff_client.get(reverse("admin:recruiting_resume_change", args=[resume.pk]))
    assert page.status_code == 200
    link = reverse("recruiting:resume_file", args=[resume.pk])
    assert f'href="{link}"' in page.content.decode()
    assert staff_client.get(link).status_code == 200
    assert AuditEvent.objects.filter(action="resume.file_downloaded", object_id=resume.pk).exists()


def test_admins_add_recruiters_to_a_team_and_move_them_between_teams(
    staff_client, recruiter, other_team, django_user_model
):
    from recruiting.models import TeamMembership, user_team_id

    nina = django_user_model.objects.create_user("nina", password="a-long-test-password-5")
    response = staff_client.post(
        reverse("admin:recruiting_team_change", args=[other_team.pk]),
        {
            "name": other_team.name,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": nina.pk,
        },
    )
    assert response.status_code == 302
    assert user_team_id(nina) == other_team.pk

    membership = TeamMembership.objects.get(user=recruiter)
    response = staff_client.post(
        reverse("admin:recruiting_teammembership_change", args=[membership.pk]),
        {"user": recruiter.pk, "team": other_team.pk},
    )
    assert response.status_code == 302
    assert TeamMembership.objects.get(user=recruiter).team == other_team
