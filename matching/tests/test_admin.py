"""The matching admin: runs, versions and the pipeline are rows the application writes, shown
read-only; an application's timeline lists every field of its events."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from matching.admin import ApplicationEventInline
from matching.models import (
    Application,
    ApplicationEvent,
    DriftReport,
    ModelVersion,
    PileRun,
    RetrainRun,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [RetrainRun, PileRun, ModelVersion, DriftReport, Application, ApplicationEvent]
)
def test_runs_versions_and_the_pipeline_are_read_only_in_the_admin(staff, staff_client, model):
    request = RequestFactory().get("/admin/")
    request.user = staff
    model_admin = admin.site._registry[model]
    assert model_admin.get_readonly_fields(request) == [f.name for f in model._meta.fields]
    assert not model_admin.has_add_permission(request)
    add = reverse(f"admin:matching_{model._meta.model_name}_add")
    assert staff_client.get(add).status_code == 403


def test_an_applications_timeline_shows_when_then_every_field_of_the_event():
    when, *rest = ApplicationEventInline.fields
    assert when == "created_at"
    assert rest == ["actor", "kind", "from_stage", "to_stage", "rejection_reason", "note", "undoes"]
    assert ApplicationEventInline.readonly_fields == ApplicationEventInline.fields
