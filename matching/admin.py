"""Django admin for the model registry (activate, roll back), the pipeline, feedback, drift
reports and background runs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from matching import models
from matching.services.registry import model_version_activate
from matching.services.retrain import retrain_enqueue
from recruiting.admin import ReadOnlyAdmin


@admin.register(models.ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "version",
        "status",
        "is_active",
        "embedder_id",
        "headline_metrics",
        "created_at",
        "activated_at",
    ]
    list_filter = ["status", "is_active"]
    search_fields = ["version"]
    actions = ["activate"]

    @admin.display(description="metrics")
    def headline_metrics(self, obj) -> str:
        keys = sorted(k for k in obj.metrics if isinstance(obj.metrics[k], int | float))[:4]
        return ", ".join(f"{k}={obj.metrics[k]:.3f}" for k in keys) or "—"

    @admin.action(description="Activate (or roll back to) the selected version")
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        version = model_version_activate(version=queryset.get(), user=request.user)
        self.message_user(request, f"{version.version} is now active.", messages.SUCCESS)


@admin.register(models.MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ["job", "resume", "user", "decision", "score", "updated_at"]
    list_filter = ["decision"]
    raw_id_fields = ["job", "resume", "user"]
    search_fields = ["job__title", "note"]


class ApplicationEventInline(admin.TabularInline):
    model = models.ApplicationEvent
    extra = 0
    # When, then every field of the event but the application it belongs to.
    fields = [
        "created_at",
        *(
            f.name
            for f in models.ApplicationEvent._meta.fields
            if f.name not in {"id", "application", "created_at"}
        ),
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Stage changes go through the pages or the API, which record them: read-only here."""

    list_display = ["job", "resume", "stage", "rejection_reason", "stage_changed_at"]
    list_filter = ["stage", "rejection_reason"]
    search_fields = ["job__title"]
    raw_id_fields = ["job", "resume", "created_by"]
    list_select_related = ["job", "resume"]
    inlines = [ApplicationEventInline]


@admin.register(models.ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "application", "kind", "from_stage", "to_stage", "actor"]
    list_filter = ["kind", "to_stage"]
    search_fields = ["note"]
    list_select_related = ["application", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.DriftReport)
class DriftReportAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "subject",
        "score",
        "threshold",
        "drifted",
        "window_size",
        "report_link",
    ]
    list_filter = ["kind", "subject", "drifted"]

    @admin.display(description="report")
    def report_link(self, obj) -> str:
        if not obj.report_file:
            return "—"
        return format_html(
            '<a href="{}">Evidently report</a>', reverse("matching:drift_report", args=[obj.pk])
        )


@admin.register(models.RetrainRun)
class RetrainRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "status",
        "progress",
        "trigger",
        "model_version",
        "started_at",
        "finished_at",
        "message",
    ]
    list_filter = ["status", "trigger"]

    @admin.display(description="progress")
    def progress(self, obj) -> str:
        """Stages done of all, the one running now; the list refreshes itself while a run is
        queued or running (static/js/admin_runs.js looks for data-run-active)."""
        if obj.is_finished:
            done = f"{obj.stages_done} of {obj.stages_total} stages" if obj.stages_total else "—"
            return format_html("<span>{}</span>", done)
        if obj.status == models.RetrainRun.Status.QUEUED:
            return format_html("<span data-run-active>{}</span>", "waiting for a worker")
        return format_html(
            '<span data-run-active><progress max="{}" value="{}"></progress> {} of {} stages{}</span>',
            obj.stages_total or 1,
            obj.stages_done,
            obj.stages_done,
            obj.stages_total or "?",
            f", now {obj.stage}" if obj.stage else "",
        )

    # A "Retrain now" button above the list: an admin action would need a run selected first,
    # and there is none on a new installation.
    change_list_template = "admin/matching/retrainrun/change_list.html"

    def get_urls(self):
        retrain = path(
            "retrain/",
            self.admin_site.admin_view(self.retrain_now_view),
            name="matching_retrainrun_retrain",
        )
        return [retrain, *super().get_urls()]

    def retrain_now_view(self, request: HttpRequest) -> HttpResponse:
        """Queue a retrain (the pipeline and the gate) and come back to the list."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        run = retrain_enqueue(trigger="manual")
        self.message_user(
            request,
            f"Retrain #{run.pk} queued. It takes a few minutes; this list shows its progress.",
            messages.SUCCESS,
        )
        return redirect("admin:matching_retrainrun_changelist")


@admin.register(models.PileRun)
class PileRunAdmin(ReadOnlyAdmin):
    """Rankings of a pile that recruiters started from the pages: read-only here."""

    list_display = ["id", "team", "created_by", "status", "processed", "total", "created_at"]
    list_filter = ["status", "team"]
    search_fields = ["title", "job__title"]
    list_select_related = ["team", "created_by"]
